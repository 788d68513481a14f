#pragma once
// What every test page shares: its URL's query parameters, and the result it
// publishes for tests/browser/run_page.js to read (window.tickwireTest).
//
// Thread: the browser's main thread (a page has no other).

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace tickwire::test::page {

/// The query parameter `name` of the page's URL, "" when absent.
std::string query_param(const char* name);

/// Milliseconds since the page started loading (performance.now()).
double now_ms();

/// Message `index` of an echo run: bytes from a generator seeded by the
/// index, so an echo is checked without keeping what was sent.
void fill_payload(std::size_t index, std::uint8_t* data, std::size_t size);

/// `count` sizes for an echo run: the frame-length boundaries first (7-bit,
/// 16-bit and 64-bit lengths), then log-uniform sizes up to `max`.
std::vector<std::uint32_t> echo_sizes(std::size_t count, std::uint32_t max);

/// A flat result: keys with string, number or boolean values. publish() sets
/// window.tickwireTest = {done: true, ok, ...fields} once; later calls are ignored.
class Result {
public:
    void add(std::string_view key, std::string_view value);
    void add(std::string_view key, const char* value) { add(key, std::string_view(value)); }
    void add(std::string_view key, double value);
    void add(std::string_view key, std::int64_t value) { add(key, static_cast<double>(value)); }
    void add(std::string_view key, bool value);
    void publish(bool ok);

private:
    void add_raw(std::string_view key, std::string_view json_value);
    std::string json_;
    bool published_ = false;
};

}  // namespace tickwire::test::page
