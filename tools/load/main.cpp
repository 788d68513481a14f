// tickwire-load: a load generator for WebSocket servers (like wrk for
// WebSockets) — echo load over N connections (closed loop or a fixed rate),
// the same over plain TCP (the floor), idle connections (server memory per
// connection), a tickwire match of N bots, or just watching a server. A live
// progress line on stderr; a table, or --json, on stdout. See tools/load/README.md.
#include <cstdio>
#include <stdexcept>

#include "echo_driver.hpp"
#include "tickwire/cli.hpp"
#include "load_options.hpp"
#include "report.hpp"
#include "server_window.hpp"
#ifdef TICKWIRE_LOAD_WITH_MATCH
#include "match_mode.hpp"
#endif

int main(int argc, char** argv) {
    using namespace tickwire::load;
    LoadOptions options;
    try {
        options = parse_options(argc, argv);
    } catch (const std::invalid_argument& e) {
        return tickwire::cli::usage_error("tickwire-load", e.what());
    }
    if (options.help) {
        std::fputs(usage().c_str(), stdout);
        return 0;
    }
    Report report;
    bool ok = false;
    switch (options.mode) {
    case Mode::echo:
    case Mode::raw:
    case Mode::idle: ok = run_echo(options, report); break;
    case Mode::monitor: ok = run_monitor(options, report); break;
    case Mode::match:
#ifdef TICKWIRE_LOAD_WITH_MATCH
        ok = run_match(options, report);
#else
        std::fputs("tickwire-load: match mode needs the game (build with TICKWIRE_BUILD_GAME=ON)\n", stderr);
        return 2;
#endif
        break;
    }
    if (options.json) {
        report.print_json(stdout);
    } else {
        std::printf("tickwire-load %s %s\n", to_string(options.mode), options.url.c_str());
        report.print_table(stdout);
    }
    return ok ? 0 : 1;
}
