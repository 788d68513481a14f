// The server's network-thread hub: accepts sockets, owns the id → connection
// table, runs the game's commands (send, broadcast, close, publish) and carries
// events to the game in order, pausing readers when the game falls behind.
#include "server_core.hpp"

#include <algorithm>
#include <cstdio>

#include <boost/asio/post.hpp>
#include <boost/asio/ssl.hpp>

#include "url.hpp"

namespace tickwire::net::detail {

namespace asio = boost::asio;
namespace ssl = boost::asio::ssl;
using tcp = asio::ip::tcp;
using error_code = boost::system::error_code;

ServerCore::ServerCore(NetworkThread::Impl& thread, std::shared_ptr<ServerShared> shared)
    : thread_(thread),
      shared_(std::move(shared)),
      acceptor_(thread.io),
      outbox_(thread.io, shared_->events, shared_->events_pushed, shared_->abandoned) {
    wake_requested = &shared_->wake_requested;
    outbox_.on_drained = [this] { resume_paused(); };
}

std::error_code ServerCore::bind() {
    const ServerOptions& options = shared_->options;
    error_code ec;
    if (!options.tls_certificate_file.empty() || !options.tls_private_key_file.empty()) {
        ssl_ = std::make_shared<ssl::context>(ssl::context::tls_server);
        ssl_->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 | ssl::context::no_sslv3 |
                          ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1);
        ssl_->use_certificate_chain_file(options.tls_certificate_file, ec);
        if (!ec) ssl_->use_private_key_file(options.tls_private_key_file, ssl::context::pem, ec);
        if (ec) return ec;
        shared_->tls = true;
    }
    const auto address = asio::ip::make_address(options.address, ec);
    if (ec) return ec;
    const tcp::endpoint endpoint(address, options.port);
    acceptor_.open(endpoint.protocol(), ec);
    if (!ec) acceptor_.set_option(asio::socket_base::reuse_address(true), ec);
    if (!ec) acceptor_.bind(endpoint, ec);
    if (!ec) acceptor_.listen(asio::socket_base::max_listen_connections, ec);
    if (ec) return ec;
    shared_->port = acceptor_.local_endpoint(ec).port();
    return ec;
}

void ServerCore::start() {
    self_ = shared_from_this();
    thread_.attach(this);
    do_accept();
}

// Accept the next socket
void ServerCore::do_accept() {
    acceptor_.async_accept([self = shared_from_this()](error_code ec, tcp::socket socket) {
        if (ec == asio::error::operation_aborted || self->stopped_) return;
        if (!ec) self->admit(std::move(socket));
        self->do_accept();
    });
}

// Limits that apply before a byte is read: a flood of idle TCP connections
// must not exhaust descriptors, and one address must not crowd out the rest.
void ServerCore::admit(tcp::socket socket) {
    error_code ec;
    const auto endpoint = socket.remote_endpoint(ec);
    if (ec) return;  // already gone
    std::string address = endpoint.address().to_string();
    const std::string remote = address + ":" + std::to_string(endpoint.port());
    const ServerOptions& o = options();
    if (pending_http_ >= o.max_connections) {
        shared_->rejected_over_capacity.fetch_add(1, std::memory_order_relaxed);
        log("rejected " + remote + ": too many connections in handshake (" + std::to_string(pending_http_) +
            "), closed");
        return socket.close(ec);
    }
    std::size_t& held = sockets_per_ip_[address];
    if (held >= o.max_connections_per_ip) {
        shared_->rejected_per_ip.fetch_add(1, std::memory_order_relaxed);
        log("rejected " + remote + ": per-address limit (" + std::to_string(held) + " connections), closed");
        return socket.close(ec);
    }
    ++held;
    ++pending_http_;
    SocketSlot slot(this, std::move(address));
    start_http_session(shared_from_this(), std::move(socket), remote, std::move(slot));
}

SocketSlot::~SocketSlot() {
    if (core_ != nullptr) core_->release_socket(address_);
}

void ServerCore::release_socket(const std::string& address) noexcept {
    const auto it = sockets_per_ip_.find(address);
    if (it != sockets_per_ip_.end() && --it->second == 0) sockets_per_ip_.erase(it);
}

void ServerCore::note_handshake_failed() noexcept {
    shared_->handshakes_failed.fetch_add(1, std::memory_order_relaxed);
}

bool ServerCore::accepting_upgrades() const noexcept {
    return !stopped_ && connections_.size() < shared_->options.max_connections;
}

const HttpResource* ServerCore::http_resource(std::string_view path) const {
    const auto it = http_resources_.find(std::string(path));
    return it == http_resources_.end() ? nullptr : &it->second;
}

void ServerCore::note_rejected_over_capacity(const std::string& remote) {
    shared_->rejected_over_capacity.fetch_add(1, std::memory_order_relaxed);
    log("rejected " + remote + ": server full (HTTP 503)");
}

ConnectionId ServerCore::on_connected(std::shared_ptr<ServerConnection> connection, std::string_view remote,
                                      std::string_view target) {
    const ConnectionId id = next_id_++;
    if (next_id_ == kInvalidConnection) next_id_ = 1;  // wrapped after 4 billion connections
    connections_.emplace(id, std::move(connection));
    shared_->connections_accepted.fetch_add(1, std::memory_order_relaxed);
    shared_->connections_open.fetch_add(1, std::memory_order_relaxed);

    const auto [path, query] = split_target(target);
    Message detail = Message::allocate(remote.size() + path.size() + query.size() + 2);
    auto out = reinterpret_cast<char*>(detail.writable().data());
    out = std::copy(remote.begin(), remote.end(), out);
    *out++ = '\0';
    out = std::copy(path.begin(), path.end(), out);
    *out++ = '\0';
    std::copy(query.begin(), query.end(), out);

    RawEvent event;
    event.type = static_cast<std::uint8_t>(ServerEventType::connected);
    event.id = id;
    event.detail = detail.release();
    outbox_.emit(event);
    return id;
}

