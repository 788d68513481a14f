#pragma once
// Session messages (session.fbs): encode helpers and verify-then-read helpers.
//
// Encoding: every encode_* clears the builder it is given, builds one Packet,
// finishes it with the "TWS1" identifier and returns a view of the bytes that
// stays valid until the builder is next used. Keep one FlatBufferBuilder per
// thread and reuse it: after the first few messages it owns enough memory and
// encoding allocates nothing.
//
// Reading: every read_* checks size, alignment, identifier, runs the
// FlatBuffers Verifier with tickwire's depth/table limits, then the field
// limits of protocol.hpp, and only then returns a pointer into the buffer.
// A rejected buffer comes back with a reason and must not be read.
//
// Thread: free functions, safe on any thread; a builder belongs to one thread.
//
//   flatbuffers::FlatBufferBuilder fbb(1024);
//   auto bytes = encode_hello(fbb, {.client_name = "bot-7"});
//   ...
//   if (auto hello = read_hello(received)) use(hello->client_name());
//   else log("dropped: ", hello.error);

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

#include "tickwire/schemas/decoded.hpp"
#include "tickwire/schemas/protocol.hpp"
#include "tickwire/schemas/session_generated.h"

namespace tickwire::schemas {

using Bytes = std::span<const std::byte>;

struct HelloInfo {
    std::uint16_t protocol_version = kProtocolVersion;
    std::string_view client_name;
    std::uint64_t session_id = 0;    ///< non-zero (with resume_proof) to resume
    Bytes resume_proof{};        ///< net session mode: signed token (≤ kMaxResumeProofBytes)
    std::uint32_t received = 0;  ///< net session mode: newest reliable sequence received
};

struct WelcomeInfo {
    std::uint16_t protocol_version = kProtocolVersion;
    std::uint64_t session_id = 0;
    std::uint16_t tick_rate_hz = 60;
    std::uint32_t server_tick = 0;
    bool resumed = false;
    Bytes resume_proof{};        ///< net session mode: signed token (≤ kMaxResumeProofBytes)
    std::uint32_t received = 0;  ///< net session mode: newest reliable sequence received
    bool answers_ping = false;   ///< net session mode: Ping gets a Pong
};

struct ClockSyncInfo {
    std::int64_t client_send_time_us = 0;
    std::int64_t server_receive_time_us = 0;
    std::int64_t server_send_time_us = 0;
    std::uint32_t server_tick = 0;
};

struct PayloadHeader {
    std::uint32_t sequence = 0;
    std::uint32_t ack = 0;  ///< cumulative: the newest reliable sequence received in order
    session::DeliveryClass delivery = session::DeliveryClass::ReliableOrdered;
};

// ---- encode (one FlatBufferBuilder per thread, reused) ---------------------

Bytes encode_hello(flatbuffers::FlatBufferBuilder& fbb, const HelloInfo& hello);
Bytes encode_welcome(flatbuffers::FlatBufferBuilder& fbb, const WelcomeInfo& welcome);
Bytes encode_clock_sync_request(flatbuffers::FlatBufferBuilder& fbb, std::int64_t client_send_time_us);
Bytes encode_clock_sync_response(flatbuffers::FlatBufferBuilder& fbb, const ClockSyncInfo& sync);
Bytes encode_ack(flatbuffers::FlatBufferBuilder& fbb, std::uint32_t ack);
Bytes encode_error(flatbuffers::FlatBufferBuilder& fbb, session::ErrorCode code, std::string_view text);
Bytes encode_ping(flatbuffers::FlatBufferBuilder& fbb, std::uint64_t sent_us);
Bytes encode_pong(flatbuffers::FlatBufferBuilder& fbb, std::uint64_t sent_us);
/// Wraps a complete game message (e.g. from encode_snapshot with another
/// builder) so that it starts 8-byte aligned inside the packet. A message
/// larger than kMaxGameMessageBytes is a programming error: it is replaced by
/// an empty payload (which read_payload rejects) rather than sent.
Bytes encode_payload(flatbuffers::FlatBufferBuilder& fbb, const PayloadHeader& header, Bytes game_message);

// ---- verify, then read ------------------------------------------------------

/// Any packet kind the reader knows; a kind added by a newer peer is rejected.
Decoded<session::Packet> read_packet(Bytes bytes) noexcept;

Decoded<session::Hello> read_hello(Bytes bytes) noexcept;
Decoded<session::Welcome> read_welcome(Bytes bytes) noexcept;
Decoded<session::ClockSyncRequest> read_clock_sync_request(Bytes bytes) noexcept;
Decoded<session::ClockSyncResponse> read_clock_sync_response(Bytes bytes) noexcept;
Decoded<session::Ack> read_ack(Bytes bytes) noexcept;
Decoded<session::Error> read_error(Bytes bytes) noexcept;
/// A verified Payload has data of kMaxGameMessageBytes or less, 8-byte aligned;
/// its contents are not yet verified: pass payload_bytes() to read_message().
Decoded<session::Payload> read_payload(Bytes bytes) noexcept;
Decoded<session::Ping> read_ping(Bytes bytes) noexcept;
Decoded<session::Pong> read_pong(Bytes bytes) noexcept;

/// The nested game message of a verified Payload (empty if absent).
Bytes payload_bytes(const session::Payload& payload) noexcept;

}  // namespace tickwire::schemas
