#include "tickwire/schemas/session.hpp"

#include "checks.hpp"

namespace tickwire::schemas {

namespace {

using flatbuffers::FlatBufferBuilder;
using flatbuffers::Offset;

Bytes finish(FlatBufferBuilder& fbb, session::Body kind, Offset<void> body) {
    session::PacketBuilder packet(fbb);
    packet.add_body(body);
    packet.add_body_type(kind);
    // Pad the whole buffer to a multiple of 8 so that it starts 8-byte aligned
    // in the builder (and in any copy at an 8-aligned address), whether or not
    // this message kind has a 64-bit field: readers demand kBufferAlignment.
    fbb.TrackMinAlign(kBufferAlignment);
    session::FinishPacketBuffer(fbb, packet.Finish());
    return detail::finished(fbb);
}

// An absent vector when there is no proof (plain games never send one); an
// over-long one is a programming error and is left out rather than sent.
Offset<flatbuffers::Vector<std::uint8_t>> create_proof(FlatBufferBuilder& fbb, Bytes proof) {
    if (proof.empty() || proof.size() > kMaxResumeProofBytes) return 0;
    return fbb.CreateVector(detail::u8(proof), proof.size());
}

// Field limits per kind, after the Verifier has passed the buffer.
std::string_view check_body(const session::Packet& packet) noexcept {
    if (packet.body_type() == session::Body::NONE) return "empty packet";
    // The Verifier accepts a kind whose table is absent (null is "not
    // present" to it), so a corrupt buffer can name a kind with no body.
    if (packet.body() == nullptr) return "packet kind without body";
    switch (packet.body_type()) {
    case session::Body::NONE: return "empty packet";
    case session::Body::Hello: {
        const auto* hello = packet.body_as_Hello();
        if (hello->resume_proof() && hello->resume_proof()->size() > kMaxResumeProofBytes)
            return "resume_proof too long";
        return detail::check_string(hello->client_name(), kMaxNameBytes, false, {},
                                    "client_name too long", "client_name not UTF-8");
    }
    case session::Body::Error: {
        const auto* error = packet.body_as_Error();
        return detail::check_string(error->text(), kMaxTextBytes, false, {}, "error text too long",
                                    "error text not UTF-8");
    }
    case session::Body::Payload: {
        const auto* data = packet.body_as_Payload()->data();
        if (data == nullptr || data->size() == 0) return "payload empty";
        if (data->size() > kMaxGameMessageBytes) return "payload too large";
        if (reinterpret_cast<std::uintptr_t>(data->data()) % kBufferAlignment != 0) {
            return "payload not 8-byte aligned";
        }
        return {};
    }
    case session::Body::Welcome: {
        const auto* proof = packet.body_as_Welcome()->resume_proof();
        return proof && proof->size() > kMaxResumeProofBytes ? "resume_proof too long" : std::string_view();
    }
    case session::Body::ClockSyncRequest:
    case session::Body::ClockSyncResponse:
    case session::Body::Ack:
    case session::Body::Ping:
    case session::Body::Pong: return {};
    }
    // A kind appended by a newer peer: the Verifier skips unknown union
    // members, so it must never be read.
    return "unknown packet kind";
}

template <class T>
Decoded<T> read_as(Bytes bytes) noexcept {
    const auto packet = read_packet(bytes);
    if (!packet) return Decoded<T>::reject(packet.error);
    if (packet->body_type() != session::BodyTraits<T>::enum_value) {
        return Decoded<T>::reject("unexpected packet kind");
    }
    return Decoded<T>::accept(static_cast<const T*>(packet->body()));
}

}  // namespace

// ---- encode ------------------------------------------------------------------

Bytes encode_hello(FlatBufferBuilder& fbb, const HelloInfo& hello) {
    fbb.Clear();
    const auto name = detail::create_string(fbb, hello.client_name, kMaxNameBytes);
    const auto proof = create_proof(fbb, hello.resume_proof);
    const auto body = session::CreateHello(fbb, hello.protocol_version, name, hello.session_id, proof,
                                           hello.received);
    return finish(fbb, session::Body::Hello, body.Union());
}

Bytes encode_welcome(FlatBufferBuilder& fbb, const WelcomeInfo& welcome) {
    fbb.Clear();
    const auto proof = create_proof(fbb, welcome.resume_proof);
    const auto body = session::CreateWelcome(fbb, welcome.protocol_version, welcome.session_id,
                                             welcome.tick_rate_hz, welcome.server_tick, welcome.resumed, proof,
                                             welcome.received, welcome.answers_ping);
    return finish(fbb, session::Body::Welcome, body.Union());
}

Bytes encode_clock_sync_request(FlatBufferBuilder& fbb, std::int64_t client_send_time_us) {
    fbb.Clear();
    const auto body = session::CreateClockSyncRequest(fbb, client_send_time_us);
    return finish(fbb, session::Body::ClockSyncRequest, body.Union());
}

Bytes encode_clock_sync_response(FlatBufferBuilder& fbb, const ClockSyncInfo& sync) {
    fbb.Clear();
    const auto body = session::CreateClockSyncResponse(fbb, sync.client_send_time_us,
                                                       sync.server_receive_time_us,
                                                       sync.server_send_time_us, sync.server_tick);
    return finish(fbb, session::Body::ClockSyncResponse, body.Union());
}

Bytes encode_ack(FlatBufferBuilder& fbb, std::uint32_t ack) {
    fbb.Clear();
    const auto body = session::CreateAck(fbb, ack);
    return finish(fbb, session::Body::Ack, body.Union());
}

Bytes encode_error(FlatBufferBuilder& fbb, session::ErrorCode code, std::string_view text) {
    fbb.Clear();
    const auto message = detail::create_string(fbb, text, kMaxTextBytes);
    const auto body = session::CreateError(fbb, code, message);
    return finish(fbb, session::Body::Error, body.Union());
}

Bytes encode_ping(FlatBufferBuilder& fbb, std::uint64_t sent_us) {
    fbb.Clear();
    const auto body = session::CreatePing(fbb, sent_us);
    return finish(fbb, session::Body::Ping, body.Union());
}

Bytes encode_pong(FlatBufferBuilder& fbb, std::uint64_t sent_us) {
    fbb.Clear();
    const auto body = session::CreatePong(fbb, sent_us);
    return finish(fbb, session::Body::Pong, body.Union());
}

Bytes encode_payload(FlatBufferBuilder& fbb, const PayloadHeader& header, Bytes game_message) {
    fbb.Clear();
    if (game_message.size() > kMaxGameMessageBytes) game_message = {};
    // The nested buffer is read in place, so it must start where its own
    // largest scalar can be read: align the vector's data to 8.
    fbb.ForceVectorAlignment(game_message.size(), 1, kBufferAlignment);
    const auto data = fbb.CreateVector(detail::u8(game_message), game_message.size());
    const auto body = session::CreatePayload(fbb, header.sequence, header.ack, header.delivery, data);
    return finish(fbb, session::Body::Payload, body.Union());
}

// ---- read --------------------------------------------------------------------

Decoded<session::Packet> read_packet(Bytes bytes) noexcept {
    if (const auto why = detail::precheck(bytes, kMaxPacketBytes, session::PacketIdentifier());
        !why.empty()) {
        return Decoded<session::Packet>::reject(why);
    }
    flatbuffers::Verifier verifier(detail::u8(bytes), bytes.size(), detail::verifier_options());
    if (!session::VerifyPacketBuffer(verifier)) {
        return Decoded<session::Packet>::reject("packet failed verification");
    }
    const auto* packet = session::GetPacket(bytes.data());
    if (const auto why = check_body(*packet); !why.empty()) {
        return Decoded<session::Packet>::reject(why);
    }
    return Decoded<session::Packet>::accept(packet);
}

Decoded<session::Hello> read_hello(Bytes bytes) noexcept { return read_as<session::Hello>(bytes); }
Decoded<session::Welcome> read_welcome(Bytes bytes) noexcept { return read_as<session::Welcome>(bytes); }
Decoded<session::ClockSyncRequest> read_clock_sync_request(Bytes bytes) noexcept {
    return read_as<session::ClockSyncRequest>(bytes);
}
Decoded<session::ClockSyncResponse> read_clock_sync_response(Bytes bytes) noexcept {
    return read_as<session::ClockSyncResponse>(bytes);
}
Decoded<session::Ack> read_ack(Bytes bytes) noexcept { return read_as<session::Ack>(bytes); }
Decoded<session::Error> read_error(Bytes bytes) noexcept { return read_as<session::Error>(bytes); }
Decoded<session::Payload> read_payload(Bytes bytes) noexcept { return read_as<session::Payload>(bytes); }
Decoded<session::Ping> read_ping(Bytes bytes) noexcept { return read_as<session::Ping>(bytes); }
Decoded<session::Pong> read_pong(Bytes bytes) noexcept { return read_as<session::Pong>(bytes); }

Bytes payload_bytes(const session::Payload& payload) noexcept {
    const auto* data = payload.data();
    if (data == nullptr) return {};
    return {reinterpret_cast<const std::byte*>(data->data()), data->size()};
}

}  // namespace tickwire::schemas
