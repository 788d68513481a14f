// The server's network-thread hub: accepts sockets, owns the id → connection
// table, runs the game's commands (send, broadcast, close, publish) and carries
// events to the game in order, pausing readers when the game falls behind.
#include "native/server_core.hpp"

#include <openssl/rand.h>

#include <algorithm>
#include <cstdio>
#include <optional>

#include <boost/asio/post.hpp>
#include <boost/asio/ssl.hpp>

#include "native/http_connection.hpp"
#include "native/ws_hub.hpp"
#include "tickwire/schemas/protocol.hpp"
#include "tickwire/net/url.hpp"

namespace tickwire::net::detail {

namespace asio = boost::asio;
namespace ssl = boost::asio::ssl;
using tcp = asio::ip::tcp;
using error_code = boost::system::error_code;

namespace {
// Log budget: a burst of kLogBurst lines, then kLogPerSecond.
constexpr double kLogBurst = 200, kLogPerSecond = 50;

// The resume-token HMAC key: the configured one, or 32 random bytes (tokens
// then die with the process).
std::vector<std::byte> resume_secret(const SessionOptions& options) {
    if (!options.enabled) return {};
    if (!options.secret.empty()) {
        const auto* bytes = reinterpret_cast<const std::byte*>(options.secret.data());
        return {bytes, bytes + options.secret.size()};
    }
    std::vector<std::byte> secret(32);
    if (RAND_bytes(reinterpret_cast<unsigned char*>(secret.data()), static_cast<int>(secret.size())) != 1)
        throw std::runtime_error("tickwire server: no randomness for the resume-token secret");
    return secret;
}

// How often the hub checks deadlines and pings: a fraction of the shortest
// one, so each is kept to within that much.
std::chrono::milliseconds sweep_period(const ServerOptions& o) {
    auto period = std::min(o.idle_timeout, o.close_timeout) / 4;
    if (o.ping_interval.count() > 0) period = std::min(period, o.ping_interval / 2);
    return std::clamp<std::chrono::milliseconds>(period, std::chrono::milliseconds(5), std::chrono::milliseconds(250));
}
}  // namespace

ServerCore::ServerCore(NetworkLoop& thread, std::shared_ptr<ServerShared> shared)
    : thread_(thread),
      shared_(std::move(shared)),
      acceptor_(thread.io),
      hub_(std::make_shared<WsHub>(thread.io, sweep_period(shared_->options), shared_->options.read_pace)),
      game_requests_(shared_->options.max_pending_http_requests),
      sessions_(shared_->options.session, resume_secret(shared_->options.session)),
      ack_timer_(thread.io),
      housekeeping_timer_(thread.io),
      log_budget_(kLogPerSecond, kLogBurst),
      log_refilled_(std::chrono::steady_clock::now()),
      outbox_(thread.scheduler, shared_->events, shared_->events_pushed, shared_->abandoned) {
    wake_requested = &shared_->wake_requested;
    outbox_.on_drained = [this] { resume_paused(); };
    // Messages waiting for the game count against the same budget as what
    // waits to be written (a quarter of the slow-consumer limit): a client
    // pipelining large messages at a game that answers each one is held by
    // TCP, and the answers in flight still fit under the limit.
    outbox_.limit_bytes(std::max<std::size_t>(shared_->options.write_queue_limit_bytes / 4, 1),
                        &shared_->event_bytes_popped);
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
    if (const std::error_code web_error = open_web_root()) return web_error;
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

// ---- plain HTTP: static files and the game's answers ----------------------------

std::error_code ServerCore::open_web_root() {
    const ServerOptions& o = shared_->options;
    if (o.web_root.empty()) return {};
    std::error_code ec;
    static_files_ = http::StaticFiles::open({.root = o.web_root, .max_file_bytes = o.web_max_file_bytes}, ec);
    return ec;
}

const http::StaticFiles* ServerCore::static_files() const noexcept {
    return static_files_ ? &*static_files_ : nullptr;
}

void ServerCore::note_static_file_served() noexcept {
    shared_->static_files_served.fetch_add(1, std::memory_order_relaxed);
}

bool ServerCore::routed_to_game(std::string_view path) const noexcept {
    return std::ranges::any_of(shared_->options.http_routes,
                               [&](const std::string& prefix) { return http::under_route(path, prefix); });
}

HttpRequestId ServerCore::ask_game(std::string_view remote, std::string_view target,
                                   http::GameRequests::OnAnswer on_answer) {
    const HttpRequestId id = stopped_ ? 0 : game_requests_.add(std::move(on_answer));
    if (id == 0) {
        shared_->http_requests_unanswered.fetch_add(1, std::memory_order_relaxed);
        log("HTTP GET from " + std::string(remote) + ": " + std::to_string(game_requests_.waiting()) +
            " requests already wait for the game (503)");
        return 0;
    }
    shared_->http_requests.fetch_add(1, std::memory_order_relaxed);
    emit_connection_event(ServerEventType::http_request, id, remote, target);
    return id;
}

void ServerCore::forget_game_request(HttpRequestId id, bool timed_out) noexcept {
    game_requests_.forget(id);
    if (timed_out) shared_->http_requests_unanswered.fetch_add(1, std::memory_order_relaxed);
}

void ServerCore::answer_game_request(HttpRequestId id, unsigned status, const Message& payload) {
    auto answer = http::decode_answer(status, payload);
    if (answer) game_requests_.answer(id, std::move(*answer));  // late (timed out, client gone): dropped
}

std::shared_ptr<NetSimLink> ServerCore::make_netsim_link() {
    if (!shared_->options.netsim.enabled()) return nullptr;
    return std::make_shared<NetSimLink>(shared_->options.netsim, ++netsim_links_);
}

void ServerCore::note_rejected_over_capacity(const std::string& remote) {
    shared_->rejected_over_capacity.fetch_add(1, std::memory_order_relaxed);
    log("rejected " + remote + ": server full (HTTP 503)");
}

void ServerCore::on_accepted(const std::shared_ptr<ServerConnection>& connection) {
    if (!sessions_.session_mode()) return open_session(connection);
    awaiting_hello_.emplace_back(std::chrono::steady_clock::now() + shared_->options.handshake_timeout, connection);
    arm_housekeeping();
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

bool ServerCore::on_packet(ServerConnection& connection, Message packet) {
    const ConnectionId id = connection.id();
    if (id == kInvalidConnection) {
        // Session mode, before the Hello. It is no longer awaiting its Hello
        // whatever the verdict: stop counting it against max_connections now,
        // not at the next sweep.
        std::erase_if(awaiting_hello_, [&](const auto& entry) {
            const auto waiting = entry.second.lock();
            return !waiting || waiting.get() == &connection;
        });
        const auto hello = Session::read_hello(packet);
        if (hello.kind != ReliableSession::Incoming::Kind::hello) {
            log("closing " + std::string(connection.remote()) + ": session mode expects a hello first (" +
                std::string(hello.why.empty() ? "other packet" : hello.why) + ")");
            connection.close_now(close_code::protocol_error, "session: expected hello");
        } else if (hello.protocol_version != schemas::kProtocolVersion) {
            log("closing " + std::string(connection.remote()) + ": protocol version " +
                std::to_string(hello.protocol_version));
            connection.close_now(close_code::protocol_error, "session: unsupported protocol version");
        } else {
            on_hello(connection.self(), hello);
        }
        return true;
    }
    Entry* entry = sessions_.find(id);
    if (entry == nullptr || entry->session.link() != &connection) return true;  // superseded: ignore
    SessionTable::confirm_token(*entry);
    auto in = entry->session.receive(std::move(packet), std::chrono::steady_clock::now());
    if (in.ack_deadline_set) queue_ack(*entry);
    using Kind = Session::Received::Kind;
    switch (in.kind) {
    case Kind::deliver: return deliver(id, std::move(in.payload));
    case Kind::nothing: return true;
    case Kind::welcome:
    case Kind::violation: break;
    }
    log("closing #" + std::to_string(id) + ": session protocol error (" +
        std::string(in.why.empty() ? "unexpected packet" : in.why) + ")");
    connection.close_now(close_code::protocol_error, "session protocol error");
    return true;
}

// Hand a message to the game; false = pause the reader until the game catches up.
bool ServerCore::deliver(ConnectionId id, Message message) {
    shared_->messages_in.fetch_add(1, std::memory_order_relaxed);
    shared_->bytes_in.fetch_add(message.size(), std::memory_order_relaxed);
    RawEvent event;
    event.type = static_cast<std::uint8_t>(ServerEventType::message);
    event.id = id;
    event.message = detail::take_block(message);
    if (outbox_.emit(event)) return true;
    paused_.push_back(id);
    shared_->reads_paused.fetch_add(1, std::memory_order_relaxed);
    return false;
}

void ServerCore::on_disconnected(ConnectionId id, const CloseInfo& info, const ServerConnection* connection) {
    // (The connection logs closes for cause: it knows the remote address.)
    const auto current = connections_.find(id);
    if (current != connections_.end() && current->second.get() == connection) {
        connections_.erase(current);
        count_open();
    }
    Entry* entry = sessions_.find(id);
    if (entry == nullptr || entry->session.link() != connection) return;  // superseded, or already ended
    entry->session.detach();
    // No close frame (a vanished network, an idle timeout), or the 1002 of a
    // client that gave up on a dead connection (it resumes next): a session-mode
    // session is held for its client to resume. Anything deliberate ends it now.
    const bool broken = info.code == close_code::abnormal || info.code == close_code::protocol_error;
    const bool hold = sessions_.session_mode() && !stopped_ && !entry->closing && broken &&
                      shared_->options.session.grace_period.count() > 0;
    if (!hold) return end_session(id, info.code, info.reason);
    sessions_.hold(*entry, std::chrono::steady_clock::now());
    shared_->sessions_held.fetch_add(1, std::memory_order_relaxed);
    arm_housekeeping();
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
    // The game flushed: owed acks join this turn's writes rather than
    // making writes of their own when the ack timer fires.
    send_owed_acks();
    if (shared_->abandoned.load()) stop(close_code::going_away, "server shutting down");
}

void ServerCore::run_command(Command& command) {
    Message payload = detail::adopt_block(command.payload);
    switch (command.kind) {
    case Command::Kind::send:
    case Command::Kind::send_latest: {
        Entry* entry = sessions_.find(command.id);
        if (entry == nullptr) return;  // already gone: its disconnected event is on its way
        const auto delivery = command.kind == Command::Kind::send_latest ? Delivery::latest : Delivery::reliable;
        return send_to(*entry, std::move(payload), delivery);
    }
    case Command::Kind::broadcast:
        // Shares the buffer. Held sessions too: their reliable messages wait for the resume.
        return sessions_.for_each([&](Entry& entry) { send_to(entry, payload, Delivery::reliable); });
    case Command::Kind::close: {
        Entry* entry = sessions_.find(command.id);
        if (entry == nullptr) return;
        entry->closing = true;
        if (entry->session.link() == nullptr) return end_session(command.id, command.code, payload.text());
        static_cast<ServerConnection*>(entry->session.link())->close(command.code, payload.text());
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
    case Command::Kind::http_answer: return answer_game_request(command.id, command.code, payload);
    }
}

void ServerCore::send_to(Entry& entry, Message message, Delivery delivery) {
    if (entry.closing) return;
    using Sent = Session::Sent;
    switch (entry.session.send(std::move(message), delivery)) {
    case Sent::superseded: shared_->superseded.fetch_add(1, std::memory_order_relaxed); break;
    case Sent::written: break;
    case Sent::kept:
    case Sent::skipped: return;
    case Sent::invalid: shared_->dropped_out.fetch_add(1, std::memory_order_relaxed); return;  // empty or over 64 KiB
    case Sent::overflow:
        // No silent gap: the session ends, and says why.
        log("closing #" + std::to_string(entry.id) + ": reliable send buffer full (" +
            std::to_string(entry.session.kept()) + " unacknowledged)");
        entry.closing = true;
        if (entry.session.link() == nullptr)
            return end_session(entry.id, close_code::policy_violation, "reliable send buffer full");
        return static_cast<ServerConnection*>(entry.session.link())
            ->close_now(close_code::policy_violation, "reliable send buffer full");
    }
    check_slow_consumer(entry.id, *static_cast<ServerConnection*>(entry.session.link()));
}

void ServerCore::check_slow_consumer(ConnectionId id, ServerConnection& connection) {
    // A consumer that cannot keep up is closed rather than buffered without
    // bound — but only once its own reading is paused: until then what we
    // queue may be the answers to what it sent, and pausing it holds it back.
    if (connection.queued_bytes() > shared_->options.write_queue_limit_bytes && connection.backpressured()) {
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
    shared_->http_requests_unanswered.fetch_add(game_requests_.waiting(), std::memory_order_relaxed);
    game_requests_.answer_all({.status = 503, .content_type = "text/plain", .headers = {}, .body = "server shutting down\n"});
    ack_timer_.cancel();
    housekeeping_timer_.cancel();
    // Attached until the last WebSocket has finished its closing handshake
    // (or timed out): if the loop stops first, on_abandoned breaks the cycle.
    hub_->stop([this] {
        thread_.detach(this);
        asio::post(thread_.io, [doomed = std::move(self_)] {});
    });
}

void ServerCore::on_abandoned() noexcept {
    // Connections hold the core and the core's hub holds them.
    const auto keep = std::move(self_);
    const auto hub = hub_;
    hub->abandon();
}

void ServerCore::log(const std::string& line) {
    const ServerOptions& o = shared_->options;
    if (!o.log) return;
    // At most a second's credit per refill: TokenBucket grants all the time
    // passed (fair to peers), but after a quiet hour a flood of bad clients
    // must meet the burst (plus a second's lines), not an hour of saved ones.
    const auto now = std::chrono::steady_clock::now();
    log_budget_.refill(std::min<std::chrono::duration<double>>(now - log_refilled_, std::chrono::seconds(1)));
    log_refilled_ = now;
    if (!log_budget_.try_take()) {
        ++log_suppressed_;
        return;
    }
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

// ---- sessions ----------------------------------------------------------------

void ServerCore::on_hello(const std::shared_ptr<ServerConnection>& connection,
                          const ReliableSession::Incoming& hello) {
    if (hello.session_id == 0 && hello.proof.empty()) return open_session(connection);
    const auto check = sessions_.check_resume(hello, unix_now_ms());
    if (check.entry != nullptr) return resume(*check.entry, connection, hello.received);
    shared_->resumes_refused.fetch_add(1, std::memory_order_relaxed);
    log("resume refused for " + std::string(connection->remote()) + ": " + std::string(check.refused) +
        " (new session)");
    open_session(connection);
}

// A new session (in plain mode: the connection itself): its id, then the game hears of it.
void ServerCore::open_session(const std::shared_ptr<ServerConnection>& connection) {
    const ConnectionId id = next_id_++;
    if (next_id_ == kInvalidConnection) next_id_ = 1;
    connection->set_id(id);
    if (sessions_.open(id, connection.get(), unix_now_ms()) == nullptr) {
        connection->set_id(kInvalidConnection);
        log("closing " + std::string(connection->remote()) + ": no randomness for a session id");
        return connection->close_now(close_code::internal_error, "server error");
    }
    connections_.emplace(id, connection);
    shared_->connections_accepted.fetch_add(1, std::memory_order_relaxed);
    count_open();
    emit_connection_event(ServerEventType::connected, id, connection->remote(), connection->target());
}

void ServerCore::resume(Entry& entry, const std::shared_ptr<ServerConnection>& connection, std::uint32_t received) {
    if (entry.session.link() != nullptr) {
        // The client is back before we noticed its old connection die.
        const auto old = connections_.find(entry.id);
        if (old != connections_.end()) {
            const auto doomed = std::move(old->second);
            connections_.erase(old);
            entry.session.detach();
            doomed->close_now(close_code::going_away, "session resumed on another connection");
        }
    } else {
        shared_->sessions_held.fetch_sub(1, std::memory_order_relaxed);
    }
    connection->set_id(entry.id);
    connections_[entry.id] = connection;
    count_open();
    sessions_.resume(entry, connection.get(), received, unix_now_ms());
    shared_->sessions_resumed.fetch_add(1, std::memory_order_relaxed);
    emit_connection_event(ServerEventType::resumed, entry.id, connection->remote(), connection->target());
    check_slow_consumer(entry.id, *connection);
}

void ServerCore::end_session(ConnectionId id, std::uint16_t code, std::string_view reason) {
    Entry* entry = sessions_.find(id);
    if (entry == nullptr) return;
    if (entry->held_until) shared_->sessions_held.fetch_sub(1, std::memory_order_relaxed);
    sessions_.erase(id);
    RawEvent event;
    event.type = static_cast<std::uint8_t>(ServerEventType::disconnected);
    event.id = id;
    event.close_code = code;
    event.detail = detail::take_block(Message::copy_of(reason));
    outbox_.emit(event);
}

// One timer for every session's ack deadline, set for the earliest one.
void ServerCore::queue_ack(Entry& entry) {
    if (!entry.ack_queued) {
        entry.ack_queued = true;
        ack_due_.push_back(entry.id);
    }
    arm_ack_timer(*entry.session.ack_deadline());
}

void ServerCore::arm_ack_timer(SteadyTime deadline) {
    if (ack_armed_) return;  // set for an earlier deadline: every session waits the same ack_delay
    ack_armed_ = true;
    ack_timer_.expires_at(deadline);
    ack_timer_.async_wait([self = shared_from_this()](error_code ec) {
        self->ack_armed_ = false;
        if (!ec) self->send_due_acks();
    });
}

void ServerCore::send_owed_acks() {
    for (const ConnectionId id : ack_due_) {
        if (Entry* entry = sessions_.find(id)) {
            entry->ack_queued = false;
            entry->session.send_owed_ack();
        }
    }
    ack_due_.clear();  // keeps the capacity; a timer still armed finds nothing to do
}

void ServerCore::send_due_acks() {
    const auto now = std::chrono::steady_clock::now();
    std::size_t kept = 0;
    std::optional<SteadyTime> earliest;
    for (const ConnectionId id : ack_due_) {
        Entry* entry = sessions_.find(id);
        if (entry == nullptr) continue;
        const auto deadline = entry->session.ack_deadline();
        if (deadline && *deadline > now) {
            ack_due_[kept++] = id;  // not due yet
            earliest = std::min(earliest.value_or(*deadline), *deadline);
            continue;
        }
        entry->ack_queued = false;
        entry->session.on_deadline(now);
    }
    ack_due_.resize(kept);  // keeps the capacity
    if (earliest) arm_ack_timer(*earliest);
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
    sessions_.expired(now, expired, holding);
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
