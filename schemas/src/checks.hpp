#pragma once
// Checks shared by the session and game readers and writers (internal).
// Pure functions; any thread.

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

#include <flatbuffers/flatbuffers.h>

#include "tickwire/schemas/utf8.hpp"

namespace tickwire::schemas::detail {

/// Reason a buffer cannot even be handed to the Verifier, or empty.
/// The reasons are string literals (static storage).
std::string_view precheck(std::span<const std::byte> bytes, std::size_t max_size,
                          const char* identifier) noexcept;

/// The Verifier options every reader uses.
flatbuffers::Verifier::Options verifier_options() noexcept;


/// Empty if `s` is null (when allowed) or within `max_bytes` and valid UTF-8.
std::string_view check_string(const flatbuffers::String* s, std::size_t max_bytes, bool required,
                              std::string_view missing, std::string_view too_long,
                              std::string_view not_utf8) noexcept;

template <class V>
[[nodiscard]] std::size_t size_of(const V* vector) noexcept {
    return vector == nullptr ? 0 : vector->size();
}

inline std::span<const std::byte> finished(const flatbuffers::FlatBufferBuilder& fbb) noexcept {
    return {reinterpret_cast<const std::byte*>(fbb.GetBufferPointer()), fbb.GetSize()};
}

inline const std::uint8_t* u8(std::span<const std::byte> bytes) noexcept {
    return reinterpret_cast<const std::uint8_t*>(bytes.data());
}

inline flatbuffers::Offset<flatbuffers::String> create_string(flatbuffers::FlatBufferBuilder& fbb,
                                                              std::string_view text,
                                                              std::size_t max_bytes) {
    const std::string_view clamped = utf8::clamp(text, max_bytes);
    return fbb.CreateString(clamped.data(), clamped.size());
}

}  // namespace tickwire::schemas::detail
