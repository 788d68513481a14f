// The session envelope (session protocol version 2).
//
// Wire format: in session mode every WebSocket binary message is either a
// session.fbs Packet ("TWS1": net's Hello, Welcome, Ping and Pong; a game's
// own control packets travel as messages inside envelopes) or an envelope. A FlatBuffer starts with its
// 4-aligned root offset, so its first byte is a multiple of 4; an envelope's
// first byte is its kind, never a multiple of 4:
//
//   0x01 reliable    varint sequence | varint ack | the game's message
//   0x02 latest      the game's message
//   0x03 ack         varint ack
//   0x05 latest+ack  varint ack | the game's message
//
//   varint    unsigned LEB128 of a uint32: 7 bits per byte, low bits first,
//             the high bit set on every byte but the last; at most 5 bytes,
//             and the value must fit 32 bits
//   sequence  1, 2, 3… per direction, reliable messages only
//   ack       cumulative: the newest reliable sequence received in order
//   message   the rest of the WebSocket message, as the game sent it: a
//             latest-state message (60 inputs or 30 snapshots a second)
//             costs one byte, two when an ack is owed; a reliable one 3-11
//
// Kinds 0x04-0xff not listed (other than multiples of 4) are reserved: a
// reader refuses them, as it refuses a truncated or over-long varint, an ack
// envelope with bytes after it, and a reliable sequence of 0.
#include "tickwire/schemas/envelope.hpp"

#include "tickwire/schemas/varint.hpp"

namespace tickwire::schemas::envelope {

std::size_t write_header(const Header& header, std::byte* out) noexcept {
    out[0] = std::byte{static_cast<std::uint8_t>(header.kind)};
    std::size_t n = 1;
    if (header.kind == Kind::reliable) n += varint::write(header.sequence, out + n);
    if (header.kind != Kind::latest) n += varint::write(header.ack, out + n);
    return n;
}

Read read(std::span<const std::byte> message) noexcept {
    Read out;
    if (!is_envelope(message)) {
        out.error = "not an envelope";
        return out;
    }
    const auto kind = static_cast<Kind>(std::to_integer<std::uint8_t>(message[0]));
    std::size_t at = 1;
    out.header.kind = kind;
    switch (kind) {
    case Kind::reliable:
        if (!varint::read(message, at, out.header.sequence) || !varint::read(message, at, out.header.ack)) {
            out.error = "truncated or over-long varint";
            return out;
        }
        if (out.header.sequence == 0) {
            out.error = "reliable sequence 0";
            return out;
        }
        break;
    case Kind::latest: break;
    case Kind::ack:
    case Kind::latest_ack:
        if (!varint::read(message, at, out.header.ack)) {
            out.error = "truncated or over-long varint";
            return out;
        }
        if (kind == Kind::ack && at != message.size()) {
            out.error = "bytes after an ack";
            return out;
        }
        break;
    default: out.error = "unknown envelope kind"; return out;
    }
    out.body = message.subspan(at);
    return out;
}

}  // namespace tickwire::schemas::envelope
