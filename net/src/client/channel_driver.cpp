// ChannelDriver: the network-thread side of a Channel for its whole life. It
// runs one connection attempt at a time (native/client_connection.cpp), turns what they
// report into the game's events, reconnects with backoff when allowed, and in
// session mode speaks the envelope (reliable_session.hpp) so that a resumed
// session carries on exactly where it stopped. Every event the game sees is
// produced here and crosses in ChannelShared::events.
//
// Thread: network thread only (start_channel posts to it).
#include <algorithm>
#include <optional>
#include <random>

#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>

#include "native/client_connection.hpp"
#include "event_outbox.hpp"
#include "session/reliable_session.hpp"

namespace tickwire::net::detail {
namespace {

using error_code = boost::system::error_code;

// Bare acks wait for ack_delay unless this many reliable messages are unacknowledged.
constexpr std::uint32_t kAckEagerly = 32;

class ChannelDriver final : public Endpoint, public AttemptOwner, public std::enable_shared_from_this<ChannelDriver> {
public:
    ChannelDriver(NetworkLoop& thread, std::shared_ptr<ChannelShared> shared)
        : thread_(thread),
          shared_(std::move(shared)),
          options_(shared_->options),
          outbox_(thread.io, shared_->events, shared_->events_pushed, shared_->abandoned),
          retry_timer_(thread.io),
          ack_timer_(thread.io),
          reliable_(options_.session),
          backoff_rng_(std::random_device{}()) {
        wake_requested = &shared_->wake_requested;
        outbox_.on_drained = [this] {
            if (finished_) return detach();
            if (attempt_) attempt_->resume_reading();
        };
    }

    void start() {
        self_ = shared_from_this();  // held while attached to the thread
        thread_.attach(this);
        if (ended_) return;  // abandoned or closed before it started
        auto url = parse_ws_url(shared_->url);
        if (!url)
            return finish({close_code::abnormal, "invalid url", ErrorKind::invalid_url,
                           "not a ws:// or wss:// URL: " + shared_->url});
        url_ = std::move(*url);
        if (url_.secure) {
            std::string error;
            tls_ = make_client_tls_context(options_.tls, error);
            if (!tls_) return finish({close_code::abnormal, "tls setup failed", ErrorKind::tls, error});
        }
        if (options_.netsim.enabled()) netsim_ = std::make_shared<NetSimLink>(options_.netsim, 0);
        begin_attempt();
    }

    // Endpoint
    void on_wake() override {
        if (phase_ == Phase::open) drain_commands();  // before open, messages wait in the queue
        if (shared_->abandoned.load()) return go_away(close_code::going_away, "client going away");
        if (shared_->close_requested.load(std::memory_order_acquire))
            return go_away(shared_->close_code, shared_->close_reason.text());
    }

    void on_shutdown() override { go_away(close_code::going_away, "network thread shutting down"); }
    void on_abandoned() noexcept override {
        // The attempt holds us as its owner and we hold it: break both loops.
        // Handlers still queued in the stopped io_context hold the rest and
        // are destroyed with it.
        detached_ = true;
        auto attempt = std::move(attempt_);
        auto self = std::move(self_);
    }

    // AttemptOwner
    void on_attempt_open(std::string_view subprotocol) override {
        if (!options_.session.enabled) return became_open(EventType::opened, subprotocol);
        phase_ = Phase::awaiting_welcome;
        subprotocol_ = std::string(subprotocol);
        attempt_->send(ReliableSession::make_hello(session_id_, proof_, reliable_.received()));
        // A server that upgrades but never welcomes (not in session mode?) must not hold us.
        retry_timer_.expires_after(options_.handshake_timeout);
        retry_timer_.async_wait([self = shared_from_this()](error_code ec) {
            if (ec || self->phase_ != Phase::awaiting_welcome || !self->attempt_) return;
            self->fail_attempt({close_code::abnormal, "no welcome", ErrorKind::timeout,
                                "session mode: the server sent no welcome within the handshake timeout"});
        });
    }

