#pragma once
// Every platform Linli speaks, keyed by the "type" of an adapter section: how to read the
// section, and how to make the adapter. Adding a platform is its folder plus one line in
// registry.cpp.

#include <memory>
#include <span>
#include <string>

#include "adapters/adapter.hpp"
#include "config/config.hpp"

namespace linli {

std::span<const PlatformParser> platform_parsers();
// The adapter of an instance that parse_config accepted.
std::unique_ptr<Adapter> make_adapter(const AdapterConfig& config);

// The config file read with every platform's parser.
Config parse_config(const std::string& json_text, EnvLookup env);
Config load_config(const std::string& path, EnvLookup env);

}  // namespace linli
