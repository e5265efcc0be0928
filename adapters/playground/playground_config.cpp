#include "adapters/playground/playground_config.hpp"

#include <memory>
#include <set>
#include <string>

#include "config/section.hpp"

namespace linli {

void parse_playground_config(const ConfigSection& r, AdapterConfig& a) {
  r.allow({"type", "name", "webhook_path", "rate_limits", "people"});
  if (!r.has("webhook_path")) a.webhook_path = "/playground/webhook";
  auto p = std::make_shared<PlaygroundConfig>();
  // The page has nobody to type as without people: that is an operator's mistake, not an empty
  // playground, so it stops start-up like any other.
  const char* kNeedsPeople =
      "a playground needs the people who can type in it: [{\"id\", \"name\"}]";
  if (!r.has("people")) r.fail("people", std::string("missing (") + kNeedsPeople + ")");
  std::set<std::string> ids;
  r.each("people", true, [&](const nlohmann::json& j, const std::string& path) {
    ConfigSection person(j, path, r.env());
    person.allow({"id", "name", "lang"});
    std::string id = person.nonempty("id");
    if (!ids.insert(id).second) person.fail("id", "\"" + id + "\" is named twice");
    p->people.push_back({id, person.nonempty("name"), person.one_of("lang", "zh", {"zh", "en"})});
  });
  if (p->people.empty()) r.fail("people", std::string("is empty (") + kNeedsPeople + ")");
  a.bot_username = "linli_bot";
  // The page shows buttons, edits messages and opens any private chat: like Telegram, without
  // its limits on text or button data beyond what keeps a page readable.
  a.capabilities.buttons = true;
  a.capabilities.edits = true;
  a.capabilities.reply_prompts = false;
  a.capabilities.max_text = 4096;
  a.capabilities.max_button_data = 64;
  a.capabilities.private_chat_is_user_id = true;
  a.settings = std::move(p);
}

}  // namespace linli
