#pragma once
// `linli export KIND --config FILE --from YYYY-MM-DD --to YYYY-MM-DD [--out FILE]`: CSV of
// storage/exports.hpp's kinds, to standard output or a file. Reads the service's database (its
// WAL lets the service go on meanwhile), never creates one.

#include <cstdint>
#include <ostream>
#include <string>
#include <vector>

namespace linli {

// `args` are those after "export". Returns the exit code: 0 written, 1 the data could not be
// read or written, 2 bad usage, a bad range or a bad config; each error says why on `err`.
int export_command(const std::vector<std::string>& args, std::ostream& out, std::ostream& err,
                   const char* (*env)(const char*), std::int64_t now_ms);

}  // namespace linli
