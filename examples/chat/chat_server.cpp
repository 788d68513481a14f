#include "chat_server.hpp"

#include <algorithm>
#include <cstdio>
#include <thread>

#include "chat_protocol.hpp"

namespace chat {

namespace net = tickwire::net;

bool ChatServer::pump(Clock::time_point now) {
    bool worked = false;
    while (server_.poll(event_)) {
        worked = true;
        switch (event_.type) {
        case net::ServerEventType::connected:
            clients_.try_emplace(event_.id, Client{std::string(event_.path()), {},
                                                   net::TokenBucket(limit_.per_second, limit_.burst), now});
            break;
        case net::ServerEventType::message:
            if (auto found = clients_.find(event_.id); found != clients_.end()) on_message(event_.id, found->second, now);
            break;
        case net::ServerEventType::disconnected:
            if (auto found = clients_.find(event_.id); found != clients_.end()) {
                leave(event_.id, found->second, event_.close_code);
                clients_.erase(found);
            }
            break;
        case net::ServerEventType::resumed:  // session mode only; the chat is plain
        case net::ServerEventType::log:      // log_events is off: net logs to stderr
        case net::ServerEventType::http_request:  // no http_routes
            break;
        }
    }
    if (worked) {
        server_.flush();
        std::fflush(stdout);
    }
    return worked;
}

void ChatServer::shut_down() {
    for (const auto& [id, client] : clients_) server_.close(id, net::close_code::going_away, "server shutting down");
    server_.flush();
    const auto deadline = Clock::now() + std::chrono::seconds(3);
    while (!clients_.empty() && Clock::now() < deadline) {
        if (!pump(Clock::now())) std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
}

void ChatServer::on_message(net::ConnectionId id, Client& client, Clock::time_point now) {
    if (client.closing) return;
    const auto message = decode(event_.message.bytes());
    if (!message) return reject(id, client, net::close_code::policy_violation, "unknown message");
    const bool joined = !client.name.empty();
    if (message->kind == Kind::join && !joined) {
        if (const auto why = check_text(message->text, kMaxNameBytes); !why.empty())
            return reject(id, client, kCloseInvalidText, std::string("bad name: ").append(why));
        return join(id, client, message->text);
    }
    if (message->kind == Kind::say && joined) {
        if (const auto why = check_text(message->text, kMaxLineBytes); !why.empty())
            return reject(id, client, kCloseInvalidText, std::string("bad line: ").append(why));
        client.lines.refill(now - client.refilled);
        client.refilled = now;
        if (!client.lines.try_take()) return reject(id, client, net::close_code::policy_violation, "too many lines");
        return say(client, message->text);
    }
    reject(id, client, net::close_code::policy_violation, joined ? "joined already" : "join first");
}

void ChatServer::join(net::ConnectionId id, Client& client, std::string_view name) {
    Room& room = rooms_[client.room];
    const bool taken = std::any_of(room.clients.begin(), room.clients.end(),
                                   [&](net::ConnectionId other) { return clients_.at(other).name == name; });
    if (taken) return reject(id, client, kCloseNameTaken, "name taken");
    client.name = name;
    // What was said before, then everyone (the newcomer too) learns who came.
    for (const net::Message& line : room.earlier) server_.send(id, line);
    room.clients.push_back(id);
    tell_room(room, encode(Kind::notice, client.name + " joined"));
    std::printf("join #%u %s %s\n", id, client.room.c_str(), client.name.c_str());
}

void ChatServer::say(Client& client, std::string_view text) {
    Room& room = rooms_[client.room];
    tell_room(room, encode_line(Kind::said, client.name, text));
    room.earlier.push_back(encode_line(Kind::earlier, client.name, text));
    if (room.earlier.size() > kEarlierLines) room.earlier.pop_front();
}

void ChatServer::leave(net::ConnectionId id, const Client& client, std::uint16_t code) {
    std::printf("leave #%u %s %s %u\n", id, client.room.c_str(), client.name.c_str(), unsigned{code});
    if (client.name.empty()) return;  // never joined: nobody knew it was there
    const auto room = rooms_.find(client.room);
    if (room == rooms_.end()) return;
    std::erase(room->second.clients, id);
    if (room->second.clients.empty()) {
        rooms_.erase(room);
        return;
    }
    tell_room(room->second, encode(Kind::notice, client.name + " left"));
}

void ChatServer::reject(net::ConnectionId id, Client& client, std::uint16_t code, std::string_view reason) {
    std::printf("close #%u %u %.*s\n", id, unsigned{code}, static_cast<int>(reason.size()), reason.data());
    client.closing = true;
    server_.close(id, code, reason);
}

void ChatServer::tell_room(const Room& room, const net::Message& message) {
    // One buffer, shared by every recipient.
    server_.send(std::span<const net::ConnectionId>(room.clients), message);
}

}  // namespace chat
