#pragma once
// FrameQueue: the frames waiting to be written to one WebSocket, ready to be
// gathered into a single writev. Each frame is a small inline prefix (the
// WebSocket header, then the session header or a control payload) and an
// optional body that is the game's Message itself — shared, never copied, so a
// broadcast's bytes exist once whoever receives them.
//
// A latest-state frame that no write has touched yet is superseded by the next
// one. A write touches frames when it starts sending them (writev, which may
// send part of one) or, over TLS, when it copies them into its buffer for an
// asynchronous write (hand_over): from then on they are never superseded or
// dropped, whatever comes before the write completes. Storage is reused: no
// allocation per frame once warm.
//
// Thread: the connection's (network thread).

#include <sys/uio.h>

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>
#include <vector>

#include "tickwire/net/message.hpp"
#include "websocket/frame.hpp"

namespace tickwire::net::detail {

class FrameQueue {
public:
    /// Session head (or control payload) bytes that fit inline beside the header.
    static constexpr std::size_t kMaxInline = 22;

    /// Queue a binary message: `head` (at most kMaxInline bytes) then `body`.
    /// With `latest`, an earlier latest-state frame no write has touched is
    /// dropped; returns true if one was.
    bool push_message(std::span<const std::byte> head, Message body, bool latest) {
        bool superseded = false;
        if (latest && latest_ != kNone && latest_ >= first_untouched()) {
            queued_ -= frames_[latest_].size;
            frames_[latest_] = Frame{};  // a hole gather() skips
            superseded = true;
        }
        Frame& frame = append(ws::kBinary, head.size() + body.size());
        if (!head.empty()) std::memcpy(frame.prefix.data() + frame.prefix_size, head.data(), head.size());
        frame.prefix_size = static_cast<std::uint8_t>(frame.prefix_size + head.size());
        frame.size = static_cast<std::uint32_t>(frame.prefix_size + body.size());
        frame.payload = static_cast<std::uint32_t>(head.size() + body.size());
        frame.body = std::move(body);
        frame.message = true;
        queued_ += frame.size;
        if (latest) latest_ = frames_.size() - 1;
        return superseded;
    }

    /// Queue a control frame (ping, pong, close): payload of at most 125 bytes.
    void push_control(std::uint8_t opcode, std::span<const std::byte> payload) {
        Frame& frame = append(opcode, payload.size());
        if (payload.size() <= kMaxInline) {
            if (!payload.empty()) std::memcpy(frame.prefix.data() + frame.prefix_size, payload.data(), payload.size());
            frame.prefix_size = static_cast<std::uint8_t>(frame.prefix_size + payload.size());
        } else {
            frame.body = Message::copy_of(payload);
        }
        frame.size = static_cast<std::uint32_t>(frame.prefix_size + frame.body.size());
        queued_ += frame.size;
    }

    [[nodiscard]] bool empty() const noexcept { return head_ == frames_.size(); }
    /// Bytes not yet written (headers included).
    [[nodiscard]] std::size_t queued_bytes() const noexcept { return queued_; }
    /// The first `bytes` that gather() covered were copied into a write that
    /// completes later (TLS): they stay as they are until consume() says so.
    void hand_over(std::size_t bytes) noexcept { in_flight_ = bytes; }

    /// Up to `max` buffers covering the unwritten bytes, in order; returns how many.
    std::size_t gather(iovec* out, std::size_t max) const {
        std::size_t n = 0;
        std::size_t skip = offset_;
        for (std::size_t i = head_; i < frames_.size() && n + 2 <= max; ++i) {
            const Frame& f = frames_[i];
            if (f.size == 0) continue;  // superseded
            if (skip < f.prefix_size) out[n++] = buffer(f.prefix.data() + skip, f.prefix_size - skip);
            const std::size_t body_skip = skip > f.prefix_size ? skip - f.prefix_size : 0;
            if (f.body.size() > body_skip) out[n++] = buffer(f.body.data() + body_skip, f.body.size() - body_skip);
            skip = 0;
        }
        return n;
    }

    /// What consume() found written: whole messages and their payload bytes.
    struct Written {
        std::size_t messages = 0, payload_bytes = 0;
    };
    /// `bytes` from the front were written: release the frames they complete.
    Written consume(std::size_t bytes) {
        Written written;
        queued_ -= bytes;
        in_flight_ -= std::min(in_flight_, bytes);
        while (bytes > 0 || (head_ < frames_.size() && frames_[head_].size == 0)) {
            Frame& f = frames_[head_];
            const std::size_t left = f.size - offset_;
            if (bytes < left) {
                offset_ += bytes;
                break;
            }
            bytes -= left;
            if (f.message) ++written.messages, written.payload_bytes += f.payload;
            pop();
        }
        return written;
    }

    /// Drop every frame no write has touched (a touched one must still be finished).
    void clear_unstarted() {
        if (empty()) return;
        const std::size_t keep = first_untouched();
        for (std::size_t i = keep; i < frames_.size(); ++i) queued_ -= frames_[i].size;
        frames_.resize(keep);
        if (latest_ != kNone && latest_ >= keep) latest_ = kNone;
        if (head_ == frames_.size()) reset_storage();
    }

private:
    struct Frame {
        Message body;
        std::uint32_t size = 0;     ///< prefix + body; 0 = superseded
        std::uint32_t payload = 0;  ///< message frames: session head + body (what stats count)
        std::uint8_t prefix_size = 0;
        bool message = false;
        std::array<std::byte, ws::kMaxServerHeader + kMaxInline> prefix{};
    };
    static constexpr std::size_t kNone = static_cast<std::size_t>(-1);

    static iovec buffer(const std::byte* data, std::size_t size) noexcept {
        return {const_cast<std::byte*>(data), size};  // writev only reads them
    }

    // Frames [head_, first_untouched()) are partly written or handed over.
    [[nodiscard]] std::size_t first_untouched() const noexcept {
        std::size_t i = head_;
        for (std::size_t touched = offset_ + in_flight_; i < frames_.size() && touched > 0; ++i) {
            touched -= std::min<std::size_t>(touched, frames_[i].size);
        }
        return i;
    }

    Frame& append(std::uint8_t opcode, std::size_t payload) {
        Frame& frame = frames_.emplace_back();
        frame.prefix_size = static_cast<std::uint8_t>(ws::write_server_header(frame.prefix.data(), opcode, payload));
        return frame;
    }

    void pop() {
        if (latest_ == head_) latest_ = kNone;
        frames_[head_].body.reset();
        offset_ = 0;
        if (++head_ == frames_.size()) {
            reset_storage();
        } else if (head_ >= 1024 && head_ * 2 >= frames_.size()) {
            // A queue that never empties: compact so the vector stays bounded.
            frames_.erase(frames_.begin(), frames_.begin() + static_cast<std::ptrdiff_t>(head_));
            if (latest_ != kNone) latest_ -= head_;
            head_ = 0;
        }
    }

    void reset_storage() noexcept {
        frames_.clear();  // keeps capacity: no allocation in steady state
        head_ = 0;
        offset_ = 0;
        latest_ = kNone;
        in_flight_ = 0;
    }

    std::vector<Frame> frames_;  // [head_, end) unwritten
    std::size_t head_ = 0;
    std::size_t offset_ = 0;     ///< bytes of frames_[head_] already written
    std::size_t latest_ = kNone; ///< the unsent latest-state frame, if any
    std::size_t queued_ = 0;
    std::size_t in_flight_ = 0;  ///< bytes handed to a write that has not completed (TLS)
};

}  // namespace tickwire::net::detail