    bool on_attempt_message(Message&& message) override {
        if (!options_.session.enabled) return emit_message(std::move(message));
        if (phase_ != Phase::open && phase_ != Phase::awaiting_welcome) return true;  // a finished attempt's leftovers
        // Before the Welcome no payload may count as received: it would be skipped on resume.
        auto in = reliable_.receive(message, phase_ == Phase::open);
        using Kind = ReliableSession::Incoming::Kind;
        switch (in.kind) {
        case Kind::message:
            if (in.reliable) schedule_ack();  // latest-state (snapshots) is never acknowledged
            return emit_message(std::move(in.payload));
        case Kind::duplicate:
        case Kind::ack:
        case Kind::other: return true;
        case Kind::welcome:
            if (phase_ != Phase::awaiting_welcome) break;
            on_welcome(in);
            return true;
        case Kind::hello:
        case Kind::invalid: break;
        }
        const std::string why = in.why.empty() ? "unexpected packet" : std::string(in.why);
        fail_attempt({close_code::protocol_error, "session protocol error", ErrorKind::protocol,
                      "session mode: " + why});
        return true;
    }

    void on_attempt_end(const CloseInfo& info) override {
        // Released later: we may be deep inside one of the attempt's own calls.
        boost::asio::post(thread_.io, [doomed = std::move(attempt_)] {});
        retry_timer_.cancel();
        if (netsim_) shared_->netsim_disconnects.store(netsim_->disconnects(), std::memory_order_relaxed);
        const CloseInfo end = failure_ ? *failure_ : info;
        failure_.reset();
        if (ended_ || !should_retry(end)) return finish(end);
        ++failures_;
        if (options_.reconnect.max_attempts != 0 && failures_ > options_.reconnect.max_attempts) return finish(end);
        const auto delay = backoff(failures_);
        if (end.error != ErrorKind::none) emit_text_event(EventType::error, end.error_text, 0, end.error, end.http_status);
        RawEvent event;
        event.type = static_cast<std::uint8_t>(EventType::reconnecting);
        event.close_code = end.code;
        event.error = end.error;
        event.id = failures_;
        event.delay_ms = static_cast<std::uint32_t>(delay.count());
        event.detail = detail::take_block(Message::copy_of(end.reason));
        outbox_.emit(event);
        shared_->reconnects.fetch_add(1, std::memory_order_relaxed);
        ChannelState expected = ChannelState::open;
        shared_->state.compare_exchange_strong(expected, ChannelState::connecting);
        phase_ = Phase::waiting;
        retry_timer_.expires_after(delay);
        retry_timer_.async_wait([self = shared_from_this()](error_code ec) {
            if (!ec && !self->ended_ && self->phase_ == Phase::waiting) self->begin_attempt();
        });
    }

private:
    enum class Phase : std::uint8_t { idle, connecting, awaiting_welcome, open, waiting, finished };

    void begin_attempt() {
        phase_ = Phase::connecting;
        attempt_ = start_client_attempt(thread_, options_, *shared_, shared_from_this(), url_, tls_, netsim_);
    }

    void became_open(EventType type, std::string_view subprotocol) {
        phase_ = Phase::open;
        retry_timer_.cancel();
        failures_ = 0;
        ChannelState expected = ChannelState::connecting;
        shared_->state.compare_exchange_strong(expected, ChannelState::open);
        if (type == EventType::resumed) shared_->resumes.fetch_add(1, std::memory_order_relaxed);
        emit_text_event(type, subprotocol);
        drain_commands();  // serve anything the game queued while connecting
    }

    void on_welcome(const ReliableSession::Incoming& welcome) {
        const bool resumed = welcome.resumed && session_id_ != 0 && welcome.session_id == session_id_;
        // A fresh session (first connect, or the server forgot us): whatever the
        // old one had not delivered belongs to it and is dropped, including
        // what the game queued while reconnecting: the new session's peer
        // knows nothing of the old one (a game server would see chat before
        // the game's own hello). Before a first session, nothing is dropped.
        if (!resumed) reliable_.reset();
        if (!resumed && session_id_ != 0) drop_queued_commands();
        session_id_ = welcome.session_id;
        proof_.assign(welcome.proof.begin(), welcome.proof.end());
        if (resumed) {
            reliable_.on_ack(welcome.received);
            reliable_.resend([this](Message envelope) { attempt_->send(std::move(envelope)); });
        }
        became_open(resumed ? EventType::resumed : EventType::opened, subprotocol_);
    }

