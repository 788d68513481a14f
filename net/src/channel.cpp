// The game-thread side of a client channel: Sink, Stream and Channel. Nothing
// here blocks, locks or allocates per message (Messages come from the pool).
#include "tickwire/net/channel.hpp"

#include <algorithm>

#include "channel_shared.hpp"
#include "network_loop.hpp"

namespace tickwire::net {

namespace {
ChannelOptions without_thread(ChannelOptions options) {
    // The shared state must not own the thread: the network thread may drop the
    // last reference to it, and a thread cannot join itself.
    options.network_thread.reset();
    options.send_queue_capacity = std::max<std::size_t>(options.send_queue_capacity, 2);
    options.receive_queue_capacity = std::max<std::size_t>(options.receive_queue_capacity, 2);
    return options;
}

// One wake-up however many flushes happen before the network thread runs.
void request_wake(ChannelShared& shared) {
    if (!shared.wake_requested.exchange(true)) detail::wake(*shared.loop);
}
}  // namespace

Channel Channel::connect(std::string_view url, ChannelOptions options) {
    std::shared_ptr<NetworkThread> thread = options.network_thread ? options.network_thread : NetworkThread::create();
    auto shared = std::make_shared<ChannelShared>(std::string(url), without_thread(std::move(options)));
    shared->loop = &detail::NetworkThreadAccess::loop(*thread);
    detail::start_channel(*shared->loop, shared);
    return Channel(std::move(shared), std::move(thread));
}

Channel::Channel(std::shared_ptr<ChannelShared> shared, std::shared_ptr<NetworkThread> thread)
    : shared_(std::move(shared)), thread_(std::move(thread)), sink_(shared_.get()), stream_(shared_.get()) {}

Channel::Channel(Channel&& other) noexcept
    : shared_(std::move(other.shared_)),
      thread_(std::move(other.thread_)),
      sink_(shared_.get()),
      stream_(shared_.get()) {
    other.sink_ = Sink(nullptr);
    other.stream_ = Stream(nullptr);
}

Channel& Channel::operator=(Channel&& other) noexcept {
    if (this != &other) {
        Channel doomed(std::move(*this));
        shared_ = std::move(other.shared_);
        thread_ = std::move(other.thread_);
        sink_ = Sink(shared_.get());
        stream_ = Stream(shared_.get());
        other.sink_ = Sink(nullptr);
        other.stream_ = Stream(nullptr);
    }
    return *this;
}

Channel::~Channel() {
    if (!shared_) return;
    // Tell the network thread to close and forget us; it holds its own reference
    // to the shared state until the channel ends. Releasing thread_ last joins an
    // owned thread (bounded by NetworkThreadOptions::shutdown_timeout).
    shared_->abandoned.store(true);
    request_wake(*shared_);
    shared_.reset();
    thread_.reset();
}

ChannelState Channel::state() const noexcept {
    return shared_ ? shared_->state.load(std::memory_order_acquire) : ChannelState::closed;
}

ChannelStats Channel::stats() const noexcept {
    ChannelStats s;
    if (!shared_) return s;
    const ChannelShared& c = *shared_;
    constexpr auto relaxed = std::memory_order_relaxed;
    s.messages_out = c.messages_out.load(relaxed);
    s.bytes_out = c.bytes_out.load(relaxed);
    s.messages_in = c.messages_in.load(relaxed);
    s.bytes_in = c.bytes_in.load(relaxed);
    s.dropped_out = c.dropped_out.load(relaxed);
    s.flushes = c.flushes.load(relaxed);
    s.rtt_us = c.rtt_us.load(relaxed);
    s.reconnects = c.reconnects.load(relaxed);
    s.resumes = c.resumes.load(relaxed);
    s.netsim_disconnects = c.netsim_disconnects.load(relaxed);
    s.reads_paused = c.reads_paused.load(relaxed);
    s.send_queue_depth = detail::queue_depth(c.commands_pushed, c.commands_popped);
    s.receive_queue_depth = detail::queue_depth(c.events_pushed, c.events_popped);
    return s;
}

bool Sink::add(std::span<const std::byte> bytes, Delivery delivery) {
    if (!shared_) return false;
    const ChannelState state = shared_->state.load(std::memory_order_relaxed);
    if (state == ChannelState::closing || state == ChannelState::closed || shared_->close_requested.load()) {
        shared_->dropped_out.fetch_add(1, std::memory_order_relaxed);
        return false;
    }
    return add(Message::copy_of(bytes), delivery);
}

bool Sink::add(Message message, Delivery delivery) {
    if (!shared_) return false;
    const ChannelState state = shared_->state.load(std::memory_order_relaxed);
    if (state == ChannelState::closing || state == ChannelState::closed || shared_->close_requested.load() ||
        !message) {
        shared_->dropped_out.fetch_add(1, std::memory_order_relaxed);
        return false;
    }
    const auto kind = delivery == Delivery::latest ? detail::Command::Kind::send_latest : detail::Command::Kind::send;
    detail::Command command{kind, 0, 0, detail::take_block(message)};
    if (!shared_->commands.push(command)) {
        detail::adopt_block(command.payload).reset();
        shared_->dropped_out.fetch_add(1, std::memory_order_relaxed);
        return false;
    }
    shared_->commands_pushed.fetch_add(1, std::memory_order_relaxed);
    ++shared_->unflushed;
    return true;
}

void Sink::flush() {
    if (!shared_ || shared_->unflushed == 0) return;
    shared_->unflushed = 0;
    shared_->flushes.fetch_add(1, std::memory_order_relaxed);
    request_wake(*shared_);
}

void Sink::close(std::uint16_t code, std::string_view reason) {
    if (!shared_ || shared_->close_requested.load(std::memory_order_relaxed)) return;
    shared_->close_code = code;
    shared_->close_reason = Message::copy_of(reason.substr(0, 123));  // a close frame holds 123 reason bytes
    shared_->close_requested.store(true, std::memory_order_release);
    ChannelState expected = ChannelState::open;
    if (!shared_->state.compare_exchange_strong(expected, ChannelState::closing)) {
        expected = ChannelState::connecting;
        shared_->state.compare_exchange_strong(expected, ChannelState::closing);
    }
    shared_->unflushed = 0;
    request_wake(*shared_);
}

bool Stream::poll(Event& event) {
    if (!shared_) return false;
    if (shared_->events.read_available() == 0) return false;
    detail::RawEvent* raw = &shared_->events.front();
    event.type = static_cast<EventType>(raw->type);
    event.close_code = raw->close_code;
    event.http_status = raw->http_status;
    event.error = raw->error;
    event.attempt = event.type == EventType::reconnecting ? raw->id : 0;
    event.retry_delay = std::chrono::milliseconds(event.type == EventType::reconnecting ? raw->delay_ms : 0);
    event.message = detail::adopt_block(raw->message);
    event.detail = detail::adopt_block(raw->detail);
    shared_->events.pop();
    shared_->events_popped.fetch_add(1, std::memory_order_relaxed);
    return true;
}

}  // namespace tickwire::net
