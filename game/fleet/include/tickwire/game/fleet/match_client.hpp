#pragma once
// The client side of matchmaking, for tickwire-client, tickwire-bots and
// tickwire-load: given http://HOST:PORT/match/auto or /match/CODE, ask, and
// get the WebSocket URL (with its seat ticket) to connect to.
//
//   MatchmakingClient matchmaking;                 // its own HTTP thread
//   matchmaking.ask("http://10.0.0.7:7777/match/auto");
//   each frame:  MatchReply reply; while (matchmaking.poll(reply)) { if (reply.ok) connect(reply.ws_url); }
//
//   MatchReply reply = fetch_match(url, 5s);       // a main() before its loop, which may block
//
// Thread: a MatchmakingClient belongs to one (game) thread: ask() and poll()
// never block. fetch_match() blocks its caller: never on a game thread.

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace tickwire::game::fleet {

namespace detail {
class HttpWorker;
}

struct MatchReply {
    std::uint64_t request = 0;
    bool ok = false;
    std::string ws_url;      ///< where to connect, ticket included
    std::string room, process_id, ticket;
    int http_status = 0;     ///< 0 when no HTTP answer came
    std::string error;       ///< why not ok: the server's reason (503) or the transport's
};

/// True for the URLs this client asks (http://...): a ws:// URL is connected to directly.
[[nodiscard]] bool is_matchmaking_url(std::string_view url) noexcept;

/// Reads a matchmaking answer (status + JSON body), as hostile input: the
/// URL must be ws:// or wss://, every field the right type and size.
[[nodiscard]] MatchReply read_match_answer(int http_status, std::string_view body);

class MatchmakingClient {
public:
    struct Config {
        std::chrono::milliseconds timeout{5000};  ///< per request, connect to last byte
        std::size_t max_in_flight = 16;
    };
    MatchmakingClient();
    explicit MatchmakingClient(Config config);
    ~MatchmakingClient();
    MatchmakingClient(const MatchmakingClient&) = delete;
    MatchmakingClient& operator=(const MatchmakingClient&) = delete;

    /// Asks `matchmaking_url`; a MatchReply with the returned id follows (also
    /// for a malformed URL). 0 if max_in_flight requests are already out.
    std::uint64_t ask(std::string_view matchmaking_url);
    /// The next reply, if any.
    bool poll(MatchReply& out);

private:
    Config config_;
    std::unique_ptr<detail::HttpWorker> worker_;
    std::uint64_t next_request_ = 1;
    std::uint64_t bad_url_request_ = 0;  // a reply owed without a request made
    std::string bad_url_error_;
};

/// Asks and waits (at most `timeout`).
[[nodiscard]] MatchReply fetch_match(std::string_view matchmaking_url,
                                     std::chrono::milliseconds timeout = std::chrono::seconds(5));

}  // namespace tickwire::game::fleet
