// The input packet: a client's input frames in about 15 bytes.
//
// Wire format (varint = LEB128 of a uint32, schemas/varint.hpp; zz = zigzag,
// 0, -1, 1, -2… -> 0, 1, 2, 3…)
// -----------
//   packet  = 0x49 ('I'), count, tick, sequence, ack, view, frame * count
//   count   varint, 1..32
//   tick    varint, the newest frame's InputFrame.tick
//   sequence varint, the newest frame's InputFrame.sequence
//   ack     varint, 0 = no snapshot decoded yet, else 1 + zz(tick - snapshot_ack)
//   view    varint, 0 = no view time, else 1 + zz(tick - view_tick) and one
//           byte of view_fraction
//   frame   for every frame but the newest (the last): varint zz(tick gap)
//           and varint sequence gap back from the newest frame; then for all:
//           varint buttons (16 bits), aim (2 bytes, little-endian), move_x,
//           move_y (one byte each, two's complement)
//
// Ticks and sequences travel as gaps from the newest frame because the
// newest is what every packet has. Sequences ascend, so their gap is
// unsigned; a tick gap is signed, since a client whose clock was corrected
// may stamp a frame for an earlier tick than the one before it (the server's
// input queue judges that, not the codec); the snapshot ack and the view tick are a
// round trip or an interpolation delay behind it, a byte each. A frame that
// only steers costs 5 bytes.
#include "tickwire/game/protocol/input_packet.hpp"

#include "tickwire/schemas/varint.hpp"

namespace tickwire::game::protocol {

namespace {

std::uint32_t signed_gap(std::uint32_t from, std::uint32_t to) noexcept {
    return schemas::varint::zigzag(static_cast<std::int32_t>(from - to));  // wraps: any pair round-trips
}
std::uint32_t back_by(std::uint32_t from, std::uint32_t zigzagged) noexcept {
    return from - static_cast<std::uint32_t>(schemas::varint::unzigzag(zigzagged));
}
// The ack and view fields: 0 for none, else 1 + the zigzagged gap. The one gap
// that cannot take the +1 (exactly 2^31 ticks, over a year at 60 Hz: never an
// honest client's) travels as none: no ack costs a full snapshot, no view time
// a shot judged in the present.
std::uint32_t optional_gap(std::uint32_t from, std::uint32_t to) noexcept {
    if (to == 0) return 0;
    const std::uint32_t gap = signed_gap(from, to);
    return gap == 0xffffffffu ? 0 : gap + 1;
}

}  // namespace

std::size_t write_input_packet(std::span<const InputFrame> frames, std::uint32_t snapshot_ack, schemas::ViewTime view,
                               std::span<std::byte, kMaxInputPacketBytes> out) noexcept {
    if (frames.size() > schemas::kMaxInputFrames) frames = frames.last(schemas::kMaxInputFrames);
    if (frames.empty()) return 0;
    const InputFrame& newest = frames.back();
    std::byte* p = out.data();
    *p++ = kInputPacketTag;
    p += schemas::varint::write(static_cast<std::uint32_t>(frames.size()), p);
    p += schemas::varint::write(newest.tick(), p);
    p += schemas::varint::write(newest.sequence(), p);
    p += schemas::varint::write(optional_gap(newest.tick(), snapshot_ack), p);
    const std::uint32_t view_gap = optional_gap(newest.tick(), view.tick);
    p += schemas::varint::write(view_gap, p);
    if (view_gap != 0) *p++ = std::byte{view.fraction};
    for (std::size_t i = 0; i < frames.size(); ++i) {
        const InputFrame& f = frames[i];
        if (i + 1 < frames.size()) {
            p += schemas::varint::write(signed_gap(newest.tick(), f.tick()), p);
            p += schemas::varint::write(newest.sequence() - f.sequence(), p);
        }
        p += schemas::varint::write(static_cast<std::uint16_t>(f.buttons()), p);
        *p++ = std::byte{static_cast<std::uint8_t>(f.aim() & 0xffu)};
        *p++ = std::byte{static_cast<std::uint8_t>(f.aim() >> 8)};
        *p++ = std::byte{static_cast<std::uint8_t>(f.move_x())};
        *p++ = std::byte{static_cast<std::uint8_t>(f.move_y())};
    }
    return static_cast<std::size_t>(p - out.data());
}

std::string_view read_input_packet(std::span<const std::byte> bytes, InputPacket& out) noexcept {
    if (!is_input_packet(bytes)) return "not an input packet";
    std::size_t at = 1;
    std::uint32_t count = 0, tick = 0, sequence = 0, ack = 0, view = 0;
    const auto varint = [&](std::uint32_t& v) { return schemas::varint::read(bytes, at, v); };
    if (!varint(count) || !varint(tick) || !varint(sequence) || !varint(ack) || !varint(view)) {
        return "input packet truncated or over-long varint";
    }
    if (count == 0 || count > schemas::kMaxInputFrames) return "input packet frame count out of range";
    if (sequence < count) return "input sequence before 1";
    out.count = count;
    out.snapshot_ack = ack == 0 ? 0 : back_by(tick, ack - 1);
    out.view = {};
    if (view != 0) {
        if (at >= bytes.size()) return "input packet truncated";
        out.view = {back_by(tick, view - 1), std::to_integer<std::uint8_t>(bytes[at++])};
    }
    std::uint32_t previous_gap = sequence;  // the oldest frame's gap must stay below it: sequences from 1
    for (std::uint32_t i = 0; i < count; ++i) {
        std::uint32_t tick_gap = 0, sequence_gap = 0, buttons = 0;
        if (i + 1 < count) {
            if (!varint(tick_gap) || !varint(sequence_gap)) return "input packet truncated or over-long varint";
            if (sequence_gap >= previous_gap || sequence_gap == 0) return "input sequences not ascending";
            previous_gap = sequence_gap;
        }
        if (!varint(buttons)) return "input packet truncated or over-long varint";
        if (buttons > 0xffffu) return "input buttons wider than 16 bits";
        if (bytes.size() - at < 4) return "input packet truncated";
        const auto byte = [&](std::size_t k) { return std::to_integer<std::uint8_t>(bytes[at + k]); };
        const auto aim = static_cast<std::uint16_t>(byte(0) | (byte(1) << 8));
        out.storage[i] = InputFrame(back_by(tick, tick_gap), sequence - sequence_gap, static_cast<Buttons>(buttons), aim,
                                    static_cast<std::int8_t>(byte(2)), static_cast<std::int8_t>(byte(3)));
        at += 4;
    }
    if (at != bytes.size()) return "bytes after an input packet";
    return {};
}

InputPacket to_input_packet(const PlayerInput& input) noexcept {
    InputPacket out;
    const auto& frames = *input.frames();  // a verified PlayerInput has 1..kMaxInputFrames
    for (const InputFrame* f : frames) {
        if (out.count == out.storage.size()) break;
        out.storage[out.count++] = *f;
    }
    out.snapshot_ack = input.snapshot_ack();
    out.view = {input.view_tick(), input.view_fraction()};
    return out;
}

}  // namespace tickwire::game::protocol
