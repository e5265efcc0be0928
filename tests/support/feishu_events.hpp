#pragma once
// Feishu event requests as Feishu sends them (PLATFORMS.md §c): a schema 2.0 envelope,
// encrypted with the Encrypt Key ({"encrypt": base64(iv | AES-256-CBC(PKCS#7(json)))}, key
// SHA-256(encrypt_key)) and signed with X-Lark-Signature = hex(sha256(timestamp + nonce +
// encrypt_key + body)). Event ids count up, so each built event is new to the service.

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "adapters/crypto.hpp"

namespace linli::test {

struct FeishuUser {
  std::string open_id;
  std::string name;
};

struct FeishuRequest {
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
};

class FeishuEvents {
 public:
  FeishuEvents(std::string verification_token, std::string encrypt_key)
      : token_(std::move(verification_token)), key_(std::move(encrypt_key)) {}

  nlohmann::json envelope(const std::string& event_type, nlohmann::json event) {
    return {{"schema", "2.0"},
            {"header",
             {{"event_id", "ev_" + std::to_string(++next_)},
              {"event_type", event_type},
              {"create_time", "1800000000000"},
              {"token", token_},
              {"app_id", "cli_test"},
              {"tenant_key", "tenant_test"}}},
            {"event", std::move(event)}};
  }

  // A text message. `mention_bot` puts "@_user_1 " before the text, with the bot in mentions[].
  nlohmann::json message(const std::string& chat_id, bool group, const FeishuUser& from,
                         const std::string& text, const std::string& parent_id = "",
                         bool mention_bot = false) {
    nlohmann::json mentions = nlohmann::json::array();
    std::string t = text;
    if (mention_bot) {
      t = "@_user_1 " + text;
      mentions.push_back({{"key", "@_user_1"},
                          {"id", {{"open_id", "ou_bot"}, {"union_id", "on_bot"}}},
                          {"name", "邻里"},
                          {"tenant_key", "tenant_test"}});
    }
    std::string id = "om_in_" + std::to_string(++next_);
    nlohmann::json message = {
        {"message_id", id},       {"root_id", parent_id},
        {"parent_id", parent_id}, {"create_time", "1800000000000"},
        {"chat_id", chat_id},     {"chat_type", group ? "group" : "p2p"},
        {"message_type", "text"}, {"content", nlohmann::json{{"text", t}}.dump()},
        {"mentions", mentions}};
    return envelope("im.message.receive_v1",
                    {{"sender",
                      {{"sender_id", {{"open_id", from.open_id}, {"union_id", "on_x"}}},
                       {"sender_type", "user"},
                       {"tenant_key", "tenant_test"}}},
                     {"message", message}});
  }

  nlohmann::json card_action(const FeishuUser& who, const std::string& chat_id,
                             const std::string& message_id, const nlohmann::json& value) {
    return envelope("card.action.trigger",
                    {{"operator", {{"open_id", who.open_id}, {"tenant_key", "tenant_test"}}},
                     {"token", "c-token"},
                     {"action", {{"tag", "button"}, {"value", value}}},
                     {"host", "im_message"},
                     {"context", {{"open_message_id", message_id}, {"open_chat_id", chat_id}}}});
  }

  // {"encrypt": ...} of `plain`, with a random IV.
  std::string encrypt(const std::string& plain) const {
    std::string iv = crypto::random_bytes(16);
    auto c = crypto::aes256_cbc_encrypt(crypto::sha256(key_), iv, crypto::pkcs7_pad(plain, 16));
    return nlohmann::json{{"encrypt", encode_base64(iv + c.value())}}.dump();
  }

  static std::string sign(const std::string& ts, const std::string& nonce, const std::string& key,
                          const std::string& body) {
    return crypto::hex(crypto::sha256(ts + nonce + key + body));
  }

  // The request for `event`: encrypted and signed at `now_s` with the Encrypt Key.
  FeishuRequest request(const nlohmann::json& event, std::int64_t now_s) const {
    return request_signed_with(event, now_s, key_);
  }
  FeishuRequest request_signed_with(const nlohmann::json& event, std::int64_t now_s,
                                    const std::string& key) const {
    FeishuRequest r;
    r.body = encrypt(event.dump());
    std::string ts = std::to_string(now_s);
    std::string nonce = "nonce" + std::to_string(now_s);
    r.headers = {{"X-Lark-Request-Timestamp", ts},
                 {"X-Lark-Request-Nonce", nonce},
                 {"X-Lark-Signature", sign(ts, nonce, key, r.body)}};
    return r;
  }

 private:
  std::string token_;
  std::string key_;
  int next_ = 0;
};

}  // namespace linli::test
