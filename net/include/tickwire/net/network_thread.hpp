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
//
// On the caller (`run_on_caller`): no thread is started; the thread that
// creates it runs the sockets inside run_until()/run_once(), typically in
// place of its tick sleep, and must be the thread that destroys it, outside
// those calls (destruction then serves its last flushes and runs the closes
// itself, bounded as above). For a process that wants no second thread: a
// server pinned to one core, a single-threaded engine. What it saves depends
// on the load (docs/benchmarks.md, section 7: much where messages are
// sparse, nothing measurable on the demo's match). The game code still sees
// only the queues; the sockets are served only while the game waits, and a
// wait serves everything ready (a TLS handshake included) before returning.
//
//   auto net = NetworkThread::create({.run_on_caller = true});
//   auto server = Server::listen({.port = 7777, .network_thread = net}, ec);
//   LoopClock clock = LoopClock::system();
//   clock.sleep_until = [&net, sleep = clock.sleep_until](auto deadline) {
//       if (!net->run_until(deadline)) sleep(deadline);  // false: not ours to run
//   };

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
    /// No thread of its own: the creating thread runs it (see above). Native
    /// only; the browser's event loop ignores it.
    bool run_on_caller = false;
};

class NetworkThread {
public:
    static std::shared_ptr<NetworkThread> create(NetworkThreadOptions options = {});
    ~NetworkThread();
    NetworkThread(const NetworkThread&) = delete;
    NetworkThread& operator=(const NetworkThread&) = delete;

    /// Times the network thread was woken by game threads (coalesced flushes).
    [[nodiscard]] std::uint64_t wakeups() const noexcept;

    /// run_on_caller only, on the creating thread: serve sockets and timers
    /// until `deadline` (what is ready is served first, even when the deadline
    /// has passed). Returns false at once on a thread of its own.
    bool run_until(std::chrono::steady_clock::time_point deadline);
    /// The same, but returns as soon as something was served (or at
    /// `deadline`): for a loop that answers each message as it comes.
    bool run_once(std::chrono::steady_clock::time_point deadline);

private:
    friend struct detail::NetworkThreadAccess;
    explicit NetworkThread(std::unique_ptr<detail::NetworkLoop> loop);
    std::unique_ptr<detail::NetworkLoop> loop_;
};

}  // namespace tickwire::net
