#include "redis_server.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <stdexcept>
#include <thread>

#include "redis_connection.hpp"

namespace tickwire::test {

using namespace std::chrono_literals;

std::uint16_t free_loopback_port() {
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) throw std::runtime_error("socket() failed");
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof address;
    if (::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
        ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
        ::close(fd);
        throw std::runtime_error("cannot bind a loopback port");
    }
    ::close(fd);
    return ntohs(address.sin_port);
}

RedisServer::RedisServer() {
    // Another process may take the port between free_loopback_port() and
    // redis binding it: try a few.
    for (int attempt = 0; attempt < 5; ++attempt) {
        port_ = free_loopback_port();
        if (launch()) return;
    }
    throw std::runtime_error("redis-server did not start on a free loopback port");
}

RedisServer::~RedisServer() = default;  // ChildProcess kills and reaps

bool RedisServer::launch() {
    process_.emplace(ChildProcess::start({TICKWIRE_REDIS_SERVER, "--port", std::to_string(port_), "--bind",
                                          "127.0.0.1", "--save", "", "--appendonly", "no", "--logfile", "/dev/null",
                                          "--daemonize", "no"},
                                         ChildOptions{.merge_stderr = true}));
    // Ready when it answers PING; gone if it exited (port taken).
    const auto deadline = std::chrono::steady_clock::now() + 10s;
    while (std::chrono::steady_clock::now() < deadline) {
        if (process_->wait(0ms).has_value()) return false;
        std::string error;
        auto redis = game::fleet::detail::RedisConnection::connect("127.0.0.1", port_, 200ms, 200ms, error);
        if (redis) {
            auto reply = redis->command({"PING"}, error);
            if (reply && error.empty()) return true;
        }
        std::this_thread::sleep_for(10ms);
    }
    throw std::runtime_error("redis-server on port " + std::to_string(port_) + " did not answer PING within 10 s");
}

void RedisServer::kill() {
    if (!process_) return;
    process_->send_signal(SIGKILL);
    process_->wait(5s);
    process_.reset();
}

void RedisServer::restart() {
    kill();
    // The port is ours to take again (redis sets SO_REUSEADDR); retry a moment
    // in case the old socket lingers.
    for (int attempt = 0; attempt < 50; ++attempt) {
        if (launch()) return;
        std::this_thread::sleep_for(20ms);
    }
    throw std::runtime_error("redis-server did not restart on port " + std::to_string(port_));
}

}  // namespace tickwire::test
