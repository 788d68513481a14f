#include "tcp_proxy.hpp"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <stdexcept>
#include <vector>

namespace tickwire::test {

namespace {

int listen_loopback(std::uint16_t& port) {
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof address;
    if (fd < 0 || ::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 || ::listen(fd, 64) != 0 ||
        ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) != 0)
        throw std::runtime_error("TcpProxy: cannot listen");
    port = ntohs(address.sin_port);
    return fd;
}

int connect_loopback(std::uint16_t port) {
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    address.sin_port = htons(port);
    if (fd >= 0 && ::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0) {
        const int one = 1;
        ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        return fd;
    }
    if (fd >= 0) ::close(fd);
    return -1;
}

// Close with RST (SO_LINGER 0): the peer sees a reset, never a close frame or FIN.
void reset_close(int fd) {
    const linger abort{1, 0};
    ::setsockopt(fd, SOL_SOCKET, SO_LINGER, &abort, sizeof abort);
    ::close(fd);
}

bool write_all(int fd, const char* data, std::size_t size) {
    while (size > 0) {
        const auto written = ::send(fd, data, size, MSG_NOSIGNAL);
        if (written <= 0) return false;
        data += written;
        size -= static_cast<std::size_t>(written);
    }
    return true;
}

}  // namespace

TcpProxy::TcpProxy(std::uint16_t upstream_port) : upstream_port_(upstream_port) {
    listen_fd_ = listen_loopback(port_);
    thread_ = std::thread([this] { run(); });
}

TcpProxy::~TcpProxy() {
    stop_.store(true);
    thread_.join();
    ::close(listen_fd_);
}

std::string TcpProxy::url(std::string_view target) const {
    return "ws://127.0.0.1:" + std::to_string(port_) + std::string(target);
}

void TcpProxy::run() {
    struct Pair {
        int client, upstream;
    };
    std::vector<Pair> pairs;
    int drops_done = 0;
    std::vector<pollfd> fds;
    char buffer[64 * 1024];
    while (!stop_.load()) {
        if (const int requested = drops_requested_.load(); requested != drops_done) {
            drops_done = requested;
            for (const Pair& pair : pairs) reset_close(pair.client), reset_close(pair.upstream);
            pairs.clear();
        }
        fds.clear();
        fds.push_back({listen_fd_, POLLIN, 0});
        const bool frozen = frozen_.load();
        if (!frozen)
            for (const Pair& pair : pairs) fds.push_back({pair.client, POLLIN, 0}), fds.push_back({pair.upstream, POLLIN, 0});
        if (::poll(fds.data(), fds.size(), 5) <= 0) continue;
        const std::size_t polled = frozen ? 0 : pairs.size();  // a pair accepted below was not polled
        if (fds[0].revents & POLLIN) {
            const int client = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
            if (client >= 0) {
                accepted_.fetch_add(1);
                const int upstream = refusing_.load() ? -1 : connect_loopback(upstream_port_);
                if (upstream < 0) {
                    reset_close(client);
                } else {
                    const int one = 1;
                    ::setsockopt(client, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
                    pairs.push_back({client, upstream});
                }
            }
        }
        if (frozen) continue;
        std::vector<std::size_t> broken;
        for (std::size_t i = 0; i < polled; ++i) {
            for (int side = 0; side < 2; ++side) {
                const pollfd& p = fds[1 + 2 * i + static_cast<std::size_t>(side)];
                if (!(p.revents & (POLLIN | POLLHUP | POLLERR))) continue;
                const int from = side == 0 ? pairs[i].client : pairs[i].upstream;
                const int to = side == 0 ? pairs[i].upstream : pairs[i].client;
                const auto n = ::recv(from, buffer, sizeof buffer, 0);
                if (n <= 0 || !write_all(to, buffer, static_cast<std::size_t>(n))) {
                    broken.push_back(i);
                    break;
                }
            }
        }
        // A side that closed: pass the close on as a reset (keeps the relay simple).
        for (auto it = broken.rbegin(); it != broken.rend(); ++it) {
            reset_close(pairs[*it].client);
            reset_close(pairs[*it].upstream);
            pairs.erase(pairs.begin() + static_cast<std::ptrdiff_t>(*it));
        }
    }
    for (const Pair& pair : pairs) reset_close(pair.client), reset_close(pair.upstream);
}

}  // namespace tickwire::test
