#pragma once
// FrameReader: RFC 6455 frames from a WebSocket client, parsed incrementally
// from whatever bytes the socket had (one read may hold many frames, or a
// fragment of one). Portable: no sockets, no Beast; the server's connections
// feed it and the fuzzer attacks it (fuzz/ws_frame_fuzz.cpp). The wire format
// and every answer to hostile input are in the comment atop frame_reader.cpp.
//
// Thread: one (the connection's).

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

#include "tickwire/net/message.hpp"

namespace tickwire::net::detail {

/// Where a FrameReader's frames go.
class FrameSink {
public:
    virtual ~FrameSink() = default;
    /// A complete binary message; false = stop reading after it (back-pressure).
    virtual bool on_frame_message(Message message) = 0;
    virtual void on_frame_ping(std::span<const std::byte> payload) = 0;
    virtual void on_frame_pong(std::span<const std::byte> payload) = 0;
    /// The peer's close frame (code 1005 when it carried none). The reader stops.
    virtual void on_frame_close(std::uint16_t code, std::string_view reason) = 0;
    /// The peer broke the protocol: close with `code` (1002, 1003, 1007, 1009).
    /// `why` is static text. The reader stops.
    virtual void on_frame_violation(std::uint16_t code, std::string_view why) = 0;
};

class FrameReader {
public:
    /// `max_message_size`: larger messages (one frame or the sum of fragments)
    /// close with 1009. `require_mask`: a server's reader (clients must mask).
    explicit FrameReader(std::size_t max_message_size, bool require_mask = true) noexcept
        : max_message_size_(max_message_size), require_mask_(require_mask) {}

    /// Parses `bytes`, calling `sink` per complete frame. Returns how many bytes
    /// were used: all of them, unless the sink asked to stop after a message
    /// (the rest must be fed again later) or the reader stopped (close or
    /// violation: the rest is never wanted).
    std::size_t feed(std::span<const std::byte> bytes, FrameSink& sink);

    /// A close frame or a violation was seen: nothing more is parsed.
    [[nodiscard]] bool stopped() const noexcept { return state_ == State::stopped; }
    /// Bytes held for a frame not yet complete (header or payload).
    [[nodiscard]] bool mid_frame() const noexcept { return state_ != State::header || header_size_ != 0; }

private:
    enum class State : std::uint8_t { header, payload, stopped };

    bool take_header(std::span<const std::byte> bytes, std::size_t& used, std::size_t need);
    bool parse_header(FrameSink& sink);
    bool start_payload(FrameSink& sink);
    void reserve(std::size_t needed);
    void copy_payload(std::span<const std::byte> bytes);
    bool finish_frame(FrameSink& sink);
    void violation(FrameSink& sink, std::uint16_t code, std::string_view why);

    std::size_t max_message_size_;
    bool require_mask_;
    State state_ = State::header;

    // The frame being read
    std::byte header_[14]{};
    std::uint8_t header_size_ = 0;  ///< bytes of header_ filled
    std::uint8_t opcode_ = 0;
    bool fin_ = false;
    bool masked_ = false;
    std::byte mask_[4]{};
    std::uint64_t length_ = 0;      ///< this frame's payload
    std::uint64_t received_ = 0;    ///< of it, so far

    // The message being assembled (data frames), or a control frame's payload
    Message message_;               ///< capacity may exceed its size (fragments)
    std::size_t message_size_ = 0;  ///< bytes of message_ filled
    std::size_t frame_end_ = 0;     ///< message_size_ once this frame is in
    bool in_message_ = false;       ///< a fragmented message awaits continuations
    std::byte control_[125]{};
};

}  // namespace tickwire::net::detail
