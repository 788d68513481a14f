// echo_bench: echo round-trip latency through tickwire's full path, against a
// bare TCP echo measured in the same run, and the heap allocations each
// tickwire round trip costs once warm.
//
//   tickwire-bench-echo [--messages 20000] [--warmup 2000] [--size 32 --size 512]
//                       [--ping-ms 1000] [--shared-network-thread] [--json-only]
//                       [--trace-allocs N]
//
// Closed loop, one message in flight; for each size:
//   bare TCP   a blocking echo thread on 127.0.0.1 and a blocking client, both
//              TCP_NODELAY — the floor any path over loopback pays.
//   tickwire   client game thread (this thread, busy-polling its Channel's
//              stream) → SPSC queue → client network thread → WebSocket over
//              loopback → server network thread → SPSC queue → server game
//              thread (busy-polling Server::poll, echoing with send + flush) →
//              and the same way back. Each side has its own NetworkThread.
// It prints a table, then one JSON object on the last line (alone with
// --json-only). Allocations: every form of global operator new is replaced
// here and counted for the whole process (both game threads and both network
// threads) over the timed phase only; the buffer pool's own heap_allocations
// delta is reported beside it (the bare-tcp row's count includes the idle
// tickwire connection's timers, which run meanwhile). --trace-allocs N prints
// the backtraces of the first N allocations in tickwire's timed phases
// (symbolise with addr2line).
//
// Bare TCP wire format (this file only; the client and the echo thread):
//   frame = u32 length (host order) | length bytes of payload
// Lengths are checked against --size's maximum before anything is read into
// the fixed buffers.

#include <execinfo.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <future>
#include <memory>
#include <new>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "tickwire/cli.hpp"
#include "tickwire/net/channel.hpp"
#include "tickwire/net/server.hpp"

// ---------------------------------------------------------------------------
// Counting allocator: every replaceable form of operator new / delete.

namespace {

std::atomic<std::uint64_t> g_allocations{0};
std::atomic<std::uint64_t> g_allocated_bytes{0};

// --trace-allocs: backtraces of the first few allocations once armed, kept in
// static storage (nothing here may allocate) and printed after the timed phase.
constexpr int kTraceDepth = 24;
constexpr int kMaxTraces = 64;
struct AllocTrace {
    std::size_t size = 0;
    int depth = 0;
    void* frames[kTraceDepth] = {};
};
AllocTrace g_traces[kMaxTraces];
std::atomic<int> g_trace_budget{0};  // how many more to record (0: off)
std::atomic<int> g_traces_taken{0};
thread_local bool t_in_trace = false;

void count_allocation(std::size_t size) noexcept {
    g_allocations.fetch_add(1, std::memory_order_relaxed);
    g_allocated_bytes.fetch_add(size, std::memory_order_relaxed);
    if (g_trace_budget.load(std::memory_order_relaxed) <= 0 || t_in_trace) return;
    if (g_trace_budget.fetch_sub(1, std::memory_order_relaxed) <= 0) return;
    const int slot = g_traces_taken.fetch_add(1, std::memory_order_relaxed);
    if (slot >= kMaxTraces) return;
    t_in_trace = true;
    g_traces[slot].size = size;
    g_traces[slot].depth = ::backtrace(g_traces[slot].frames, kTraceDepth);
    t_in_trace = false;
}

void* allocate(std::size_t size) {
    count_allocation(size);
    if (void* p = std::malloc(size == 0 ? 1 : size)) return p;
    throw std::bad_alloc();
}

void* allocate_aligned(std::size_t size, std::align_val_t alignment) {
    count_allocation(size);
    const auto align = std::max(static_cast<std::size_t>(alignment), sizeof(void*));
    // aligned_alloc wants a size that is a multiple of the alignment.
    const std::size_t rounded = (std::max<std::size_t>(size, 1) + align - 1) / align * align;
    if (void* p = std::aligned_alloc(align, rounded)) return p;
    throw std::bad_alloc();
}

}  // namespace

