#pragma once
// The records the power-cut shim (powercut_shim.cpp) appends to its log and powercut_log.cpp
// replays: a fixed header, then `len` bytes (the data written, or a file's name). Native byte
// order: the log is read on the machine that wrote it.

#include <cstdint>

namespace linli::power {

enum class Op : std::uint32_t {
  open = 1,      // off: kCreated | kTruncated; data: the name in the folder, "." for the folder
  write = 2,     // off: where; data: the bytes the kernel took
  truncate = 3,  // off: the new size
  sync = 4,      // fsync or fdatasync returned 0
  close = 5,
  unlink = 6,       // data: the name
  unsupported = 7,  // data: what the replay cannot model
};

constexpr std::uint64_t kCreated = 1;         // the open created the file
constexpr std::uint64_t kTruncated = 2;       // the open emptied an existing file (O_TRUNC)
constexpr std::uint32_t kMagic = 0x50435554;  // "PCUT"

struct RecordHeader {
  std::uint32_t magic = kMagic;
  std::uint32_t op = 0;
  std::uint32_t id = 0;  // the open the record belongs to (numbered from 1 per process)
  std::uint32_t len = 0;
  std::uint64_t off = 0;
};

}  // namespace linli::power
