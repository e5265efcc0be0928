#pragma once
// The fuzz harnesses: one function per target, each feeding one input to a parser that reads
// what others send us and checking what it gives back. The libFuzzer mains (fuzz_<target>.cpp)
// and the regression test (regressions_test.cpp) call the same functions, so an input that once
// crashed a fuzzer is replayed by every normal test run.
//
// A harness returns 0 for every input. A violated invariant, or an exception where none may
// escape, prints what broke and traps: libFuzzer then saves the input, and a regression test
// dies on it.

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <string_view>

namespace linli::fuzz {

// Telegram webhook. The first byte picks the request's shape by its low four bits: 0 no secret
// header, 1 a wrong secret, 2 a prefix of the secret, 4 the right secret on GET, anything else
// the right secret on POST (the seeds start with 'S'). The rest is the body.
int fuzz_telegram_webhook(const std::uint8_t* data, std::size_t size);
// Playground webhook: the first byte as for Telegram (only 4, GET, matters), the rest the body.
int fuzz_playground_webhook(const std::uint8_t* data, std::size_t size);
// The command parser and the vocabulary and time parsers, all on the same text.
int fuzz_command_parser(const std::uint8_t* data, std::size_t size);
// The config parser: it returns a valid Config or throws ConfigError, nothing else.
int fuzz_config(const std::uint8_t* data, std::size_t size);

[[noreturn]] inline void violated(const char* what, std::string_view detail, const char* file,
                                  int line) {
  std::fprintf(stderr, "fuzz invariant violated at %s:%d: %s %.*s\n", file, line, what,
               static_cast<int>(detail.size()), detail.data());
  __builtin_trap();
}

}  // namespace linli::fuzz

// A macro rather than a function: the message names the condition and the line it is on.
#define LINLI_FUZZ_CHECK(cond) \
  ((cond) ? void() : ::linli::fuzz::violated(#cond, {}, __FILE__, __LINE__))
