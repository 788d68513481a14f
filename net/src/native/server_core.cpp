// The server's network-thread hub: accepts sockets, owns the id → connection
// table, runs the game's commands (send, broadcast, close, publish) and carries
// events to the game in order, pausing readers when the game falls behind.
#include "native/server_core.hpp"

#include <openssl/rand.h>

#include <algorithm>
#include <cstdio>

#include <boost/asio/post.hpp>
#include <boost/asio/ssl.hpp>

#include "session/resume_token.hpp"
#include "tickwire/schemas/protocol.hpp"
#include "url.hpp"

namespace tickwire::net::detail {

namespace asio = boost::asio;
namespace ssl = boost::asio::ssl;
using tcp = asio::ip::tcp;
using error_code = boost::system::error_code;

ServerCore::ServerCore(NetworkLoop& thread, std::shared_ptr<ServerShared> shared)
    : thread_(thread),
      shared_(std::move(shared)),
      acceptor_(thread.io),
      hello_reader_(shared_->options.session),
      ack_timer_(thread.io),
      housekeeping_timer_(thread.io),
      outbox_(thread.io, shared_->events, shared_->events_pushed, shared_->abandoned) {
    wake_requested = &shared_->wake_requested;
    outbox_.on_drained = [this] { resume_paused(); };
    if (shared_->options.session.enabled) {
        const std::string& secret = shared_->options.session.secret;
        if (!secret.empty()) {
            const auto* bytes = reinterpret_cast<const std::byte*>(secret.data());
            secret_.assign(bytes, bytes + secret.size());
        } else {
            secret_.resize(32);
            if (RAND_bytes(reinterpret_cast<unsigned char*>(secret_.data()), static_cast<int>(secret_.size())) != 1)
                throw std::runtime_error("tickwire server: no randomness for the resume-token secret");
        }
    }
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
    start_http_connection(shared_from_this(), std::move(socket), remote, std::move(slot));
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
    return !stopped_ && connections_.size() + awaiting_hello_.size() < shared_->options.max_connections;
}

const HttpResource* ServerCore::http_resource(std::string_view path) const {
    const auto it = http_resources_.find(std::string(path));
    return it == http_resources_.end() ? nullptr : &it->second;
}

std::shared_ptr<NetSimLink> ServerCore::make_netsim_link() {
    if (!shared_->options.netsim.enabled()) return nullptr;
    return std::make_shared<NetSimLink>(shared_->options.netsim, ++netsim_links_);
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
    count_open();
    emit_connection_event(ServerEventType::connected, id, remote, target);
    return id;
}

void ServerCore::count_open() noexcept {
    shared_->connections_open.store(connections_.size(), std::memory_order_relaxed);
}

// connected / resumed: detail is "address\0path\0query" in one pooled buffer.
void ServerCore::emit_connection_event(ServerEventType type, ConnectionId id, std::string_view remote,
                                       std::string_view target) {
    const auto [path, query] = split_target(target);
    Message fields = Message::allocate(remote.size() + path.size() + query.size() + 2);
    auto out = reinterpret_cast<char*>(fields.writable().data());
    out = std::copy(remote.begin(), remote.end(), out);
    *out++ = '\0';
    out = std::copy(path.begin(), path.end(), out);
    *out++ = '\0';
    std::copy(query.begin(), query.end(), out);

    RawEvent event;
    event.type = static_cast<std::uint8_t>(type);
    event.id = id;
    event.detail = detail::take_block(fields);
    outbox_.emit(event);
}

bool ServerCore::on_message(ConnectionId id, Message message) {
    shared_->messages_in.fetch_add(1, std::memory_order_relaxed);
    shared_->bytes_in.fetch_add(message.size(), std::memory_order_relaxed);
    RawEvent event;
    event.type = static_cast<std::uint8_t>(ServerEventType::message);
    event.id = id;
    event.message = detail::take_block(message);
    if (outbox_.emit(event)) return true;
    paused_.push_back(id);
    return false;
}

void ServerCore::on_disconnected(ConnectionId id, const CloseInfo& info, const ServerConnection* connection) {
    // (The session logs closes for cause: it knows the remote address.)
    if (shared_->options.session.enabled) {
        const auto current = connections_.find(id);
        if (current != connections_.end() && current->second.get() == connection) {
            connections_.erase(current);
            count_open();
        }
        const auto it = sessions_.find(id);
        if (it == sessions_.end() || it->second->connection.get() != connection) return;  // superseded
        Session& session = *it->second;
        session.connection.reset();
        // No close frame (a vanished network, an idle timeout): hold the session
        // for its client to resume. Anything deliberate ends it now.
        const auto grace = shared_->options.session.grace_period;
        if (stopped_ || session.closing || info.code != close_code::abnormal || grace.count() <= 0)
            return end_session(id, info.code, info.reason);
        session.hold_until = std::chrono::steady_clock::now() + grace;
        shared_->sessions_held.fetch_add(1, std::memory_order_relaxed);
        return arm_housekeeping();
    }
    if (connections_.erase(id) == 0) return;
    count_open();
    RawEvent event;
    event.type = static_cast<std::uint8_t>(ServerEventType::disconnected);
    event.id = id;
    event.close_code = info.code;
    event.detail = detail::take_block(Message::copy_of(info.reason));
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
    Message payload = detail::adopt_block(command.payload);
    switch (command.kind) {
    case Command::Kind::send:
        return send_to(command.id, std::move(payload));
    case Command::Kind::send_latest:
        return send_to(command.id, std::move(payload), true);
    case Command::Kind::broadcast:
        if (shared_->options.session.enabled) {
            // Held sessions too: their reliable messages wait for the resume.
            for (const auto& [id, session] : sessions_) session_send(*session, payload, false);
            return;
        }
        for (const auto& [id, connection] : connections_) send_to(id, payload);  // shares the buffer
        return;
    case Command::Kind::close: {
        if (shared_->options.session.enabled) {
            const auto session = sessions_.find(command.id);
            if (session == sessions_.end()) return;
            session->second->closing = true;
            if (!session->second->connection) return end_session(command.id, command.code, payload.text());
        }
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
    if (shared_->options.session.enabled) {
        const auto session = sessions_.find(id);
        if (session != sessions_.end()) session_send(*session->second, std::move(message), latest);
        return;
    }
    const auto it = connections_.find(id);
    if (it == connections_.end()) return;  // already gone: its disconnected event is on its way
    ServerConnection& connection = *it->second;
    if (!latest)
        connection.send(std::move(message));
    else if (connection.send_latest(std::move(message)))
        shared_->superseded.fetch_add(1, std::memory_order_relaxed);
    check_slow_consumer(id, connection);
}

void ServerCore::check_slow_consumer(ConnectionId id, ServerConnection& connection) {
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
    for (const auto& [deadline, waiting] : awaiting_hello_)
        if (const auto connection = waiting.lock()) connection->close(code, reason);
    awaiting_hello_.clear();
    sessions_.clear();  // held ones: nobody will resume them now
    session_ids_.clear();
    ack_timer_.cancel();
    housekeeping_timer_.cancel();
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
    if (o.log_events) {
        RawEvent event;
        event.type = static_cast<std::uint8_t>(ServerEventType::log);
        event.detail = detail::take_block(Message::copy_of(text));
        outbox_.emit(event);
        return;
    }
    if (o.log_sink) return o.log_sink(text);
    std::fprintf(stderr, "tickwire-server: %s\n", text.c_str());
}

// ---- session mode ------------------------------------------------------------

void ServerCore::on_session_accepted(std::shared_ptr<ServerConnection> connection) {
    awaiting_hello_.emplace_back(std::chrono::steady_clock::now() + shared_->options.handshake_timeout,
                                 std::move(connection));
    arm_housekeeping();
}

bool ServerCore::on_session_message(const std::shared_ptr<ServerConnection>& connection, Message message) {
    const ConnectionId id = connection->id();
    if (id == kInvalidConnection) {
        // It is no longer awaiting its Hello whatever the verdict: stop
        // counting it against max_connections now, not at the next sweep.
        std::erase_if(awaiting_hello_, [&](const auto& entry) {
            const auto waiting = entry.second.lock();
            return !waiting || waiting == connection;
        });
        const auto hello = hello_reader_.receive(message, false);  // a scratch reader: nothing may stick
        if (hello.kind != ReliableSession::Incoming::Kind::hello) {
            log("closing " + std::string(connection->remote()) + ": session mode expects a hello first (" +
                std::string(hello.why.empty() ? "other packet" : hello.why) + ")");
            connection->close_now(close_code::protocol_error, "session: expected hello");
        } else if (hello.protocol_version != schemas::kProtocolVersion) {
            log("closing " + std::string(connection->remote()) + ": protocol version " +
                std::to_string(hello.protocol_version));
            connection->close_now(close_code::protocol_error, "session: unsupported protocol version");
        } else {
            on_hello(connection, hello);
        }
        return true;
    }
    const auto it = sessions_.find(id);
    if (it == sessions_.end() || it->second->connection != connection) return true;  // superseded: ignore
    Session& session = *it->second;
    if (!session.token_confirmed) {
        // The client sends nothing after its Hello until our Welcome arrived:
        // it holds the newest token now, and older ones become replays.
        session.token_confirmed = true;
        session.confirmed_token_expiry_ms = session.token_expiry_ms;
    }
    auto in = session.reliable.receive(message);
    using Kind = ReliableSession::Incoming::Kind;
    switch (in.kind) {
    case Kind::message:
        // Only numbered messages are acknowledged: latest-state ones (60
        // inputs a second per player) would re-arm the ack sweep for nothing.
        if (in.reliable) schedule_ack(session);
        return on_message(id, std::move(in.payload));
    case Kind::duplicate:
    case Kind::ack:
    case Kind::other: return true;
    case Kind::hello:
    case Kind::welcome:
    case Kind::invalid: break;
    }
    log("closing #" + std::to_string(id) + ": session protocol error (" +
        std::string(in.why.empty() ? "unexpected packet" : in.why) + ")");
    connection->close_now(close_code::protocol_error, "session protocol error");
    return true;
}

void ServerCore::on_hello(const std::shared_ptr<ServerConnection>& connection,
                          const ReliableSession::Incoming& hello) {
    if (hello.session_id == 0 && hello.proof.empty()) return start_session(connection);
    // A resume: the token must verify, name this session, be one of its two newest, and
    // the session must still be held (or attached to a connection that has not
    // noticed it is dead). Anything else gets a fresh session — never the old one.
    std::string_view why;
    const ResumeTokenCheck check = verify_resume_token(secret_, hello.proof, unix_now_ms());
    Session* session = nullptr;
    if (!check.ok()) {
        why = check.error;
    } else if (check.session_id != hello.session_id) {
        why = "resume token belongs to another session";
    } else if (const auto known = session_ids_.find(check.session_id); known == session_ids_.end()) {
        why = "session unknown or expired";
    } else {
        session = sessions_.at(known->second).get();
        if (check.expiry_ms < session->confirmed_token_expiry_ms || check.expiry_ms > session->token_expiry_ms)
            why = "resume token replayed (the client has a newer one)";
        else if (session->closing)
            why = "session is closing";
    }
    if (why.empty()) return resume(*session, connection, hello.received);
    shared_->resumes_refused.fetch_add(1, std::memory_order_relaxed);
    log("resume refused for " + std::string(connection->remote()) + ": " + std::string(why) + " (new session)");
    start_session(connection);
}

void ServerCore::start_session(const std::shared_ptr<ServerConnection>& connection) {
    const ConnectionId id = next_id_++;
    if (next_id_ == kInvalidConnection) next_id_ = 1;
    std::uint64_t session_id = 0;
    while (session_id == 0 || session_ids_.count(session_id) != 0) {
        if (RAND_bytes(reinterpret_cast<unsigned char*>(&session_id), sizeof session_id) != 1) {
            log("closing " + std::string(connection->remote()) + ": no randomness for a session id");
            return connection->close_now(close_code::internal_error, "server error");
        }
    }
    auto session = std::make_unique<Session>(shared_->options.session);
    session->id = id;
    session->session_id = session_id;
    session->connection = connection;
    connection->set_id(id);
    connections_.emplace(id, connection);
    session_ids_.emplace(session_id, id);
    const auto token = issue_token(*session);
    connection->send(ReliableSession::make_welcome(session_id, token, 0, false));
    sessions_.emplace(id, std::move(session));
    shared_->connections_accepted.fetch_add(1, std::memory_order_relaxed);
    count_open();
    emit_connection_event(ServerEventType::connected, id, connection->remote(), connection->target());
}

void ServerCore::resume(Session& session, const std::shared_ptr<ServerConnection>& connection,
                        std::uint32_t received) {
    if (session.connection) {
        // The client is back before we noticed its old connection die.
        const auto old = std::move(session.connection);
        connections_.erase(session.id);
        old->close_now(close_code::going_away, "session resumed on another connection");
    } else {
        shared_->sessions_held.fetch_sub(1, std::memory_order_relaxed);
    }
    session.connection = connection;
    session.hold_until = {};
    connection->set_id(session.id);
    connections_[session.id] = connection;
    count_open();
    session.reliable.on_ack(received);
    const auto token = issue_token(session);
    connection->send(ReliableSession::make_welcome(session.session_id, token, session.reliable.received(), true));
    session.reliable.resend([&connection](Message envelope) { connection->send(std::move(envelope)); });
    shared_->sessions_resumed.fetch_add(1, std::memory_order_relaxed);
    emit_connection_event(ServerEventType::resumed, session.id, connection->remote(), connection->target());
    check_slow_consumer(session.id, *connection);
}

std::vector<std::byte> ServerCore::issue_token(Session& session) {
    const auto lifetime = static_cast<std::uint64_t>(std::max<std::int64_t>(
        shared_->options.session.token_lifetime.count(), 1));
    // Strictly increasing per session, so each token is told apart by its expiry.
    session.token_confirmed = false;
    session.token_expiry_ms = std::max(unix_now_ms() + lifetime, session.token_expiry_ms + 1);
    const ResumeToken token = issue_resume_token(secret_, session.session_id, session.token_expiry_ms);
    return {token.begin(), token.end()};
}

void ServerCore::session_send(Session& session, Message message, bool latest) {
    if (session.closing) return;
    if (latest) {
        if (!session.connection) return;  // never resent: the next state replaces it
        Message envelope = session.reliable.wrap_latest(message);
        if (!envelope) {
            shared_->dropped_out.fetch_add(1, std::memory_order_relaxed);
            return;
        }
        if (session.connection->send_latest(std::move(envelope)))
            shared_->superseded.fetch_add(1, std::memory_order_relaxed);
        return check_slow_consumer(session.id, *session.connection);
    }
    bool full = false, invalid = false;
    Message envelope = session.reliable.wrap_reliable(message, full, invalid);
    if (invalid) {
        shared_->dropped_out.fetch_add(1, std::memory_order_relaxed);  // empty or over 64 KiB
        return;
    }
    if (full) {
        // No silent gap: the session ends, and says why.
        log("closing #" + std::to_string(session.id) + ": reliable send buffer full (" +
            std::to_string(session.reliable.kept()) + " unacknowledged)");
        session.closing = true;
        if (!session.connection)
            return end_session(session.id, close_code::policy_violation, "reliable send buffer full");
        return session.connection->close_now(close_code::policy_violation, "reliable send buffer full");
    }
    if (!session.connection) return;  // kept: resent when the client resumes
    session.connection->send(std::move(envelope));
    check_slow_consumer(session.id, *session.connection);
}

void ServerCore::end_session(ConnectionId id, std::uint16_t code, std::string_view reason) {
    const auto it = sessions_.find(id);
    if (it == sessions_.end()) return;
    if (!it->second->connection && it->second->hold_until != std::chrono::steady_clock::time_point{})
        shared_->sessions_held.fetch_sub(1, std::memory_order_relaxed);
    session_ids_.erase(it->second->session_id);
    sessions_.erase(it);
    RawEvent event;
    event.type = static_cast<std::uint8_t>(ServerEventType::disconnected);
    event.id = id;
    event.close_code = code;
    event.detail = detail::take_block(Message::copy_of(reason));
    outbox_.emit(event);
}

// Acks ride on outgoing payloads; a bare Ack goes after ack_delay if none did.
void ServerCore::schedule_ack(Session& session) {
    if (session.reliable.unacknowledged_received() >= 32) {
        if (session.connection) session.connection->send(session.reliable.make_ack());
        return;
    }
    if (session.ack_queued) return;
    session.ack_queued = true;
    ack_due_.push_back(session.id);
    if (ack_armed_) return;
    ack_armed_ = true;
    ack_timer_.expires_after(shared_->options.session.ack_delay);
    ack_timer_.async_wait([self = shared_from_this()](error_code ec) {
        self->ack_armed_ = false;
        if (!ec) self->send_due_acks();
    });
}

void ServerCore::send_due_acks() {
    std::vector<ConnectionId> due;
    due.swap(ack_due_);
    for (const ConnectionId id : due) {
        const auto it = sessions_.find(id);
        if (it == sessions_.end()) continue;
        Session& session = *it->second;
        session.ack_queued = false;
        if (session.connection && session.reliable.unacknowledged_received() > 0)
            session.connection->send(session.reliable.make_ack());
    }
    due.clear();
    if (ack_due_.empty()) ack_due_.swap(due);  // keep the capacity
}

// Expire held sessions and hello-less connections. Runs only while there are some.
void ServerCore::arm_housekeeping() {
    if (housekeeping_armed_ || stopped_) return;
    housekeeping_armed_ = true;
    const auto grace = shared_->options.session.grace_period;
    const auto period = std::clamp<std::chrono::milliseconds>(grace / 4, std::chrono::milliseconds(5),
                                                              std::chrono::milliseconds(250));
    housekeeping_timer_.expires_after(period);
    housekeeping_timer_.async_wait([self = shared_from_this()](error_code ec) {
        self->housekeeping_armed_ = false;
        if (!ec && !self->stopped_) self->housekeeping();
    });
}

void ServerCore::housekeeping() {
    const auto now = std::chrono::steady_clock::now();
    std::vector<ConnectionId> expired;
    bool holding = false;
    for (const auto& [id, session] : sessions_) {
        if (session->connection) continue;
        if (session->hold_until <= now)
            expired.push_back(id);
        else
            holding = true;
    }
    for (const ConnectionId id : expired) {
        shared_->sessions_expired.fetch_add(1, std::memory_order_relaxed);
        end_session(id, close_code::abnormal, "session expired");
    }
    std::erase_if(awaiting_hello_, [&](auto& entry) {
        const auto connection = entry.second.lock();
        if (!connection || connection->id() != kInvalidConnection) return true;
        if (entry.first > now) return false;
        log("closing " + std::string(connection->remote()) + ": no hello within the handshake timeout");
        connection->close_now(close_code::policy_violation, "no hello");
        return true;
    });
    if (holding || !awaiting_hello_.empty()) arm_housekeeping();
}

std::error_code start_server(NetworkLoop& thread, const std::shared_ptr<ServerShared>& shared) {
    auto core = std::make_shared<ServerCore>(thread, shared);
    if (const std::error_code ec = core->bind()) return ec;
    asio::post(thread.io, [core] { core->start(); });
    return {};
}

}  // namespace tickwire::net::detail
