// The outbound client against real servers on 127.0.0.1: the request as the server sees it,
// statuses and Retry-After passed through, connection reuse and the one retry it allows,
// time-outs, and TLS (trust, SNI, host names) with certificates made for the test.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <condition_variable>
#include <cstdio>
#include <fstream>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <thread>

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>

#include "bot/http_client.hpp"
#include "tests/support/temp_dir.hpp"

namespace linli::test {
namespace {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
namespace ssl = net::ssl;
using tcp = net::ip::tcp;
using namespace std::chrono_literals;
using ::testing::HasSubstr;
using ::testing::Not;

// ---- Certificates, made fresh for each test: nothing in the repo can expire. -----------------

struct PemPair {
  std::string cert;
  std::string key;
};

template <typename T, void (*Free)(T*)>
struct OsslDeleter {
  void operator()(T* p) const { Free(p); }
};
using KeyPtr = std::unique_ptr<EVP_PKEY, OsslDeleter<EVP_PKEY, EVP_PKEY_free>>;
using CertPtr = std::unique_ptr<X509, OsslDeleter<X509, X509_free>>;
using BioPtr = std::unique_ptr<BIO, OsslDeleter<BIO, BIO_free_all>>;

std::string bio_text(BIO* bio) {
  char* data = nullptr;
  long n = BIO_get_mem_data(bio, &data);
  return std::string(data, static_cast<std::size_t>(n));
}

// A test certificate authority and the server certificates it signs (EC P-256 keys: fast).
class TestCa {
 public:
  TestCa() : key_(EVP_EC_gen("P-256")) { cert_ = make(key_.get(), "Linli Test CA", nullptr, true); }

  std::string pem() const {
    BioPtr bio(BIO_new(BIO_s_mem()));
    PEM_write_bio_X509(bio.get(), cert_.get());
    return bio_text(bio.get());
  }

  PemPair issue(const std::string& dns_name) {
    KeyPtr key(EVP_EC_gen("P-256"));
    CertPtr cert = make(key.get(), dns_name, dns_name.c_str(), false);
    BioPtr c(BIO_new(BIO_s_mem()));
    PEM_write_bio_X509(c.get(), cert.get());
    BioPtr k(BIO_new(BIO_s_mem()));
    PEM_write_bio_PrivateKey(k.get(), key.get(), nullptr, nullptr, 0, nullptr, nullptr);
    return {bio_text(c.get()), bio_text(k.get())};
  }

 private:
  // A CA certificate signs itself; a server certificate is signed by the CA and names `dns`.
  CertPtr make(EVP_PKEY* key, const std::string& cn, const char* dns, bool ca) {
    CertPtr x(X509_new());
    X509_set_version(x.get(), 2);
    ASN1_INTEGER_set(X509_get_serialNumber(x.get()), ++serial_);
    X509_gmtime_adj(X509_getm_notBefore(x.get()), -3600);
    X509_gmtime_adj(X509_getm_notAfter(x.get()), 24 * 3600);
    X509_set_pubkey(x.get(), key);
    X509_NAME* name = X509_get_subject_name(x.get());
    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8,
                               reinterpret_cast<const unsigned char*>(cn.c_str()), -1, -1, 0);
    X509* issuer = ca ? x.get() : cert_.get();
    X509_set_issuer_name(x.get(), X509_get_subject_name(issuer));
    X509V3_CTX ctx;
    X509V3_set_ctx_nodb(&ctx);
    X509V3_set_ctx(&ctx, issuer, x.get(), nullptr, nullptr, 0);
    auto add = [&](int nid, const std::string& value) {
      X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value.c_str());
      ASSERT_NE(ext, nullptr) << value;
      X509_add_ext(x.get(), ext, -1);
      X509_EXTENSION_free(ext);
    };
    add(NID_subject_key_identifier, "hash");
    if (ca) {
      add(NID_basic_constraints, "critical,CA:TRUE");
      add(NID_key_usage, "critical,keyCertSign,cRLSign");
    } else {
      add(NID_authority_key_identifier, "keyid:always");
      add(NID_basic_constraints, "critical,CA:FALSE");
      add(NID_key_usage, "critical,digitalSignature");
      add(NID_ext_key_usage, "serverAuth");
      add(NID_subject_alt_name, std::string("DNS:") + dns);
    }
    X509_sign(x.get(), ca ? key : key_.get(), EVP_sha256());
    return x;
  }

