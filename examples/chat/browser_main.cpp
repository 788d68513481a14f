// The chat example's client as a web page (chat.html): the same ChatClient as
// the terminal program, behind a plain HTML form: a server URL and a name
// with Connect, the list of messages, a line with Send. Leaving the page
// leaves the room with a clean close (1000).
//
// Thread: the browser's main thread. The page's frame loop
// (emscripten_set_main_loop) polls the client as a game polls once per frame.

#include <emscripten/emscripten.h>
#include <emscripten/html5.h>

#include <cstdlib>
#include <optional>
#include <string>

#include "chat_client.hpp"
#include "chat_protocol.hpp"

namespace {

// The value of the <input> with this id (a malloc'ed copy; see field()).
EM_JS(char*, js_field_value, (const char* id), {
    const value = document.getElementById(UTF8ToString(id)).value;
    const size = lengthBytesUTF8(value) + 1;
    const copy = _malloc(size);
    stringToUTF8(value, copy, size);
    return copy;
});

EM_JS(void, js_clear_field, (const char* id), { document.getElementById(UTF8ToString(id)).value = ""; });

// Appends a list item; as text, never as HTML.
EM_JS(void, js_append_message, (const char* css_class, const char* text), {
    const list = document.getElementById('messages');
    const item = document.createElement('li');
    item.className = UTF8ToString(css_class);
    item.textContent = UTF8ToString(text);
    list.appendChild(item);
    list.scrollTop = list.scrollHeight;
});

// Connect form usable when disconnected, the say form when connected.
EM_JS(void, js_show_connected, (bool connected), {
    for (const id of ['url', 'name', 'connect']) document.getElementById(id).disabled = connected;
    for (const id of ['line', 'send']) document.getElementById(id).disabled = !connected;
    document.getElementById(connected ? 'line' : 'url').focus();
});

std::string field(const char* id) {
    char* value = js_field_value(id);
    std::string copy(value);
    std::free(value);
    return copy;
}

class PageView : public chat::ChatView {
public:
    void show_line(std::string_view name, std::string_view text, bool earlier) override {
        const std::string item = std::string(name) + ": " + std::string(text);
        js_append_message(earlier ? "earlier" : "", item.c_str());
    }
    void show_notice(std::string_view text) override { js_append_message("notice", std::string(text).c_str()); }
};

struct Page {
    PageView view;
    std::optional<chat::ChatClient> client;
};
Page g_page;

EM_BOOL on_connect(int, const EmscriptenMouseEvent*, void*) {
    const std::string name = field("name");
    if (const auto why = chat::check_text(name, chat::kMaxNameBytes); !why.empty()) {
        g_page.view.show_notice("name: " + std::string(why));
        return EM_TRUE;
    }
    g_page.client.emplace(field("url"), name);
    js_show_connected(true);
    return EM_TRUE;
}

EM_BOOL on_send(int, const EmscriptenMouseEvent*, void*) {
    if (!g_page.client) return EM_TRUE;
    const std::string line = field("line");
    if (const auto why = g_page.client->say(line); !why.empty()) {
        g_page.view.show_notice("not sent: " + std::string(why));
        return EM_TRUE;
    }
    js_clear_field("line");
    return EM_TRUE;
}

const char* on_unload(int, const void*, void*) {
    if (g_page.client) g_page.client->leave();
    return nullptr;  // no "leave this page?" prompt
}

void frame() {
    if (!g_page.client) return;
    g_page.client->poll(g_page.view);
    if (g_page.client->closed()) {
        g_page.client.reset();
        js_show_connected(false);
    }
}

}  // namespace

int main() {
    // A click on a form's submit button also comes from Enter in its fields.
    emscripten_set_click_callback("#connect", nullptr, EM_FALSE, on_connect);
    emscripten_set_click_callback("#send", nullptr, EM_FALSE, on_send);
    emscripten_set_beforeunload_callback(nullptr, on_unload);
    js_show_connected(false);
    emscripten_set_main_loop(frame, 0, EM_FALSE);  // every animation frame
    return 0;
}