// noinline: once inlined, GCC pairs the malloc/free inside with the new/delete
// expressions of the callers and warns (-Wmismatched-new-delete).
[[gnu::noinline]] void* operator new(std::size_t size) { return allocate(size); }
[[gnu::noinline]] void* operator new[](std::size_t size) { return allocate(size); }
[[gnu::noinline]] void* operator new(std::size_t size, const std::nothrow_t&) noexcept {
    try {
        return allocate(size);
    } catch (...) {
        return nullptr;
    }
}
[[gnu::noinline]] void* operator new[](std::size_t size, const std::nothrow_t&) noexcept {
    try {
        return allocate(size);
    } catch (...) {
        return nullptr;
    }
}
[[gnu::noinline]] void* operator new(std::size_t size, std::align_val_t al) { return allocate_aligned(size, al); }
[[gnu::noinline]] void* operator new[](std::size_t size, std::align_val_t al) { return allocate_aligned(size, al); }
[[gnu::noinline]] void* operator new(std::size_t size, std::align_val_t al, const std::nothrow_t&) noexcept {
    try {
        return allocate_aligned(size, al);
    } catch (...) {
        return nullptr;
    }
}
[[gnu::noinline]] void* operator new[](std::size_t size, std::align_val_t al, const std::nothrow_t&) noexcept {
    try {
        return allocate_aligned(size, al);
    } catch (...) {
        return nullptr;
    }
}
[[gnu::noinline]] void operator delete(void* p) noexcept { std::free(p); }
[[gnu::noinline]] void operator delete[](void* p) noexcept { std::free(p); }
[[gnu::noinline]] void operator delete(void* p, std::size_t) noexcept { std::free(p); }
[[gnu::noinline]] void operator delete[](void* p, std::size_t) noexcept { std::free(p); }
[[gnu::noinline]] void operator delete(void* p, const std::nothrow_t&) noexcept { std::free(p); }
[[gnu::noinline]] void operator delete[](void* p, const std::nothrow_t&) noexcept { std::free(p); }
[[gnu::noinline]] void operator delete(void* p, std::align_val_t) noexcept { std::free(p); }
[[gnu::noinline]] void operator delete[](void* p, std::align_val_t) noexcept { std::free(p); }
[[gnu::noinline]] void operator delete(void* p, std::size_t, std::align_val_t) noexcept { std::free(p); }
[[gnu::noinline]] void operator delete[](void* p, std::size_t, std::align_val_t) noexcept { std::free(p); }
[[gnu::noinline]] void operator delete(void* p, std::align_val_t, const std::nothrow_t&) noexcept { std::free(p); }
[[gnu::noinline]] void operator delete[](void* p, std::align_val_t, const std::nothrow_t&) noexcept { std::free(p); }

