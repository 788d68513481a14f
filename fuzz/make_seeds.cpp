// tickwire_fuzz_seeds DIR: writes the seed corpus of every fuzz target under
// DIR/<target>/ from valid encodings (the committed fuzz/corpus was made with
// it). The fuzzers mutate these, so every message kind starts reachable.
#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "tickwire/game/protocol/wire.hpp"
#include "tickwire/schemas/envelope.hpp"

using namespace tickwire;
using namespace tickwire::game;
namespace fs = std::filesystem;

namespace {

void write(const fs::path& dir, const std::string& name, std::span<const std::byte> bytes) {
    fs::create_directories(dir);
    std::ofstream(dir / name, std::ios::binary)
        .write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
}
void write(const fs::path& dir, const std::string& name, std::string_view text) {
    write(dir, name, std::as_bytes(std::span(text.data(), text.size())));
}

}  // namespace

int main(int argc, char** argv) {
    if (argc != 2) {
        std::fprintf(stderr, "usage: tickwire_fuzz_seeds DIR\n");
        return 2;
    }
    const fs::path root = argv[1];
    protocol::Codec codec;
    flatbuffers::FlatBufferBuilder game_fbb(1024), packet_fbb(1024);

    // Every message the game's Codec writes.
    std::vector<std::pair<std::string, net::Message>> packets;
    packets.emplace_back("hello", codec.hello("seed-player"));
    packets.emplace_back("welcome", codec.welcome({.session_id = 7, .server_tick = 1234}));
    packets.emplace_back("clock_request", codec.clock_request(123456789));
    packets.emplace_back("clock_response", codec.clock_response({1, 2, 3, 4}));
    packets.emplace_back("ack", codec.ack(4321));
    packets.emplace_back("error", codec.error(session::ErrorCode::Malformed, "bad"));
    packets.emplace_back("join_result", codec.join_result({true, 1, 2, 3, "arena"}));
    using protocol::Entity;
    const Entity entities[] = {Entity(1, 256, 512, 3, -4, 1000, 1, EntityKind::Player, EntityFlags::Alive, 100, 2),
                               Entity(9, -256, 77, -300, 12, 0, 1, EntityKind::Projectile, EntityFlags::Alive, 0, 2)};
    const std::uint32_t removed[] = {4, 5};
    packets.emplace_back("snapshot_full", codec.snapshot({100, 0, 7}, entities, {}));
    packets.emplace_back("snapshot_delta", codec.snapshot({102, 100, 9}, entities, removed));
    const protocol::Frame frames[] = {protocol::Frame(10, 1, Buttons::Fire, 16384, 127, -127),
                                      protocol::Frame(11, 2, Buttons::NONE, 0, 0, 64)};
    packets.emplace_back("input", codec.input(frames));  // an input packet ('I')
    packets.emplace_back("input_view", codec.input(frames, 9, {8, 200}));
    flatbuffers::FlatBufferBuilder fbb;  // the schema's form, which the server still reads
    packets.emplace_back("input_flatbuffer", net::Message::copy_of(schemas::encode_player_input(fbb, frames, 9, {8, 200})));
    packets.emplace_back("chat", codec.chat(3, "ann", "hello, arena"));
    const KillEvent kills[] = {KillEvent(5, 1, 2, 0)};
    const ScoreEvent scores[] = {ScoreEvent(5, 1, 3, 1)};
    const RespawnEvent respawns[] = {RespawnEvent(6, 2, 11, 100, 200)};
    packets.emplace_back("events", codec.events(kills, scores, respawns));
    const schemas::RoomMemberView present[] = {{1, "ann"}, {2, "bob"}};
    const schemas::RoomMemberView joined[] = {{3, "cy"}};
    const std::uint32_t left[] = {4};
    packets.emplace_back("presence", codec.presence(present, joined, left));
    // As they travel: control packets ("TWS1") and bare game messages
    // ("TWG1"); in session mode each behind net's envelope (protocol 1: in a Payload packet).
    for (const auto& [name, message] : packets) {
        write(root / "protocol_decode", name, message.bytes());
        if (schemas::read_packet(message.bytes())) {
            write(root / "session_packet", name, message.bytes());
        } else {
            write(root / "game_message", name, message.bytes());
            write(root / "session_packet", "payload_" + name,
                  schemas::encode_payload(packet_fbb, {.sequence = 1, .ack = 1}, message.bytes()));
        }
        // Session protocol 2: the envelope before the message (every kind).
        namespace envelope = schemas::envelope;
        const envelope::Header heads[] = {{envelope::Kind::reliable, 300, 7},
                                          {envelope::Kind::latest, 0, 0},
                                          {envelope::Kind::latest_ack, 0, 1u << 30}};
        for (const envelope::Header& head : heads) {
            std::vector<std::byte> packet(envelope::kMaxHeaderBytes);
            packet.resize(envelope::write_header(head, packet.data()));
            packet.insert(packet.end(), message.bytes().begin(), message.bytes().end());
            write(root / "session_packet",
                  "envelope" + std::to_string(static_cast<int>(head.kind)) + "_" + name, packet);
        }
    }
    // net's session mode (net/src/session), which the game's Codec does not
    // write: a Hello that resumes and the Welcome that takes it back, with
    // the proof and `received` set, and a latest-state payload. The
    // deprecated resume_token fields are never written: nothing reads them.
    std::array<std::byte, 48> proof{};  // the size of a resume token (net/src/session/resume_token.hpp)
    for (std::size_t b = 0; b < proof.size(); ++b) proof[b] = static_cast<std::byte>(b * 37 + 11);
    write(root / "session_packet", "hello_resume",
          schemas::encode_hello(packet_fbb, {.client_name = "seed-player",
                                             .session_id = 0x1122334455667788,
                                             .resume_proof = proof,
                                             .received = 41}));
    write(root / "session_packet", "welcome_resumed",
          schemas::encode_welcome(packet_fbb, {.session_id = 0x1122334455667788,
                                               .server_tick = 99,
                                               .resumed = true,
                                               .resume_proof = proof,
                                               .received = 17}));
    write(root / "session_packet", "payload_latest_state",
          schemas::encode_payload(packet_fbb,
                                  {.sequence = 9, .ack = 8, .delivery = session::DeliveryClass::LatestState},
                                  codec.snapshot({104, 102, 9}, entities, {}).bytes()));

    // Game kinds the demo game does not use.
    write(root / "game_message", "join_room", schemas::encode_join_room(game_fbb, 3, "bob"));
    write(root / "game_message", "leave_room", schemas::encode_leave_room(game_fbb, 3));
    write(root / "game_message", "list_rooms", schemas::encode_list_rooms(game_fbb));
    const schemas::RoomInfoView rooms[] = {{1, "arena", 3, 32, true}, {2, "demo", 0, 8, false}};
    write(root / "game_message", "room_list", schemas::encode_room_list(game_fbb, rooms));

    // WebSocket frames as a client sends them (ws_frame: first byte = read
    // size, second = pause pattern, then the stream).
    const auto ws_frame = [](std::uint8_t first, std::string_view payload, int length_form = 0) {
        std::string out{static_cast<char>(first)};
        const std::uint64_t n = payload.size();
        if (length_form == 0 && n < 126) {
            out += static_cast<char>(0x80 | n);
        } else if (length_form == 126 || (length_form == 0 && n <= 0xffff)) {
            out += static_cast<char>(0x80 | 126);
            for (int b = 1; b >= 0; --b) out += static_cast<char>(n >> (8 * b));
        } else {
            out += static_cast<char>(0x80 | 127);
            for (int b = 7; b >= 0; --b) out += static_cast<char>(n >> (8 * b));
        }
        const char key[4] = {0x12, 0x34, 0x56, 0x78};
        out.append(key, 4);
        for (std::size_t k = 0; k < payload.size(); ++k) out += static_cast<char>(payload[k] ^ key[k % 4]);
        return out;
    };
    const std::string close_1000 = std::string("\x03\xe8", 2) + "done";
    const std::pair<const char*, std::string> streams[] = {
        {"binary", ws_frame(0x82, "hello")},
        {"binary_16bit", ws_frame(0x82, std::string(300, 'x'))},
        {"binary_64bit", ws_frame(0x82, std::string(70000, 'y'))},
        {"fragments_with_ping", ws_frame(0x02, "frag") + ws_frame(0x89, "ping") + ws_frame(0x80, "mented")},
        {"ping_pong_close", ws_frame(0x89, "p") + ws_frame(0x8a, "q") + ws_frame(0x88, close_1000)},
        {"many_small", ws_frame(0x82, "a") + ws_frame(0x82, "") + ws_frame(0x82, "bc") + ws_frame(0x82, "def")},
        {"text", ws_frame(0x81, "text")},
        {"non_minimal_length", ws_frame(0x82, "short", 127)},
    };
    for (const auto& [name, stream] : streams) {
        write(root / "ws_frame", std::string(name) + "_bytewise", std::string("\x00\x00", 2) + stream);
        write(root / "ws_frame", std::string(name) + "_whole", std::string("\xff\x55", 2) + stream);
    }

    std::vector<std::byte> bare_ack(schemas::envelope::kMaxHeaderBytes);
    bare_ack.resize(schemas::envelope::write_header({schemas::envelope::Kind::ack, 0, 123456}, bare_ack.data()));
    write(root / "session_packet", "envelope_ack", bare_ack);

    // Text inputs.
    const char* urls[] = {"ws://127.0.0.1:7777/room/arena", "wss://example.com/room/auto?x=1",
                          "ws://[::1]:9000/", "ws://host", "wss://user@host:443/a/b?c=d#frag",
                          "http://127.0.0.1:7777/status"};
    int i = 0;
    for (const char* u : urls) write(root / "url", "url" + std::to_string(i++), std::string_view(u));
    const char* paths[] = {"/room/arena", "/room/auto", "/", "/room/", "/room/a-b_C9", "/room/%3Cscript%3E",
                           "/rooms?x=1"};
    i = 0;
    for (const char* p : paths) write(root / "room_code", "path" + std::to_string(i++), std::string_view(p));
    std::printf("seeds written under %s\n", root.c_str());
    return 0;
}
