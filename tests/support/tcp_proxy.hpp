#pragma once
// A TCP relay for tests that break connections the way networks do.
//
// Thread: construct, drive and destroy it from one test thread; it relays on
// a thread of its own.

#include <atomic>
#include <cstdint>
#include <string>
#include <string_view>
#include <thread>

namespace tickwire::test {

/// A TCP relay on 127.0.0.1 in front of a server, for breaking connections the
/// way networks do: drop_all() resets every relayed connection (RST, no close
/// frame), freeze() stops forwarding while keeping sockets open (a dead peer),
/// refuse() resets new connections at once. Its own thread, plain sockets.
class TcpProxy {
public:
    explicit TcpProxy(std::uint16_t upstream_port);
    ~TcpProxy();
    TcpProxy(const TcpProxy&) = delete;
    TcpProxy& operator=(const TcpProxy&) = delete;

    [[nodiscard]] std::uint16_t port() const noexcept { return port_; }
    std::string url(std::string_view target = "/") const;
    void drop_all() noexcept { drops_requested_.fetch_add(1); }
    void freeze(bool frozen) noexcept { frozen_.store(frozen); }
    void refuse(bool refusing) noexcept { refusing_.store(refusing); }
    [[nodiscard]] int accepted() const noexcept { return accepted_.load(); }

private:
    void run();
    int listen_fd_ = -1;
    std::uint16_t port_ = 0;
    std::uint16_t upstream_port_ = 0;
    std::atomic<int> drops_requested_{0};
    std::atomic<bool> frozen_{false}, refusing_{false}, stop_{false};
    std::atomic<int> accepted_{0};
    std::thread thread_;
};

}  // namespace tickwire::test
