#pragma once
// Text from clients (names, chat) as the match server passes it on: control
// characters become spaces, so nobody's chat box or log line gets them.
// (Length and UTF-8 are already checked by schemas' readers.)
//
// Thread: pure, any thread.

#include <string>
#include <string_view>

namespace tickwire::game::server {

inline std::string clean_text(std::string_view text) {
    std::string out(text);
    for (char& c : out) {
        if (static_cast<unsigned char>(c) < 0x20) c = ' ';
    }
    return out;
}

}  // namespace tickwire::game::server
