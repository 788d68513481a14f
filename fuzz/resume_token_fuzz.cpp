// Fuzz target: the resume-token checker (net/src/session/resume_token.hpp). A
// session-mode Hello carries the token as untrusted bytes; verify() must
// refuse anything the server did not sign, never read out of bounds, and
// accept exactly what issue() produced.
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>

#include "session/resume_token.hpp"

namespace {
constexpr std::byte kSecret[32] = {std::byte{0x5a}, std::byte{0x17}, std::byte{0xc3}};
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace tickwire::net::detail;
    const std::span<const std::byte> input(reinterpret_cast<const std::byte*>(data), size);
    const std::uint64_t now = 1'800'000'000'000;  // fixed: runs must be reproducible

    // Arbitrary bytes: forging a signature by chance is not a thing a fuzzer does.
    if (verify_resume_token(kSecret, input, now).ok()) __builtin_trap();

    // A token we issue for (non-zero) ids and expiries taken from the input
    // verifies exactly while unexpired; flipping any byte of it breaks it.
    if (size >= 17) {
        std::uint64_t id = 0, expiry = 0;
        std::memcpy(&id, data, 8);
        std::memcpy(&expiry, data + 8, 8);
        if (id == 0) id = 1;  // 0 names no session: refused by design
        ResumeToken token = issue_resume_token(kSecret, id, expiry);
        const ResumeTokenCheck check = verify_resume_token(kSecret, token, now);
        if (expiry > now && (!check.ok() || check.session_id != id || check.expiry_ms != expiry)) __builtin_trap();
        if (expiry <= now && check.ok()) __builtin_trap();
        token[data[16] % token.size()] ^= std::byte{1};
        if (verify_resume_token(kSecret, token, now).ok()) __builtin_trap();
    }
    return 0;
}
