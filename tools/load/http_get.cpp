#include "http_get.hpp"

#include <arpa/inet.h>
#include <netdb.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <cstdlib>
#include <string>

namespace tickwire::load {

std::optional<std::string> http_get(std::string_view url) {
    constexpr std::string_view kScheme = "http://";
    if (url.substr(0, kScheme.size()) != kScheme) return std::nullopt;
    url.remove_prefix(kScheme.size());
    const auto slash = url.find('/');
    const std::string_view authority = url.substr(0, slash);
    const std::string path = slash == std::string_view::npos ? "/" : std::string(url.substr(slash));
    const auto colon = authority.rfind(':');
    const std::string host(authority.substr(0, colon));
    const std::string port = colon == std::string_view::npos ? "80" : std::string(authority.substr(colon + 1));

    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    addrinfo* found = nullptr;
    if (getaddrinfo(host.c_str(), port.c_str(), &hints, &found) != 0 || found == nullptr) return std::nullopt;
    const int fd = socket(found->ai_family, found->ai_socktype, found->ai_protocol);
    if (fd < 0) {
        freeaddrinfo(found);
        return std::nullopt;
    }
    timeval timeout{2, 0};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof timeout);
    const bool connected = connect(fd, found->ai_addr, found->ai_addrlen) == 0;
    freeaddrinfo(found);
    std::string response;
    if (connected) {
        const std::string request =
            "GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n";
        if (send(fd, request.data(), request.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(request.size())) {
            char chunk[4096];
            for (;;) {
                const ssize_t n = recv(fd, chunk, sizeof chunk, 0);
                if (n <= 0) break;
                response.append(chunk, static_cast<std::size_t>(n));
                // Stop at Content-Length: not every server closes after answering.
                const auto head_end = response.find("\r\n\r\n");
                if (head_end != std::string::npos) {
                    const auto cl = response.find("Content-Length:");
                    const auto cl_lower = response.find("content-length:");
                    const auto at = cl != std::string::npos ? cl : cl_lower;
                    if (at != std::string::npos && at < head_end) {
                        const auto length = std::strtoull(response.c_str() + at + 15, nullptr, 10);
                        if (response.size() >= head_end + 4 + length) break;
                    }
                }
            }
        }
    }
    close(fd);
    if (response.compare(0, 12, "HTTP/1.1 200") != 0 && response.compare(0, 12, "HTTP/1.0 200") != 0) return std::nullopt;
    const auto head_end = response.find("\r\n\r\n");
    if (head_end == std::string::npos) return std::nullopt;
    return response.substr(head_end + 4);
}

std::optional<double> json_number(std::string_view json, std::string_view key) {
    // Built by appending: GCC 12 warns (-Wrestrict, falsely) on "\"" + string.
    std::string quoted;
    quoted.reserve(key.size() + 2);
    quoted.push_back('"');
    quoted.append(key);
    quoted.push_back('"');
    auto at = json.find(quoted);
    if (at == std::string_view::npos) return std::nullopt;
    at = json.find(':', at + quoted.size());
    if (at == std::string_view::npos) return std::nullopt;
    const std::string rest(json.substr(at + 1, 40));
    char* end = nullptr;
    const double v = std::strtod(rest.c_str(), &end);
    if (end == rest.c_str()) return std::nullopt;
    return v;
}

}  // namespace tickwire::load
