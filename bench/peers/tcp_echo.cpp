// tcp_echo: the floor for bench/compare.sh — a bare epoll echo server for
// 4-byte little-endian length-prefixed frames, one thread, no framework.
// Every complete frame read is written back; everything read in one go is
// answered with one send(). Nothing a WebSocket server does can cost less on
// the same kernel.
//
//   tcp_echo --port N [--address 127.0.0.1]    # prints "listening on tcp://ADDR:PORT"
//
// Thread: one (main). SIGINT/SIGTERM stop it.
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

namespace {

constexpr std::uint32_t kMaxFrame = 16u << 20;

volatile std::sig_atomic_t g_stop = 0;
extern "C" void on_signal(int) { g_stop = 1; }

struct Connection {
    int fd = -1;
    std::vector<std::uint8_t> in;   // bytes read, not yet a whole frame
    std::vector<std::uint8_t> out;  // echoes the socket did not take yet
    bool want_write = false;
};

void set_nonblocking(int fd) { fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK); }

}  // namespace

int main(int argc, char** argv) {
    std::string address = "127.0.0.1";
    int port = -1;
    for (int i = 1; i + 1 < argc; i += 2) {
        if (std::strcmp(argv[i], "--port") == 0) port = std::atoi(argv[i + 1]);
        else if (std::strcmp(argv[i], "--address") == 0) address = argv[i + 1];
    }
    if (port < 0 || port > 65535) {
        std::fputs("usage: tcp_echo --port N [--address A]\n", stderr);
        return 2;
    }
    std::signal(SIGINT, on_signal);
    std::signal(SIGTERM, on_signal);
    std::signal(SIGPIPE, SIG_IGN);

    const int listener = socket(AF_INET, SOCK_STREAM, 0);
    const int one = 1;
    setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<std::uint16_t>(port));
    inet_pton(AF_INET, address.c_str(), &addr.sin_addr);
    if (bind(listener, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 || listen(listener, 4096) != 0) {
        std::perror("tcp_echo: bind/listen");
        return 1;
    }
    socklen_t len = sizeof addr;
    getsockname(listener, reinterpret_cast<sockaddr*>(&addr), &len);
    set_nonblocking(listener);
    std::printf("listening on tcp://%s:%u\n", address.c_str(), unsigned{ntohs(addr.sin_port)});
    std::fflush(stdout);

    const int ep = epoll_create1(0);
    epoll_event ev{};
    ev.events = EPOLLIN;
    ev.data.fd = listener;
    epoll_ctl(ep, EPOLL_CTL_ADD, listener, &ev);
    std::unordered_map<int, std::unique_ptr<Connection>> connections;
    std::vector<std::uint8_t> chunk(256 * 1024);
    std::vector<epoll_event> events(1024);

    const auto close_connection = [&](int fd) {
        epoll_ctl(ep, EPOLL_CTL_DEL, fd, nullptr);
        close(fd);
        connections.erase(fd);
    };
    // Write what is queued; watch for EPOLLOUT only while something is left.
    const auto flush = [&](Connection& c) -> bool {
        while (!c.out.empty()) {
            const ssize_t n = send(c.fd, c.out.data(), c.out.size(), MSG_NOSIGNAL);
            if (n < 0) {
                if (errno == EAGAIN || errno == EWOULDBLOCK) break;
                return false;
            }
            c.out.erase(c.out.begin(), c.out.begin() + n);
        }
        const bool want = !c.out.empty();
        if (want != c.want_write) {
            c.want_write = want;
            epoll_event mod{};
            mod.events = EPOLLIN | (want ? EPOLLOUT : 0u);
            mod.data.fd = c.fd;
            epoll_ctl(ep, EPOLL_CTL_MOD, c.fd, &mod);
        }
        return true;
    };

    while (g_stop == 0) {
        const int n = epoll_wait(ep, events.data(), static_cast<int>(events.size()), 200);
        for (int i = 0; i < n; ++i) {
            const int fd = events[static_cast<std::size_t>(i)].data.fd;
            if (fd == listener) {
                for (;;) {
                    const int c = accept4(listener, nullptr, nullptr, SOCK_NONBLOCK);
                    if (c < 0) break;
                    setsockopt(c, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
                    epoll_event add{};
                    add.events = EPOLLIN;
                    add.data.fd = c;
                    epoll_ctl(ep, EPOLL_CTL_ADD, c, &add);
                    auto conn = std::make_unique<Connection>();
                    conn->fd = c;
                    connections.emplace(c, std::move(conn));
                }
                continue;
            }
            const auto it = connections.find(fd);
            if (it == connections.end()) continue;
            Connection& c = *it->second;
            bool alive = true;
            if (events[static_cast<std::size_t>(i)].events & (EPOLLIN | EPOLLHUP | EPOLLERR)) {
                const ssize_t got = recv(fd, chunk.data(), chunk.size(), 0);
                if (got == 0 || (got < 0 && errno != EAGAIN && errno != EWOULDBLOCK)) {
                    alive = false;
                } else if (got > 0) {
                    c.in.insert(c.in.end(), chunk.data(), chunk.data() + got);
                    // Echo every whole frame; keep the partial tail.
                    std::size_t at = 0;
                    while (c.in.size() - at >= 4) {
                        std::uint32_t frame = 0;
                        std::memcpy(&frame, c.in.data() + at, 4);
                        if (frame > kMaxFrame) {
                            alive = false;
                            break;
                        }
                        if (c.in.size() - at - 4 < frame) break;
                        at += 4 + frame;
                    }
                    c.out.insert(c.out.end(), c.in.begin(), c.in.begin() + static_cast<std::ptrdiff_t>(at));
                    c.in.erase(c.in.begin(), c.in.begin() + static_cast<std::ptrdiff_t>(at));
                }
            }
            if (alive) alive = flush(c);
            if (!alive) close_connection(fd);
        }
    }
    for (auto& [fd, c] : connections) close(fd);
    close(listener);
    close(ep);
    return 0;
}
