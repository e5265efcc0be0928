#pragma once
// A small strict reader for the only XML WeCom sends: one flat <xml> element whose children
// hold text, as CDATA or as plain text with the five predefined entities:
//   <xml><ToUserName><![CDATA[ww...]]></ToUserName><CreateTime>1409659813</CreateTime>...</xml>
// Anything else (attributes, nesting, a prologue, a child twice, other entities, bytes after
// </xml>) is refused: a callback is ours to read exactly, or not at all.

#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace linli::wecom {

using XmlFields = std::map<std::string, std::string, std::less<>>;

std::optional<XmlFields> parse_flat_xml(std::string_view xml);

}  // namespace linli::wecom
