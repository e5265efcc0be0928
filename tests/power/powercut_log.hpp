#pragma once
// Replays the power-cut shim's log (powercut_shim.cpp): rebuilds a folder as a disk would hold
// it if the power had failed at the instant the recorded process was killed. Files start as the
// baseline copy taken before the process started (all of it on disk), then:
// - a file's data: writes and truncations are on disk once an fsync/fdatasync of that file has
//   returned after them; what came after its last sync is dropped (Cut::strict), or each
//   512-byte sector of it and each truncation kept or dropped by a seeded coin (Cut::torn);
// - the folder's entries (a file created, a file unlinked) are on disk once any sync in the
//   folder returned after them: the folder's own fsync, which SQLite makes after creating a
//   journal or a WAL, or a file's, as ext4 (data=ordered) and XFS commit their metadata journal
//   on every fsync. A created file whose entry is not on disk is gone; an unlinked one is back.
// The -shm file is never kept: SQLite rebuilds it from the WAL after a crash.

#include <cstdint>
#include <string>
#include <vector>

namespace linli::power {

enum class Cut {
  strict,  // everything unsynced dropped
  torn,    // a seeded part of the unsynced writes kept, sector by sector
};

struct Replay {
  std::size_t records = 0;
  std::size_t syncs = 0;
  std::size_t unsynced_writes = 0;  // writes not covered by a sync at the cut
  std::size_t unsynced_bytes = 0;
  std::size_t kept_sectors = 0;          // of those, sectors the torn cut kept
  std::size_t dropped_sectors = 0;       // ... and dropped
  std::vector<std::string> files;        // the files rebuilt, "name (bytes)"
  std::vector<std::string> unsupported;  // what the log says the model cannot replay
};

// Reads `log` and writes the folder `out` (emptied first) from the files of `baseline` plus the
// log. `seed` decides the torn cut. Throws on a log it cannot read.
Replay rebuild_after_power_cut(const std::string& baseline, const std::string& log,
                               const std::string& out, Cut cut, std::uint64_t seed);

}  // namespace linli::power