    void drop_queued_commands() {
        Command command;
        while (shared_->commands.pop(command)) {
            shared_->commands_popped.fetch_add(1, std::memory_order_relaxed);
            shared_->dropped_out.fetch_add(1, std::memory_order_relaxed);
            static_cast<void>(detail::adopt_block(command.payload));  // released here
        }
    }

    // Game → network
    void drain_commands() {
        Command command;
        while (phase_ == Phase::open && !ended_ && shared_->commands.pop(command)) {
            shared_->commands_popped.fetch_add(1, std::memory_order_relaxed);
            Message message = detail::adopt_block(command.payload);
            if (command.kind == Command::Kind::send_latest)
                send_latest(std::move(message));
            else
                send_reliable(std::move(message));
        }
    }

    void send_reliable(Message message) {
        if (!options_.session.enabled) return attempt_->send(std::move(message));
        bool full = false, invalid = false;
        Message envelope = reliable_.wrap_reliable(message, full, invalid);
        if (invalid) {
            shared_->dropped_out.fetch_add(1, std::memory_order_relaxed);  // empty or over 64 KiB
            return;
        }
        if (full) {
            // No silent gap: the session ends, and says why.
            fail_attempt({close_code::policy_violation, "reliable send buffer full", ErrorKind::overflow,
                          std::to_string(reliable_.kept()) + " reliable messages unacknowledged by the server"});
            ended_ = true;
            return;
        }
        attempt_->send(std::move(envelope));
    }

    void send_latest(Message message) {
        if (!options_.session.enabled) return attempt_->send_latest(std::move(message));
        Message envelope = reliable_.wrap_latest(message);
        if (!envelope) {
            shared_->dropped_out.fetch_add(1, std::memory_order_relaxed);
            return;
        }
        attempt_->send_latest(std::move(envelope));
    }

    // Acknowledgements ride on outgoing payloads; a bare Ack only if none went soon enough.
    void schedule_ack() {
        if (reliable_.unacknowledged_received() >= kAckEagerly) return send_ack_if_due();
        if (ack_armed_) return;
        ack_armed_ = true;
        ack_timer_.expires_after(options_.session.ack_delay);
        ack_timer_.async_wait([self = shared_from_this()](error_code ec) {
            self->ack_armed_ = false;
            if (!ec) self->send_ack_if_due();
        });
    }

    void send_ack_if_due() {
        if (attempt_ && phase_ == Phase::open && reliable_.unacknowledged_received() > 0)
            attempt_->send(reliable_.make_ack());
    }

    // Ending
    /// Close the current attempt, reporting `info` instead of the local close.
    void fail_attempt(CloseInfo info) {
        if (!attempt_) return;
        const std::uint16_t code = info.code == close_code::abnormal ? close_code::protocol_error : info.code;
        const std::string reason = info.reason;
        failure_ = std::move(info);
        auto attempt = attempt_;  // may end (and be released) inside
        attempt->close_now(code, reason);
    }

    // The game closed, abandoned the channel, or the thread is stopping.
    void go_away(std::uint16_t code, std::string_view reason) {
        if (ended_) return;  // already on its way out
        ended_ = true;
        if (attempt_) {
            auto attempt = attempt_;
            return attempt->close(code, reason);  // → on_attempt_end → finish
        }
        retry_timer_.cancel();
        finish({code, std::string(reason.empty() ? "closed before open" : reason), ErrorKind::none, {}});
    }

    static bool should_retry_code(std::uint16_t code) {
        switch (code) {
        case close_code::going_away:  // e.g. the server restarting
        case close_code::abnormal:
        case close_code::internal_error:
        case 1012:  // service restart
        case close_code::try_again_later:
        case 1014:  // bad gateway
            return true;
        default: return false;
        }
    }

