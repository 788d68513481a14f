// websocket_spike: what Emscripten 3.1.6's <emscripten/websocket.h> does in a
// real browser, written down in docs/web.md and held true by
// tests/browser/websocket_spike_test.cpp. The browser transport of
// tickwire::net is written from these facts.
//
// One page, one mode per load (?mode=M&url=ws://...):
//   echo     200 binary messages of 0 B to 256 KiB sent at once to
//            tickwire-echo, each checked byte-exact on its way back; close 1000
//   connect  connect and send nothing: what a refused port, a name that does
//            not resolve or an upgrade answered with an HTTP error looks like
//   close    send one message; the test's server closes with its code and reason
//   cut      send one message, await its echo, print "SPIKE ready-for-cut"; the
//            test's TCP proxy then resets the connection under the page
//   too-big  one message of ?bytes=N (default 1 MiB + 1) to tickwire-echo
//   misuse   what the API does when misused (send while connecting, close
//            codes a page may not send, a text frame to tickwire, delete)
// Every mode ends at a close event and publishes window.tickwireTest: the
// callbacks in the order they came ("events"), the close event's fields and
// the times (ms since the page started loading).
//
// Thread: the browser's main thread; callbacks only, no main loop.

#include <emscripten/emscripten.h>
#include <emscripten/websocket.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "test_page.hpp"

