#pragma once
// The playground's platform side (see API.md): serves the page, keeps the chat history, turns
// what people type into webhook calls to the playground adapter, and takes the adapter's API
// calls ("playground:sendMessage", ...) as the platform would. Runs on the io_context thread.

#include <functional>
#include <memory>

#include <boost/asio/io_context.hpp>

#include "bot/clock.hpp"
#include "bot/router.hpp"
#include "bot/transport.hpp"
#include "dialogs/directory.hpp"
#include "dialogs/ports.hpp"
#include "storage/playground_log_repo.hpp"

namespace linli {

class PlaygroundHub final : public Transport {
 public:
  using Webhook = std::function<boost::asio::awaitable<HttpResponse>(HttpRequest&)>;

  // `store` is the domain's ports, as every platform sees people; `history` is the
  // playground's own record of what was said in its chats.
  PlaygroundHub(boost::asio::io_context& io, const AdapterConfig& adapter, Store& store,
                storage::PlaygroundLogRepo& history, const Directory& dir, const Clock& clock);
  ~PlaygroundHub() override;

  // Adds the page and its API to `router`; `webhook` is the adapter's webhook handler.
  void mount(Router& router, Webhook webhook);
  boost::asio::awaitable<ApiResponse> perform(ApiCall call) override;
  // Ends the long polls in progress (at shutdown).
  void stop();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace linli