    bool should_retry(const CloseInfo& info) const {
        if (!options_.reconnect.enabled) return false;
        switch (info.error) {
        case ErrorKind::dns:
        case ErrorKind::refused:
        case ErrorKind::timeout:
        case ErrorKind::io: return true;
        case ErrorKind::handshake_rejected:
            return info.http_status >= 500 || info.http_status == 408 || info.http_status == 429;
        case ErrorKind::none: return should_retry_code(info.code);
        case ErrorKind::tls:
        case ErrorKind::protocol:
        case ErrorKind::invalid_url:
        case ErrorKind::overflow: return false;
        }
        return false;
    }

    /// Full jitter (AWS architecture blog): uniform(0, min(max, base × 2^(n-1))).
    std::chrono::milliseconds backoff(std::uint32_t attempt) {
        const auto base = std::max<std::int64_t>(options_.reconnect.base_delay.count(), 0);
        const auto cap = std::max<std::int64_t>(options_.reconnect.max_delay.count(), base);
        std::int64_t ceiling = base;
        for (std::uint32_t i = 1; i < attempt && ceiling < cap; ++i) ceiling *= 2;
        ceiling = std::min(ceiling, cap);
        std::uniform_int_distribution<std::int64_t> pick(0, ceiling);
        return std::chrono::milliseconds(pick(backoff_rng_));
    }

    /// The one place the channel's life ends for the game: error (if any), then closed.
    void finish(const CloseInfo& info) {
        if (phase_ == Phase::finished) return;
        phase_ = Phase::finished;
        ended_ = true;
        retry_timer_.cancel();
        ack_timer_.cancel();
        if (info.error != ErrorKind::none)
            emit_text_event(EventType::error, info.error_text, 0, info.error, info.http_status);
        emit_text_event(EventType::closed, info.reason, info.code);
        shared_->state.store(ChannelState::closed, std::memory_order_release);
        finished_ = true;
        if (outbox_.empty()) detach();  // else once the game has taken the last events
    }

    void detach() {
        if (detached_) return;
        detached_ = true;
        outbox_.cancel();
        thread_.detach(this);
        boost::asio::post(thread_.io, [doomed = std::move(self_)] {});
    }

    // Events
    bool emit_message(Message message) {
        RawEvent event;
        event.type = static_cast<std::uint8_t>(EventType::message);
        event.message = detail::take_block(message);
        return outbox_.emit(event);
    }

    void emit_text_event(EventType type, std::string_view text, std::uint16_t code = 0,
                         ErrorKind error = ErrorKind::none, std::uint16_t http_status = 0) {
        RawEvent event;
        event.type = static_cast<std::uint8_t>(type);
        event.close_code = code;
        event.error = error;
        event.http_status = http_status;
        event.detail = detail::take_block(Message::copy_of(text));
        outbox_.emit(event);
    }

    NetworkLoop& thread_;
    std::shared_ptr<ChannelShared> shared_;
    const ChannelOptions& options_;
    EventOutbox outbox_;
    boost::asio::steady_timer retry_timer_;  // backoff wait, or the welcome deadline
    boost::asio::steady_timer ack_timer_;
    WsUrl url_;
    std::shared_ptr<boost::asio::ssl::context> tls_;
    std::shared_ptr<NetSimLink> netsim_;
    std::shared_ptr<ClientAttempt> attempt_;
    std::shared_ptr<ChannelDriver> self_;
    std::optional<CloseInfo> failure_;  ///< overrides the attempt's own account of its end

    // Session mode
    ReliableSession reliable_;
    std::uint64_t session_id_ = 0;
    std::vector<std::byte> proof_;
    std::string subprotocol_;

    std::mt19937_64 backoff_rng_;
    std::uint32_t failures_ = 0;  ///< consecutive attempts that did not open
    Phase phase_ = Phase::idle;
    bool ack_armed_ = false;
    bool ended_ = false;     ///< no further attempts: the game closed, or a final failure
    bool finished_ = false;  ///< the closed event has been emitted
    bool detached_ = false;
};

}  // namespace

void start_channel(NetworkLoop& thread, std::shared_ptr<ChannelShared> shared) {
    boost::asio::post(thread.io, [&thread, shared = std::move(shared)]() mutable {
        std::make_shared<ChannelDriver>(thread, std::move(shared))->start();
    });
}

}  // namespace tickwire::net::detail
