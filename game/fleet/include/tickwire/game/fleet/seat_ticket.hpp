#pragma once
// Seat tickets: what matchmaking hands a player so that the process owning a
// room admits it there, once, within a few seconds. Any process of the fleet
// may issue one (they share the fleet secret); only the named process admits it.
//
// Wire format, then base64url without padding (RFC 4648 §5: A-Z a-z 0-9 - _),
// so the ticket travels as is in a URL query (`?ticket=...`):
//
//   offset  size        field
//   0       1           version, 1
//   1       8           expiry, Unix epoch milliseconds, little endian
//   9       16          nonce, random: the ticket's identity for single use
//   25      1           room_len, 1..kMaxTicketField
//   26      room_len    room code
//   ...     1           process_len, 1..kMaxTicketField
//   ...     process_len process id
//   ...     32          HMAC-SHA256(fleet secret, every byte above)
//
// decode_seat_ticket() treats its input as hostile: the text length is bounded
// before decoding, every length byte is checked against what is left, nothing
// may follow the MAC, and the MAC is compared in constant time.
//
// Thread: free functions, any thread.

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace tickwire::game::fleet {

inline constexpr std::uint8_t kSeatTicketVersion = 1;
/// Longest room code or process id a ticket can name.
inline constexpr std::size_t kMaxTicketField = 64;
inline constexpr std::size_t kTicketNonceBytes = 16;
inline constexpr std::size_t kTicketMacBytes = 32;
inline constexpr std::size_t kMinTicketBytes = 1 + 8 + kTicketNonceBytes + 1 + 1 + 1 + 1 + kTicketMacBytes;
inline constexpr std::size_t kMaxTicketBytes = 1 + 8 + kTicketNonceBytes + 2 * (1 + kMaxTicketField) + kTicketMacBytes;
/// Longest encoded ticket: anything longer is refused before it is decoded.
inline constexpr std::size_t kMaxEncodedTicketChars = (kMaxTicketBytes * 4 + 2) / 3;

using TicketNonce = std::array<std::uint8_t, kTicketNonceBytes>;

struct SeatTicket {
    std::string room;
    std::string process_id;
    std::uint64_t expiry_ms = 0;  ///< Unix epoch ms; refused from this instant on
    TicketNonce nonce{};
};

enum class TicketVerdict : std::uint8_t {
    ok,
    malformed,      ///< not a ticket: bad characters, lengths or version
    forged,         ///< signature does not match the fleet secret
    expired,
    reused,         ///< this ticket was already admitted once
    wrong_process,  ///< signed by the fleet, but for another process
    wrong_room,     ///< for this process, but another room
    overloaded,     ///< too many live tickets remembered to check single use
};

/// Stable snake_case name of a verdict (a metrics label, a log field).
[[nodiscard]] std::string_view to_string(TicketVerdict verdict) noexcept;

struct TicketCheck {
    TicketVerdict verdict = TicketVerdict::malformed;
    std::string_view reason;  ///< static text for the close reason and the log line
    SeatTicket ticket;        ///< filled from `forged` on only when the signature matched
    [[nodiscard]] bool ok() const noexcept { return verdict == TicketVerdict::ok; }
};

/// 16 random bytes from OpenSSL's CSPRNG; false if it has none to give.
[[nodiscard]] bool random_nonce(TicketNonce& out) noexcept;

/// The encoded ticket; empty if a field is empty or longer than
/// kMaxTicketField, or the secret is empty (no ticket beats a weak one).
[[nodiscard]] std::string issue_seat_ticket(std::string_view secret, const SeatTicket& ticket);

/// Structure, signature and expiry (against `now_ms`); not single use, process
/// or room: TicketGate adds those. A pure function over bytes (fuzz it).
[[nodiscard]] TicketCheck decode_seat_ticket(std::string_view secret, std::string_view encoded,
                                             std::uint64_t now_ms);

/// Milliseconds since the Unix epoch (system clock): tickets cross machines.
[[nodiscard]] std::uint64_t unix_now_ms() noexcept;

}  // namespace tickwire::game::fleet
