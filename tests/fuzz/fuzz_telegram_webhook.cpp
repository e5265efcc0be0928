// libFuzzer's entry point for the harness in telegram_webhook_harness.cpp.

#include "tests/fuzz/harnesses.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  return linli::fuzz::fuzz_telegram_webhook(data, size);
}
