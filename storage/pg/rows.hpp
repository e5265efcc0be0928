#pragma once
// Reading a PostgreSQL result's columns into the domain's records: the few conversions every
// repository of the PostgreSQL engine needs. Columns that may be NULL are read through
// coalesce() in the statement, as SQLite's repositories read them through IFNULL().

#include <cstdint>
#include <string>

#include "storage/pg/connection.hpp"

namespace linli::storage::pg {

inline std::string str(const Result& r, int row, int column) {
  return std::string(r.text(row, column));
}
inline int int32(const Result& r, int row, int column) {
  return static_cast<int>(r.integer(row, column));
}
inline bool flag(const Result& r, int row, int column) {
  return r.integer(row, column) != 0;
}
// The next id of a table's identity column, taken before the row is inserted: what a sealed
// column's associated data needs (the row's id) in the one INSERT that writes the row.
inline std::int64_t next_id(Connection& c, const char* table) {
  return c.exec("SELECT nextval(pg_get_serial_sequence($1, 'id'))", {std::string_view(table)})
      .integer(0, 0);
}

}  // namespace linli::storage::pg
