#pragma once
// The last step of issuing a seat ticket, open to tests: sign any body with
// the fleet secret and encode it, so a test can hand-make bodies with bad
// lengths that still carry a valid MAC (only the structure checks may refuse them).
//
// Thread: any.

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

namespace tickwire::game::fleet::detail {

/// base64url(body | HMAC-SHA256(secret, body)); empty if the body is longer
/// than a ticket may be or signing fails.
[[nodiscard]] std::string seal_ticket_bytes(std::string_view secret, std::span<const std::uint8_t> body);

}  // namespace tickwire::game::fleet::detail
