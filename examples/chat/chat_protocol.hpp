#pragma once
// The chat's wire format, shared by the server and the client.
//
// Every WebSocket message is binary: one kind byte, then a body. Text is
// UTF-8 and never contains control characters (so one message prints as one
// line); names are 1..32 bytes, lines 1..500 bytes.
//
//   client -> server
//     0x01 join     name                  the first message, exactly once
//     0x02 say      text                  a line for everyone in the room
//   server -> client
//     0x81 said     len(u8) name  text    a line said just now (yours too)
//     0x82 earlier  len(u8) name  text    a line said before you joined: the
//                                         room's last 50, oldest first
//     0x83 notice   text                  "ann joined", "bob left"
//
// A server closes a client that breaks these rules: 1007 for a name or line
// that is not valid UTF-8 text of the right size, 1008 for anything else
// (a kind it does not know, say before join, too many lines a second),
// 4001 when the name is taken in that room; net closes a message larger than
// kMaxMessageBytes with 1009.
//
// Thread: pure functions, any thread.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "tickwire/net/message.hpp"

namespace chat {

enum class Kind : std::uint8_t {
    join = 0x01,
    say = 0x02,
    said = 0x81,
    earlier = 0x82,
    notice = 0x83,
};

inline constexpr std::size_t kMaxNameBytes = 32;
inline constexpr std::size_t kMaxLineBytes = 500;
/// The largest message either side sends: a said line with the longest name.
inline constexpr std::size_t kMaxMessageBytes = 2 + kMaxNameBytes + kMaxLineBytes;

/// Application close codes (RFC 6455: 4000-4999 are the application's).
inline constexpr std::uint16_t kCloseInvalidText = 1007;
inline constexpr std::uint16_t kCloseNameTaken = 4001;

/// Why `text` cannot be a name (or a line, with kMaxLineBytes), or "" if it can.
std::string_view check_text(std::string_view text, std::size_t max_bytes);

/// kind byte + text: join, say, notice.
tickwire::net::Message encode(Kind kind, std::string_view text);
/// kind byte + name length + name + text: said, earlier.
tickwire::net::Message encode_line(Kind kind, std::string_view name, std::string_view text);

/// A message taken apart; the views point into the message's bytes.
struct Decoded {
    Kind kind;
    std::string_view name;  ///< said and earlier only
    std::string_view text;
};

/// nullopt for an empty message, an unknown kind or a name length that runs
/// past the end. The text is not checked: use check_text().
std::optional<Decoded> decode(std::span<const std::byte> bytes);

}  // namespace chat