  KeyPtr key_;
  CertPtr cert_;
  long serial_ = 0;
};

// ---- A fake platform server on its own thread. ------------------------------------------------

// What the server saw of one request.
struct Seen {
  std::string method;
  std::string target;
  std::string body;
  std::map<std::string, std::string> headers;  // names in lower case
  int connection = 0;                          // 1 for the first connection accepted
  int nth = 0;                                 // 1 for the first request on its connection
  std::string sni;                             // the TLS server name the client sent
};

// What the server does with it.
struct Answer {
  enum class Kind {
    reply,        // answer, and keep the connection if both sides want to
    reply_close,  // answer with keep-alive, then close the connection anyway (an idle close)
    drop,         // close without answering
    cut_off,      // send half a response, then close
    hang,         // never answer; wait for the client to go
  };
  Kind kind = Kind::reply;
  int status = 200;
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
  bool keep_alive = true;
};

class FakeServer {
 public:
  using Handler = std::function<Answer(const Seen&)>;

  explicit FakeServer(Handler handler, ssl::context* tls = nullptr)
      : handler_(std::move(handler)),
        tls_(tls),
        acceptor_(io_, {net::ip::address_v4::loopback(), 0}) {
    net::co_spawn(io_, accept_loop(), [](std::exception_ptr) {});
    thread_ = std::thread([this] { io_.run(); });
  }
  ~FakeServer() {
    io_.stop();
    thread_.join();
  }
  FakeServer(const FakeServer&) = delete;
  FakeServer& operator=(const FakeServer&) = delete;

  std::uint16_t port() const { return acceptor_.local_endpoint().port(); }
  std::string url(const std::string& target) const {
    return std::string(tls_ ? "https://localhost:" : "http://127.0.0.1:") + std::to_string(port()) +
           target;
  }
  int accepted() const { return accepted_; }
  // Waits (at most 5 s) until the server has closed `n` connections.
  bool wait_closed(int n) const {
    std::unique_lock lock(mutex_);
    return closed_cv_.wait_for(lock, 5s, [&] { return closed_ >= n; });
  }
  std::vector<Seen> seen() const {
    std::lock_guard lock(mutex_);
    return seen_;
  }

 private:
  net::awaitable<void> accept_loop() {
    for (;;) {
      tcp::socket socket = co_await acceptor_.async_accept(net::use_awaitable);
      int n = ++accepted_;
      net::co_spawn(io_, session(std::move(socket), n), [](std::exception_ptr) {});
    }
  }

  // Its stream is gone, and so the socket closed, when this returns.
  net::awaitable<void> session(tcp::socket socket, int connection) {
    co_await talk(std::move(socket), connection);
    std::lock_guard lock(mutex_);
    ++closed_;
    closed_cv_.notify_all();
  }

  net::awaitable<void> talk(tcp::socket socket, int connection) {
    beast::error_code ec;
    if (!tls_) {
      beast::tcp_stream stream(std::move(socket));
      co_await serve(stream, connection, "");
      co_return;
    }
    beast::ssl_stream<beast::tcp_stream> stream(std::move(socket), *tls_);
    beast::get_lowest_layer(stream).expires_after(5s);
    co_await stream.async_handshake(ssl::stream_base::server,
                                    net::redirect_error(net::use_awaitable, ec));
    if (ec) co_return;
    const char* sni = SSL_get_servername(stream.native_handle(), TLSEXT_NAMETYPE_host_name);
    co_await serve(stream, connection, sni ? sni : "");
  }

