#pragma once
// `linli export KIND`: the data coordinators take into a spreadsheet, as CSV (issue 11).
//
// Each kind is one function from the export's context (the database, the communities with their
// zones, the range of local days) to a table; export_kinds() lists them. Adding a kind is
// writing its function and adding its line there: the command line, the range, the CSV and its
// errors are shared.
//
// What is exported, and what is not: the hours counted (capped per day, or as corrected, with
// the correction's reason); help requests without their addresses (private, and erased once a
// request is closed) and with phone numbers and addresses masked in what residents typed;
// volunteers with their phone numbers, which a coordinator needs to reach them (decrypted with
// the service's encryption_key, which the export then needs too); the fleet's trips with their
// drivers, plates and every time they went through.

#include <cstdint>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "config/config.hpp"
#include "storage/store.hpp"

namespace linli::storage {

// The config does not fit the database (phone numbers encrypted and no encryption_key): an
// operator's error, which the command reports as a bad config.
class ExportConfigError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct ExportTable {
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> rows;
};

struct ExportContext {
  SqliteStore& store;
  const Config& config;
  std::string from_date;  // "YYYY-MM-DD", both days included, in each community's zone
  std::string to_date;
  std::int64_t now = 0;  // an open shift counts until now
};

struct ExportKind {
  std::string_view name;
  std::string_view what;  // for the usage text
  ExportTable (*run)(ExportContext&);
};

std::span<const ExportKind> export_kinds();
const ExportKind* find_export(std::string_view name);

// The table as CSV for spreadsheets: RFC 4180 (CRLF line ends; a field with a comma, a quote or
// a line break quoted, its quotes doubled), UTF-8 with a byte order mark, which Excel needs to
// read UTF-8 (without it, Chinese comes out garbled). A text field that a spreadsheet would run
// as a formula (it begins with = or @, a tab or a carriage return, or with + or - not followed
// by a number or a phone number such as "+86 138 0013 8000") gets a leading ' so that it is
// shown instead.
std::string to_csv(const ExportTable& table);

}  // namespace linli::storage
