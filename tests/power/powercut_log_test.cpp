// The power-cut shim and its replay, on files written by dd (coreutils) under the shim: what
// was synced survives, what came after is dropped (strict) or kept in part, sector by sector
// (torn), a file whose entry was never synced is gone, and the -shm file is never kept.

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "tests/power/powercut_log.hpp"
#include "tests/support/process.hpp"
#include "tests/support/temp_dir.hpp"

namespace linli::power {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

class PowerCut : public ::testing::Test {
 protected:
  PowerCut() {
    fs::create_directories(data_);
    fs::create_directories(baseline_);
    fs::create_directories(out_);
  }

  // Runs dd under the shim, watching data_.
  void dd(const std::vector<std::string>& args) {
    std::vector<std::string> argv = {"/bin/dd"};
    argv.insert(argv.end(), args.begin(), args.end());
    test::Process p(argv, tmp_.path(),
                    {std::string("LD_PRELOAD=") + POWERCUT_SHIM, "POWERCUT_DIR=" + data_,
                     "POWERCUT_LOG=" + log_});
    ASSERT_EQ(p.wait_exit(20s), 0) << p.err();
  }

  std::string file(const std::string& name, char c, std::size_t n) {
    std::string path = tmp_.path() + "/" + name;
    std::ofstream(path, std::ios::binary) << std::string(n, c);
    return path;
  }

  Replay rebuild(Cut cut, std::uint64_t seed = 1) {
    return rebuild_after_power_cut(baseline_, log_, out_, cut, seed);
  }

  std::string rebuilt(const std::string& name) {
    std::ifstream in(out_ + "/" + name, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
  }

  test::TempDir tmp_;
  std::string data_ = tmp_.path() + "/data";
  std::string baseline_ = tmp_.path() + "/baseline";
  std::string out_ = tmp_.path() + "/out";
  std::string log_ = tmp_.path() + "/log";
};

TEST_F(PowerCut, WhatWasSyncedSurvivesAndWhatCameAfterIsDropped) {
  dd({"if=" + file("a", 'a', 4096), "of=" + data_ + "/db", "bs=4096", "conv=fsync", "status=none"});
  dd({"if=" + file("b", 'b', 1024), "of=" + data_ + "/db", "bs=512", "seek=1", "conv=notrunc",
      "status=none"});
  Replay r = rebuild(Cut::strict);
  EXPECT_TRUE(r.unsupported.empty());
  EXPECT_EQ(r.unsynced_writes, 2u);  // dd writes block by block
  EXPECT_EQ(rebuilt("db"), std::string(4096, 'a'));
  // The process really wrote it: the shim records, it does not prevent.
  std::ifstream in(data_ + "/db", std::ios::binary);
  std::string now((std::istreambuf_iterator<char>(in)), {});
  EXPECT_EQ(now.substr(512, 1024), std::string(1024, 'b'));
}

TEST_F(PowerCut, ATornCutKeepsWholeSectorsOfWhatWasNotSynced) {
  dd({"if=" + file("a", 'a', 8192), "of=" + data_ + "/db", "bs=8192", "conv=fsync", "status=none"});
  dd({"if=" + file("b", 'b', 4096), "of=" + data_ + "/db", "bs=4096", "seek=1", "conv=notrunc",
      "status=none"});
  std::size_t kept = 0, dropped = 0;
  for (std::uint64_t seed = 1; seed <= 8; ++seed) {
    Replay r = rebuild(Cut::torn, seed);
    ASSERT_EQ(r.kept_sectors + r.dropped_sectors, 8u);
    kept += r.kept_sectors;
    dropped += r.dropped_sectors;
    std::string db = rebuilt("db");
    ASSERT_EQ(db.size(), 8192u);
    EXPECT_EQ(db.substr(0, 4096), std::string(4096, 'a'));  // never written again
    std::size_t bs = 0;
    for (std::size_t s = 8; s < 16; ++s) {
      std::string sector = db.substr(s * 512, 512);
      ASSERT_TRUE(sector == std::string(512, 'a') || sector == std::string(512, 'b')) << s;
      bs += sector[0] == 'b';
    }
    EXPECT_EQ(bs, r.kept_sectors);
  }
  EXPECT_GT(kept, 0u);
  EXPECT_GT(dropped, 0u);
}

TEST_F(PowerCut, AFileNeverSyncedIsGoneAndTheBaselineStays) {
  std::ofstream(baseline_ + "/old", std::ios::binary) << "kept";
  std::ofstream(data_ + "/old", std::ios::binary) << "kept";
  std::ofstream(baseline_ + "/linli.db-shm", std::ios::binary) << "rebuilt by SQLite";
  dd({"if=" + file("a", 'a', 512), "of=" + data_ + "/new", "status=none"});
  Replay r = rebuild(Cut::torn, 7);
  EXPECT_FALSE(fs::exists(out_ + "/new"));
  EXPECT_FALSE(fs::exists(out_ + "/linli.db-shm"));
  EXPECT_EQ(rebuilt("old"), "kept");
  EXPECT_EQ(r.syncs, 0u);
}

TEST_F(PowerCut, AFolderEntryIsOnDiskOnceASyncFollowsIt) {
  dd({"if=" + file("a", 'a', 512), "of=" + data_ + "/first", "status=none"});
  dd({"if=" + file("b", 'b', 512), "of=" + data_ + "/second", "conv=fsync", "status=none"});
  rebuild(Cut::strict);
  // "first" was created before a sync: its entry is on disk, its data (never synced) is not.
  EXPECT_TRUE(fs::exists(out_ + "/first"));
  EXPECT_EQ(rebuilt("first"), "");
  EXPECT_EQ(rebuilt("second"), std::string(512, 'b'));
}

}  // namespace
}  // namespace linli::power