  template <class Stream>
  net::awaitable<void> serve(Stream& stream, int connection, std::string sni) {
    beast::flat_buffer buffer;
    beast::error_code ec;
    for (int nth = 1;; ++nth) {
      // Every wait is bounded, so a session the test forgot ends by itself.
      beast::get_lowest_layer(stream).expires_after(10s);
      http::request<http::string_body> req;
      co_await http::async_read(stream, buffer, req, net::redirect_error(net::use_awaitable, ec));
      if (ec) co_return;
      Seen seen{std::string(req.method_string()),
                std::string(req.target()),
                req.body(),
                {},
                connection,
                nth,
                sni};
      for (const auto& f : req) {
        std::string name(f.name_string());
        for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        seen.headers[name] = std::string(f.value());
      }
      {
        std::lock_guard lock(mutex_);
        seen_.push_back(seen);
      }
      Answer a = handler_(seen);
      switch (a.kind) {
        case Answer::Kind::drop:
          co_return;
        case Answer::Kind::hang: {
          char byte;
          co_await beast::get_lowest_layer(stream).async_read_some(
              net::buffer(&byte, 1), net::redirect_error(net::use_awaitable, ec));
          co_return;
        }
        case Answer::Kind::cut_off: {
          std::string half = "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n{\"ok\":";
          co_await net::async_write(stream, net::buffer(half),
                                    net::redirect_error(net::use_awaitable, ec));
          co_return;
        }
        case Answer::Kind::reply:
        case Answer::Kind::reply_close: {
          http::response<http::string_body> res{static_cast<http::status>(a.status), 11};
          res.set(http::field::content_type, "application/json");
          for (auto& [k, v] : a.headers) res.set(k, v);
          res.body() = a.body;
          res.keep_alive(a.keep_alive && req.keep_alive());
          res.prepare_payload();
          co_await http::async_write(stream, res, net::redirect_error(net::use_awaitable, ec));
          if (ec || !res.keep_alive() || a.kind == Answer::Kind::reply_close) co_return;
        }
      }
    }
  }

  Handler handler_;
  ssl::context* tls_;
  mutable std::mutex mutex_;  // seen_ and closed_ are written on the server thread
  mutable std::condition_variable closed_cv_;
  std::vector<Seen> seen_;
  int closed_ = 0;
  std::atomic<int> accepted_{0};
  net::io_context io_{1};
  tcp::acceptor acceptor_;
  std::thread thread_;
};

Answer ok(std::string body = "{\"ok\":true}") {
  Answer a;
  a.body = std::move(body);
  return a;
}

ApiCall post(std::string url, std::string body = "{}") {
  ApiCall c;
  c.url = std::move(url);
  c.body = std::move(body);
  return c;
}

// ---- The client side runs on the test's thread. ------------------------------------------------

class HttpClientTest : public ::testing::Test {
 protected:
  HttpClient& client(HttpClientOptions options = {}) {
    client_ = std::make_unique<HttpClient>(io_, std::move(options), log_);
    return *client_;
  }

  // Runs the calls concurrently and returns their answers, in order. The client's own time-outs
  // end every call; the bound here only keeps a broken client from hanging the suite.
  std::vector<ApiResponse> perform_all(std::vector<ApiCall> calls) {
    std::vector<std::optional<ApiResponse>> out(calls.size());
    for (std::size_t i = 0; i < calls.size(); ++i) {
      net::co_spawn(io_, client_->perform(std::move(calls[i])),
                    [&out, i](std::exception_ptr e, ApiResponse r) {
                      if (e) std::rethrow_exception(e);
                      out[i] = std::move(r);
                    });
    }
    io_.restart();
    io_.run_for(30s);
    std::vector<ApiResponse> answers;
    for (auto& r : out) {
      EXPECT_TRUE(r.has_value()) << "a call did not finish";
      answers.push_back(r.value_or(ApiResponse{}));
    }
    return answers;
  }
  ApiResponse perform(ApiCall call) { return perform_all({std::move(call)})[0]; }

