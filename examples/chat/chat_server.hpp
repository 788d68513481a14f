#pragma once
// ChatServer: what the chat server does with what net::Server hands it. A room
// per URL path (ws://host:port/lobby is room "/lobby"), a name per client,
// the room's last 50 lines replayed to whoever joins, and limits on what a
// client may send (chat_protocol.hpp says which close code each broken rule
// gets). A room lives while someone is in it.
//
// Thread: the thread that owns the net::Server (the main thread), like a game.

#include <chrono>
#include <cstdint>
#include <deque>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "tickwire/net.hpp"

namespace chat {

using Clock = std::chrono::steady_clock;

/// Lines a room keeps for those who join later.
inline constexpr std::size_t kEarlierLines = 50;

/// How many lines a client may say: `per_second` on average, `burst` at once.
struct LineLimit {
    double per_second = 2;
    double burst = 10;
};

class ChatServer {
public:
    ChatServer(tickwire::net::Server& server, LineLimit limit) : server_(server), limit_(limit) {}

    /// Handles every waiting event and flushes; false if there were none.
    bool pump(Clock::time_point now);
    /// Closes every client with 1001 and waits (bounded) for them to go.
    void shut_down();

private:
    struct Client {
        std::string room;  // the URL path
        std::string name;  // empty until joined
        tickwire::net::TokenBucket lines;  // what it may still say
        Clock::time_point refilled;        // when `lines` last earned credit
        bool closing = false;  // closed by us: ignore what it still sends
    };
    struct Room {
        std::vector<tickwire::net::ConnectionId> clients;  // joined ones
        std::deque<tickwire::net::Message> earlier;        // encoded as Kind::earlier
    };

    void on_message(tickwire::net::ConnectionId id, Client& client, Clock::time_point now);
    void join(tickwire::net::ConnectionId id, Client& client, std::string_view name);
    void say(Client& client, std::string_view text);
    void leave(tickwire::net::ConnectionId id, const Client& client, std::uint16_t code);
    void reject(tickwire::net::ConnectionId id, Client& client, std::uint16_t code, std::string_view reason);
    void tell_room(const Room& room, const tickwire::net::Message& message);

    tickwire::net::Server& server_;
    LineLimit limit_;
    std::unordered_map<tickwire::net::ConnectionId, Client> clients_;
    std::unordered_map<std::string, Room> rooms_;
    tickwire::net::ServerEvent event_;
};

}  // namespace chat