namespace {

namespace net = tickwire::net;
using Clock = std::chrono::steady_clock;

constexpr std::size_t kMaxSize = 1u << 20;  // net's default max_message_size

struct Config {
    std::size_t messages = 20000;
    std::size_t warmup = 2000;
    std::vector<std::size_t> sizes;  // empty: 32 and 512
    bool json_only = false;
    bool shared_network_thread = false;
    int trace_allocs = 0;
    /// RTT probes on both sides; net's default. Each probe allocates inside Beast
    /// (see README), so 0 shows what the message path alone costs.
    std::chrono::milliseconds ping_interval{net::ChannelOptions{}.ping_interval};
};

inline void cpu_relax() noexcept {
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#elif defined(__aarch64__)
    asm volatile("yield");
#endif
}

/// Busy-wait step for the game threads: spin briefly, then yield, so on a
/// 2-core machine the network threads still get a core when they wake.
class Backoff {
public:
    void pause() noexcept {
        if (spins_ < kSpins) {
            ++spins_;
            cpu_relax();
        } else {
            std::this_thread::yield();
        }
    }
    void reset() noexcept { spins_ = 0; }

private:
    static constexpr unsigned kSpins = 128;
    unsigned spins_ = 0;
};

struct Percentiles {
    double p50_us = 0, p90_us = 0, p99_us = 0, max_us = 0;
};

Percentiles percentiles(std::vector<std::int64_t> ns) {
    Percentiles p;
    if (ns.empty()) return p;
    std::sort(ns.begin(), ns.end());
    // Nearest rank.
    const auto at = [&](double q) {
        const auto rank = static_cast<std::size_t>(q * static_cast<double>(ns.size()) + 0.999999);
        return static_cast<double>(ns[std::clamp<std::size_t>(rank, 1, ns.size()) - 1]) / 1e3;
    };
    p.p50_us = at(0.50);
    p.p90_us = at(0.90);
    p.p99_us = at(0.99);
    p.max_us = static_cast<double>(ns.back()) / 1e3;
    return p;
}

/// Stamps a sequence number into the first bytes of a payload (as many as fit).
void stamp(std::byte* payload, std::size_t size, std::uint64_t sequence) {
    std::memcpy(payload, &sequence, std::min(size, sizeof sequence));
}
bool stamped(const std::byte* payload, std::size_t size, std::uint64_t sequence) {
    return std::memcmp(payload, &sequence, std::min(size, sizeof sequence)) == 0;
}

// ---------------------------------------------------------------------------
// Bare TCP echo: the floor.

bool write_all(int fd, const std::byte* data, std::size_t size) {
    while (size > 0) {
        const ssize_t n = ::send(fd, data, size, MSG_NOSIGNAL);
        if (n <= 0) return false;
        data += n;
        size -= static_cast<std::size_t>(n);
    }
    return true;
}

bool read_all(int fd, std::byte* data, std::size_t size) {
    while (size > 0) {
        const ssize_t n = ::recv(fd, data, size, 0);
        if (n <= 0) return false;
        data += n;
        size -= static_cast<std::size_t>(n);
    }
    return true;
}

void set_nodelay(int fd) {
    const int one = 1;
    if (::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one) != 0)
        throw std::runtime_error("setsockopt(TCP_NODELAY) failed");
}

