#pragma once
// The public pages of certificates of service (issue 11): GET /certificates/<code>, the
// printable certificate, and GET /verify/<code>, the verdict first. Anyone may open them: what
// they show is what the volunteer asked to be certified, never a phone number or an address.
// A code that is unknown, altered or forged gets 404; a revoked certificate 410, and says so.
// On SQLite it runs on the io_context thread, reading the store between decisions. On
// PostgreSQL (mount_async) the page is read and rendered in a unit of work on the pool, with the
// worker's Certificates, and the directory read under its shared lock (bot/pg_runtime.hpp).

#include <functional>
#include <string>

#include <boost/asio/awaitable.hpp>

#include "adapters/http_types.hpp"
#include "config/config.hpp"
#include "dialogs/directory.hpp"
#include "dialogs/ports.hpp"

namespace linli {

class Router;

class CertificatePages {
 public:
  CertificatePages(Certificates& certificates, const Directory& dir, const Config& config)
      : certificates_(certificates), dir_(dir), config_(config) {}

  void mount(Router& router);
  // Runs `page` where the certificates can be read, and answers with what it rendered.
  using Reader = std::function<boost::asio::awaitable<HttpResponse>(
      std::function<HttpResponse(Certificates&)> page)>;
  void mount_async(Router& router, Reader read);
  // The page of `code` read from `certificates` (any thread that may use them).
  HttpResponse page(Certificates& certificates, const std::string& code, bool verdict_first);
  HttpResponse certificate(const std::string& code);
  HttpResponse verification(const std::string& code);

 private:
  HttpResponse page(const std::string& code, bool verdict_first);

  Certificates& certificates_;
  const Directory& dir_;
  const Config& config_;
};

// Text made safe for HTML, in an element or in a quoted attribute.
std::string html_escape(std::string_view text);

}  // namespace linli
