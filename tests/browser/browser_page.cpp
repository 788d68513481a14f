#include "browser_page.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>

#include "child_process.hpp"
#include "interop_support.hpp"

namespace tickwire::test {

namespace {

constexpr std::string_view kResultPrefix = "RESULT ";

// Why the browser tests cannot run here, or empty when they can.
std::string browser_unavailable() {
    const std::filesystem::path runner_dir = std::filesystem::path(TICKWIRE_PAGE_RUNNER).parent_path();
    if (!std::filesystem::exists(runner_dir / "node_modules/playwright-core/package.json"))
        return "npm playwright-core is not installed in " + runner_dir.string() +
               " (scripts/test.sh runs npm ci there)";
    if (!std::filesystem::exists(TICKWIRE_WEB_PAGES_DIR "/tests"))
        return std::string("no web build in ") + TICKWIRE_WEB_PAGES_DIR + " (run scripts/build-web.sh)";
    if (!std::filesystem::exists("/usr/bin/chromium") && std::getenv("TICKWIRE_CHROMIUM") == nullptr)
        return "no /usr/bin/chromium (scripts/install-deps.sh --web installs it)";
    return {};
}

}  // namespace

std::string PageRun::field(std::string_view key) const {
    const auto found = fields.find(key);
    return found == fields.end() ? std::string() : found->second;
}

double PageRun::number(std::string_view key) const { return std::atof(field(key).c_str()); }

std::string PageRun::transcript() const {
    std::string text;
    for (const std::string& line : lines) text += "  | " + line + "\n";
    return text;
}

PageRun run_page(const std::string& page, const std::string& screenshot_name, const PageHooks& hooks,
                 std::chrono::seconds timeout) {
    PageRun run;
    if (const std::string why = browser_unavailable(); !why.empty()) {
        ADD_FAILURE() << "cannot run browser tests: " << why;
        return run;
    }
    const std::string screenshot = std::string(TICKWIRE_SCREENSHOT_DIR) + "/" + screenshot_name + ".png";
    const auto timeout_ms = std::chrono::duration_cast<std::chrono::milliseconds>(timeout).count();
    std::vector<std::string> argv = {kNodePath, TICKWIRE_PAGE_RUNNER};
    if (page.starts_with("http://") || page.starts_with("https://"))
        argv.insert(argv.end(), {"--url", page});  // served by a native server the test started
    else
        argv.insert(argv.end(), {"--root", TICKWIRE_WEB_PAGES_DIR, "--page", page});
    argv.insert(argv.end(), {"--screenshot", screenshot, "--timeout-ms", std::to_string(timeout_ms)});
    if (!hooks.driver_script.empty()) argv.insert(argv.end(), {"--script", hooks.driver_script});
    ChildProcess runner = ChildProcess::start(std::move(argv), {.merge_stderr = true});
    // The runner gives up at `timeout` itself; the extra time covers starting
    // and closing the browser.
    const auto deadline = Clock::now() + timeout + 30s;
    while (!runner.stdout_closed() && Clock::now() < deadline) {
        if (hooks.on_tick) hooks.on_tick();
        const auto line = runner.read_line(20ms);
        if (!line) continue;
        run.lines.push_back(*line);
        if (line->starts_with(kResultPrefix)) {
            const std::string_view entry = std::string_view(*line).substr(kResultPrefix.size());
            const auto equals = entry.find('=');
            if (equals != std::string_view::npos)
                run.fields.emplace(std::string(entry.substr(0, equals)), std::string(entry.substr(equals + 1)));
        }
        if (hooks.on_line) hooks.on_line(*line);
    }
    if (const auto status = runner.wait(5s)) run.exit_status = *status;
    if (run.exit_status == -1) ADD_FAILURE() << runner.command() << ": did not finish\n" << run.transcript();
    return run;
}

std::string loopback_ws_url(unsigned port, std::string_view path) {
    return "ws://127.0.0.1:" + std::to_string(port) + std::string(path);
}

}  // namespace tickwire::test