namespace {

namespace page = tickwire::test::page;

constexpr std::uint32_t kMaxEchoBytes = 256 * 1024;
constexpr std::size_t kEchoMessages = 200;
constexpr std::uint32_t kDefaultTooBig = (1u << 20) + 1;  // tickwire-echo's default limit + 1

// What an API call did, in JavaScript's terms: "returned N" or "threw NAME".
// The API throws JavaScript exceptions straight through the C++ that called
// it, so these calls are made from JavaScript to watch them safely.
EM_JS(char*, js_try_call, (int which, int socket, const void* pointer, int number), {
    let outcome;
    try {
        let value;
        if (which == 0) value = _emscripten_websocket_new(pointer);
        if (which == 1) value = _emscripten_websocket_send_binary(socket, pointer, number);
        if (which == 2) value = _emscripten_websocket_close(socket, number, pointer);
        outcome = 'returned ' + value;
    } catch (e) {
        outcome = 'threw ' + e.name;
    }
    const size = lengthBytesUTF8(outcome) + 1;
    const copy = _malloc(size);
    stringToUTF8(outcome, copy, size);
    return copy;
});

enum class Call { create = 0, send_binary = 1, close = 2 };

std::string try_call(Call call, int socket, const void* pointer, int number) {
    char* outcome = js_try_call(static_cast<int>(call), socket, pointer, number);
    std::string copy(outcome);
    std::free(outcome);
    return copy;
}

struct Spike {
    std::string mode;
    std::string url;
    EMSCRIPTEN_WEBSOCKET_T socket = 0;
    page::Result result;
    std::string events;  // "open;message 5;close 1000 clean=1 reason=done"
    std::string failure;  // the first failed check, empty while all pass
    double new_ms = 0;
    // echo
    std::vector<std::uint32_t> sizes;
    std::size_t received = 0;
    std::uint64_t bytes = 0;
    std::vector<std::uint8_t> expected;
};

Spike g_spike;

void record(const std::string& event) {
    if (!g_spike.events.empty()) g_spike.events += ';';
    g_spike.events += event;
    std::printf("SPIKE %s\n", event.c_str());
}

void fail(const std::string& why) {
    if (g_spike.failure.empty()) g_spike.failure = why;
    std::printf("SPIKE check failed: %s\n", why.c_str());
}

void send_generated(std::size_t index, std::uint32_t size) {
    std::vector<std::uint8_t>& buffer = g_spike.expected;
    buffer.resize(size);
    page::fill_payload(index, buffer.data(), size);
    // The browser copies the bytes before send() returns: the buffer is reused.
    const EMSCRIPTEN_RESULT sent = emscripten_websocket_send_binary(g_spike.socket, buffer.data(), size);
    if (sent != EMSCRIPTEN_RESULT_SUCCESS) fail("send_binary returned " + std::to_string(sent));
}

unsigned short ready_state(EMSCRIPTEN_WEBSOCKET_T socket, EMSCRIPTEN_RESULT* outcome = nullptr) {
    unsigned short state = 0xffff;
    const EMSCRIPTEN_RESULT got = emscripten_websocket_get_ready_state(socket, &state);
    if (outcome != nullptr) *outcome = got;
    return state;
}

// The misuse checks that need an open socket.
void misuse_while_open() {
    Spike& s = g_spike;
    s.result.add("close_1001_from_page", try_call(Call::close, s.socket, nullptr, 1001));
    const std::string long_reason(124, 'r');  // the limit is 123 bytes
    s.result.add("close_reason_124_bytes", try_call(Call::close, s.socket, long_reason.c_str(), 1000));
    s.result.add("ready_state_open", static_cast<double>(ready_state(s.socket)));
    // tickwire speaks binary frames only: a text frame should close with 1003.
    s.result.add("send_text", static_cast<double>(emscripten_websocket_send_utf8_text(s.socket, "h\xc3\xa9")));
}

EM_BOOL on_open(int, const EmscriptenWebSocketOpenEvent*, void*) {
    Spike& s = g_spike;
    const double open_ms = page::now_ms();
    record("open");
    s.result.add("open_ms", open_ms);
    s.result.add("connect_ms", open_ms - s.new_ms);
    if (s.mode == "echo") {
        for (std::size_t i = 0; i < s.sizes.size(); ++i) send_generated(i, s.sizes[i]);
        unsigned long long buffered = 0;
        emscripten_websocket_get_buffered_amount(s.socket, &buffered);
        s.result.add("buffered_after_sends", static_cast<double>(buffered));
    } else if (s.mode == "close" || s.mode == "cut") {
        send_generated(0, 5);
    } else if (s.mode == "too-big") {
        const std::string bytes = page::query_param("bytes");
        send_generated(0, bytes.empty() ? kDefaultTooBig : static_cast<std::uint32_t>(std::atol(bytes.c_str())));
    } else if (s.mode == "misuse") {
        misuse_while_open();
    }
    return EM_TRUE;
}

EM_BOOL on_message(int, const EmscriptenWebSocketMessageEvent* event, void*) {
    Spike& s = g_spike;
    const std::size_t index = s.received++;
    s.bytes += event->numBytes;
    if (s.mode != "echo") {
        record("message " + std::to_string(event->numBytes) + (event->isText ? " text" : " binary"));
        if (s.mode == "cut") std::printf("SPIKE ready-for-cut\n");
        return EM_TRUE;
    }
    if (event->isText) fail("message " + std::to_string(index) + " arrived as text");
    if (event->numBytes == 0) s.result.add("zero_byte_data_is_null", event->data == nullptr);
    if (index >= s.sizes.size()) {
        fail("more echoes than messages sent");
        return EM_TRUE;
    }
    std::vector<std::uint8_t>& expected = s.expected;
    expected.resize(s.sizes[index]);
    page::fill_payload(index, expected.data(), expected.size());
    if (event->numBytes != expected.size()) {
        fail("message " + std::to_string(index) + ": " + std::to_string(event->numBytes) + " bytes, sent " +
             std::to_string(expected.size()));
    } else if (!expected.empty() && std::memcmp(event->data, expected.data(), expected.size()) != 0) {
        fail("message " + std::to_string(index) + ": bytes differ");
    }
    if (s.received == s.sizes.size()) {
        s.result.add("echo_ms", page::now_ms() - s.new_ms);
        record("all " + std::to_string(s.received) + " echoes");
        emscripten_websocket_close(s.socket, 1000, "spike done");
    }
    return EM_TRUE;
}

EM_BOOL on_error(int, const EmscriptenWebSocketErrorEvent*, void*) {
    record("error");
    return EM_TRUE;
}

EM_BOOL on_close(int, const EmscriptenWebSocketCloseEvent* event, void*) {
    Spike& s = g_spike;
    s.result.add("close_ms", page::now_ms());
    s.result.add("close_after_new_ms", page::now_ms() - s.new_ms);
    record("close " + std::to_string(event->code) + " clean=" + std::to_string(event->wasClean) +
           " reason=" + event->reason);
    s.result.add("close_code", static_cast<double>(event->code));
    s.result.add("close_reason", event->reason);
    s.result.add("close_clean", event->wasClean != 0);
    if (s.mode == "echo") {
        s.result.add("messages", static_cast<double>(s.received));
        s.result.add("bytes", static_cast<double>(s.bytes));
        if (s.received != s.sizes.size()) fail(std::to_string(s.received) + " echoes of " + std::to_string(s.sizes.size()));
    }
    if (s.mode == "misuse") {
        s.result.add("ready_state_closed", static_cast<double>(ready_state(s.socket)));
        const std::uint8_t bytes[4] = {5, 6, 7, 8};
        s.result.add("send_after_close", try_call(Call::send_binary, s.socket, bytes, 4));
        s.result.add("delete", static_cast<double>(emscripten_websocket_delete(s.socket)));
        EMSCRIPTEN_RESULT after_delete = 0;
        ready_state(s.socket, &after_delete);
        s.result.add("ready_state_after_delete_result", static_cast<double>(after_delete));
    }
    s.result.add("events", s.events);
    if (!s.failure.empty()) s.result.add("failure", s.failure);
    s.result.publish(s.failure.empty());
    return EM_TRUE;
}

// Misuse before a socket exists, and while it connects.
void misuse_before_open() {
    Spike& s = g_spike;
    EmscriptenWebSocketCreateAttributes bad;
    emscripten_websocket_init_create_attributes(&bad);
    bad.url = "ftp://127.0.0.1:1/";
    bad.createOnMainThread = EM_TRUE;
    s.result.add("new_with_ftp_url", try_call(Call::create, 0, &bad, 0));
    const std::uint8_t bytes[4] = {1, 2, 3, 4};
    s.result.add("send_while_connecting", try_call(Call::send_binary, s.socket, bytes, 4));
}

}  // namespace

