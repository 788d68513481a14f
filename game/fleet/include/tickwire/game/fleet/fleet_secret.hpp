#pragma once
// The fleet secret: the HMAC key every process of one fleet shares, so a seat
// ticket signed by one process is accepted by another (--fleet-secret-file).
//
// Thread: free functions, any thread.

#include <cstddef>
#include <string>
#include <string_view>

namespace tickwire::game::fleet {

/// Shorter keys are refused: a guessable key lets anyone forge seats.
inline constexpr std::size_t kMinFleetSecretBytes = 16;
/// Larger files are refused: a secret is a key, not a document.
inline constexpr std::size_t kMaxFleetSecretBytes = 4096;

struct FleetSecret {
    std::string key;    ///< the raw bytes, trailing whitespace removed; empty on error
    std::string error;  ///< why the file was refused; empty when `key` is good
    [[nodiscard]] bool ok() const noexcept { return error.empty(); }
};

/// Reads the key from `path`. Trailing whitespace (the newline of
/// `echo ... > file`, a CRLF) is not part of it; everything else is.
[[nodiscard]] FleetSecret read_fleet_secret(const std::string& path);

/// The same rules for a key already in memory (tests, environment variables).
[[nodiscard]] FleetSecret make_fleet_secret(std::string_view text);

}  // namespace tickwire::game::fleet
