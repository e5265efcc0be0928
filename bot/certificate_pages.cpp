#include "bot/certificate_pages.hpp"

#include "bot/router.hpp"
#include "dialogs/catalogue.hpp"
#include "dialogs/certificates.hpp"
#include "dialogs/hours.hpp"

namespace linli {
namespace {

constexpr std::string_view kStyle =
    "body{font-family:'Noto Serif CJK SC','Songti SC',serif;background:#f4f1ea;margin:0;"
    "padding:2rem;color:#222}main{max-width:42rem;margin:auto;background:#fff;padding:3rem;"
    "border:6px double #a33}h1{text-align:center;letter-spacing:.3em;color:#a33}"
    ".statement{font-size:1.2rem;line-height:2}table{width:100%;border-collapse:collapse;"
    "margin:1.5rem 0}th,td{text-align:left;vertical-align:top;padding:.4rem;border-bottom:1px "
    "solid #ddd}th{white-space:nowrap;width:8rem}.verdict{font-size:1.2rem;font-weight:bold}"
    ".revoked{border-color:#777;color:#555}.revoked .verdict,.invalid .verdict{color:#a00}"
    ".code{font-family:monospace}@media print{body{background:#fff;padding:0}main{border-width:"
    "4px}}";

HttpResponse html(int status, std::string lang, const std::string& title, const std::string& body) {
  std::string out = "<!doctype html>\n<html lang=\"" + html_escape(lang) +
                    "\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" "
                    "content=\"width=device-width, initial-scale=1\"><title>" +
                    html_escape(title) + "</title><style>" + std::string(kStyle) +
                    "</style></head><body>" + body + "</body></html>\n";
  HttpResponse r{status, "text/html; charset=utf-8", std::move(out), {}};
  // A revocation must show at once, however the page was seen before.
  r.headers.emplace_back("Cache-Control", "no-store");
  r.headers.emplace_back("X-Content-Type-Options", "nosniff");
  r.headers.emplace_back("Content-Security-Policy",
                         "default-src 'none'; style-src 'unsafe-inline'");
  return r;
}

}  // namespace

std::string html_escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

void CertificatePages::mount(Router& router) {
  router.add_prefix("GET", "/certificates/", [this](HttpRequest& r) {
    return certificate(percent_decode(r.path.substr(std::string_view("/certificates/").size())));
  });
  router.add_prefix("GET", "/verify/", [this](HttpRequest& r) {
    return verification(percent_decode(r.path.substr(std::string_view("/verify/").size())));
  });
}

void CertificatePages::mount_async(Router& router, Reader read) {
  for (auto [prefix, verdict_first] : {std::pair<std::string, bool>{"/certificates/", false},
                                       std::pair<std::string, bool>{"/verify/", true}}) {
    router.add_prefix_async("GET", prefix, [this, read, prefix, verdict_first](HttpRequest& r) {
      std::string code = percent_decode(r.path.substr(prefix.size()));
      return read([this, code, verdict_first](Certificates& certificates) {
        return page(certificates, code, verdict_first);
      });
    });
  }
}

HttpResponse CertificatePages::certificate(const std::string& code) {
  return page(code, false);
}

HttpResponse CertificatePages::verification(const std::string& code) {
  return page(code, true);
}

HttpResponse CertificatePages::page(const std::string& code, bool verdict_first) {
  return page(certificates_, code, verdict_first);
}

HttpResponse CertificatePages::page(Certificates& certificates, const std::string& code,
                                    bool verdict_first) {
  const CertificateCheck check = certificates.check(code);
  if (check.status == CertificateStatus::invalid) {
    const Lang l = lang_from_code(config_.lang, Lang::zh);
    const std::string said = say(l, Msg::cert_invalid_page);
    return html(404, std::string(lang_code(l)), said,
                "<main class=\"invalid\"><h1>" + html_escape(say(l, Msg::cert_title)) +
                    "</h1><p class=\"verdict\">❌ " + html_escape(said) + "</p><p class=\"code\">" +
                    html_escape(code.size() > 64 ? code.substr(0, 64) : code) + "</p></main>");
  }
  const Certificate& c = *check.certificate;
  const Lang l = lang_from_code(c.lang, Lang::zh);
  const Community* community = dir_.community(c.community_id);
  const int offset = community ? community->utc_offset_min : config_.utc_offset_min;
  const certificates::CertificateView v = certificates::view(c, offset);
  const bool revoked = check.status == CertificateStatus::revoked;
  std::string verdict = revoked ? say(l, Msg::verify_revoked,
                                      {{"code", c.code}, {"date", iso_date(c.revoked_at, offset)}})
                                : say(l, Msg::verify_valid_page);
  std::string body = std::string("<main class=\"") + (revoked ? "revoked" : "valid") + "\">";
  if (revoked || verdict_first) body += "<p class=\"verdict\">" + html_escape(verdict) + "</p>";
  body += "<h1>" + html_escape(v.title) + "</h1><p class=\"statement\">" +
          html_escape(v.statement) + "</p><table>";
  for (const auto& [label, value] : v.rows) {
    body += "<tr><th>" + html_escape(label) + "</th><td" +
            (label == say(l, Msg::cert_code) ? " class=\"code\"" : "") + ">" + html_escape(value) +
            "</td></tr>";
  }
  body += "</table><p>" + html_escape(say(l, Msg::cert_how_to_verify, {{"code", c.code}})) +
          "</p></main>";
  return html(revoked ? 410 : 200, std::string(lang_code(l)), v.title, body);
}

}  // namespace linli
