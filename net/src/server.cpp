// The game-thread side of a server: commands go into one SPSC queue, events come
// out of another. Nothing here blocks (after listen), locks, or allocates per
// message.
#include "tickwire/net/server.hpp"

#include <algorithm>
#include <cstring>

#include "http/game_requests.hpp"
#include "native/server_core.hpp"
#include "server_shared.hpp"

namespace tickwire::net {

namespace {
void request_wake(ServerShared& shared) {
    if (!shared.wake_requested.exchange(true)) detail::wake(*shared.loop);
}

bool push_command(ServerShared& shared, detail::Command::Kind kind, ConnectionId id, Message payload,
                  std::uint16_t code = 0) {
    detail::Command command{kind, code, id, detail::take_block(payload)};
    if (!shared.commands.push(command)) {
        if (command.payload) detail::release_block(command.payload);
        shared.dropped_out.fetch_add(1, std::memory_order_relaxed);
        return false;
    }
    shared.commands_pushed.fetch_add(1, std::memory_order_relaxed);
    ++shared.unflushed;
    return true;
}
}  // namespace

Server Server::listen(ServerOptions options, std::error_code& ec) {
    std::shared_ptr<NetworkThread> thread = options.network_thread ? options.network_thread : NetworkThread::create();
    options.network_thread.reset();  // the shared state must not own the thread (see Channel)
    options.send_queue_capacity = std::max<std::size_t>(options.send_queue_capacity, 2);
    options.receive_queue_capacity = std::max<std::size_t>(options.receive_queue_capacity, 2);
    auto shared = std::make_shared<ServerShared>(std::move(options));
    shared->loop = &detail::NetworkThreadAccess::loop(*thread);
    ec = detail::start_server(*shared->loop, shared);
    if (ec) return Server();
    return Server(std::move(shared), std::move(thread));
}

Server::Server(std::shared_ptr<ServerShared> shared, std::shared_ptr<NetworkThread> thread)
    : shared_(std::move(shared)), thread_(std::move(thread)) {}

Server::Server(Server&&) noexcept = default;

Server& Server::operator=(Server&& other) noexcept {
    if (this != &other) {
        Server doomed(std::move(*this));
        shared_ = std::move(other.shared_);
        thread_ = std::move(other.thread_);
    }
    return *this;
}

Server::~Server() {
    if (!shared_) return;
    shared_->abandoned.store(true);
    request_wake(*shared_);
    shared_.reset();
    thread_.reset();  // joins an owned thread after connections close (bounded)
}

std::uint16_t Server::port() const noexcept { return shared_ ? shared_->port : 0; }
bool Server::tls() const noexcept { return shared_ && shared_->tls; }

bool Server::poll(ServerEvent& event) {
    if (!shared_ || shared_->events.read_available() == 0) return false;
    detail::RawEvent& raw = shared_->events.front();
    event.type = static_cast<ServerEventType>(raw.type);
    event.id = raw.id;
    event.close_code = raw.close_code;
    event.message = detail::adopt_block(raw.message);
    event.detail = detail::adopt_block(raw.detail);
    shared_->events.pop();
    shared_->events_popped.fetch_add(1, std::memory_order_relaxed);
    if (event.message) shared_->event_bytes_popped.fetch_add(event.message.size(), std::memory_order_relaxed);
    return true;
}

bool Server::send(ConnectionId id, Message message) {
    return shared_ && message && push_command(*shared_, detail::Command::Kind::send, id, std::move(message));
}

bool Server::send_latest(ConnectionId id, Message message) {
    return shared_ && message && push_command(*shared_, detail::Command::Kind::send_latest, id, std::move(message));
}

bool Server::send(ConnectionId id, Message message, Delivery delivery) {
    return delivery == Delivery::latest ? send_latest(id, std::move(message)) : send(id, std::move(message));
}

bool Server::send(ConnectionId id, std::span<const std::byte> bytes) {
    return shared_ && push_command(*shared_, detail::Command::Kind::send, id, Message::copy_of(bytes));
}

bool Server::send(std::span<const ConnectionId> ids, const Message& message) {
    if (!shared_ || !message) return false;
    bool all = true;
    for (const ConnectionId id : ids) all = push_command(*shared_, detail::Command::Kind::send, id, message) && all;
    return all;
}

bool Server::broadcast(const Message& message) {
    return shared_ && message && push_command(*shared_, detail::Command::Kind::broadcast, 0, message);
}

bool Server::close(ConnectionId id, std::uint16_t code, std::string_view reason) {
    return shared_ &&
           push_command(*shared_, detail::Command::Kind::close, id, Message::copy_of(reason.substr(0, 123)), code);
}

bool Server::publish_http(std::string_view path, std::string_view body, std::string_view content_type) {
    if (!shared_) return false;
    Message resource = Message::allocate(path.size() + content_type.size() + body.size() + 2);
    char* out = reinterpret_cast<char*>(resource.writable().data());
    out = std::copy(path.begin(), path.end(), out);
    *out++ = '\0';
    out = std::copy(content_type.begin(), content_type.end(), out);
    *out++ = '\0';
    std::copy(body.begin(), body.end(), out);
    return push_command(*shared_, detail::Command::Kind::publish_http, 0, std::move(resource));
}

bool Server::respond(HttpRequestId request, unsigned status, std::string_view content_type, std::string_view body,
                     std::span<const HttpHeader> headers) {
    if (!shared_ || request == 0 || status < 200 || status > 599) return false;  // 1xx is not an answer
    Message answer = http::encode_answer(content_type, headers, body);
    if (!answer) return false;  // a header that would split the response
    return push_command(*shared_, detail::Command::Kind::http_answer, request, std::move(answer),
                        static_cast<std::uint16_t>(status));
}

void Server::flush() {
    if (!shared_ || shared_->unflushed == 0) return;
    shared_->unflushed = 0;
    request_wake(*shared_);
}

ServerStats Server::stats() const noexcept {
    ServerStats s;
    if (!shared_) return s;
    const ServerShared& c = *shared_;
    constexpr auto relaxed = std::memory_order_relaxed;
    s.connections_accepted = c.connections_accepted.load(relaxed);
    s.connections_open = c.connections_open.load(relaxed);
    s.rejected_over_capacity = c.rejected_over_capacity.load(relaxed);
    s.slow_consumers_closed = c.slow_consumers_closed.load(relaxed);
    s.rejected_per_ip = c.rejected_per_ip.load(relaxed);
    s.handshakes_failed = c.handshakes_failed.load(relaxed);
    s.messages_in = c.messages_in.load(relaxed);
    s.bytes_in = c.bytes_in.load(relaxed);
    s.messages_out = c.messages_out.load(relaxed);
    s.bytes_out = c.bytes_out.load(relaxed);
    s.dropped_out = c.dropped_out.load(relaxed);
    s.superseded = c.superseded.load(relaxed);
    s.sessions_resumed = c.sessions_resumed.load(relaxed);
    s.sessions_expired = c.sessions_expired.load(relaxed);
    s.resumes_refused = c.resumes_refused.load(relaxed);
    s.sessions_held = c.sessions_held.load(relaxed);
    s.reads_paused = c.reads_paused.load(relaxed);
    s.http_requests = c.http_requests.load(relaxed);
    s.http_requests_unanswered = c.http_requests_unanswered.load(relaxed);
    s.static_files_served = c.static_files_served.load(relaxed);
    s.send_queue_depth = detail::queue_depth(c.commands_pushed, c.commands_popped);
    s.receive_queue_depth = detail::queue_depth(c.events_pushed, c.events_popped);
    return s;
}

}  // namespace tickwire::net
