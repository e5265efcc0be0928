// libFuzzer's entry point for the harness in command_parser_harness.cpp.

#include "tests/fuzz/harnesses.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  return linli::fuzz::fuzz_command_parser(data, size);
}
