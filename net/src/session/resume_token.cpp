#include "session/resume_token.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <chrono>
#include <cstring>

namespace tickwire::net::detail {

namespace {

constexpr std::size_t kSignedBytes = 16;  // session id + expiry
constexpr std::size_t kMacBytes = 32;
static_assert(kSignedBytes + kMacBytes == kResumeTokenBytes);

void put_u64(std::byte* out, std::uint64_t value) noexcept {
    for (int i = 0; i < 8; ++i) out[i] = static_cast<std::byte>(value >> (8 * i));
}

std::uint64_t get_u64(const std::byte* in) noexcept {
    std::uint64_t value = 0;
    for (int i = 0; i < 8; ++i) value |= static_cast<std::uint64_t>(in[i]) << (8 * i);
    return value;
}

bool mac(std::span<const std::byte> secret, const std::byte* data, unsigned char* out) noexcept {
    unsigned int length = 0;
    const unsigned char* result =
        HMAC(EVP_sha256(), secret.data(), static_cast<int>(secret.size()), reinterpret_cast<const unsigned char*>(data),
             kSignedBytes, out, &length);
    return result != nullptr && length == kMacBytes;
}

}  // namespace

ResumeToken issue_resume_token(std::span<const std::byte> secret, std::uint64_t session_id, std::uint64_t expiry_ms) {
    ResumeToken token{};
    put_u64(token.data(), session_id);
    put_u64(token.data() + 8, expiry_ms);
    unsigned char digest[kMacBytes];
    if (!mac(secret, token.data(), digest)) return ResumeToken{};  // all zero: never verifies
    std::memcpy(token.data() + kSignedBytes, digest, kMacBytes);
    return token;
}

ResumeTokenCheck verify_resume_token(std::span<const std::byte> secret, std::span<const std::byte> token,
                                     std::uint64_t now_ms) noexcept {
    ResumeTokenCheck check;
    if (token.size() != kResumeTokenBytes) {
        check.error = "resume token has the wrong size";
        return check;
    }
    unsigned char expected[kMacBytes];
    if (secret.empty() || !mac(secret, token.data(), expected)) {
        check.error = "resume token cannot be checked";
        return check;
    }
    // Constant time: how much of a forged MAC matched must not leak.
    if (CRYPTO_memcmp(expected, token.data() + kSignedBytes, kMacBytes) != 0) {
        check.error = "resume token signature does not match";
        return check;
    }
    const std::uint64_t session_id = get_u64(token.data());
    const std::uint64_t expiry_ms = get_u64(token.data() + 8);
    if (now_ms >= expiry_ms) {
        check.error = "resume token expired";
        return check;
    }
    if (session_id == 0) {
        check.error = "resume token names no session";
        return check;
    }
    check.session_id = session_id;
    check.expiry_ms = expiry_ms;
    return check;
}

std::uint64_t unix_now_ms() noexcept {
    return static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                          std::chrono::system_clock::now().time_since_epoch())
                                          .count());
}

}  // namespace tickwire::net::detail