  net::io_context io_{1};
  Logger log_{LogLevel::error};
  std::unique_ptr<HttpClient> client_;
};

// ---- Plain HTTP ---------------------------------------------------------------------------------

TEST_F(HttpClientTest, SendsMethodTargetHeadersAndBodyAndReturnsTheAnswer) {
  FakeServer server([](const Seen&) { return ok("{\"ok\":true,\"result\":{}}"); });
  client();
  ApiCall call = post(server.url("/bot1:abc/sendMessage?x=1"), "{\"chat_id\":7}");
  call.headers.emplace_back("X-Request-Id", "42");
  ApiResponse r = perform(call);

  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "{\"ok\":true,\"result\":{}}");
  EXPECT_EQ(r.error, "");
  auto seen = server.seen();
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0].method, "POST");
  EXPECT_EQ(seen[0].target, "/bot1:abc/sendMessage?x=1");
  EXPECT_EQ(seen[0].body, "{\"chat_id\":7}");
  EXPECT_EQ(seen[0].headers["host"], "127.0.0.1:" + std::to_string(server.port()));
  EXPECT_EQ(seen[0].headers["content-type"], "application/json");
  EXPECT_EQ(seen[0].headers["content-length"], "13");
  EXPECT_EQ(seen[0].headers["user-agent"], "linli/0.1");
  EXPECT_EQ(seen[0].headers["x-request-id"], "42");
}

TEST_F(HttpClientTest, SendsAGetWithoutABody) {
  FakeServer server([](const Seen&) { return ok(); });
  client();
  ApiCall call;
  call.method = "GET";
  call.url = server.url("/getMe");
  EXPECT_EQ(perform(call).status, 200);
  auto seen = server.seen();
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0].method, "GET");
  EXPECT_EQ(seen[0].body, "");
  EXPECT_EQ(seen[0].headers.count("content-type"), 0u);
}

TEST_F(HttpClientTest, PassesRetryAfterThrough) {
  FakeServer server([](const Seen&) {
    Answer a = ok("{\"ok\":false,\"error_code\":429,\"parameters\":{\"retry_after\":7}}");
    a.status = 429;
    a.headers.emplace_back("Retry-After", "7");
    return a;
  });
  client();
  ApiResponse r = perform(post(server.url("/send")));
  EXPECT_EQ(r.status, 429);
  EXPECT_EQ(r.retry_after, "7");
  EXPECT_THAT(r.body, HasSubstr("\"retry_after\":7"));
  EXPECT_EQ(r.error, "");
}

TEST_F(HttpClientTest, PassesErrorStatusesThrough) {
  FakeServer server([](const Seen& s) {
    Answer a = ok("status " + s.target.substr(1));
    a.status = std::stoi(s.target.substr(1));
    return a;
  });
  client();
  for (int status : {403, 500, 502}) {
    ApiResponse r = perform(post(server.url("/" + std::to_string(status))));
    EXPECT_EQ(r.status, status);
    EXPECT_EQ(r.body, "status " + std::to_string(status));
    EXPECT_EQ(r.retry_after, "");
  }
  EXPECT_EQ(client_->stats().failures, 0u);
}

TEST_F(HttpClientTest, RefusesUnsupportedUrlsWithoutAnyIo) {
  client();
  for (const char* url :
       {"", "playground:hub", "ftp://example.org/", "http://", "http:///x", "https://:443/",
        "http://host:0/", "http://host:65536/", "http://host:8x/", "http://user:pw@host/",
        "http://host/a b", "http://[::1/"}) {
    ApiResponse r = perform(post(url));
    EXPECT_EQ(r.status, 0) << url;
    EXPECT_EQ(r.error, "unsupported URL") << url;
  }
  EXPECT_EQ(client_->stats().connections_opened, 0u);
  EXPECT_EQ(client_->stats().failures, client_->stats().requests);
}

