#pragma once
// The page of the playground, built into the binary from adapters/playground/web.
#include <string_view>

namespace linli::playground_assets {
extern const std::string_view index_html;
extern const std::string_view app_js;
extern const std::string_view style_css;
}  // namespace linli::playground_assets
