#pragma once
// NetworkThread: one thread running all socket work for the channels and
// servers attached to it. A lone channel gets its own; a bots process shares
// one across hundreds of channels.
//
// Thread: create and destroy from any thread except the network thread itself.
// Destruction waits (bounded by `shutdown_timeout`) for attached connections to
// close, then joins the thread. In a browser there is no thread: the page's
// event loop runs the connections, and destruction returns at once while
// they close on their own (still bounded by `shutdown_timeout`).

#include <chrono>
#include <cstdint>
#include <memory>

namespace tickwire::net {

namespace detail {
class NetworkLoop;             // per backend: the event loop behind this thread
struct NetworkThreadAccess;    // net internals reach the loop through it
}  // namespace detail

struct NetworkThreadOptions {
    /// How long destruction waits for attached connections to finish their close
    /// handshakes before sockets are dropped.
    std::chrono::milliseconds shutdown_timeout{1000};
};

class NetworkThread {
public:
    static std::shared_ptr<NetworkThread> create(NetworkThreadOptions options = {});
    ~NetworkThread();
    NetworkThread(const NetworkThread&) = delete;
    NetworkThread& operator=(const NetworkThread&) = delete;

    /// Times the network thread was woken by game threads (coalesced flushes).
    [[nodiscard]] std::uint64_t wakeups() const noexcept;

private:
    friend struct detail::NetworkThreadAccess;
    explicit NetworkThread(std::unique_ptr<detail::NetworkLoop> loop);
    std::unique_ptr<detail::NetworkLoop> loop_;
};

}  // namespace tickwire::net
