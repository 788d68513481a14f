#include "ws_client_frames.hpp"

#include <string>

namespace tickwire::load::ws {

void write_client_frame(std::vector<std::uint8_t>& out, std::uint8_t opcode, std::span<const std::uint8_t> payload,
                        std::uint32_t mask) {
    const std::uint64_t n = payload.size();
    out.clear();
    out.push_back(static_cast<std::uint8_t>(0x80 | opcode));
    if (n < 126) {
        out.push_back(static_cast<std::uint8_t>(0x80 | n));
    } else if (n <= 0xffff) {
        out.push_back(0x80 | 126);
        out.push_back(static_cast<std::uint8_t>(n >> 8));
        out.push_back(static_cast<std::uint8_t>(n));
    } else {
        out.push_back(0x80 | 127);
        for (int shift = 56; shift >= 0; shift -= 8) out.push_back(static_cast<std::uint8_t>(n >> shift));
    }
    const std::uint8_t key[4] = {static_cast<std::uint8_t>(mask >> 24), static_cast<std::uint8_t>(mask >> 16),
                                 static_cast<std::uint8_t>(mask >> 8), static_cast<std::uint8_t>(mask)};
    out.insert(out.end(), key, key + 4);
    const std::size_t at = out.size();
    out.resize(at + payload.size());
    for (std::size_t i = 0; i < payload.size(); ++i) out[at + i] = payload[i] ^ key[i & 3];
}

ServerFrame parse_server_frame(std::span<const std::uint8_t> bytes) noexcept {
    ServerFrame frame;
    if (bytes.size() < 2) return frame;
    const auto bad = [&frame](std::string_view why) {
        frame.status = ServerFrame::Status::bad;
        frame.why = why;
        return frame;
    };
    frame.fin = (bytes[0] & 0x80) != 0;
    frame.opcode = bytes[0] & 0x0f;
    if ((bytes[0] & 0x70) != 0) return bad("reserved bits set (no extension was agreed)");
    if ((bytes[1] & 0x80) != 0) return bad("a server frame is masked");
    const bool control = (frame.opcode & 0x8) != 0;
    if (frame.opcode > kBinary && !(control && frame.opcode <= kPong)) return bad("unknown opcode");
    std::uint64_t length = bytes[1] & 0x7f;
    std::size_t header = 2;
    if (length == 126) {
        header = 4;
        if (bytes.size() < header) return frame;
        length = (std::uint64_t{bytes[2]} << 8) | bytes[3];
        if (length < 126) return bad("a length in more bytes than it needs");
    } else if (length == 127) {
        header = 10;
        if (bytes.size() < header) return frame;
        if ((bytes[2] & 0x80) != 0) return bad("a 64-bit length with its top bit set");
        length = 0;
        for (std::size_t i = 2; i < 10; ++i) length = (length << 8) | bytes[i];
        if (length <= 0xffff) return bad("a length in more bytes than it needs");
    }
    if (control && (length > 125 || !frame.fin)) return bad("control frame too long or fragmented");
    frame.header_size = header;
    frame.payload_size = length;
    if (bytes.size() - header < length) return frame;
    frame.status = ServerFrame::Status::ok;
    return frame;
}

std::string upgrade_request(std::string_view host, std::string_view path) {
    std::string request;
    request.append("GET ").append(path).append(" HTTP/1.1\r\nHost: ").append(host);
    request.append(
        "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
        "Sec-WebSocket-Version: 13\r\n\r\n");
    return request;
}

}  // namespace tickwire::load::ws
