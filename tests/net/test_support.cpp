#include "test_support.hpp"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <stdexcept>

namespace tickwire::net::test {

bool pump_until(const std::function<bool()>& step, std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
        if (step()) return true;
        std::this_thread::sleep_for(200us);
    }
    return step();
}

std::vector<std::byte> bytes_of(std::string_view text) {
    const auto* begin = reinterpret_cast<const std::byte*>(text.data());
    return {begin, begin + text.size()};
}

std::string text_of(const Message& message) { return std::string(message.text()); }

bool next_event(Channel& channel, EventType type, Event& out, std::chrono::milliseconds timeout,
                std::vector<EventType>* seen) {
    return pump_until(
        [&] {
            while (channel.stream().poll(out)) {
                if (seen) seen->push_back(out.type);
                if (out.type == type) return true;
            }
            return false;
        },
        timeout);
}

bool next_event(Server& server, ServerEventType type, ServerEvent& out, std::chrono::milliseconds timeout) {
    return pump_until(
        [&] {
            while (server.poll(out))
                if (out.type == type) return true;
            return false;
        },
        timeout);
}

Server listen_local(ServerOptions options) {
    options.address = "127.0.0.1";
    options.port = 0;
    std::error_code ec;
    Server server = Server::listen(std::move(options), ec);
    if (ec) throw std::runtime_error("listen: " + ec.message());
    return server;
}

std::string local_url(const Server& server, std::string_view target) {
    return std::string(server.tls() ? "wss" : "ws") + "://127.0.0.1:" + std::to_string(server.port()) +
           std::string(target);
}

int echo_pending(Server& server) {
    int count = 0;
    ServerEvent event;
    while (server.poll(event)) {
        ++count;
        if (event.type == ServerEventType::message) server.send(event.id, std::move(event.message));
    }
    server.flush();
    return count;
}

const TestCertificate& test_certificate() {
    static const TestCertificate certificate = [] {
        const auto dir = std::filesystem::temp_directory_path() / ("tickwire-net-test-" + std::to_string(::getpid()));
        std::filesystem::create_directories(dir);
        TestCertificate c{(dir / "cert.pem").string(), (dir / "key.pem").string()};
        const std::string command =
            "openssl req -x509 -newkey rsa:2048 -nodes -keyout '" + c.private_key + "' -out '" + c.certificate +
            "' -days 1 -subj /CN=localhost -addext subjectAltName=DNS:localhost,IP:127.0.0.1 >/dev/null 2>&1";
        if (std::system(command.c_str()) != 0) throw std::runtime_error("openssl could not make a test certificate");
        return c;
    }();
    return certificate;
}

std::uint16_t unused_port() {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address);
    socklen_t length = sizeof address;
    ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length);
    ::close(fd);  // nothing listens here now
    return ntohs(address.sin_port);
}

// ---- TcpProxy ----------------------------------------------------------------

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

}  // namespace tickwire::net::test
