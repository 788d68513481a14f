// schemas_page: tickwire::schemas built for the web (headers from the native
// flatc, FlatBuffers' runtime from a build-local copy) encodes a session Hello,
// wraps a game JoinRoom in a Payload, and reads both back through the same
// verify-then-read helpers as natively; a damaged buffer is refused. Proves the
// web build's schemas pipeline end to end (tests/browser/schemas_page_test.cpp).
//
// Thread: the browser's main thread.

#include <cstddef>
#include <string>
#include <vector>

#include "test_page.hpp"
#include "tickwire/schemas/game.hpp"
#include "tickwire/schemas/session.hpp"

namespace schemas = tickwire::schemas;

int main() {
    tickwire::test::page::Result result;
    std::string failure;
    const auto check = [&](bool ok, const char* what) {
        if (!ok && failure.empty()) failure = what;
    };

    flatbuffers::FlatBufferBuilder fbb(1024);
    const schemas::Bytes hello = schemas::encode_hello(fbb, {.client_name = "browser", .session_id = 7, .received = 9});
    const std::vector<std::byte> hello_copy(hello.begin(), hello.end());
    const auto read = schemas::read_hello(hello_copy);
    check(read.ok(), "read_hello refused what encode_hello made");
    if (read.ok()) {
        result.add("client_name", read->client_name() != nullptr ? read->client_name()->str() : std::string());
        check(read->session_id() == 7 && read->received() == 9, "hello fields differ");
    }
    result.add("hello_bytes", static_cast<double>(hello_copy.size()));

    flatbuffers::FlatBufferBuilder game_fbb(256);
    const schemas::Bytes join = schemas::encode_join_room(game_fbb, 42, "ann");
    const schemas::Bytes packet = schemas::encode_payload(fbb, {.sequence = 3}, join);
    const std::vector<std::byte> packet_copy(packet.begin(), packet.end());
    const auto payload = schemas::read_payload(packet_copy);
    check(payload.ok(), "read_payload refused what encode_payload made");
    if (payload.ok()) {
        const auto room = schemas::read_join_room(schemas::payload_bytes(*payload));
        check(room.ok() && room->room_id() == 42, "the nested JoinRoom did not come back");
    }

    std::vector<std::byte> damaged = hello_copy;
    damaged[damaged.size() / 2] ^= std::byte{0xff};
    damaged.resize(damaged.size() - 3);
    const auto refused = schemas::read_hello(damaged);
    check(!refused.ok(), "a damaged Hello was accepted");
    result.add("damaged_refused_because", refused.error);

    result.add("size_t_bytes", static_cast<double>(sizeof(std::size_t)));
    if (!failure.empty()) result.add("failure", failure);
    result.publish(failure.empty());
    return 0;
}
