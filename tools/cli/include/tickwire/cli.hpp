#pragma once
// The command line of every tickwire executable (the game's, the tools, the
// benchmarks, the engine's demo): CLI11 (Debian libcli11-dev), used the same
// way everywhere so --help and errors look alike:
//
//   - --help / -h prints the help on stdout and exits 0;
//   - a bad argument prints "NAME: what" and "Run with --help for more
//     information." on stderr and exits 2 (CLI11's own codes are over 100);
//   - `check` runs after parsing for rules that span options, and for
//     required arguments (CLI11's ->required() is checked before unknown
//     options, so "--prot 80" would say "--port is required" instead of
//     naming the typo); a std::invalid_argument it throws is a bad argument.
//
//   CLI::App app{"WebSocket echo server.", "tickwire-echo"};
//   app.add_option("--port", port, "port to listen on; 0 picks a free one (required)");
//   const auto check = [&] { if (app.count("--port") == 0) throw std::invalid_argument("--port is required"); };
//   if (const auto exit = tickwire::cli::parse(app, argc, argv, check)) return *exit;
//
// Thread: the main thread, before anything else runs.

#include <cstdio>
#include <functional>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include <CLI/CLI.hpp>

namespace tickwire::cli {

inline constexpr int kUsageError = 2;

/// Prints a bad-argument message the way every tickwire executable does; returns 2.
inline int usage_error(std::string_view program, std::string_view what) {
    std::fprintf(stderr, "%.*s: %.*s\nRun with --help for more information.\n", static_cast<int>(program.size()),
                 program.data(), static_cast<int>(what.size()), what.data());
    return kUsageError;
}
inline int usage_error(const CLI::App& app, std::string_view what) { return usage_error(app.get_name(), what); }

/// The --help text, ending with a newline whether or not a footer was set.
inline std::string help(const CLI::App& app) {
    std::string text = app.help();
    if (!text.ends_with('\n')) text += '\n';
    return text;
}

/// What went wrong, in the words every tickwire executable uses: CLI11's own
/// message, except that a stray argument is named ("unknown option --x").
inline std::string describe(const CLI::App& app, const CLI::ParseError& e) {
    if (dynamic_cast<const CLI::ExtrasError*>(&e) != nullptr) {
        const std::vector<std::string> rest = app.remaining();
        if (!rest.empty()) return (rest.front().starts_with('-') ? "unknown option " : "unexpected argument ") + rest.front();
    }
    return e.what();
}

/// Parses; nullopt to carry on, else the exit code (0 after --help).
inline std::optional<int> parse(CLI::App& app, int argc, const char* const* argv,
                                const std::function<void()>& check = {}) {
    try {
        app.parse(argc, argv);
        if (check) check();
        return std::nullopt;
    } catch (const CLI::ParseError& e) {
        if (e.get_exit_code() == 0) {  // --help
            std::fputs(help(app).c_str(), stdout);
            return 0;
        }
        return usage_error(app, describe(app, e));
    } catch (const std::invalid_argument& e) {
        return usage_error(app, e.what());
    }
}

}  // namespace tickwire::cli
