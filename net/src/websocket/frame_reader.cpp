// RFC 6455 frames as a tickwire server reads them.
//
// Wire format (RFC 6455 §5.2), every length range-checked before use:
//
//   byte 0   FIN (0x80) | RSV1-3 (0x70) | opcode (0x0f)
//   byte 1   MASK (0x80) | length (0x7f): 0-125 as is; 126: a 16-bit length
//            follows; 127: a 64-bit length follows (network byte order)
//   then     the 4-byte masking key (client frames are always masked), then
//            the payload, XORed with the key (byte i with key[i % 4])
//
// Opcodes: 0 continuation, 1 text, 2 binary, 8 close, 9 ping, 10 pong.
// Answers to what a hostile or broken client sends (the abuse suite pins them):
//   1002  any RSV bit (no extension is ever negotiated); an unknown opcode; a
//         control frame that is fragmented or longer than 125 bytes; a
//         continuation with no message to continue; a new message before the
//         last one's final fragment; an unmasked frame; a length not in its
//         shortest form; a close frame of 1 byte or with a code RFC 6455 does
//         not allow on the wire
//   1009  a message longer than the limit: a single frame's length (up to
//         2^64 - 1 claimed) or the sum of a fragmented message's frames,
//         checked before any of its payload is read
//   1003  a text frame (games speak binary; checked after the size)
//   1007  a close reason that is not UTF-8
// A close frame or a violation stops the reader: nothing after it is parsed.
#include "websocket/frame_reader.hpp"

#include <algorithm>
#include <cstring>

#include "tickwire/net/events.hpp"
#include "tickwire/schemas/utf8.hpp"
#include "websocket/frame.hpp"

