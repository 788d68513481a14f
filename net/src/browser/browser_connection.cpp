// One browser channel attempt over <emscripten/websocket.h>: the header says
// what the browser does and how this file copes with it.
#include "browser/browser_connection.hpp"

#include <emscripten/eventloop.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <utility>

#include "tickwire/schemas/utf8.hpp"

namespace tickwire::net::detail {

namespace {

constexpr std::size_t kMaxCloseReasonBytes = 123;  // RFC 6455: 125 bytes of payload, 2 for the code

}  // namespace

WireClose browser_close_frame(std::uint16_t code, std::string_view reason) {
    // A page may send 1000 or 3000-4999 (the browser throws for anything else);
    // 1001-1015 go in the library range, which tickwire's server reads back.
    const std::uint16_t sendable = page_sendable_close_code(code);
    if (sendable == close_code::normal || (sendable >= 3000 && sendable <= 4999))
        return {sendable, schemas::utf8::sanitized(reason, kMaxCloseReasonBytes)};
    std::string said = std::to_string(code);
    if (!reason.empty()) said += ' ';
    said += reason;
    return {close_code::normal, schemas::utf8::sanitized(said, kMaxCloseReasonBytes)};
}

BrowserConnection::BrowserConnection(Scheduler& scheduler, const ChannelOptions& options,
                                     std::shared_ptr<TransportHandler> owner, std::shared_ptr<NetSimLink> netsim)
    : options_(options),
      owner_(std::move(owner)),
      scheduler_(scheduler),
      deadline_(scheduler.make_timer([this] {
          const auto keep = shared_from_this();
          if (!opened_)
              return finish({close_code::abnormal, "connect timeout", ErrorKind::timeout,
                             "connect timed out: no WebSocket open within the connect and handshake timeouts"});
          if (local_close_) finish(*local_close_);  // the server never answered our close
      })),
      drain_timer_(scheduler.make_timer([this] { pump_writes(); })) {
    NetSimPipe::Ends& ends = *this;
    if (netsim) sim_ = std::make_unique<NetSimPipe>(scheduler, std::move(netsim), ends);
}

BrowserConnection::~BrowserConnection() {
    // Normally finished already; if not (the loop abandoned us), no callback
    // may reach this object again.
    release_socket(false);
}

void BrowserConnection::start(const std::string& url, const std::string& protocols) {
    EmscriptenWebSocketCreateAttributes attributes;
    emscripten_websocket_init_create_attributes(&attributes);
    attributes.url = url.c_str();
    attributes.protocols = protocols.empty() ? nullptr : protocols.c_str();
    attributes.createOnMainThread = EM_TRUE;
    const EMSCRIPTEN_WEBSOCKET_T socket = emscripten_websocket_new(&attributes);
    if (socket <= 0) {
        // Only when the page has no WebSocket at all; reported from the loop, never inside connect().
        scheduler_.post([self = shared_from_this(), socket] {
            self->finish({close_code::abnormal, "no WebSocket", ErrorKind::unsupported,
                          "this page cannot open a WebSocket (emscripten_websocket_new: " + std::to_string(socket) + ")"});
        });
        return;
    }
    socket_ = socket;
    emscripten_websocket_set_onopen_callback(socket_, this, &on_open);
    emscripten_websocket_set_onmessage_callback(socket_, this, &on_message);
    // No error callback: it carries nothing, and a close event always follows.
    emscripten_websocket_set_onclose_callback(socket_, this, &on_close);
    deadline_->start_after(options_.connect_timeout + options_.handshake_timeout);
}

// ---- the browser's callbacks -------------------------------------------------

EM_BOOL BrowserConnection::on_open(int, const EmscriptenWebSocketOpenEvent*, void* self) {
    static_cast<BrowserConnection*>(self)->shared_from_this()->opened();
    return EM_TRUE;
}

EM_BOOL BrowserConnection::on_message(int, const EmscriptenWebSocketMessageEvent* event, void* self) {
    // The library frees event->data when we return: received() copies it out.
    static_cast<BrowserConnection*>(self)->shared_from_this()->received(*event);
    return EM_TRUE;
}

EM_BOOL BrowserConnection::on_close(int, const EmscriptenWebSocketCloseEvent* event, void* self) {
    static_cast<BrowserConnection*>(self)->shared_from_this()->closed(*event);
    return EM_TRUE;
}

void BrowserConnection::opened() {
    if (finished_) return;
    opened_ = true;
    deadline_->cancel();
    std::string protocol;
    int length = 0;
    if (emscripten_websocket_get_protocol_length(socket_, &length) == EMSCRIPTEN_RESULT_SUCCESS && length > 1) {
        protocol.resize(static_cast<std::size_t>(length));
        emscripten_websocket_get_protocol(socket_, protocol.data(), length);
        protocol.resize(std::strlen(protocol.c_str()));
    }
    const auto keep = shared_from_this();  // the owner may close us inside
    owner_->on_transport_open(protocol);
    pump_writes();
}

void BrowserConnection::received(const EmscriptenWebSocketMessageEvent& event) {
    if (finished_ || closing_) return;  // nothing more reaches the game once closing (as natively)
    if (event.isText) {
        // Games exchange binary frames only; text is a protocol breach.
        return close_now(close_code::unsupported_data, "text frames are not accepted");
    }
    const std::size_t size = event.numBytes;
    owner_->on_transport_bytes_in(size);
    if (size > options_.max_message_size)
        return fail_now({close_code::message_too_big, "message too big", ErrorKind::protocol,
                         "peer sent a message larger than the maximum"});
    Message message = Message::allocate(size);
    if (size != 0) std::memcpy(message.writable().data(), event.data, size);
    if (sim_) {
        if (read_paused_) return deliver(std::move(message));  // waits in held_ for room in the simulator
        switch (sim_->receive(std::move(message))) {
        case NetSimPipe::Received::keep_reading: return;
        case NetSimPipe::Received::pause_reading: read_paused_ = true; return;
        case NetSimPipe::Received::drop: return sim_drop();
        }
        return;
    }
    deliver(std::move(message));
}

void BrowserConnection::closed(const EmscriptenWebSocketCloseEvent& event) {
    if (finished_) return;
    if (!opened_)
        return finish({close_code::abnormal, "connect failed", ErrorKind::refused,
                       "connect failed: refused, host not found or upgrade rejected (a browser does not say "
                       "which)"});
    if (local_close_) return finish(*local_close_);  // the server answered our close
    if (!event.wasClean)
        return finish({close_code::abnormal, "connection lost", ErrorKind::io,
                       "connection lost (a browser gives no detail)"});
    const std::uint16_t code = event.code == 0 ? close_code::no_status : event.code;
    finish({code, std::string(event.reason), ErrorKind::none, {}});
}

// ---- sending -------------------------------------------------------------------

void BrowserConnection::send(Message message) {
    if (closing_ || finished_) return;
    if (sim_) {
        if (!sim_->send(std::move(message), false)) sim_drop();
        return;
    }
    queue(std::move(message), false);
}

bool BrowserConnection::send_latest(Message message) {
    if (closing_ || finished_) return false;
    if (sim_) {
        if (!sim_->send(std::move(message), true)) sim_drop();
        return false;
    }
    return queue(std::move(message), true);
}

bool BrowserConnection::queue(Message message, bool latest) {
    bool superseded = false;
    if (latest && latest_ != kNone) {
        // Nothing in the queue has reached the browser yet: the older state goes.
        queued_bytes_ -= queue_[latest_].size();
        queue_[latest_].reset();
        superseded = true;
    }
    if (latest) latest_ = queue_.size();
    queued_bytes_ += message.size();
    queue_.push_back(std::move(message));
    if (!writable()) was_full_ = true;
    pump_writes();
    return superseded;
}

void BrowserConnection::pump_writes() {
    // Not re-entered: what the owner sends from on_transport_writable is
    // handed over by the loop below.
    if (pumping_ || finished_ || !opened_ || close_sent_) return;
    const auto keep = shared_from_this();  // on_transport_writable may end us
    pumping_ = true;
    hand_over();
    while (was_full_ && writable() && !finished_) {
        was_full_ = false;
        owner_->on_transport_writable();
        hand_over();
    }
    pumping_ = false;
    if (finished_) return;
    if (closing_ && head_ == queue_.size() && (!sim_ || sim_->outbound_empty())) send_close_frame();
}

void BrowserConnection::hand_over() {
    while (!finished_ && head_ < queue_.size()) {
        Message& front = queue_[head_];
        if (!front) {  // superseded
            pop_front();
            continue;
        }
        unsigned short state = 3;
        emscripten_websocket_get_ready_state(socket_, &state);
        if (state != 1) return;  // closing under us: its close event is on the way
        unsigned long long buffered = 0;
        emscripten_websocket_get_buffered_amount(socket_, &buffered);
        if (buffered >= kBrowserBufferLimit) {
            // No event says the browser's buffer drained: look again soon.
            drain_timer_->start_after(std::chrono::milliseconds(2));
            break;
        }
        const std::size_t size = front.size();
        // The browser copies the bytes before it returns.
        emscripten_websocket_send_binary(socket_, const_cast<std::byte*>(front.data()), static_cast<std::uint32_t>(size));
        queued_bytes_ -= size;
        owner_->on_transport_sent(size);
        pop_front();
    }
}

void BrowserConnection::pop_front() noexcept {
    if (latest_ == head_) latest_ = kNone;
    queue_[head_].reset();
    if (++head_ == queue_.size()) {
        queue_.clear();  // keeps capacity: no allocation in steady state
        head_ = 0;
    } else if (head_ >= 1024 && head_ * 2 >= queue_.size()) {
        queue_.erase(queue_.begin(), queue_.begin() + static_cast<std::ptrdiff_t>(head_));
        if (latest_ != kNone) latest_ -= head_;
        head_ = 0;
    }
}

void BrowserConnection::clear_queue() noexcept {
    queue_.clear();
    head_ = 0;
    latest_ = kNone;
    queued_bytes_ = 0;
}

// ---- closing -------------------------------------------------------------------

void BrowserConnection::close(std::uint16_t code, std::string_view reason) {
    if (finished_ || closing_) return;
    if (!opened_) {
        // Before open there is nothing to hand over: the attempt ends now.
        return finish({code, std::string(reason.empty() ? "closed before open" : reason), ErrorKind::none, {}});
    }
    local_close_ = CloseInfo{code, std::string(reason), ErrorKind::none, {}};
    closing_ = true;
    deadline_->start_after(options_.close_timeout);  // a server that never answers cannot hold us
    pump_writes();  // the close frame goes once the queue is out
}

void BrowserConnection::close_now(std::uint16_t code, std::string_view reason) {
    clear_queue();
    if (sim_) sim_->clear_outbound();
    close(code, reason);
}

void BrowserConnection::send_close_frame() {
    if (close_sent_) return;
    close_sent_ = true;
    const WireClose wire = browser_close_frame(local_close_->code, local_close_->reason);
    emscripten_websocket_close(socket_, wire.code, wire.reason.c_str());
}

void BrowserConnection::fail_now(CloseInfo info) {
    const WireClose wire = browser_close_frame(info.code, info.reason);
    emscripten_websocket_close(socket_, wire.code, wire.reason.c_str());
    close_sent_ = true;
    finish(std::move(info));
}

void BrowserConnection::finish(CloseInfo info) {
    if (finished_) return;
    finished_ = true;
    deadline_->cancel();
    drain_timer_->cancel();
    if (sim_) sim_->stop();
    clear_queue();
    held_.clear();
    held_head_ = held_bytes_ = 0;
    release_socket(sim_dropped_);
    owner_->on_transport_closed(info);
}

void BrowserConnection::release_socket(bool abandon) {
    if (socket_ <= 0) return;
    const EMSCRIPTEN_WEBSOCKET_T socket = std::exchange(socket_, 0);
    unsigned short state = 3;
    emscripten_websocket_get_ready_state(socket, &state);
    const bool open = state < 2;  // connecting or open
    if (!abandon || !open) {
        if (open) emscripten_websocket_close(socket, close_code::normal, "");
        // No callback reaches this object after this. (3.1.6's delete nulls
        // the callbacks and keeps a small record of the socket: docs/web.md.)
        emscripten_websocket_delete(socket);
        return;
    }
    // A simulated drop: the socket stays open and silent, as a vanished
    // network would leave it, until the server lets go of it (a resume
    // elsewhere) or idle_timeout passes; then it is closed and deleted.
    emscripten_websocket_set_onopen_callback(socket, nullptr, [](int, const EmscriptenWebSocketOpenEvent*, void*) { return EM_TRUE; });
    emscripten_websocket_set_onmessage_callback(socket, nullptr, [](int, const EmscriptenWebSocketMessageEvent*, void*) { return EM_TRUE; });
    emscripten_websocket_set_onerror_callback(socket, nullptr, [](int, const EmscriptenWebSocketErrorEvent*, void*) { return EM_TRUE; });
    emscripten_websocket_set_onclose_callback(socket, nullptr, [](int, const EmscriptenWebSocketCloseEvent*, void*) { return EM_TRUE; });
    const double linger_ms = static_cast<double>(std::max<std::int64_t>(options_.idle_timeout.count(), 0));
    emscripten_set_timeout(
        [](void* id) {
            const auto socket = static_cast<EMSCRIPTEN_WEBSOCKET_T>(reinterpret_cast<std::intptr_t>(id));
            emscripten_websocket_close(socket, close_code::normal, "");
            emscripten_websocket_delete(socket);
        },
        linger_ms, reinterpret_cast<void*>(static_cast<std::intptr_t>(socket)));
}

// ---- receiving -----------------------------------------------------------------

void BrowserConnection::deliver(Message message) {
    if (read_paused_ || held_head_ < held_.size()) {
        // The game is behind and a browser cannot stop reading: hold it, bounded.
        held_bytes_ += message.size();
        held_.push_back(std::move(message));
        if (held_bytes_ <= kMaxHeldBytes) return;
        return fail_now({close_code::policy_violation, "receive backlog full", ErrorKind::overflow,
                         "the game fell more than " + std::to_string(kMaxHeldBytes) +
                             " received bytes behind (a browser cannot slow the sender)"});
    }
    if (!owner_->on_transport_message(std::move(message))) read_paused_ = true;
}

void BrowserConnection::resume_reading() {
    if (sim_) return sim_->resume_inbound();
    read_paused_ = false;
    deliver_held();
}

void BrowserConnection::deliver_held() {
    while (!read_paused_ && !finished_ && held_head_ < held_.size()) {
        Message message = std::move(held_[held_head_++]);
        held_bytes_ -= message.size();
        if (sim_) {
            const auto verdict = sim_->receive(std::move(message));
            if (verdict == NetSimPipe::Received::drop) return sim_drop();
            if (verdict == NetSimPipe::Received::pause_reading) read_paused_ = true;
        } else if (!owner_->on_transport_message(std::move(message))) {
            read_paused_ = true;
        }
    }
    if (held_head_ == held_.size()) {
        held_.clear();
        held_head_ = 0;
    }
}

// ---- the network simulator ---------------------------------------------------------

bool BrowserConnection::on_sim_inbound(Message message) { return owner_->on_transport_message(std::move(message)); }

void BrowserConnection::on_sim_outbound_drained() {
    if (closing_) pump_writes();
}

void BrowserConnection::on_sim_inbound_room() {
    if (!read_paused_ || finished_) return;
    read_paused_ = false;
    deliver_held();
}

void BrowserConnection::sim_drop() {
    if (sim_dropped_) return;
    sim_dropped_ = true;
    // Posted, so that a caller in the middle of send() never sees the attempt end under it.
    scheduler_.post([self = shared_from_this()] {
        self->finish({close_code::abnormal, "connection lost", ErrorKind::io, "netsim: simulated disconnect"});
    });
}

}  // namespace tickwire::net::detail
