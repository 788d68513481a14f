#include "tickwire/game/fleet/seat_ticket.hpp"

#include "seat_ticket_codec.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include <chrono>
#include <cstring>

namespace tickwire::game::fleet {

namespace {

constexpr std::size_t kHeaderBytes = 1 + 8 + kTicketNonceBytes;  // version, expiry, nonce

bool is_base64url(char c) noexcept {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
}

// OpenSSL's block coder speaks standard base64 with padding; the URL-safe
// alphabet without padding is a character swap away (RFC 4648 §5).
std::string encode_base64url(const std::uint8_t* data, std::size_t size) {
    std::string out(4 * ((size + 2) / 3) + 1, '\0');
    const int length = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()), data, static_cast<int>(size));
    out.resize(static_cast<std::size_t>(length));
    while (!out.empty() && out.back() == '=') out.pop_back();
    for (char& c : out) {
        if (c == '+') c = '-';
        if (c == '/') c = '_';
    }
    return out;
}

/// Decodes into `out` (at least kMaxTicketBytes); the byte count, or -1.
int decode_base64url(std::string_view text, std::uint8_t* out) noexcept {
    // A length of 1 mod 4 cannot come from any byte string.
    if (text.size() > kMaxEncodedTicketChars || text.size() % 4 == 1) return -1;
    char padded[kMaxEncodedTicketChars + 4];
    std::size_t n = 0;
    for (char c : text) {
        if (!is_base64url(c)) return -1;
        padded[n++] = c == '-' ? '+' : c == '_' ? '/' : c;
    }
    const std::size_t padding = (4 - n % 4) % 4;
    for (std::size_t i = 0; i < padding; ++i) padded[n++] = '=';
    const int length =
        EVP_DecodeBlock(out, reinterpret_cast<const unsigned char*>(padded), static_cast<int>(n));
    // EVP_DecodeBlock counts the padding as zero bytes.
    return length < 0 ? -1 : length - static_cast<int>(padding);
}

void put_u64(std::uint8_t* out, std::uint64_t value) noexcept {
    for (int i = 0; i < 8; ++i) out[i] = static_cast<std::uint8_t>(value >> (8 * i));
}

std::uint64_t get_u64(const std::uint8_t* in) noexcept {
    std::uint64_t value = 0;
    for (int i = 0; i < 8; ++i) value |= static_cast<std::uint64_t>(in[i]) << (8 * i);
    return value;
}

bool sign(std::string_view secret, const std::uint8_t* data, std::size_t size, std::uint8_t* mac) noexcept {
    unsigned int length = 0;
    const unsigned char* result = HMAC(EVP_sha256(), secret.data(), static_cast<int>(secret.size()), data, size,
                                       mac, &length);
    return result != nullptr && length == kTicketMacBytes;
}

TicketCheck refuse(TicketVerdict verdict, std::string_view reason) {
    TicketCheck check;
    check.verdict = verdict;
    check.reason = reason;
    return check;
}

}  // namespace

std::string_view to_string(TicketVerdict verdict) noexcept {
    switch (verdict) {
        case TicketVerdict::ok: return "ok";
        case TicketVerdict::malformed: return "malformed";
        case TicketVerdict::forged: return "forged";
        case TicketVerdict::expired: return "expired";
        case TicketVerdict::reused: return "reused";
        case TicketVerdict::wrong_process: return "wrong_process";
        case TicketVerdict::wrong_room: return "wrong_room";
        case TicketVerdict::overloaded: return "overloaded";
    }
    return "unknown";
}

bool random_nonce(TicketNonce& out) noexcept {
    return RAND_bytes(out.data(), static_cast<int>(out.size())) == 1;
}

