#pragma once
// The WebSocket framing of tickwire-load's lean client (ws_lean_connection.cpp):
// a client's masked frames out, a server's unmasked frames in (RFC 6455
// section 5.2). Pure functions, no sockets, so the test checks them byte for
// byte.
//
// Thread: any.

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

namespace tickwire::load::ws {

inline constexpr std::uint8_t kText = 0x1, kBinary = 0x2, kClose = 0x8, kPing = 0x9, kPong = 0xa;

/// Replaces `out` with one final frame of `opcode` carrying `payload`, masked
/// with `mask` (a client must mask every frame it sends).
void write_client_frame(std::vector<std::uint8_t>& out, std::uint8_t opcode, std::span<const std::uint8_t> payload,
                        std::uint32_t mask);

/// What the next frame in a server's bytes is.
struct ServerFrame {
    enum class Status : std::uint8_t { ok, need_more, bad } status = Status::need_more;
    bool fin = false;
    std::uint8_t opcode = 0;
    std::size_t header_size = 0;
    std::uint64_t payload_size = 0;
    std::string_view why;  ///< bad: what is wrong (static text)
};

/// Reads the header at the start of `bytes`. `ok` only once the whole frame
/// (header and payload) is there. A masked frame, reserved bits, an opcode
/// RFC 6455 does not define, a length not in its shortest form or with the
/// 64-bit form's top bit set are `bad`: a server never sends them.
ServerFrame parse_server_frame(std::span<const std::uint8_t> bytes) noexcept;

/// The HTTP request that upgrades a connection to `path` on `host`, with a
/// fixed key: the generator tests servers, it is not the one being defended.
std::string upgrade_request(std::string_view host, std::string_view path);

/// The Sec-WebSocket-Accept the fixed key must get back.
inline constexpr std::string_view kExpectedAccept = "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=";

}  // namespace tickwire::load::ws