int main() {
    Spike& s = g_spike;
    s.result.add("main_ms", page::now_ms());
    s.mode = page::query_param("mode");
    s.url = page::query_param("url");
    s.result.add("mode", s.mode);
    if (s.mode == "echo") s.sizes = page::echo_sizes(kEchoMessages, kMaxEchoBytes);

    EmscriptenWebSocketCreateAttributes attributes;
    emscripten_websocket_init_create_attributes(&attributes);
    attributes.url = s.url.c_str();
    attributes.createOnMainThread = EM_TRUE;
    s.new_ms = page::now_ms();
    s.socket = emscripten_websocket_new(&attributes);
    s.result.add("socket", static_cast<double>(s.socket));
    if (s.socket <= 0) {
        s.result.add("failure", "emscripten_websocket_new returned " + std::to_string(s.socket));
        s.result.publish(false);
        return 0;
    }
    emscripten_websocket_set_onopen_callback(s.socket, nullptr, on_open);
    emscripten_websocket_set_onmessage_callback(s.socket, nullptr, on_message);
    emscripten_websocket_set_onerror_callback(s.socket, nullptr, on_error);
    emscripten_websocket_set_onclose_callback(s.socket, nullptr, on_close);
    if (s.mode == "misuse") misuse_before_open();
    // Returning keeps the runtime alive: the callbacks run from the browser's event loop.
    return 0;
}