bool ServerCore::on_message(ConnectionId id, Message message) {
    shared_->messages_in.fetch_add(1, std::memory_order_relaxed);
    shared_->bytes_in.fetch_add(message.size(), std::memory_order_relaxed);
    RawEvent event;
    event.type = static_cast<std::uint8_t>(ServerEventType::message);
    event.id = id;
    event.message = message.release();
    if (outbox_.emit(event)) return true;
    paused_.push_back(id);
    return false;
}

void ServerCore::on_disconnected(ConnectionId id, const CloseInfo& info) {
    if (connections_.erase(id) == 0) return;
    shared_->connections_open.fetch_sub(1, std::memory_order_relaxed);
    RawEvent event;
    event.type = static_cast<std::uint8_t>(ServerEventType::disconnected);
    event.id = id;
    event.close_code = info.code;
    event.detail = Message::copy_of(info.reason).release();
    outbox_.emit(event);
}

// After the game caught up: resume readers in the order they paused (one may
// pause again at once).
void ServerCore::resume_paused() {
    std::vector<ConnectionId> resume;
    resume.swap(paused_);
    for (const ConnectionId id : resume) {
        const auto it = connections_.find(id);
        if (it != connections_.end()) it->second->resume_reading();
    }
}

void ServerCore::on_wake() {
    Command command;
    while (shared_->commands.pop(command)) {
        shared_->commands_popped.fetch_add(1, std::memory_order_relaxed);
        run_command(command);
    }
    if (shared_->abandoned.load()) stop(close_code::going_away, "server shutting down");
}

void ServerCore::run_command(Command& command) {
    Message payload = Message::adopt(command.payload);
    switch (command.kind) {
    case Command::Kind::send:
        return send_to(command.id, std::move(payload));
    case Command::Kind::send_latest:
        return send_to(command.id, std::move(payload), true);
    case Command::Kind::broadcast:
        for (const auto& [id, connection] : connections_) send_to(id, payload);  // shares the buffer
        return;
    case Command::Kind::close: {
        const auto it = connections_.find(command.id);
        if (it != connections_.end()) it->second->close(command.code, payload.text());
        return;
    }
    case Command::Kind::publish_http: {
        // payload: "path\0content-type\0body"
        const std::string_view text = payload.text();
        const auto first = text.find('\0');
        const auto second = text.find('\0', first + 1);
        if (first == std::string_view::npos || second == std::string_view::npos) return;
        http_resources_[std::string(text.substr(0, first))] =
            HttpResource{std::string(text.substr(first + 1, second - first - 1)), std::string(text.substr(second + 1))};
        return;
    }
    }
}

void ServerCore::send_to(ConnectionId id, Message message, bool latest) {
    const auto it = connections_.find(id);
    if (it == connections_.end()) return;  // already gone: its disconnected event is on its way
    ServerConnection& connection = *it->second;
    if (!latest)
        connection.send(std::move(message));
    else if (connection.send_latest(std::move(message)))
        shared_->superseded.fetch_add(1, std::memory_order_relaxed);
    if (connection.queued_bytes() > shared_->options.write_queue_limit_bytes) {
        // A consumer that cannot keep up is closed rather than buffered without bound.
        shared_->slow_consumers_closed.fetch_add(1, std::memory_order_relaxed);
        log("closing #" + std::to_string(id) + ": slow consumer (" + std::to_string(connection.queued_bytes()) +
            " bytes queued)");
        connection.close_now(close_code::policy_violation, "slow consumer");
    }
}

void ServerCore::on_shutdown() { stop(close_code::going_away, "server shutting down"); }

void ServerCore::stop(std::uint16_t code, std::string_view reason) {
    if (stopped_) return;
    stopped_ = true;
    error_code ignored;
    acceptor_.close(ignored);
    // Copy: closing may finish a connection at once and erase it from the table.
    std::vector<std::shared_ptr<ServerConnection>> open;
    for (const auto& [id, connection] : connections_) open.push_back(connection);
    for (const auto& connection : open) connection->close(code, reason);
    thread_.detach(this);
    asio::post(thread_.io, [doomed = std::move(self_)] {});
}

void ServerCore::log(const std::string& line) {
    const ServerOptions& o = shared_->options;
    if (!o.log) return;
    constexpr double kLogBurst = 200, kLogPerSecond = 50;
    const auto now = std::chrono::steady_clock::now();
    log_tokens_ = std::min(kLogBurst, log_tokens_ + kLogPerSecond * std::chrono::duration<double>(now - log_refilled_).count());
    log_refilled_ = now;
    if (log_tokens_ < 1) {
        ++log_suppressed_;
        return;
    }
    log_tokens_ -= 1;
    std::string text = line;
    if (log_suppressed_ != 0) {
        text = "(" + std::to_string(log_suppressed_) + " lines suppressed) " + text;
        log_suppressed_ = 0;
    }
    if (o.log_sink) return o.log_sink(text);
    std::fprintf(stderr, "tickwire-server: %s\n", text.c_str());
}

std::error_code start_server(NetworkThread::Impl& thread, const std::shared_ptr<ServerShared>& shared) {
    auto core = std::make_shared<ServerCore>(thread, shared);
    if (const std::error_code ec = core->bind()) return ec;
    asio::post(thread.io, [core] { core->start(); });
    return {};
}

}  // namespace tickwire::net::detail