TEST_F(HttpClientTest, AcceptsUpperCaseSchemesAndAnEmptyPath) {
  FakeServer server([](const Seen&) { return ok(); });
  client();
  EXPECT_EQ(perform(post("HTTP://127.0.0.1:" + std::to_string(server.port()))).status, 200);
  EXPECT_EQ(perform(post("http://127.0.0.1:" + std::to_string(server.port()) + "?a=1")).status,
            200);
  auto seen = server.seen();
  ASSERT_EQ(seen.size(), 2u);
  EXPECT_EQ(seen[0].target, "/");
  EXPECT_EQ(seen[1].target, "/?a=1");
}

TEST_F(HttpClientTest, ABodyOverTheLimitIsAFailure) {
  FakeServer server([](const Seen&) { return ok(std::string(4096, 'x')); });
  HttpClientOptions o;
  o.response_body_limit = 1024;
  client(o);
  ApiResponse r = perform(post(server.url("/big")));
  EXPECT_EQ(r.status, 0);
  EXPECT_EQ(r.error, "response body too large");
}

// ---- Connection reuse -----------------------------------------------------------------------

TEST_F(HttpClientTest, SequentialRequestsShareOneConnection) {
  FakeServer server([](const Seen&) { return ok(); });
  client();
  for (int i = 0; i < 5; ++i) EXPECT_EQ(perform(post(server.url("/send"))).status, 200);
  EXPECT_EQ(server.accepted(), 1);
  EXPECT_EQ(client_->stats().requests, 5u);
  EXPECT_EQ(client_->stats().connections_opened, 1u);
  EXPECT_EQ(client_->stats().reused, 4u);
  auto seen = server.seen();
  ASSERT_EQ(seen.size(), 5u);
  EXPECT_EQ(seen[4].nth, 5);
}

TEST_F(HttpClientTest, KeepsAtMostMaxIdlePerHost) {
  FakeServer server([](const Seen&) { return ok(); });
  HttpClientOptions o;
  o.max_idle_per_host = 1;
  client(o);
  // Two at once need two connections; only one of them is kept afterwards.
  for (auto& r : perform_all({post(server.url("/a")), post(server.url("/b"))})) {
    EXPECT_EQ(r.status, 200);
  }
  EXPECT_EQ(server.accepted(), 2);
  for (auto& r : perform_all({post(server.url("/c")), post(server.url("/d"))})) {
    EXPECT_EQ(r.status, 200);
  }
  EXPECT_EQ(server.accepted(), 3);
  EXPECT_EQ(client_->stats().reused, 1u);
}

TEST_F(HttpClientTest, DoesNotKeepAConnectionTheServerWantsClosed) {
  FakeServer server([](const Seen&) {
    Answer a = ok();
    a.keep_alive = false;
    return a;
  });
  client();
  EXPECT_EQ(perform(post(server.url("/a"))).status, 200);
  EXPECT_EQ(perform(post(server.url("/b"))).status, 200);
  EXPECT_EQ(server.accepted(), 2);
  EXPECT_EQ(client_->stats().reused, 0u);
}

TEST_F(HttpClientTest, ConnectsAfreshAfterTheServerClosedAnIdleConnection) {
  FakeServer server([](const Seen&) {
    Answer a = ok();
    a.kind = Answer::Kind::reply_close;
    return a;
  });
  client();
  for (int i = 0; i < 3; ++i) {
    ApiResponse r = perform(post(server.url("/send")));
    EXPECT_EQ(r.status, 200) << r.error;
    // The close is on the client's side of the wire before the next request is written.
    ASSERT_TRUE(server.wait_closed(i + 1));
  }
  EXPECT_EQ(server.accepted(), 3);
  EXPECT_EQ(server.seen().size(), 3u);
  EXPECT_EQ(client_->stats().reused, 0u);
}