/// A blocking echo thread serving one connection on 127.0.0.1 (frames above).
class BareEchoServer {
public:
    BareEchoServer() {
        listener_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (listener_ < 0) throw std::runtime_error("socket failed");
        sockaddr_in address{};
        address.sin_family = AF_INET;
        address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        address.sin_port = 0;
        socklen_t length = sizeof address;
        if (::bind(listener_, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
            ::listen(listener_, 1) != 0 ||
            ::getsockname(listener_, reinterpret_cast<sockaddr*>(&address), &length) != 0)
            throw std::runtime_error("bind/listen on 127.0.0.1:0 failed");
        port_ = ntohs(address.sin_port);
        thread_ = std::thread([this] { serve(); });
    }
    ~BareEchoServer() {
        thread_.join();  // ends when the client closes its socket
        ::close(listener_);
    }
    [[nodiscard]] std::uint16_t port() const noexcept { return port_; }

private:
    void serve() {
        const int fd = ::accept4(listener_, nullptr, nullptr, SOCK_CLOEXEC);
        if (fd < 0) return;
        set_nodelay(fd);
        std::vector<std::byte> frame(sizeof(std::uint32_t) + kMaxSize);
        while (true) {
            std::uint32_t length = 0;
            if (!read_all(fd, frame.data(), sizeof length)) break;
            std::memcpy(&length, frame.data(), sizeof length);
            if (length > kMaxSize) break;  // range-checked before it sizes a read
            if (!read_all(fd, frame.data() + sizeof length, length)) break;
            if (!write_all(fd, frame.data(), sizeof length + length)) break;
        }
        ::close(fd);
    }

    int listener_ = -1;
    std::uint16_t port_ = 0;
    std::thread thread_;
};

/// The client side: one blocking socket, one frame in flight.
class BareEchoClient {
public:
    explicit BareEchoClient(std::uint16_t port) : frame_(sizeof(std::uint32_t) + kMaxSize) {
        fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        sockaddr_in address{};
        address.sin_family = AF_INET;
        address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        address.sin_port = htons(port);
        if (fd_ < 0 || ::connect(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0)
            throw std::runtime_error("connect to the bare echo server failed");
        set_nodelay(fd_);
    }
    ~BareEchoClient() { ::close(fd_); }

    /// One round trip; false if the echo did not come back intact.
    bool round_trip(std::size_t size, std::uint64_t sequence) {
        const auto length = static_cast<std::uint32_t>(size);
        std::memcpy(frame_.data(), &length, sizeof length);
        stamp(frame_.data() + sizeof length, size, sequence);
        if (!write_all(fd_, frame_.data(), sizeof length + size)) return false;
        std::uint32_t echoed = 0;
        if (!read_all(fd_, frame_.data(), sizeof echoed)) return false;
        std::memcpy(&echoed, frame_.data(), sizeof echoed);
        if (echoed != length) return false;
        if (!read_all(fd_, frame_.data() + sizeof echoed, echoed)) return false;
        return stamped(frame_.data() + sizeof echoed, size, sequence);
    }

private:
    int fd_ = -1;
    std::vector<std::byte> frame_;
};

// ---------------------------------------------------------------------------
// tickwire: Server on its own game thread, Channel on this one.

/// A game thread that owns a Server and echoes every message to its sender.
class TickwireEchoServer {
public:
    /// `network_thread`: the one to run the server's sockets on.
    TickwireEchoServer(std::chrono::milliseconds ping_interval, std::shared_ptr<net::NetworkThread> network_thread)
        : network_thread_(std::move(network_thread)) {
        std::promise<std::uint16_t> port;
        auto ready = port.get_future();
        thread_ = std::thread([this, &port, ping_interval] { run(port, ping_interval); });
        port_ = ready.get();
        if (port_ == 0) {
            thread_.join();
            throw std::runtime_error("tickwire::net::Server::listen failed");
        }
    }
    ~TickwireEchoServer() {
        stop_.store(true, std::memory_order_relaxed);
        thread_.join();
    }
    [[nodiscard]] std::uint16_t port() const noexcept { return port_; }

private:
    void run(std::promise<std::uint16_t>& port, std::chrono::milliseconds ping_interval) {
        net::ServerOptions options;
        options.address = "127.0.0.1";
        options.ping_interval = ping_interval;
        options.network_thread = network_thread_;
        std::error_code ec;
        net::Server server = net::Server::listen(std::move(options), ec);
        port.set_value(server ? server.port() : 0);
        if (!server) return;
        net::ServerEvent event;
        Backoff backoff;
        while (!stop_.load(std::memory_order_relaxed)) {
            bool any = false;
            while (server.poll(event)) {
                any = true;
                if (event.type == net::ServerEventType::message) {
                    // The echo: the received buffer goes straight back, uncopied.
                    server.send(event.id, std::move(event.message));
                    server.flush();
                }
            }
            if (any)
                backoff.reset();
            else
                backoff.pause();
        }
    }

    std::shared_ptr<net::NetworkThread> network_thread_;
    std::atomic<bool> stop_{false};
    std::uint16_t port_ = 0;
    std::thread thread_;
};

/// The client game thread's side: a Channel polled by the calling thread.
class TickwireEchoClient {
public:
    TickwireEchoClient(std::uint16_t port, std::chrono::milliseconds ping_interval,
                       std::shared_ptr<net::NetworkThread> network_thread)
        : thread_(std::move(network_thread)) {
        net::ChannelOptions options;
        options.ping_interval = ping_interval;
        options.network_thread = thread_;
        channel_.emplace(net::Channel::connect("ws://127.0.0.1:" + std::to_string(port) + "/echo", std::move(options)));
        const auto deadline = Clock::now() + std::chrono::seconds(10);
        net::Event event;
        while (Clock::now() < deadline) {
            if (!channel_->stream().poll(event)) {
                std::this_thread::sleep_for(std::chrono::microseconds(100));
                continue;
            }
            if (event.type == net::EventType::opened) return;
            if (event.type == net::EventType::error || event.type == net::EventType::closed)
                throw std::runtime_error("channel failed to open: " + std::string(event.text()));
        }
        throw std::runtime_error("channel did not open within 10 s");
    }
    ~TickwireEchoClient() {
        // Close politely and wait (bounded) for the closed event.
        channel_->sink().close();
        const auto deadline = Clock::now() + std::chrono::seconds(3);
        net::Event event;
        while (Clock::now() < deadline) {
            if (channel_->stream().poll(event) && event.type == net::EventType::closed) break;
            std::this_thread::sleep_for(std::chrono::microseconds(100));
        }
        channel_.reset();
    }

