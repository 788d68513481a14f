#include "test_page.hpp"

#include <emscripten/emscripten.h>

#include <bit>
#include <cstdio>
#include <cstdlib>

namespace tickwire::test::page {

namespace {

// Returns a malloc'ed UTF-8 copy of the parameter, or null when absent.
EM_JS(char*, js_query_param, (const char* name), {
    const value = new URLSearchParams(location.search).get(UTF8ToString(name));
    if (value === null) return 0;
    const size = lengthBytesUTF8(value) + 1;
    const copy = _malloc(size);
    stringToUTF8(value, copy, size);
    return copy;
});

EM_JS(void, js_publish, (const char* json), {
    const result = JSON.parse(UTF8ToString(json));
    if (!window.tickwireTest) window.tickwireTest = result;
    document.getElementById('result').textContent = (result.ok ? 'PASSED ' : 'FAILED ') + UTF8ToString(json);
});

void append_json_string(std::string& out, std::string_view text) {
    out += '"';
    for (const char c : text) {
        const auto byte = static_cast<unsigned char>(c);
        if (c == '"' || c == '\\') {
            out += '\\';
            out += c;
        } else if (byte < 0x20) {
            char escaped[8];
            std::snprintf(escaped, sizeof escaped, "\\u%04x", byte);
            out += escaped;
        } else {
            out += c;
        }
    }
    out += '"';
}

}  // namespace

std::string query_param(const char* name) {
    char* value = js_query_param(name);
    if (value == nullptr) return {};
    std::string copy(value);
    std::free(value);
    return copy;
}

double now_ms() { return emscripten_get_now(); }  // performance.now() in a page

void fill_payload(std::size_t index, std::uint8_t* data, std::size_t size) {
    std::uint64_t state = 0x9E3779B97F4A7C15ull * (index + 1);
    for (std::size_t i = 0; i < size; ++i) {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        data[i] = static_cast<std::uint8_t>(state >> 24);
    }
}

std::vector<std::uint32_t> echo_sizes(std::size_t count, std::uint32_t max) {
    std::vector<std::uint32_t> sizes;
    for (const std::uint32_t boundary : {0u, 1u, 2u, 125u, 126u, 127u, 128u, 1023u, 1024u, 65535u, 65536u, 65537u,
                                         131072u, 262143u, 262144u})
        if (boundary <= max && sizes.size() < count) sizes.push_back(boundary);
    const int max_bits = std::bit_width(max);
    std::uint32_t state = 12345;
    while (sizes.size() < count) {
        state = state * 1664525u + 1013904223u;
        const int bits = static_cast<int>(state >> 27) % max_bits;  // 2^0 .. 2^(max_bits-1)
        state = state * 1664525u + 1013904223u;
        sizes.push_back(((1u << bits) + state % (1u << bits)) % (max + 1));
    }
    return sizes;
}

void Result::add_raw(std::string_view key, std::string_view json_value) {
    json_ += json_.empty() ? "" : ",";
    append_json_string(json_, key);
    json_ += ':';
    json_ += json_value;
}

void Result::add(std::string_view key, std::string_view value) {
    std::string quoted;
    append_json_string(quoted, value);
    add_raw(key, quoted);
}

void Result::add(std::string_view key, double value) {
    char text[32];
    std::snprintf(text, sizeof text, "%.10g", value);
    add_raw(key, text);
}

void Result::add(std::string_view key, bool value) { add_raw(key, value ? "true" : "false"); }

void Result::publish(bool ok) {
    if (published_) return;
    published_ = true;
    std::string json = std::string("{\"done\":true,\"ok\":") + (ok ? "true" : "false");
    if (!json_.empty()) json += "," + json_;
    json += '}';
    std::printf("published %s\n", json.c_str());
    js_publish(json.c_str());
}

}  // namespace tickwire::test::page