std::string issue_seat_ticket(std::string_view secret, const SeatTicket& ticket) {
    if (secret.empty() || ticket.room.empty() || ticket.room.size() > kMaxTicketField ||
        ticket.process_id.empty() || ticket.process_id.size() > kMaxTicketField)
        return {};
    std::uint8_t bytes[kMaxTicketBytes];
    std::size_t n = 0;
    bytes[n++] = kSeatTicketVersion;
    put_u64(bytes + n, ticket.expiry_ms);
    n += 8;
    std::memcpy(bytes + n, ticket.nonce.data(), kTicketNonceBytes);
    n += kTicketNonceBytes;
    for (std::string_view field : {std::string_view(ticket.room), std::string_view(ticket.process_id)}) {
        bytes[n++] = static_cast<std::uint8_t>(field.size());
        std::memcpy(bytes + n, field.data(), field.size());
        n += field.size();
    }
    return detail::seal_ticket_bytes(secret, std::span<const std::uint8_t>(bytes, n));
}

std::string detail::seal_ticket_bytes(std::string_view secret, std::span<const std::uint8_t> body) {
    if (body.size() + kTicketMacBytes > kMaxTicketBytes) return {};
    std::uint8_t bytes[kMaxTicketBytes];
    std::memcpy(bytes, body.data(), body.size());
    if (!sign(secret, bytes, body.size(), bytes + body.size())) return {};
    return encode_base64url(bytes, body.size() + kTicketMacBytes);
}

TicketCheck decode_seat_ticket(std::string_view secret, std::string_view encoded, std::uint64_t now_ms) {
    if (encoded.empty()) return refuse(TicketVerdict::malformed, "no seat ticket");
    if (encoded.size() > kMaxEncodedTicketChars) return refuse(TicketVerdict::malformed, "seat ticket is too long");
    std::uint8_t bytes[kMaxTicketBytes + 3];  // the decoder writes whole 3-byte groups
    const int decoded = decode_base64url(encoded, bytes);
    if (decoded < 0) return refuse(TicketVerdict::malformed, "seat ticket is not base64url");
    const auto size = static_cast<std::size_t>(decoded);
    if (size < kMinTicketBytes || size > kMaxTicketBytes)
        return refuse(TicketVerdict::malformed, "seat ticket has the wrong length");
    if (bytes[0] != kSeatTicketVersion) return refuse(TicketVerdict::malformed, "seat ticket has an unknown version");

    // Walk the two length-prefixed fields; each must fit before the MAC.
    const std::size_t signed_end = size - kTicketMacBytes;
    std::size_t at = kHeaderBytes;
    std::string_view fields[2];
    for (std::string_view& field : fields) {
        if (at >= signed_end) return refuse(TicketVerdict::malformed, "seat ticket is truncated");
        const std::size_t length = bytes[at++];
        if (length == 0 || length > kMaxTicketField || length > signed_end - at)
            return refuse(TicketVerdict::malformed, "seat ticket has a bad field length");
        field = std::string_view(reinterpret_cast<const char*>(bytes + at), length);
        at += length;
    }
    if (at != signed_end) return refuse(TicketVerdict::malformed, "seat ticket has trailing bytes");

    std::uint8_t expected[kTicketMacBytes];
    if (secret.empty() || !sign(secret, bytes, signed_end, expected))
        return refuse(TicketVerdict::forged, "seat ticket cannot be checked (no fleet secret)");
    // Constant time: how much of a forged MAC matched must not leak.
    if (CRYPTO_memcmp(expected, bytes + signed_end, kTicketMacBytes) != 0)
        return refuse(TicketVerdict::forged, "seat ticket signature does not match the fleet secret");

    TicketCheck check;
    check.ticket.expiry_ms = get_u64(bytes + 1);
    std::memcpy(check.ticket.nonce.data(), bytes + 9, kTicketNonceBytes);
    check.ticket.room.assign(fields[0]);
    check.ticket.process_id.assign(fields[1]);
    if (now_ms >= check.ticket.expiry_ms) {
        check.verdict = TicketVerdict::expired;
        check.reason = "seat ticket expired";
        return check;
    }
    check.verdict = TicketVerdict::ok;
    return check;
}

std::uint64_t unix_now_ms() noexcept {
    return static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                          std::chrono::system_clock::now().time_since_epoch())
                                          .count());
}

}  // namespace tickwire::game::fleet
