#pragma once
// GameRequests: plain HTTP requests handed to the game thread, waiting for its
// answer (ServerOptions::http_routes, ServerEventType::http_request,
// Server::respond). Pure logic, no sockets and no Boost: the HTTP connection
// registers a callback, the server's command loop delivers the game's answer
// to it, and the connection's own timer gives up (forget) after the timeout.
//
// The answer crosses the command queue as one pooled Message (encode_answer on
// the game thread, decode_answer on the network thread):
//
//   content-type \0 (name \0 value \0)* \0 body
//
// Names, values and the content type hold no CR, LF or NUL (and at most
// 8 KiB each), so a game cannot split the response; the body is last and may
// hold anything.
//
// Thread: encode_answer on any thread; everything else on the network thread.

#include <cstddef>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "tickwire/net/events.hpp"
#include "tickwire/net/message.hpp"
#include "tickwire/net/server.hpp"

namespace tickwire::net::http {

/// The game's answer to one request.
struct GameAnswer {
    unsigned status = 503;
    std::string content_type;
    std::vector<std::pair<std::string, std::string>> headers;
    std::string body;
};

/// An empty Message if a field holds CR, LF or NUL, is over 8 KiB, or a header name is empty.
Message encode_answer(std::string_view content_type, std::span<const HttpHeader> headers, std::string_view body);
/// nullopt for a payload encode_answer did not make.
std::optional<GameAnswer> decode_answer(unsigned status, const Message& payload);

/// True if `path` falls under `prefix`: equal to it, or below it at a '/'
/// ("/match" covers "/match" and "/match/auto", not "/matches"; "/api/" covers "/api/x").
bool under_route(std::string_view path, std::string_view prefix) noexcept;

class GameRequests {
public:
    using OnAnswer = std::function<void(GameAnswer&&)>;

    explicit GameRequests(std::size_t capacity) : capacity_(capacity) {}

    /// A new request's id, or 0 when `capacity` requests wait already.
    [[nodiscard]] HttpRequestId add(OnAnswer on_answer);
    /// Runs the request's callback with the game's answer; false when nobody
    /// waits for it any more (it timed out, or its client left).
    bool answer(HttpRequestId id, GameAnswer&& answer);
    /// The request ended without the game's answer: forget it.
    void forget(HttpRequestId id) noexcept;
    /// Answers every waiting request with `answer` (the server is stopping).
    void answer_all(const GameAnswer& answer);
    [[nodiscard]] std::size_t waiting() const noexcept { return waiting_.size(); }

private:
    std::size_t capacity_;
    std::unordered_map<HttpRequestId, OnAnswer> waiting_;
    HttpRequestId next_id_ = 1;
};

}  // namespace tickwire::net::http