namespace tickwire::net::detail {
namespace {

using ws::kBinary, ws::kClose, ws::kContinuation, ws::kMaxControlPayload, ws::kPing, ws::kPong, ws::kText;
// A data frame's first buffer; larger ones grow as their bytes arrive.
constexpr std::uint64_t kFirstAllocation = 64 * 1024;

std::uint64_t big_endian(const std::byte* bytes, std::size_t size) noexcept {
    std::uint64_t value = 0;
    for (std::size_t i = 0; i < size; ++i) value = (value << 8) | std::to_integer<std::uint64_t>(bytes[i]);
    return value;
}

// Codes a peer may send in a close frame (RFC 6455 §7.4; 1012-1014 are
// registered since). 1004-1006 and 1015 are never sent on the wire.
bool valid_close_code(std::uint16_t code) noexcept {
    return (code >= 1000 && code <= 1003) || (code >= 1007 && code <= 1014) || (code >= 3000 && code <= 4999);
}

// dst[i] = src[i] ^ key[(offset + i) % 4], eight bytes at a time.
void unmask(std::byte* dst, const std::byte* src, std::size_t size, const std::byte (&key)[4],
            std::uint64_t offset) noexcept {
    std::byte rotated[8];
    for (std::size_t i = 0; i < 8; ++i) rotated[i] = key[(offset + i) & 3];
    std::uint64_t wide = 0;
    std::memcpy(&wide, rotated, sizeof wide);
    std::size_t i = 0;
    for (; i + 8 <= size; i += 8) {
        std::uint64_t chunk = 0;
        std::memcpy(&chunk, src + i, sizeof chunk);
        chunk ^= wide;
        std::memcpy(dst + i, &chunk, sizeof chunk);
    }
    for (; i < size; ++i) dst[i] = src[i] ^ rotated[i & 7];
}

}  // namespace

std::size_t FrameReader::feed(std::span<const std::byte> bytes, FrameSink& sink) {
    std::size_t used = 0;
    while (state_ != State::stopped) {
        if (state_ == State::header) {
            // The first two bytes say how long the rest of the header is.
            if (header_size_ < 2 && !take_header(bytes, used, 2)) return used;
            const auto b1 = std::to_integer<std::uint8_t>(header_[1]);
            const std::size_t length7 = b1 & 0x7f;
            const std::size_t need = 2 + (length7 == 126 ? 2 : length7 == 127 ? 8 : 0) + ((b1 & 0x80) != 0 ? 4 : 0);
            if (!take_header(bytes, used, need)) return used;
            if (!parse_header(sink) || !start_payload(sink)) return used;
            if (length_ == 0 && !finish_frame(sink)) return used;
            continue;
        }
        if (used == bytes.size()) return used;
        const std::size_t take =
            static_cast<std::size_t>(std::min<std::uint64_t>(length_ - received_, bytes.size() - used));
        copy_payload(bytes.subspan(used, take));
        used += take;
        if (received_ == length_ && !finish_frame(sink)) return used;
    }
    return used;
}

// Copies header bytes until header_ holds `need`; false if `bytes` ran out first.
bool FrameReader::take_header(std::span<const std::byte> bytes, std::size_t& used, std::size_t need) {
    const std::size_t take = std::min(need - header_size_, bytes.size() - used);
    if (take != 0) std::memcpy(header_ + header_size_, bytes.data() + used, take);
    header_size_ = static_cast<std::uint8_t>(header_size_ + take);
    used += take;
    return header_size_ == need;
}

// The whole header is in header_: check it, in the order the comment above gives.
bool FrameReader::parse_header(FrameSink& sink) {
    const auto b0 = std::to_integer<std::uint8_t>(header_[0]);
    const auto b1 = std::to_integer<std::uint8_t>(header_[1]);
    fin_ = (b0 & 0x80) != 0;
    opcode_ = b0 & 0x0f;
    masked_ = (b1 & 0x80) != 0;
    const std::uint8_t length7 = b1 & 0x7f;

    if ((b0 & 0x70) != 0) return violation(sink, close_code::protocol_error, "reserved bits set"), false;
    const bool control = opcode_ >= kClose;
    switch (opcode_) {
    case kContinuation:
        if (!in_message_) return violation(sink, close_code::protocol_error, "continuation without a message"), false;
        break;
    case kText:
    case kBinary:
        if (in_message_) return violation(sink, close_code::protocol_error, "new message inside a fragmented one"), false;
        break;
    case kClose:
    case kPing:
    case kPong:
        if (!fin_) return violation(sink, close_code::protocol_error, "fragmented control frame"), false;
        if (length7 > kMaxControlPayload) return violation(sink, close_code::protocol_error, "control frame over 125 bytes"), false;
        break;
    default: return violation(sink, close_code::protocol_error, "unknown opcode"), false;
    }
    if (masked_ != require_mask_)
        return violation(sink, close_code::protocol_error, require_mask_ ? "unmasked frame" : "masked frame"), false;

    std::size_t at = 2;
    length_ = length7;
    bool long_form = false;
    if (length7 == 126) {
        length_ = big_endian(header_ + 2, 2);
        at += 2;
        if (length_ < 126) return violation(sink, close_code::protocol_error, "length not in its shortest form"), false;
    } else if (length7 == 127) {
        length_ = big_endian(header_ + 2, 8);
        at += 8;
        long_form = true;
    }
    if (!control) {
        // Checked before any payload is read: a claimed 2^63 bytes is refused
        // from its header alone.
        const std::size_t so_far = opcode_ == kContinuation ? message_size_ : 0;
        if (length_ > max_message_size_ || length_ + so_far > max_message_size_)
            return violation(sink, close_code::message_too_big, "message too big"), false;
    }
    if (long_form && (length_ <= 0xffff || (length_ >> 63) != 0))
        return violation(sink, close_code::protocol_error, "length not in its shortest form"), false;
    if (opcode_ == kText) return violation(sink, close_code::unsupported_data, "text frames are not accepted"), false;
    if (masked_) std::memcpy(mask_, header_ + at, 4);
    return true;
}

// Start a frame's payload. A data frame's bytes go into the message being
// assembled, which grows with what has arrived (never with what a header
// claims: a client announcing the maximum and trickling costs what it sent).
bool FrameReader::start_payload(FrameSink&) {
    state_ = State::payload;
    received_ = 0;
    if (opcode_ >= kClose) return true;
    if (opcode_ == kBinary) {
        message_ = Message::allocate(static_cast<std::size_t>(std::min<std::uint64_t>(length_, kFirstAllocation)));
        message_size_ = 0;
    }
    frame_end_ = message_size_ + static_cast<std::size_t>(length_);
    return true;
}

void FrameReader::reserve(std::size_t needed) {
    if (needed <= message_.size()) return;
    // Geometric growth (fewer copies), but never past this frame's end when it
    // is the last one, nor past the limit for fragments.
    const std::size_t cap = fin_ ? frame_end_ : max_message_size_;
    const std::size_t grown = std::max(needed, std::min(cap, message_.size() * 2));
    Message bigger = Message::allocate(grown);
    if (message_size_ != 0) std::memcpy(bigger.writable().data(), message_.data(), message_size_);
    message_ = std::move(bigger);
}

void FrameReader::copy_payload(std::span<const std::byte> bytes) {
    if (opcode_ < kClose) reserve(message_size_ + bytes.size());
    std::byte* out = opcode_ >= kClose ? control_ + received_ : message_.writable().data() + message_size_;
    if (masked_)
        unmask(out, bytes.data(), bytes.size(), mask_, received_);
    else if (!bytes.empty())
        std::memcpy(out, bytes.data(), bytes.size());
    received_ += bytes.size();
    if (opcode_ < kClose) message_size_ += bytes.size();
}

// A frame is complete: hand it on. False = stop feeding (paused or stopped).
bool FrameReader::finish_frame(FrameSink& sink) {
    state_ = State::header;
    header_size_ = 0;
    const std::span<const std::byte> control(control_, static_cast<std::size_t>(length_));
    switch (opcode_) {
    case kPing: sink.on_frame_ping(control); return true;
    case kPong: sink.on_frame_pong(control); return true;
    case kClose: {
        if (control.size() == 1) return violation(sink, close_code::protocol_error, "close frame of 1 byte"), false;
        std::uint16_t code = close_code::no_status;
        if (control.size() >= 2) {
            code = static_cast<std::uint16_t>(big_endian(control.data(), 2));
            if (!valid_close_code(code)) return violation(sink, close_code::protocol_error, "invalid close code"), false;
            if (!schemas::utf8::valid(control.subspan(2)))
                return violation(sink, close_code::invalid_payload, "close reason is not UTF-8"), false;
        }
        state_ = State::stopped;
        const auto reason = control.size() > 2 ? control.subspan(2) : std::span<const std::byte>();
        sink.on_frame_close(code, std::string_view(reinterpret_cast<const char*>(reason.data()), reason.size()));
        return false;
    }
    default: break;
    }
    if (!fin_) {
        in_message_ = true;  // continuations follow
        return true;
    }
    in_message_ = false;
    message_.resize(message_size_);
    message_size_ = 0;
    return sink.on_frame_message(std::move(message_));
}

void FrameReader::violation(FrameSink& sink, std::uint16_t code, std::string_view why) {
    state_ = State::stopped;
    message_.reset();
    sink.on_frame_violation(code, why);
}

}  // namespace tickwire::net::detail
