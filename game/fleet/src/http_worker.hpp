#pragma once
// HttpWorker: plain-HTTP requests made on a thread of their own (Beast over
// Asio), for callers that must never block: a game thread asking matchmaking,
// a server telling the Agones sidecar it is ready or healthy. Requests go in
// and outcomes come out through bounded lock-free queues; an eventfd wakes the
// worker (WakeSignal).
//
// Each request has a deadline covering resolve, connect, write and read; the
// response body is capped. Nothing is retried here: callers decide.
//
// Thread: submit() and poll() from one thread (the owner's game thread);
// fetch_now() from any thread that may block (a main() before its loop).

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace tickwire::game::fleet::detail {

struct HttpRequest {
    std::uint64_t id = 0;
    bool post = false;  ///< GET otherwise
    std::string host, port, target;
    std::string body, content_type;  ///< POST only
    std::chrono::milliseconds timeout{5000};
};

struct HttpOutcome {
    std::uint64_t id = 0;
    int status = 0;      ///< 0 when no response came (see error)
    std::string body;
    std::string error;   ///< transport failure: resolve, connect, timeout, too large
};

/// Splits "http://HOST[:PORT]/path?query" into `request`; false with `error`
/// set for anything else (https is not spoken here).
bool parse_http_url(std::string_view url, HttpRequest& request, std::string& error);

class HttpWorker {
public:
    /// At most `max_in_flight` requests between submit() and poll().
    explicit HttpWorker(std::size_t max_in_flight = 16, std::size_t max_body = 64 * 1024);
    ~HttpWorker();  ///< abandons requests in flight and joins the thread
    HttpWorker(const HttpWorker&) = delete;
    HttpWorker& operator=(const HttpWorker&) = delete;

    /// Queues `request`; false if max_in_flight are already in flight.
    bool submit(const HttpRequest& request);
    /// The next finished request, if any. Never blocks.
    bool poll(HttpOutcome& out);

    /// Performs `request` on the calling thread and blocks until it is done.
    static HttpOutcome fetch_now(const HttpRequest& request, std::size_t max_body = 64 * 1024);

    struct Impl;

private:
    std::unique_ptr<Impl> impl_;
};

}  // namespace tickwire::game::fleet::detail
