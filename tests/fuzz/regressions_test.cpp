// Replays every input kept for the fuzzers, the seeds in tests/fuzz/corpus/<target>/ and the
// inputs that once broke something in tests/fuzz/regressions/<target>/, through the same harness
// functions the fuzzers call: one test per file, so a failure names its input. A violated
// invariant traps, which fails the test (and, under ctest, only that test).

#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <ostream>
#include <string>
#include <vector>

#include "tests/fuzz/harnesses.hpp"

namespace linli::test {
namespace {

namespace fs = std::filesystem;

using Harness = int (*)(const std::uint8_t*, std::size_t);

struct Target {
  const char* name;
  Harness harness;
};

constexpr Target kTargets[] = {
    {"telegram_webhook", fuzz::fuzz_telegram_webhook},
    {"playground_webhook", fuzz::fuzz_playground_webhook},
    {"command_parser", fuzz::fuzz_command_parser},
    {"config", fuzz::fuzz_config},
};

struct Input {
  Target target;
  std::string kind;  // "corpus" or "regressions"
  fs::path path;
};

// How ctest and failures name an input: "regressions/config/telegram_username_only_at".
void PrintTo(const Input& in, std::ostream* os) {
  *os << in.kind << "/" << in.target.name << "/" << in.path.filename().string();
}

fs::path fuzz_dir() {
  return fs::path(LINLI_SOURCE_DIR) / "tests" / "fuzz";
}

std::vector<Input> inputs() {
  std::vector<Input> out;
  for (const Target& t : kTargets) {
    for (const char* kind : {"corpus", "regressions"}) {
      fs::path dir = fuzz_dir() / kind / t.name;
      if (!fs::is_directory(dir)) continue;
      std::vector<fs::path> files;
      for (const auto& e : fs::directory_iterator(dir)) {
        if (e.is_regular_file() && e.path().filename().string().front() != '.') {
          files.push_back(e.path());
        }
      }
      std::sort(files.begin(), files.end());
      for (auto& f : files) out.push_back({t, kind, std::move(f)});
    }
  }
  return out;
}

std::string test_name(const ::testing::TestParamInfo<Input>& info) {
  std::string name =
      info.param.kind + "_" + info.param.target.name + "_" + info.param.path.filename().string();
  std::replace_if(
      name.begin(), name.end(), [](char c) { return !std::isalnum(static_cast<unsigned char>(c)); },
      '_');
  return name;
}

class FuzzInput : public ::testing::TestWithParam<Input> {};

TEST_P(FuzzInput, PassesItsHarness) {
  const Input& in = GetParam();
  std::ifstream f(in.path, std::ios::binary);
  ASSERT_TRUE(f) << in.path;
  std::vector<char> bytes((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
  EXPECT_EQ(in.target.harness(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size()),
            0);
}

INSTANTIATE_TEST_SUITE_P(Kept, FuzzInput, ::testing::ValuesIn(inputs()), test_name);

TEST(FuzzInputs, EveryTargetHasSeeds) {
  for (const Target& t : kTargets) {
    fs::path seeds = fuzz_dir() / "corpus" / t.name;
    EXPECT_TRUE(fs::is_directory(seeds) && !fs::is_empty(seeds)) << t.name;
  }
}

// The empty input reaches every harness too: libFuzzer always tries it first.
TEST(FuzzInputs, EmptyInputPassesEveryHarness) {
  for (const Target& t : kTargets) EXPECT_EQ(t.harness(nullptr, 0), 0) << t.name;
}

}  // namespace
}  // namespace linli::test
