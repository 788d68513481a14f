#pragma once
// Resume tokens: what a session-mode server hands a client so that it, and
// only it, can take its session back after a reconnect.
//
//   token = session_id (8 bytes LE) | expiry (8 bytes LE, ms since the Unix
//           epoch) | HMAC-SHA256(secret, session_id | expiry) (32 bytes)
//
// Unforgeable without the server's secret, useless after its expiry, and bound
// to its session: the server also compares the id with the one the client
// claims and the expiry with the newest it issued (so a replayed older token
// of the same session fails). verify() is a pure function over bytes — the
// resume-token fuzz target calls it with arbitrary input.
//
// Thread: free functions, any thread.

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

namespace tickwire::net::detail {

inline constexpr std::size_t kResumeTokenBytes = 48;
using ResumeToken = std::array<std::byte, kResumeTokenBytes>;

/// Signs a token for `session_id` valid until `expiry_ms` (Unix epoch ms).
ResumeToken issue_resume_token(std::span<const std::byte> secret, std::uint64_t session_id, std::uint64_t expiry_ms);

struct ResumeTokenCheck {
    std::uint64_t session_id = 0;  ///< valid only if ok()
    std::uint64_t expiry_ms = 0;   ///< valid only if ok()
    std::string_view error;        ///< static text: why the token was refused
    [[nodiscard]] bool ok() const noexcept { return error.empty(); }
};

/// Checks size, signature (constant-time) and expiry against `now_ms`.
ResumeTokenCheck verify_resume_token(std::span<const std::byte> secret, std::span<const std::byte> token,
                                     std::uint64_t now_ms) noexcept;

/// Milliseconds since the Unix epoch (system clock): tokens are wall-clock stamped.
std::uint64_t unix_now_ms() noexcept;

}  // namespace tickwire::net::detail