// The server takes the second request on the first connection and closes without a word, as a
// server does whose idle time-out crosses the request on the wire, or one that dies at work.
Answer drop_second_on_first_connection(const Seen& s) {
  Answer a = ok("{\"conn\":" + std::to_string(s.connection) + "}");
  if (s.connection == 1 && s.nth == 2) a.kind = Answer::Kind::drop;
  return a;
}

TEST_F(HttpClientTest, NeverSendsAPostAgainThatTheServerMayHaveRead) {
  FakeServer server(drop_second_on_first_connection);
  client();
  EXPECT_EQ(perform(post(server.url("/first"))).status, 200);
  ApiResponse r = perform(post(server.url("/second"), "{\"text\":\"once\"}"));
  // A failure the sender retries later with backoff (transient), not a message posted twice.
  EXPECT_EQ(r.status, 0);
  EXPECT_NE(r.error, "");
  int seconds = 0;
  for (const auto& seen : server.seen()) seconds += seen.target == "/second";
  EXPECT_EQ(seconds, 1);
  EXPECT_EQ(server.accepted(), 1);
  EXPECT_EQ(client_->stats().failures, 1u);
}

TEST_F(HttpClientTest, RetriesAGetOnceWhenAKeptAliveConnectionDiesUnderIt) {
  FakeServer server(drop_second_on_first_connection);
  client();
  EXPECT_EQ(perform(post(server.url("/first"))).status, 200);
  ApiCall get = post(server.url("/second"), "");
  get.method = "GET";
  ApiResponse r = perform(get);
  EXPECT_EQ(r.status, 200) << r.error;
  EXPECT_EQ(r.body, "{\"conn\":2}");
  EXPECT_EQ(server.accepted(), 2);
  EXPECT_EQ(client_->stats().connections_opened, 2u);
  EXPECT_EQ(client_->stats().failures, 0u);
}

TEST_F(HttpClientTest, NeverRetriesOnAFreshConnection) {
  FakeServer server([](const Seen&) {
    Answer a;
    a.kind = Answer::Kind::drop;
    return a;
  });
  client();
  ApiResponse r = perform(post(server.url("/send")));
  EXPECT_EQ(r.status, 0);
  EXPECT_NE(r.error, "");
  EXPECT_EQ(server.seen().size(), 1u);
  EXPECT_EQ(client_->stats().failures, 1u);
}

TEST_F(HttpClientTest, NeverRetriesOnceAnAnswerHasBegun) {
  FakeServer server([](const Seen& s) {
    Answer a = ok();
    if (s.nth == 2) a.kind = Answer::Kind::cut_off;
    return a;
  });
  client();
  EXPECT_EQ(perform(post(server.url("/first"))).status, 200);
  ApiResponse r = perform(post(server.url("/second")));
  EXPECT_EQ(r.status, 0);
  EXPECT_THAT(r.error, HasSubstr("read"));
  EXPECT_EQ(server.seen().size(), 2u);
  EXPECT_EQ(server.accepted(), 1);
}

// ---- Time-outs and refused connections ------------------------------------------------------

TEST_F(HttpClientTest, AServerThatNeverAnswersTimesOut) {
  FakeServer server([](const Seen&) {
    Answer a;
    a.kind = Answer::Kind::hang;
    return a;
  });
  HttpClientOptions o;
  o.request_timeout = 300ms;
  client(o);
  ApiResponse r = perform(post(server.url("/send")));
  EXPECT_EQ(r.status, 0);
  EXPECT_EQ(r.error, "timeout");
  EXPECT_EQ(server.seen().size(), 1u);  // no retry after a time-out either
}

