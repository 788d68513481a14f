// Fuzz target: the match server's room-code parser (game/protocol room_code.hpp),
// run on the path of every connection. A code that passes must be safe to use
// as a map key, in a log line and in /rooms JSON.
#include <cstdint>
#include <string_view>

#include "tickwire/game/protocol/room_code.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace tickwire::game::protocol;
    const std::string_view path(reinterpret_cast<const char*>(data), size);
    const std::string_view code = room_code_from_path(path);
    if (!valid_room_code(code)) return 0;
    if (code.size() > kMaxRoomCodeBytes) __builtin_trap();
    for (const char c : code) {
        if (c == '"' || c == '\\' || c == '%' || static_cast<unsigned char>(c) < 0x20 || static_cast<unsigned char>(c) > 0x7e)
            __builtin_trap();
    }
    return 0;
}
