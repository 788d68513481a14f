#pragma once
// Load a page of the web build in headless Chromium (run_page.js) from a
// GoogleTest, and read what it published.
//
// Thread: the test thread.

#include <chrono>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace tickwire::test {

struct PageRun {
    /// run_page.js: 0 the page published ok, 1 it published a failure,
    /// 2 no result (timeout, browser or page did not start); -1 never exited.
    int exit_status = -1;
    std::map<std::string, std::string, std::less<>> fields;  ///< the page's result ("RESULT key=value")
    std::vector<std::string> lines;  ///< everything run_page.js printed

    /// The field's value, "" when the page did not publish it.
    [[nodiscard]] std::string field(std::string_view key) const;
    [[nodiscard]] double number(std::string_view key) const;
    /// Everything printed, for failure messages.
    [[nodiscard]] std::string transcript() const;
};

struct PageHooks {
    /// Each line run_page.js prints, as it comes (e.g. "[page] log: SPIKE ready-for-cut").
    std::function<void(const std::string& line)> on_line;
    /// Called at least every 20 ms while the page runs (e.g. to poll a Server).
    std::function<void()> on_tick;
    /// A script (path) added to the page once loaded, to drive a page that is
    /// not a test page (it publishes window.tickwireTest itself).
    std::string driver_script;
};

/// Loads `page` and waits for its result, at most `timeout`. `page` is a path
/// under the web build's web/ folder, with its query (run_page.js serves it),
/// or an http:// URL of a server the test started (e.g. tickwire-echo --web-root). Saves a screenshot named
/// `screenshot_name`.png in the test build's screenshots/ folder.
PageRun run_page(const std::string& page, const std::string& screenshot_name, const PageHooks& hooks = {},
                 std::chrono::seconds timeout = std::chrono::seconds(60));

/// "ws://127.0.0.1:PORT/PATH", for a page's query.
std::string loopback_ws_url(unsigned port, std::string_view path = "/");

}  // namespace tickwire::test
