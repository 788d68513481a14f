#pragma once
// Command-line parsing shared by the game's executables (tickwire-server,
// tickwire-client, tickwire-bots, tickwire-attacker): one loop shape, numbers
// checked against their range, and errors that name the option. Errors are
// std::invalid_argument; each main prints the message (and its usage) and
// exits with 2.
//
//   for (cli::Args args(argc, argv); args.next();) {
//       if (args.is("--port")) port = args.number<std::uint16_t>(0, 65535);
//       else if (args.is("--quiet")) quiet = true;
//       else if (args.positional()) url = args.current();
//       else args.unknown();
//   }
//
// Thread: any; an Args belongs to the thread that parses.

#include <cstdlib>
#include <stdexcept>
#include <string>
#include <string_view>

namespace tickwire::game::cli {

/// `text` as an integer in lo..hi; otherwise std::invalid_argument naming `option`.
inline long to_number(std::string_view option, const char* text, long lo, long hi) {
    char* end = nullptr;
    const long v = std::strtol(text, &end, 10);
    if (end == text || *end != '\0' || v < lo || v > hi) {
        throw std::invalid_argument(std::string(option) + ": expected a number in " + std::to_string(lo) + ".." +
                                    std::to_string(hi) + ", got '" + text + "'");
    }
    return v;
}

class Args {
public:
    Args(int argc, char** argv) : argc_(argc), argv_(argv) {}

    /// Step to the next argument; false once they are used up.
    bool next() { return ++index_ < argc_; }
    /// The argument stepped to.
    [[nodiscard]] std::string_view current() const { return argv_[index_]; }
    [[nodiscard]] bool is(std::string_view option) const { return current() == option; }
    /// Not an option: does not start with '-'.
    [[nodiscard]] bool positional() const { return !current().empty() && current().front() != '-'; }

    /// The value after the current option (consumed with it).
    const char* value() {
        if (index_ + 1 >= argc_) throw std::invalid_argument(std::string(current()) + " needs a value");
        return argv_[++index_];
    }
    /// The next argument if it is not an option (consumed), else null: for
    /// options whose value may be left out.
    const char* optional_value() {
        if (index_ + 1 >= argc_ || argv_[index_ + 1][0] == '-') return nullptr;
        return argv_[++index_];
    }
    /// The value after the current option as a number in lo..hi.
    template <class T = int>
    T number(long lo, long hi) {
        const std::string_view option = current();
        return static_cast<T>(to_number(option, value(), lo, hi));
    }

    [[noreturn]] void unknown() const { throw std::invalid_argument("unknown option '" + std::string(current()) + "'"); }

private:
    int argc_;
    char** argv_;
    int index_ = 0;  // argv[0] is the program
};

}  // namespace tickwire::game::cli
