#pragma once
// Linking counting_allocator.cpp into a test executable replaces the global
// operator new/delete with versions that count every allocation, so a test
// can assert "no heap allocation after warm-up". Any thread.
#include <cstddef>

namespace tickwire::test {
/// Allocations made by this process so far (every operator new form).
[[nodiscard]] std::size_t heap_allocations() noexcept;
}  // namespace tickwire::test
