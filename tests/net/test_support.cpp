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

bool serve_until(NetworkThread& net, const std::function<bool()>& done) {
    return pump_until([&] {
        net.run_until(std::chrono::steady_clock::now() + 1ms);
        return done();
    });
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

std::size_t open_descriptors() {
    std::size_t count = 0;
    for ([[maybe_unused]] const auto& entry : std::filesystem::directory_iterator("/proc/self/fd")) ++count;
    return count;
}

}  // namespace tickwire::net::test
