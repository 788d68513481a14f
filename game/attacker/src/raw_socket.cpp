#include "raw_socket.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <utility>

namespace tickwire::game::attacker {

namespace {
constexpr std::uint8_t kMaskKey[4] = {0x37, 0xfa, 0x21, 0x3d};

bool to_address(const std::string& text, std::uint16_t port, sockaddr_in& out) {
    std::memset(&out, 0, sizeof out);
    out.sin_family = AF_INET;
    out.sin_port = htons(port);
    return inet_pton(AF_INET, text.c_str(), &out.sin_addr) == 1;
}
}  // namespace

RawSocket::~RawSocket() { close(); }

RawSocket::RawSocket(RawSocket&& other) noexcept
    : fd_(std::exchange(other.fd_, -1)), local_(std::move(other.local_)) {}

RawSocket& RawSocket::operator=(RawSocket&& other) noexcept {
    if (this != &other) {
        close();
        fd_ = std::exchange(other.fd_, -1);
        local_ = std::move(other.local_);
    }
    return *this;
}

bool RawSocket::connect(const std::string& source, const std::string& address, std::uint16_t port,
                        std::string& error) {
    close();
    sockaddr_in from{}, to{};
    if (!to_address(source, 0, from) || !to_address(address, port, to)) {
        error = "bad address " + source + " or " + address;
        return false;
    }
    fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd_ < 0) {
        error = std::string("socket: ") + std::strerror(errno);
        return false;
    }
    const int one = 1;
    ::setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    if (::bind(fd_, reinterpret_cast<const sockaddr*>(&from), sizeof from) != 0 ||
        ::connect(fd_, reinterpret_cast<const sockaddr*>(&to), sizeof to) != 0) {
        error = std::string("connect: ") + std::strerror(errno);
        close();
        return false;
    }
    sockaddr_in me{};
    socklen_t len = sizeof me;
    ::getsockname(fd_, reinterpret_cast<sockaddr*>(&me), &len);
    char text[INET_ADDRSTRLEN] = {};
    ::inet_ntop(AF_INET, &me.sin_addr, text, sizeof text);
    local_ = std::string(text) + ":" + std::to_string(ntohs(me.sin_port));
    return true;
}

bool RawSocket::send_all(std::string_view bytes) {
    while (fd_ >= 0 && !bytes.empty()) {
        const ssize_t n = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return false;
        bytes.remove_prefix(static_cast<std::size_t>(n));
    }
    return fd_ >= 0;
}

std::size_t RawSocket::send_within(std::string_view bytes, std::chrono::milliseconds timeout) {
    std::size_t sent = 0;
    while (fd_ >= 0 && sent < bytes.size()) {
        pollfd p{fd_, POLLOUT, 0};
        const int ready = ::poll(&p, 1, static_cast<int>(timeout.count()));
        if (ready < 0 && errno == EINTR) continue;
        if (ready <= 0) break;  // no room for a whole timeout: the peer is not reading
        const ssize_t n = ::send(fd_, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL | MSG_DONTWAIT);
        if (n < 0 && (errno == EINTR || errno == EAGAIN)) continue;
        if (n <= 0) break;
        sent += static_cast<std::size_t>(n);
    }
    return sent;
}

RawSocket::Read RawSocket::read_some(std::string& into, std::chrono::milliseconds timeout) {
    if (fd_ < 0) return Read::closed;
    pollfd p{fd_, POLLIN, 0};
    const int ready = ::poll(&p, 1, static_cast<int>(timeout.count()));
    if (ready == 0) return Read::timeout;
    char buffer[16384];
    const ssize_t n = ::recv(fd_, buffer, sizeof buffer, 0);
    if (n <= 0) return Read::closed;  // EOF or reset
    into.append(buffer, static_cast<std::size_t>(n));
    return Read::data;
}

void RawSocket::close() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
}

void RawSocket::reset() {
    if (fd_ >= 0) {
        const linger abort{1, 0};
        ::setsockopt(fd_, SOL_SOCKET, SO_LINGER, &abort, sizeof abort);
    }
    close();
}

std::string upgrade_request(std::string_view host, std::string_view path) {
    std::string r = "GET ";
    r += path;
    r += " HTTP/1.1\r\nHost: ";
    r += host;
    r += "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
         "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n";
    return r;
}

std::size_t http_head_end(std::string_view bytes) noexcept {
    const auto end = bytes.find("\r\n\r\n");
    return end == std::string_view::npos ? end : end + 4;
}

int http_status(std::string_view bytes) noexcept {
    if (!bytes.starts_with("HTTP/1.") || bytes.size() < 12) return 0;
    int status = 0;
    for (std::size_t i = 9; i < 12; ++i) {
        if (bytes[i] < '0' || bytes[i] > '9') return 0;
        status = status * 10 + (bytes[i] - '0');
    }
    return status;
}

std::string frame_header(std::uint8_t first, std::uint64_t length, bool mask) {
    std::string h(1, static_cast<char>(first));
    const std::uint8_t mask_bit = mask ? 0x80 : 0;
    if (length < 126) {
        h += static_cast<char>(mask_bit | length);
    } else if (length <= 0xFFFF) {
        h += static_cast<char>(mask_bit | 126);
        h += static_cast<char>(length >> 8);
        h += static_cast<char>(length & 0xFF);
    } else {
        h += static_cast<char>(mask_bit | 127);
        for (int shift = 56; shift >= 0; shift -= 8) h += static_cast<char>((length >> shift) & 0xFF);
    }
    if (mask) h.append(reinterpret_cast<const char*>(kMaskKey), 4);
    return h;
}

std::string frame(std::uint8_t first, std::string_view payload, bool mask) {
    std::string f = frame_header(first, payload.size(), mask);
    for (std::size_t i = 0; i < payload.size(); ++i) {
        f += static_cast<char>(mask ? payload[i] ^ static_cast<char>(kMaskKey[i % 4]) : payload[i]);
    }
    return f;
}

bool take_frame(std::string& buffer, ServerFrame& out) {
    if (buffer.size() < 2) return false;
    const auto b = [&](std::size_t i) { return static_cast<std::uint8_t>(buffer[i]); };
    std::size_t head = 2;
    std::uint64_t length = b(1) & 0x7F;
    if (length == 126) {
        if (buffer.size() < 4) return false;
        length = (std::uint64_t{b(2)} << 8) | b(3);
        head = 4;
    } else if (length == 127) {
        if (buffer.size() < 10) return false;
        length = 0;
        for (std::size_t i = 2; i < 10; ++i) length = (length << 8) | b(i);
        head = 10;
    }
    const bool masked = (b(1) & 0x80) != 0;  // servers must not, but parse it anyway
    if (masked) head += 4;
    if (buffer.size() < head || buffer.size() - head < length) return false;
    out.opcode = b(0) & 0x0F;
    out.payload = buffer.substr(head, static_cast<std::size_t>(length));
    if (masked) {
        for (std::size_t i = 0; i < out.payload.size(); ++i) out.payload[i] ^= buffer[head - 4 + i % 4];
    }
    buffer.erase(0, head + static_cast<std::size_t>(length));
    return true;
}

}  // namespace tickwire::game::attacker
