#include "native_servers.hpp"

#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

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
