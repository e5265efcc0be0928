#include "adapters/wecom/wecom_xml.hpp"

namespace linli::wecom {

namespace {

constexpr std::size_t kMaxFields = 64;

bool space(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

bool name_char(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
}

class Reader {
 public:
  explicit Reader(std::string_view s) : s_(s) {}

  void skip_space() {
    while (i_ < s_.size() && space(s_[i_])) ++i_;
  }
  bool eat(std::string_view t) {
    if (s_.substr(i_, t.size()) != t) return false;
    i_ += t.size();
    return true;
  }
  bool at_end() const { return i_ == s_.size(); }
  bool peek(std::string_view t) const { return s_.substr(i_, t.size()) == t; }

  // A tag's name up to its '>' (or "/>" when `empty` may be set): no attributes.
  std::optional<std::string> name(bool* empty) {
    std::size_t start = i_;
    while (i_ < s_.size() && name_char(s_[i_])) ++i_;
    if (i_ == start) return std::nullopt;
    std::string n(s_.substr(start, i_ - start));
    if (empty && eat("/>")) {
      *empty = true;
      return n;
    }
    if (!eat(">")) return std::nullopt;
    return n;
  }

  // The text up to the next '<': entities decoded; nullopt for a stray '&' or '>'-less end.
  std::optional<std::string> text() {
    std::string out;
    while (i_ < s_.size() && s_[i_] != '<') {
      if (s_[i_] != '&') {
        out += s_[i_++];
        continue;
      }
      static constexpr std::pair<std::string_view, char> kEntities[] = {
          {"&lt;", '<'}, {"&gt;", '>'}, {"&amp;", '&'}, {"&quot;", '"'}, {"&apos;", '\''}};
      bool known = false;
      for (auto [entity, c] : kEntities) {
        if (eat(entity)) {
          out += c;
          known = true;
          break;
        }
      }
      if (!known) return std::nullopt;
    }
    if (i_ == s_.size()) return std::nullopt;
    return out;
  }

  std::optional<std::string> cdata() {
    if (!eat("<![CDATA[")) return std::nullopt;
    auto end = s_.find("]]>", i_);
    if (end == std::string_view::npos) return std::nullopt;
    std::string out(s_.substr(i_, end - i_));
    i_ = end + 3;
    return out;
  }

 private:
  std::string_view s_;
  std::size_t i_ = 0;
};

}  // namespace

std::optional<XmlFields> parse_flat_xml(std::string_view xml) {
  Reader r(xml);
  r.skip_space();
  if (!r.eat("<xml>")) return std::nullopt;
  XmlFields fields;
  for (;;) {
    r.skip_space();
    if (r.eat("</xml>")) break;
    if (!r.eat("<") || r.peek("/")) return std::nullopt;
    bool empty = false;
    auto name = r.name(&empty);
    if (!name || fields.count(*name) || fields.size() == kMaxFields) return std::nullopt;
    std::string value;
    if (!empty) {
      if (r.peek("<![CDATA[")) {
        auto v = r.cdata();
        if (!v) return std::nullopt;
        value = std::move(*v);
      } else {
        auto v = r.text();
        if (!v) return std::nullopt;
        value = std::move(*v);
      }
      if (!r.eat("</")) return std::nullopt;
      auto closing = r.name(nullptr);
      if (!closing || *closing != *name) return std::nullopt;
    }
    fields.emplace(std::move(*name), std::move(value));
  }
  r.skip_space();
  if (!r.at_end()) return std::nullopt;
  return fields;
}

}  // namespace linli::wecom
