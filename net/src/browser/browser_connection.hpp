#pragma once
// BrowserConnection: one connection attempt of a browser channel, over the
// page's WebSocket (<emscripten/websocket.h>, binary frames only), as the
// portable ChannelDriver drives it (client/transport.hpp). What the browser
// does and does not do is written down, measured, in docs/web.md; in short:
//
//  - Sending: send_binary copies the bytes, and the browser buffers without
//    limit. So messages wait in this attempt's own queue and are handed over
//    only while bufferedAmount is under kBrowserBufferLimit (polled every few
//    ms while above it); an unsent latest-state message is superseded by the
//    next one; writable() is false while kMaxQueuedBytes wait, which leaves
//    the game's messages in their queue (Sink::add then pushes back).
//  - Receiving: the bytes are copied out of the callback into a pooled
//    Message. A browser cannot stop reading, so while the game is behind,
//    messages wait here (bounded by kMaxHeldBytes: beyond it, close 1008).
//    max_message_size is applied here too: the browser has no limit.
//  - Failing: every failed connect looks the same in a browser (refused, not
//    resolved, upgrade rejected: error, then close 1006), so it is one
//    ErrorKind::refused whose text says so. connect_timeout +
//    handshake_timeout bound the whole connect.
//  - Closing: a page may send only 1000 and 3000-4999, with a reason of at
//    most 123 bytes. 1001-1015 go as 3001-3015, which tickwire's server reads
//    back as 1001-1015 (close_info.hpp); any other code goes as 1000 with the
//    real code at the front of its reason. The game's closed event still shows
//    the code it asked for, as natively.
//  - Round trips: a browser hides WebSocket pings, so measures_rtt() is false
//    and the driver probes with session pings (session mode).
//  - The network simulator (ChannelOptions::netsim) runs in NetSimPipe as
//    natively. A simulated drop leaves the real socket open but silent (a
//    page cannot reset TCP, and a clean close would end the server's
//    session): the server drops it when the session resumes elsewhere, and
//    it is closed after idle_timeout otherwise.
//
// Thread: the page's main thread. Callbacks come from the event loop, never
// inside a call into this class; each holds the attempt alive while it runs.

#include <emscripten/websocket.h>

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "client/transport.hpp"
#include "netsim_pipe.hpp"
#include "tickwire/net/channel.hpp"

namespace tickwire::net::detail {

class BrowserConnection final : public Transport,
                                public std::enable_shared_from_this<BrowserConnection>,
                                private NetSimPipe::Ends {
public:
    /// Bytes the browser may buffer before we stop handing it more.
    static constexpr unsigned long long kBrowserBufferLimit = 1u << 20;
    /// Unsent bytes queued here before writable() turns false.
    static constexpr std::size_t kMaxQueuedBytes = 1u << 20;
    /// Received bytes held for a game that is behind before giving up (1008).
    static constexpr std::size_t kMaxHeldBytes = 64u << 20;

    BrowserConnection(Scheduler& scheduler, const ChannelOptions& options, std::shared_ptr<TransportHandler> owner,
                      std::shared_ptr<NetSimLink> netsim);
    ~BrowserConnection() override;
    BrowserConnection(const BrowserConnection&) = delete;
    BrowserConnection& operator=(const BrowserConnection&) = delete;

    /// Opens the browser's WebSocket to `url` (checked by the connector: the
    /// browser throws on what it rejects) offering `protocols` (comma-separated).
    void start(const std::string& url, const std::string& protocols);

    // Transport
    void send(Message message) override;
    bool send_latest(Message message) override;
    void close(std::uint16_t code, std::string_view reason) override;
    void close_now(std::uint16_t code, std::string_view reason) override;
    void resume_reading() override;
    [[nodiscard]] bool writable() const noexcept override { return queued_bytes_ < kMaxQueuedBytes; }
    [[nodiscard]] bool measures_rtt() const noexcept override { return false; }

private:
    // The browser's callbacks (userData is this attempt).
    static EM_BOOL on_open(int, const EmscriptenWebSocketOpenEvent*, void* self);
    static EM_BOOL on_message(int, const EmscriptenWebSocketMessageEvent* event, void* self);
    static EM_BOOL on_close(int, const EmscriptenWebSocketCloseEvent* event, void* self);

    void opened();
    void received(const EmscriptenWebSocketMessageEvent& event);
    void closed(const EmscriptenWebSocketCloseEvent& event);

    // Sending
    bool queue(Message message, bool latest);  ///< true if it superseded a queued one
    void pump_writes();
    void hand_over();
    void pop_front() noexcept;
    void clear_queue() noexcept;
    void send_close_frame();

    // Receiving
    void deliver(Message message);
    void deliver_held();

    // Ending
    /// Close frame out and the end reported at once (for limits we enforce).
    void fail_now(CloseInfo info);
    void finish(CloseInfo info);
    void release_socket(bool abandon);

    // NetSimPipe::Ends
    std::shared_ptr<void> keep_alive() override { return shared_from_this(); }
    void on_sim_outbound(Message message, bool latest) override { queue(std::move(message), latest); }
    bool on_sim_inbound(Message message) override;
    void on_sim_outbound_drained() override;
    void on_sim_inbound_room() override;
    void sim_drop();

    const ChannelOptions& options_;  // owned by the ChannelShared the owner keeps alive
    std::shared_ptr<TransportHandler> owner_;
    Scheduler& scheduler_;
    EMSCRIPTEN_WEBSOCKET_T socket_ = 0;

    std::vector<Message> queue_;  // [head_, end) unsent, oldest first; storage reused
    std::size_t head_ = 0;
    static constexpr std::size_t kNone = static_cast<std::size_t>(-1);
    std::size_t latest_ = kNone;  ///< the queued latest-state message, if any
    std::size_t queued_bytes_ = 0;
    bool was_full_ = false;  ///< writable() said false since the last on_transport_writable
    bool pumping_ = false;

    std::vector<Message> held_;  // received while the game is behind; [held_head_, end)
    std::size_t held_head_ = 0;
    std::size_t held_bytes_ = 0;
    bool read_paused_ = false;

    std::unique_ptr<Timer> deadline_;     // the connect, then the closing handshake
    std::unique_ptr<Timer> drain_timer_;  // polls bufferedAmount while the browser is full
    std::unique_ptr<NetSimPipe> sim_;     // null: a real network
    std::optional<CloseInfo> local_close_;
    bool opened_ = false;
    bool closing_ = false;
    bool close_sent_ = false;
    bool finished_ = false;
    bool sim_dropped_ = false;
};

/// The close code and reason a page may send for `code` and `reason` (see above).
struct WireClose {
    std::uint16_t code;
    std::string reason;
};
WireClose browser_close_frame(std::uint16_t code, std::string_view reason);

}  // namespace tickwire::net::detail