TEST_F(HttpClientTest, AClosedPortFailsWithoutWaitingForTheTimeOut) {
  std::uint16_t port;
  {
    tcp::acceptor a(io_, {net::ip::address_v4::loopback(), 0});
    port = a.local_endpoint().port();
  }
  HttpClientOptions o;
  o.connect_timeout = 60s;
  client(o);
  auto start = std::chrono::steady_clock::now();
  ApiResponse r = perform(post("http://127.0.0.1:" + std::to_string(port) + "/send"));
  EXPECT_EQ(r.status, 0);
  EXPECT_THAT(r.error, HasSubstr("connect"));
  EXPECT_LT(std::chrono::steady_clock::now() - start, 30s);
}

TEST_F(HttpClientTest, ATlsServerThatNeverHandshakesTimesOut) {
  // The kernel completes the TCP handshake for a listening socket; nobody ever accepts.
  tcp::acceptor silent(io_, {net::ip::address_v4::loopback(), 0});
  HttpClientOptions o;
  o.connect_timeout = 300ms;
  client(o);
  ApiResponse r = perform(
      post("https://localhost:" + std::to_string(silent.local_endpoint().port()) + "/send"));
  EXPECT_EQ(r.status, 0);
  EXPECT_EQ(r.error, "timeout");
}

// ---- Logging ------------------------------------------------------------------------------------

TEST_F(HttpClientTest, LogsHostAndPortButNeverThePathOrTheBody) {
  char* text = nullptr;
  std::size_t size = 0;
  std::FILE* out = open_memstream(&text, &size);
  {
    Logger log(LogLevel::debug, out);
    FakeServer server([](const Seen& s) {
      Answer a = ok();
      if (s.nth == 2) a.kind = Answer::Kind::drop;
      return a;
    });
    HttpClient c(io_, {}, log);
    client_.reset();
    auto run = [&](ApiCall call) {
      std::optional<ApiResponse> r;
      net::co_spawn(io_, c.perform(std::move(call)),
                    [&r](std::exception_ptr, ApiResponse a) { r = std::move(a); });
      io_.restart();
      io_.run_for(30s);
      return r.value_or(ApiResponse{});
    };
    std::string url = server.url("/bot123456:SECRET-TOKEN/sendMessage");
    EXPECT_EQ(run(post(url, "{\"text\":\"private words\"}")).status, 200);
    ApiCall get = post(url + "?text=private", "");
    get.method = "GET";
    EXPECT_EQ(run(get).status, 200);  // retried
    ApiResponse failed = run(post("http://127.0.0.1:1/bot123456:SECRET-TOKEN/sendMessage"));
    EXPECT_EQ(failed.status, 0);
    EXPECT_THAT(failed.error, Not(HasSubstr("SECRET")));
  }
  std::fclose(out);
  std::string log(text, size);
  std::free(text);
  EXPECT_THAT(log, HasSubstr("127.0.0.1"));
  EXPECT_THAT(log, HasSubstr("http_client_retry"));
  EXPECT_THAT(log, Not(HasSubstr("SECRET")));
  EXPECT_THAT(log, Not(HasSubstr("sendMessage")));
  EXPECT_THAT(log, Not(HasSubstr("private")));
}

// ---- TLS --------------------------------------------------------------------------------------

class HttpClientTlsTest : public HttpClientTest {
 protected:
  HttpClientTlsTest() {
    ca_file_ = dir_.path() + "/ca.pem";
    std::ofstream(ca_file_) << ca_.pem();
  }
  // A server context with a certificate for `name`, signed by the test CA.
  std::unique_ptr<ssl::context> server_tls(const std::string& name) {
    PemPair pair = ca_.issue(name);
    auto ctx = std::make_unique<ssl::context>(ssl::context::tls_server);
    ctx->use_certificate_chain(net::buffer(pair.cert));
    ctx->use_private_key(net::buffer(pair.key), ssl::context::pem);
    return ctx;
  }
  HttpClientOptions trusting() {
    HttpClientOptions o;
    o.ca_file = ca_file_;
    return o;
  }

  TempDir dir_;
  TestCa ca_;
  std::string ca_file_;
};

