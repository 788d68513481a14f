// Fuzz target: the WebSocket frame reader (net/src/websocket/frame_reader.cpp)
// — what the server runs on every byte a client sends once the upgrade is
// done. The input is cut into reads of varying sizes (its first byte picks
// them), a sink that sometimes pauses after a message is fed again from where
// it stopped, and every message must respect the size limit.
#include <cstdint>
#include <cstdlib>

#include "websocket/frame_reader.hpp"

using namespace tickwire::net;

namespace {

constexpr std::size_t kMaxMessage = 65 * 1024;  // the match server's limit
volatile std::uint64_t g_sink;                  // keeps the reads from being optimised away

class Sink final : public detail::FrameSink {
public:
    explicit Sink(std::uint8_t pattern) : pattern_(pattern) {}
    bool on_frame_message(Message m) override {
        if (m.size() > kMaxMessage) std::abort();
        g_sink = g_sink + m.size() + (m.empty() ? 0 : std::to_integer<std::uint8_t>(m.bytes().back()));
        return ((pattern_ >> (count_++ & 7)) & 1) == 0;  // pause after some messages
    }
    void on_frame_ping(std::span<const std::byte> p) override { check_control(p); }
    void on_frame_pong(std::span<const std::byte> p) override { check_control(p); }
    void on_frame_close(std::uint16_t code, std::string_view reason) override { g_sink = g_sink + code + reason.size(); }
    void on_frame_violation(std::uint16_t code, std::string_view why) override { g_sink = g_sink + code + why.size(); }

private:
    static void check_control(std::span<const std::byte> p) {
        if (p.size() > 125) std::abort();
        g_sink = g_sink + p.size();
    }
    std::uint8_t pattern_;
    unsigned count_ = 0;
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size < 2) return 0;
    const std::size_t step = 1 + (data[0] & 0x3f) * (data[0] >= 0xc0 ? 64 : 1);  // 1..64, or up to 4 KiB
    Sink sink(data[1]);
    detail::FrameReader reader(kMaxMessage);
    const std::span<const std::byte> bytes(reinterpret_cast<const std::byte*>(data + 2), size - 2);
    std::size_t at = 0;
    while (at < bytes.size() && !reader.stopped()) {
        const std::size_t n = std::min(step, bytes.size() - at);
        const std::size_t used = reader.feed(bytes.subspan(at, n), sink);
        if (used > n || (used == 0 && !reader.stopped())) std::abort();  // a pause always follows a frame's bytes
        at += used;  // after a pause, the next feed resumes where it stopped
    }
    return 0;
}
