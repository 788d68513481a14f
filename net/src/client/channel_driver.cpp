// The portable client: session handshake, reconnect policy, events, state and
// stats, over any backend's Transport and Scheduler.
#include "client/channel_driver.hpp"

#include <algorithm>
#include <optional>
#include <random>
#include <string>

#include "event_outbox.hpp"
#include "session/session.hpp"

namespace tickwire::net::detail {
namespace {

class ChannelDriver final : public Endpoint,
                            public TransportHandler,
                            public std::enable_shared_from_this<ChannelDriver> {
public:
    ChannelDriver(NetworkLoop& loop, std::shared_ptr<ChannelShared> shared, std::unique_ptr<Connector> connector)
        : loop_(loop),
          scheduler_(scheduler(loop)),
          shared_(std::move(shared)),
          options_(shared_->options),
          connector_(std::move(connector)),
          outbox_(scheduler_, shared_->events, shared_->events_pushed, shared_->abandoned),
          retry_timer_(scheduler_.make_timer([this] { on_retry_timer(); })),
          ack_timer_(scheduler_.make_timer([this] { session_.on_deadline(scheduler_.now()); })),
          probe_timer_(scheduler_.make_timer([this] { on_probe_timer(); })),
          session_(options_.session, Session::Role::client),
          backoff_rng_(std::random_device{}()) {
        wake_requested = &shared_->wake_requested;
        outbox_.on_drained = [this] {
            if (finished_) return detach();
            if (attempt_) attempt_->resume_reading();
        };
    }

    void start() {
        self_ = shared_from_this();  // held while attached to the loop
        attach(loop_, this);
        if (ended_) return;  // abandoned or closed before it started
        begin_attempt();
    }

    // Endpoint
    void on_wake() override {
        const bool closing = shared_->close_requested.load(std::memory_order_acquire);
        // Before open, messages wait in the queue. A close goes after all the
        // game added before it, so the transport then takes everything, full
        // or not (close_timeout bounds the rest).
        if (phase_ == Phase::open) drain_commands(closing);
        if (shared_->abandoned.load()) return go_away(close_code::going_away, "client going away");
        if (closing) return go_away(shared_->close_code, shared_->close_reason.text());
    }

    void on_shutdown() override { go_away(close_code::going_away, "network thread shutting down"); }
    void on_abandoned() noexcept override {
        // The attempt holds us as its owner and we hold it: break both loops.
        // Handlers still queued in the stopped io_context hold the rest and
        // are destroyed with it.
        detached_ = true;
        // Nothing may start again: a browser's event loop still runs tasks
        // that an abandoned attempt had posted.
        ended_ = true;
        phase_ = Phase::finished;
        auto attempt = std::move(attempt_);
        auto self = std::move(self_);
    }

    // TransportHandler
    void on_transport_open(std::string_view subprotocol) override {
        session_.attach(attempt_.get());
        if (!options_.session.enabled) {
            // Plain mode: every reconnect is a fresh start, as a fresh session is.
            if (reconnected_) drop_queued_commands();
            return became_open(EventType::opened, subprotocol);
        }
        phase_ = Phase::awaiting_welcome;
        subprotocol_ = std::string(subprotocol);
        attempt_->send(session_.hello());
        // A server that upgrades but never welcomes (not in session mode?) must not hold us.
        retry_timer_->start_after(options_.handshake_timeout);
    }

    bool on_transport_message(Message&& message) override {
        if (phase_ != Phase::open && phase_ != Phase::awaiting_welcome) return true;  // a finished attempt's leftovers
        shared_->messages_in.fetch_add(1, std::memory_order_relaxed);
        auto in = session_.receive(std::move(message), scheduler_.now());
        if (in.ack_deadline_set) ack_timer_->start_at(*session_.ack_deadline());
        if (in.rtt_us != 0) on_transport_rtt(in.rtt_us);
        using Kind = Session::Received::Kind;
        switch (in.kind) {
        case Kind::deliver: return emit_message(std::move(in.payload));
        case Kind::nothing: return true;
        case Kind::welcome:
            on_welcome(in);
            return true;
        case Kind::violation: break;
        }
        fail_attempt({close_code::protocol_error, "session protocol error", ErrorKind::protocol,
                      "session mode: " + std::string(in.why)});
        return true;
    }

    void on_transport_bytes_in(std::size_t bytes) noexcept override {
        shared_->bytes_in.fetch_add(bytes, std::memory_order_relaxed);
        last_heard_ = scheduler_.now();
    }
    void on_transport_sent(std::size_t bytes) noexcept override {
        shared_->messages_out.fetch_add(1, std::memory_order_relaxed);
        shared_->bytes_out.fetch_add(bytes, std::memory_order_relaxed);
    }
    void on_transport_rtt(std::uint64_t micros) noexcept override {
        const std::uint64_t previous = shared_->rtt_us.load(std::memory_order_relaxed);
        // Smoothed like TCP's SRTT (RFC 6298): 7/8 history, 1/8 new sample.
        shared_->rtt_us.store(previous == 0 ? std::max<std::uint64_t>(micros, 1) : (previous * 7 + micros) / 8,
                              std::memory_order_relaxed);
    }

    void on_transport_writable() override {
        if (phase_ == Phase::open) on_wake();
    }

    void on_transport_closed(const CloseInfo& info) override {
        session_.detach();
        // Released later: we may be deep inside one of the attempt's own calls.
        scheduler_.post([doomed = std::move(attempt_)] {});
        retry_timer_->cancel();
        probe_timer_->cancel();
        shared_->netsim_disconnects.store(connector_->netsim_disconnects(), std::memory_order_relaxed);
        const CloseInfo end = failure_ ? *failure_ : info;
        failure_.reset();
        if (ended_ || !should_retry(end)) return finish(end);
        ++failures_;
        if (options_.reconnect.max_attempts != 0 && failures_ > options_.reconnect.max_attempts) return finish(end);
        const auto delay = backoff(failures_);
        // State and counters before the events, as in finish(): what the game
        // reads after polling `reconnecting` agrees with it.
        ChannelState expected = ChannelState::open;
        shared_->state.compare_exchange_strong(expected, ChannelState::connecting);
        shared_->reconnects.fetch_add(1, std::memory_order_relaxed);
        if (end.error != ErrorKind::none) emit_text_event(EventType::error, end.error_text, 0, end.error, end.http_status);
        RawEvent event;
        event.type = static_cast<std::uint8_t>(EventType::reconnecting);
        event.close_code = end.code;
        event.error = end.error;
        event.id = failures_;
        event.delay_ms = static_cast<std::uint32_t>(delay.count());
        event.detail = detail::take_block(Message::copy_of(end.reason));
        outbox_.emit(event);
        reconnected_ = true;
        phase_ = Phase::waiting;
        retry_timer_->start_after(delay);
    }

private:
    enum class Phase : std::uint8_t { idle, connecting, awaiting_welcome, open, waiting, finished };

    // One timer, two uses: the backoff wait, and the deadline for a Welcome.
    void on_retry_timer() {
        if (ended_) return;
        if (phase_ == Phase::waiting) return begin_attempt();
        if (phase_ == Phase::awaiting_welcome && attempt_)
            fail_attempt({close_code::abnormal, "no welcome", ErrorKind::timeout,
                          "session mode: the server sent no welcome within the handshake timeout"});
    }

    void begin_attempt() {
        phase_ = Phase::connecting;
        CloseInfo failure;
        attempt_ = connector_->connect(shared_from_this(), failure);
        if (!attempt_) finish(failure);
    }

    void became_open(EventType type, std::string_view subprotocol) {
        phase_ = Phase::open;
        retry_timer_->cancel();
        failures_ = 0;
        ChannelState expected = ChannelState::connecting;
        shared_->state.compare_exchange_strong(expected, ChannelState::open);
        if (type == EventType::resumed) shared_->resumes.fetch_add(1, std::memory_order_relaxed);
        emit_text_event(type, subprotocol);
        start_probing();
        drain_commands();  // serve anything the game queued while connecting
    }

    // Session round trips, for a transport that cannot measure them (a
    // browser hides WebSocket pings): a Ping every ping_interval gives
    // stats().rtt_us, and at a third of idle_timeout keeps the idle check
    // honest, as the native transport's own pings do.
    void start_probing() {
        if (!attempt_ || attempt_->measures_rtt() || !session_.peer_answers_pings()) return;
        last_heard_ = probe_sent_ = scheduler_.now();
        session_.ping(probe_sent_);
        probe_timer_->start_after(probe_interval());
    }

    std::chrono::milliseconds probe_interval() const {
        using std::chrono::milliseconds;
        const milliseconds keep_alive = options_.idle_timeout / 3;
        if (options_.ping_interval.count() <= 0) return std::max(keep_alive, milliseconds(1));
        if (keep_alive.count() <= 0) return options_.ping_interval;
        return std::min(options_.ping_interval, keep_alive);
    }

    void on_probe_timer() {
        if (phase_ != Phase::open || !attempt_) return;
        const SteadyTime now = scheduler_.now();
        // Idle only if our last probe went unanswered: a timer the page held
        // back (a hidden tab fires them once a second, or a minute) is not the
        // server's silence.
        if (options_.idle_timeout.count() > 0 && last_heard_ < probe_sent_ && now - last_heard_ >= options_.idle_timeout)
            return fail_attempt({close_code::abnormal, "idle timeout", ErrorKind::timeout,
                                 "no data from the server within the idle timeout"});
        probe_sent_ = now;
        session_.ping(now);
        probe_timer_->start_after(probe_interval());
    }

    void on_welcome(const Session::Received& welcome) {
        // A fresh session replacing a lost one: what the game queued while
        // reconnecting belongs to the old one and is dropped too (a game server
        // would see chat before the game's own hello). Before a first session,
        // nothing is dropped. (Plain mode: on_transport_open.)
        if (welcome.replaced) drop_queued_commands();
        became_open(welcome.resumed ? EventType::resumed : EventType::opened, subprotocol_);
    }

    void drop_queued_commands() {
        Command command;
        while (shared_->commands.pop(command)) {
            shared_->commands_popped.fetch_add(1, std::memory_order_relaxed);
            shared_->dropped_out.fetch_add(1, std::memory_order_relaxed);
            static_cast<void>(adopt_block(command.payload));  // released here
        }
    }

    // Game → network: while the transport takes more (or, for a close, all of it).
    void drain_commands(bool everything = false) {
        Command command;
        while (phase_ == Phase::open && !ended_ && attempt_ && (everything || attempt_->writable()) &&
               shared_->commands.pop(command)) {
            shared_->commands_popped.fetch_add(1, std::memory_order_relaxed);
            const auto delivery = command.kind == Command::Kind::send_latest ? Delivery::latest : Delivery::reliable;
            send(adopt_block(command.payload), delivery);
        }
    }

    void send(Message message, Delivery delivery) {
        using Sent = Session::Sent;
        switch (session_.send(std::move(message), delivery)) {
        case Sent::written:
        case Sent::superseded:
        case Sent::kept:
        case Sent::skipped: return;
        case Sent::invalid: shared_->dropped_out.fetch_add(1, std::memory_order_relaxed); return;  // empty or over 64 KiB
        case Sent::overflow:
            // No silent gap: the session ends, and says why.
            fail_attempt({close_code::policy_violation, "reliable send buffer full", ErrorKind::overflow,
                          std::to_string(session_.kept()) + " reliable messages unacknowledged by the server"});
            ended_ = true;
            return;
        }
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
        retry_timer_->cancel();
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
        case ErrorKind::overflow:
        case ErrorKind::unsupported: return false;
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
        retry_timer_->cancel();
        ack_timer_->cancel();
        probe_timer_->cancel();
        // Closed before the events go out: a game that has polled `closed`
        // must read state() == closed too (now and then it did not, under TSan).
        shared_->state.store(ChannelState::closed, std::memory_order_release);
        if (info.error != ErrorKind::none)
            emit_text_event(EventType::error, info.error_text, 0, info.error, info.http_status);
        emit_text_event(EventType::closed, info.reason, info.code);
        finished_ = true;
        if (outbox_.empty()) detach();  // else once the game has taken the last events
    }

    void detach() {
        if (detached_) return;
        detached_ = true;
        outbox_.cancel();
        detail::detach(loop_, this);
        scheduler_.post([doomed = std::move(self_)] {});
    }

    // Events
    bool emit_message(Message message) {
        RawEvent event;
        event.type = static_cast<std::uint8_t>(EventType::message);
        event.message = take_block(message);
        if (outbox_.emit(event)) return true;
        shared_->reads_paused.fetch_add(1, std::memory_order_relaxed);  // the transport pauses until on_drained
        return false;
    }

    void emit_text_event(EventType type, std::string_view text, std::uint16_t code = 0,
                         ErrorKind error = ErrorKind::none, std::uint16_t http_status = 0) {
        RawEvent event;
        event.type = static_cast<std::uint8_t>(type);
        event.close_code = code;
        event.error = error;
        event.http_status = http_status;
        event.detail = take_block(Message::copy_of(text));
        outbox_.emit(event);
    }

    NetworkLoop& loop_;
    Scheduler& scheduler_;
    std::shared_ptr<ChannelShared> shared_;
    const ChannelOptions& options_;
    std::unique_ptr<Connector> connector_;
    EventOutbox outbox_;
    std::unique_ptr<Timer> retry_timer_;  // backoff wait, or the welcome deadline
    std::unique_ptr<Timer> ack_timer_;
    std::unique_ptr<Timer> probe_timer_;  ///< session pings, when the transport cannot measure RTT
    std::shared_ptr<Transport> attempt_;
    std::shared_ptr<ChannelDriver> self_;
    std::optional<CloseInfo> failure_;  ///< overrides the attempt's own account of its end

    Session session_;  // outlives attempts: a resume carries on where it stopped
    std::string subprotocol_;

    SteadyTime last_heard_{};  ///< the last bytes from the server
    SteadyTime probe_sent_{};  ///< the last session Ping

    std::mt19937_64 backoff_rng_;
    std::uint32_t failures_ = 0;  ///< consecutive attempts that did not open
    Phase phase_ = Phase::idle;
    bool reconnected_ = false;  ///< an attempt after a lost connection (plain mode drops the queue on open)
    bool ended_ = false;     ///< no further attempts: the game closed, or a final failure
    bool finished_ = false;  ///< the closed event has been emitted
    bool detached_ = false;
};

}  // namespace

void run_channel_driver(NetworkLoop& loop, std::shared_ptr<ChannelShared> shared, std::unique_ptr<Connector> connector) {
    std::make_shared<ChannelDriver>(loop, std::move(shared), std::move(connector))->start();
}

}  // namespace tickwire::net::detail
