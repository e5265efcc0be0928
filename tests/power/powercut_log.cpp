#include "tests/power/powercut_log.hpp"

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <random>
#include <set>
#include <stdexcept>

#include "tests/power/powercut_record.hpp"

namespace linli::power {
namespace {

namespace fs = std::filesystem;
constexpr std::uint64_t kSector = 512;

struct Change {
  bool truncate = false;
  std::uint64_t off = 0;  // where the data goes, or the new size
  std::string data;
};

// One file (an inode): what is on disk, and what was changed since its last sync.
struct File {
  std::string synced;
  std::vector<Change> pending;
};

void put(std::string& content, std::uint64_t off, const char* data, std::size_t n) {
  if (content.size() < off + n) content.resize(off + n, '\0');
  content.replace(off, n, data, n);
}

void apply(std::string& content, const Change& c) {
  if (c.truncate) {
    content.resize(c.off, '\0');
  } else {
    put(content, c.off, c.data.data(), c.data.size());
  }
}

bool is_shm(const std::string& name) {
  return name.size() >= 4 && name.compare(name.size() - 4, 4, "-shm") == 0;
}

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + p.string());
  return std::string(std::istreambuf_iterator<char>(in), {});
}

}  // namespace

Replay rebuild_after_power_cut(const std::string& baseline, const std::string& log,
                               const std::string& out, Cut cut, std::uint64_t seed) {
  Replay r;
  std::vector<File> files;
  std::map<std::string, std::size_t> current;  // the folder's entries now: name → file
  std::map<std::string, std::size_t> durable;  // ... and as the disk holds them
  for (const auto& e : fs::directory_iterator(baseline)) {
    std::string name = e.path().filename().string();
    if (!e.is_regular_file() || is_shm(name)) continue;
    files.push_back({slurp(e.path()), {}});
    current[name] = durable[name] = files.size() - 1;
  }
  constexpr std::size_t kFolder = static_cast<std::size_t>(-1);
  std::map<std::uint32_t, std::size_t> opens;  // the shim's open id → file (or the folder)

  std::string bytes = slurp(log);
  std::size_t at = 0;
  while (at + sizeof(RecordHeader) <= bytes.size()) {
    RecordHeader h;
    std::memcpy(&h, bytes.data() + at, sizeof h);
    if (h.magic != kMagic)
      throw std::runtime_error("power-cut log: bad record at " + std::to_string(at));
    if (at + sizeof h + h.len > bytes.size()) break;  // cut short by the kill: never returned
    const char* data = bytes.data() + at + sizeof h;
    std::string text(data, h.len);
    at += sizeof h + h.len;
    ++r.records;
    auto file_of = [&](std::uint32_t id) -> std::size_t {
      auto it = opens.find(id);
      if (it == opens.end()) {
        throw std::runtime_error("power-cut log: open " + std::to_string(id) + " unknown");
      }
      return it->second;
    };
    switch (static_cast<Op>(h.op)) {
      case Op::open:
        if (text == ".") {
          opens[h.id] = kFolder;
        } else if (h.off & kCreated) {
          files.push_back({});
          opens[h.id] = current[text] = files.size() - 1;
        } else {
          auto it = current.find(text);
          if (it == current.end()) {
            r.unsupported.push_back("opened " + text + ", which the log never saw made");
            files.push_back({});
            it = current.emplace(text, files.size() - 1).first;
          }
          opens[h.id] = it->second;
          if (h.off & kTruncated) files[it->second].pending.push_back({true, 0, {}});
        }
        break;
      case Op::write: {
        std::size_t f = file_of(h.id);
        if (f == kFolder) throw std::runtime_error("power-cut log: a write to the folder");
        files[f].pending.push_back({false, h.off, std::move(text)});
        break;
      }
      case Op::truncate: {
        std::size_t f = file_of(h.id);
        if (f == kFolder) throw std::runtime_error("power-cut log: a truncation of the folder");
        files[f].pending.push_back({true, h.off, {}});
        break;
      }
      case Op::sync: {
        ++r.syncs;
        std::size_t f = file_of(h.id);
        if (f != kFolder) {
          for (const Change& c : files[f].pending) apply(files[f].synced, c);
          files[f].pending.clear();
        }
        durable = current;  // see the header: any sync in the folder commits its entries
        break;
      }
      case Op::close:  // a duplicate may still use it; the next open of the id replaces it
        break;
      case Op::unlink:
        current.erase(text);
        break;
      case Op::unsupported:
        r.unsupported.push_back(text);
        break;
      default:
        throw std::runtime_error("power-cut log: unknown record " + std::to_string(h.op));
    }
  }

  std::mt19937_64 coin(seed);
  for (const auto& e : fs::directory_iterator(out)) fs::remove_all(e.path());
  for (const auto& [name, f] : durable) {
    if (is_shm(name)) continue;
    std::string content = files[f].synced;
    for (const Change& c : files[f].pending) {
      ++r.unsynced_writes;
      r.unsynced_bytes += c.data.size();
      if (cut == Cut::strict) continue;
      if (c.truncate) {
        if (coin() & 1) apply(content, c);
        continue;
      }
      // Sector by sector, each kept or not: a disk may write any of them before the power
      // fails, in any order, but never changes a byte that was not written.
      for (std::uint64_t p = c.off; p < c.off + c.data.size();) {
        std::uint64_t end =
            std::min<std::uint64_t>((p / kSector + 1) * kSector, c.off + c.data.size());
        if (coin() & 1) {
          put(content, p, c.data.data() + (p - c.off), end - p);
          ++r.kept_sectors;
        } else {
          ++r.dropped_sectors;
        }
        p = end;
      }
    }
    std::ofstream o(fs::path(out) / name, std::ios::binary | std::ios::trunc);
    o.write(content.data(), static_cast<std::streamsize>(content.size()));
    if (!o) throw std::runtime_error("cannot write the rebuilt " + name);
    r.files.push_back(name + " (" + std::to_string(content.size()) + " bytes)");
  }
  return r;
}

}  // namespace linli::power
