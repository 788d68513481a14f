#include "native_servers.hpp"

#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <thread>

#include "interop_support.hpp"

namespace tickwire::test {

EchoServer::EchoServer(std::vector<std::string> extra_args) {
    std::vector<std::string> argv = {TICKWIRE_ECHO_PATH, "--port", "0"};
    argv.insert(argv.end(), extra_args.begin(), extra_args.end());
    process.emplace(ChildProcess::start(argv));
    EXPECT_TRUE(read_listening_port(*process, port));
}

std::optional<std::string> EchoServer::wait_for_line(std::string_view prefix) {
    const auto deadline = Clock::now() + 10s;
    while (Clock::now() < deadline) {
        const auto line = process->read_line(100ms);
        if (line && line->starts_with(prefix)) return line;
    }
    return std::nullopt;
}

net::Server listen_loopback(net::ServerOptions options) {
    options.address = "127.0.0.1";
    options.port = 0;
    std::error_code ec;
    net::Server server = net::Server::listen(options, ec);
    EXPECT_TRUE(server) << ec.message();
    return server;
}

ClosingServer::ClosingServer(std::uint16_t code, std::string reason)
    : code_(code), reason_(std::move(reason)), server_(listen_loopback()) {}

void ClosingServer::pump() {
    while (server_.poll(event_)) {
        if (event_.type == net::ServerEventType::message) server_.close(event_.id, code_, reason_);
        if (event_.type == net::ServerEventType::disconnected) seen_ = event_.close_code;
    }
    server_.flush();
}

std::uint16_t ClosingServer::await_close_code() {
    const auto deadline = Clock::now() + 5s;
    while (seen_ == 0 && Clock::now() < deadline) {
        pump();
        std::this_thread::sleep_for(5ms);
    }
    return seen_;
}

RefusingPort::RefusingPort() {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof address;
    EXPECT_EQ(::bind(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address), 0);
    EXPECT_EQ(::getsockname(fd_, reinterpret_cast<sockaddr*>(&address), &length), 0);
    port_ = ntohs(address.sin_port);
}

RefusingPort::~RefusingPort() { ::close(fd_); }

}  // namespace tickwire::test