    /// One round trip; false if the echo did not come back intact.
    bool round_trip(std::size_t size, std::uint64_t sequence) {
        net::Message message = net::Message::allocate(size);
        stamp(message.writable().data(), size, sequence);
        if (!channel_->sink().add(std::move(message))) return false;
        channel_->sink().flush();
        Backoff backoff;
        while (!channel_->stream().poll(event_)) backoff.pause();
        const bool ok = event_.type == net::EventType::message && event_.message.size() == size &&
                        stamped(event_.message.data(), size, sequence);
        event_.message.reset();  // back to the pool now, as a game would after decoding
        return ok;
    }

private:
    std::shared_ptr<net::NetworkThread> thread_;
    std::optional<net::Channel> channel_;
    net::Event event_;
};

// ---------------------------------------------------------------------------

struct PathResult {
    Percentiles latency;
    std::uint64_t allocations = 0;  // over the timed phase, whole process
    double allocations_per_message = 0;
    double allocated_bytes_per_message = 0;
    std::uint64_t pool_heap_allocations = 0;  // tickwire only
    double wakeups_per_message = 0;           // tickwire only: eventfd wake-ups, both network threads
    bool ok = true;
};

/// Warm up, then time `messages` closed-loop round trips of `round_trip`;
/// `trace` allocations of the timed phase get backtraces (--trace-allocs).
template <class RoundTrip>
PathResult measure(const Config& config, std::size_t size, RoundTrip&& round_trip, int trace = 0) {
    PathResult result;
    std::vector<std::int64_t> ns(config.messages);  // allocated before counting starts
    std::uint64_t sequence = 0;
    for (std::size_t i = 0; i < config.warmup; ++i) result.ok = round_trip(size, sequence++) && result.ok;
    g_trace_budget.store(trace);
    const std::uint64_t allocations = g_allocations.load();
    const std::uint64_t bytes = g_allocated_bytes.load();
    const std::size_t pool = net::buffer_pool_stats().heap_allocations;
    for (std::size_t i = 0; i < config.messages; ++i) {
        const auto start = Clock::now();
        result.ok = round_trip(size, sequence++) && result.ok;
        ns[i] = std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now() - start).count();
    }
    result.allocations = g_allocations.load() - allocations;
    g_trace_budget.store(0);
    const double n = static_cast<double>(std::max<std::size_t>(config.messages, 1));
    result.allocations_per_message = static_cast<double>(result.allocations) / n;
    result.allocated_bytes_per_message = static_cast<double>(g_allocated_bytes.load() - bytes) / n;
    result.pool_heap_allocations = net::buffer_pool_stats().heap_allocations - pool;
    result.latency = percentiles(std::move(ns));
    return result;
}

void print_traces() {
    const int taken = std::min(g_traces_taken.load(), kMaxTraces);
    std::fprintf(stderr, "--- %d steady-state allocation backtrace(s) (addr2line -Cfie <this executable> +0x...) ---\n", taken);
    for (int i = 0; i < taken; ++i) {
        std::fprintf(stderr, "allocation %d: %zu bytes\n", i + 1, g_traces[i].size);
        ::backtrace_symbols_fd(g_traces[i].frames, g_traces[i].depth, STDERR_FILENO);
    }
}

std::string json_percentiles(const Percentiles& p) {
    char buffer[160];
    std::snprintf(buffer, sizeof buffer, R"({"p50_us":%.2f,"p90_us":%.2f,"p99_us":%.2f,"max_us":%.2f})", p.p50_us,
                  p.p90_us, p.p99_us, p.max_us);
    return buffer;
}

// The command line into `config`; nullopt to run, else the exit code.
std::optional<int> parse(int argc, char** argv, Config& config) {
    long long ping_ms = config.ping_interval.count();
    CLI::App app{"Echo round trip through tickwire's full path against a bare TCP echo, and the heap "
                 "allocations per round trip.",
                 "tickwire-bench-echo"};
    app.add_option("--messages", config.messages, "timed round trips per size")
        ->check(CLI::Range(std::size_t{1}, std::size_t{1} << 40))
        ->capture_default_str();
    app.add_option("--warmup", config.warmup, "untimed round trips first")
        ->check(CLI::Range(std::size_t{0}, std::size_t{1} << 40))
        ->capture_default_str();
    app.add_option("--size", config.sizes, "message size in bytes (repeatable; default 32 and 512)")
        ->check(CLI::Range(std::size_t{1}, kMaxSize));
    app.add_option("--ping-ms", ping_ms, "RTT probes on both sides; 0 = none")
        ->check(CLI::Range(0LL, 3600000LL))
        ->capture_default_str();
    app.add_flag("--shared-network-thread", config.shared_network_thread, "client and server share one network thread");
    app.add_flag("--json-only", config.json_only, "only the JSON line");
    app.add_option("--trace-allocs", config.trace_allocs, "print backtraces of the first N timed allocations")
        ->check(CLI::Range(0, kMaxTraces));
    if (auto exit = tickwire::cli::parse(app, argc, argv)) return exit;
    if (config.sizes.empty()) config.sizes = {32, 512};
    config.ping_interval = std::chrono::milliseconds(ping_ms);
    return std::nullopt;
}

}  // namespace

