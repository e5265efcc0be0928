#pragma once
// The playground's own keys: {"type": "playground", "name", "people": [{"id", "name", "lang"}]}.

#include <string>
#include <vector>

#include "config/config.hpp"

namespace linli {

struct PlaygroundPerson {
  std::string id;    // platform user id inside the playground
  std::string name;  // display name
  std::string lang;  // "zh" or "en"
};

struct PlaygroundConfig final : PlatformSettings {
  std::vector<PlaygroundPerson> people;
};

void parse_playground_config(const ConfigSection& section, AdapterConfig& adapter);

}  // namespace linli
