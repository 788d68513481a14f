#pragma once
// Decoded<T>: the result of a verify-then-read helper: a pointer into the
// caller's buffer when the buffer passed every check, or the reason it was
// rejected. Plain value; any thread. Valid only as long as the buffer is.

#include <string_view>

namespace tickwire::schemas {

template <class T>
struct Decoded {
    /// Points into the verified buffer; null when rejected.
    const T* message = nullptr;
    /// Why the buffer was rejected (static text, safe to log); empty on success.
    std::string_view error;

    static Decoded accept(const T* m) noexcept { return Decoded{m, {}}; }
    static Decoded reject(std::string_view why) noexcept { return Decoded{nullptr, why}; }

    [[nodiscard]] bool ok() const noexcept { return message != nullptr; }
    explicit operator bool() const noexcept { return ok(); }
    const T* operator->() const noexcept { return message; }
    const T& operator*() const noexcept { return *message; }
};

}  // namespace tickwire::schemas