TEST_F(HttpClientTlsTest, RefusesACertificateItDoesNotTrust) {
  auto tls = server_tls("localhost");
  FakeServer server([](const Seen&) { return ok(); }, tls.get());
  client();
  ApiResponse r = perform(post(server.url("/send")));
  EXPECT_EQ(r.status, 0);
  EXPECT_THAT(r.error, HasSubstr("certificate"));
  EXPECT_TRUE(server.seen().empty());
}

TEST_F(HttpClientTlsTest, TalksToAServerSignedByTheExtraCa) {
  auto tls = server_tls("localhost");
  FakeServer server([](const Seen&) { return ok("{\"ok\":true}"); }, tls.get());
  client(trusting());
  ApiResponse r = perform(post(server.url("/bot1:abc/sendMessage"), "{\"chat_id\":1}"));
  EXPECT_EQ(r.status, 200) << r.error;
  EXPECT_EQ(r.body, "{\"ok\":true}");
  auto seen = server.seen();
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0].body, "{\"chat_id\":1}");
  EXPECT_EQ(seen[0].headers["host"], "localhost:" + std::to_string(server.port()));
}

TEST_F(HttpClientTlsTest, SendsTheHostNameAsSni) {
  auto tls = server_tls("localhost");
  FakeServer server([](const Seen&) { return ok(); }, tls.get());
  client(trusting());
  EXPECT_EQ(perform(post(server.url("/send"))).status, 200);
  auto seen = server.seen();
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0].sni, "localhost");
}

TEST_F(HttpClientTlsTest, RefusesATrustedCertificateForAnotherName) {
  auto tls = server_tls("example.org");
  FakeServer server([](const Seen&) { return ok(); }, tls.get());
  client(trusting());
  ApiResponse r = perform(post(server.url("/send")));
  EXPECT_EQ(r.status, 0);
  EXPECT_THAT(r.error, HasSubstr("certificate"));
  EXPECT_THAT(r.error, HasSubstr("hostname mismatch"));
  EXPECT_TRUE(server.seen().empty());
}

TEST_F(HttpClientTlsTest, ReusesTlsConnectionsToo) {
  auto tls = server_tls("localhost");
  FakeServer server([](const Seen&) { return ok(); }, tls.get());
  client(trusting());
  for (int i = 0; i < 3; ++i) EXPECT_EQ(perform(post(server.url("/send"))).status, 200);
  EXPECT_EQ(server.accepted(), 1);
  EXPECT_EQ(client_->stats().reused, 2u);
}

TEST_F(HttpClientTlsTest, RetriesAGetOnceWhenAKeptAliveTlsConnectionDies) {
  auto tls = server_tls("localhost");
  FakeServer server(drop_second_on_first_connection, tls.get());
  client(trusting());
  EXPECT_EQ(perform(post(server.url("/first"))).status, 200);
  ApiCall get = post(server.url("/second"), "");
  get.method = "GET";
  ApiResponse r = perform(get);
  EXPECT_EQ(r.status, 200) << r.error;
  EXPECT_EQ(server.accepted(), 2);
}

TEST_F(HttpClientTlsTest, NeverSendsAPostAgainOnADeadTlsConnection) {
  auto tls = server_tls("localhost");
  FakeServer server(drop_second_on_first_connection, tls.get());
  client(trusting());
  EXPECT_EQ(perform(post(server.url("/first"))).status, 200);
  EXPECT_EQ(perform(post(server.url("/second"))).status, 0);
  EXPECT_EQ(server.seen().size(), 2u);
  EXPECT_EQ(server.accepted(), 1);
}

TEST_F(HttpClientTlsTest, AMissingCaFileIsAConfigError) {
  HttpClientOptions o;
  o.ca_file = dir_.path() + "/missing.pem";
  EXPECT_THROW(HttpClient(io_, o, log_), std::runtime_error);
}

}  // namespace
}  // namespace linli::test