int main(int argc, char** argv) {
    Config config;
    if (const auto exit = parse(argc, argv, config)) return *exit;
    // backtrace() loads libgcc_s (and allocates) on first use: do it now.
    void* frame[1];
    ::backtrace(frame, 1);

    struct Row {
        std::size_t size;
        PathResult bare, tickwire;
    };
    std::vector<Row> rows;
    rows.reserve(config.sizes.size());
    bool ok = true;
    {
        BareEchoServer bare_server;
        BareEchoClient bare(bare_server.port());
        // Separate network threads, as a real client and server have; or one
        // shared (--shared-network-thread), which saves two thread wake-ups
        // per round trip and so shows what those cost.
        const auto server_thread = net::NetworkThread::create();
        const auto client_thread = config.shared_network_thread ? server_thread : net::NetworkThread::create();
        TickwireEchoServer tickwire_server(config.ping_interval, server_thread);
        TickwireEchoClient tickwire(tickwire_server.port(), config.ping_interval, client_thread);
        const auto wakeups_now = [&] {
            return server_thread->wakeups() + (config.shared_network_thread ? 0 : client_thread->wakeups());
        };
        for (const std::size_t size : config.sizes) {
            Row row{size, {}, {}};
            row.bare = measure(config, size, [&](std::size_t s, std::uint64_t q) { return bare.round_trip(s, q); });
            const std::uint64_t wakeups = wakeups_now();
            const int trace = std::max(0, config.trace_allocs - std::min(g_traces_taken.load(), kMaxTraces));
            row.tickwire = measure(
                config, size, [&](std::size_t s, std::uint64_t q) { return tickwire.round_trip(s, q); }, trace);
            // Over warm-up and timed phase alike: one per flush that found the thread asleep.
            row.tickwire.wakeups_per_message =
                static_cast<double>(wakeups_now() - wakeups) /
                static_cast<double>(config.messages + config.warmup);
            ok = ok && row.bare.ok && row.tickwire.ok;
            rows.push_back(row);
        }
    }
    if (config.trace_allocs > 0) print_traces();

    const auto ratio = [](double a, double b) { return b > 0 ? a / b : 0.0; };
    if (!config.json_only) {
        std::printf("echo round trip, closed loop, %zu messages after %zu warm-up, pings every %lld ms, %s (us)\n",
                    config.messages, config.warmup, static_cast<long long>(config.ping_interval.count()),
                    config.shared_network_thread ? "one shared network thread" : "a network thread per side");
        std::printf("%-6s %-9s %9s %9s %9s %9s %7s %10s %8s\n", "size", "path", "p50", "p90", "p99", "max", "allocs",
                    "allocs/msg", "pool_new");
        for (const Row& row : rows) {
            const auto line = [&](const char* name, const PathResult& r, bool pool) {
                std::printf("%-6zu %-9s %9.2f %9.2f %9.2f %9.2f %7llu %10.4f %8s\n", row.size, name, r.latency.p50_us,
                            r.latency.p90_us, r.latency.p99_us, r.latency.max_us,
                            static_cast<unsigned long long>(r.allocations), r.allocations_per_message,
                            pool ? std::to_string(r.pool_heap_allocations).c_str() : "-");
            };
            line("bare-tcp", row.bare, false);
            line("tickwire", row.tickwire, true);
            std::printf("%-6zu %-9s %9.2fx %18.2fx   (eventfd wake-ups per message: %.2f)\n", row.size, "ratio",
                        ratio(row.tickwire.latency.p50_us, row.bare.latency.p50_us),
                        ratio(row.tickwire.latency.p99_us, row.bare.latency.p99_us),
                        row.tickwire.wakeups_per_message);
        }
        if (!ok) std::printf("ERROR: some echoes came back wrong or not at all\n");
    }
    std::string json = "{\"messages\":" + std::to_string(config.messages) +
                       ",\"ping_ms\":" + std::to_string(config.ping_interval.count()) + ",\"shared_network_thread\":" +
                       (config.shared_network_thread ? "true" : "false") +
                       ",\"warmup\":" + std::to_string(config.warmup) + ",\"ok\":" + (ok ? "true" : "false") +
                       ",\"results\":[";
    for (std::size_t i = 0; i < rows.size(); ++i) {
        const Row& row = rows[i];
        char tail[512];
        std::snprintf(tail, sizeof tail,
                      R"(,"allocs":%llu,"allocs_per_msg":%.5f,"alloc_bytes_per_msg":%.2f,"pool_heap_allocations":%llu,)"
                      R"("wakeups_per_msg":%.2f},"ratio_p50":%.3f,"ratio_p99":%.3f})",
                      static_cast<unsigned long long>(row.tickwire.allocations),
                      row.tickwire.allocations_per_message, row.tickwire.allocated_bytes_per_message,
                      static_cast<unsigned long long>(row.tickwire.pool_heap_allocations),
                      row.tickwire.wakeups_per_message,
                      ratio(row.tickwire.latency.p50_us, row.bare.latency.p50_us),
                      ratio(row.tickwire.latency.p99_us, row.bare.latency.p99_us));
        char bare_allocs[64];
        std::snprintf(bare_allocs, sizeof bare_allocs, R"(,"allocs":%llu})",
                      static_cast<unsigned long long>(row.bare.allocations));
        std::string bare = json_percentiles(row.bare.latency);
        bare.pop_back();
        std::string tw = json_percentiles(row.tickwire.latency);
        tw.pop_back();
        json += (i ? "," : "") + std::string("{\"size\":") + std::to_string(row.size) + ",\"bare_tcp\":" + bare +
                bare_allocs + ",\"tickwire\":" + tw + tail;
    }
    json += "]}";
    std::printf("%s\n", json.c_str());
    return ok ? 0 : 1;
}
