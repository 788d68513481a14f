// tickwire-attacker: runs the hostile-input attacks against a live
// tickwire-server, once or in a loop, printing what the server answered to
// each. The abuse benchmark (bench/abuse) runs it next to tickwire-bots.
//
//   tickwire-attacker [--address 127.0.0.1] [--port 7777] [--room arena] [--missing-room nosuch]
//                     [--only a,b,...] [--loop] [--duration S] [--pause-ms 50] [--trickle-ms 1000]
//                     [--flood N] [--flood-source A] [--flood-base P] [--quiet]
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "tickwire/game/attacker/attacks.hpp"

namespace {

using namespace tickwire::game::attacker;
using Clock = std::chrono::steady_clock;

void usage(std::FILE* out) {
    std::fputs(
        "usage: tickwire-attacker [options]\n"
        "  --address A        server address, IPv4 (default 127.0.0.1)\n"
        "  --port N           (default 7777)\n"
        "  --room CODE        an existing room (default arena)\n"
        "  --missing-room C   a room that does not exist (default nosuch)\n"
        "  --only a,b,...     these attacks only (default all; --list names them)\n"
        "  --loop             repeat until --duration is over (default: once)\n"
        "  --duration S       seconds, with --loop (default 60)\n"
        "  --pause-ms MS      between attacks (default 50)\n"
        "  --trickle-ms MS    trickled handshake: one byte per MS (default 1000)\n"
        "  --flood N          sockets per connection flood (default 40)\n"
        "  --flood-source A   per-address flood from A (default 127.0.0.3)\n"
        "  --flood-base P     global flood from P1, P2, ... (default 127.0.1.)\n"
        "  --quiet            totals only\n",
        out);
}

long to_long(const std::string& flag, const char* v) {
    char* end = nullptr;
    const long n = std::strtol(v, &end, 10);
    if (end == v || *end != '\0' || n < 0) throw std::invalid_argument(flag + " wants a number");
    return n;
}

}  // namespace

int main(int argc, char** argv) {
    Target target;
    std::vector<Attack> attacks = all_attacks();
    bool loop = false, quiet = false;
    long duration_s = 60, pause_ms = 50;
    try {
        for (int i = 1; i < argc; ++i) {
            const std::string a = argv[i];
            auto next = [&]() -> const char* {
                if (i + 1 >= argc) throw std::invalid_argument(a + " needs a value");
                return argv[++i];
            };
            if (a == "--help" || a == "-h") {
                usage(stdout);
                return 0;
            } else if (a == "--list") {
                for (Attack k : all_attacks()) std::printf("%.*s\n", static_cast<int>(to_string(k).size()), to_string(k).data());
                return 0;
            } else if (a == "--address") {
                target.address = next();
            } else if (a == "--port") {
                target.port = static_cast<std::uint16_t>(to_long(a, next()));
            } else if (a == "--room") {
                target.room = next();
            } else if (a == "--missing-room") {
                target.missing_room = next();
            } else if (a == "--only") {
                attacks.clear();
                std::string list = next();
                for (std::size_t start = 0; start <= list.size();) {
                    const auto comma = std::min(list.find(',', start), list.size());
                    Attack k{};
                    if (!parse_attack(list.substr(start, comma - start), k))
                        throw std::invalid_argument("unknown attack " + list.substr(start, comma - start));
                    attacks.push_back(k);
                    start = comma + 1;
                }
            } else if (a == "--loop") {
                loop = true;
            } else if (a == "--duration") {
                duration_s = to_long(a, next());
            } else if (a == "--pause-ms") {
                pause_ms = to_long(a, next());
            } else if (a == "--trickle-ms") {
                target.trickle_interval = std::chrono::milliseconds(to_long(a, next()));
            } else if (a == "--flood") {
                target.flood_count = static_cast<int>(to_long(a, next()));
            } else if (a == "--flood-source") {
                target.flood_source = next();
            } else if (a == "--flood-base") {
                target.flood_base = next();
            } else if (a == "--quiet") {
                quiet = true;
            } else {
                throw std::invalid_argument("unknown option " + a);
            }
        }
    } catch (const std::exception& e) {
        std::fprintf(stderr, "tickwire-attacker: %s\n", e.what());
        usage(stderr);
        return 2;
    }

    const auto end = Clock::now() + std::chrono::seconds(duration_s);
    std::map<std::string, std::map<std::string, int>> seen;  // attack -> answer -> count
    int runs = 0, failures = 0;
    do {
        for (const Attack k : attacks) {
            if (loop && Clock::now() >= end) break;
            const auto start = Clock::now();
            const Outcome o = run_attack(k, target);
            target.seed += 1;
            ++runs;
            std::string answer = o.http_status != 0 ? "http " + std::to_string(o.http_status)
                                 : o.close_code != 0 ? "close " + std::to_string(o.close_code)
                                 : o.closed          ? "closed"
                                                     : "open";
            if (o.accepted + o.refused > 0) answer += " (" + std::to_string(o.refused) + " refused)";
            if (!o.error.empty()) {
                answer = "error: " + o.error;
                ++failures;
            }
            ++seen[std::string(to_string(k))][answer];
            if (!quiet) {
                std::printf("%-22.*s %-28s %5lld ms\n", static_cast<int>(to_string(k).size()), to_string(k).data(),
                            answer.c_str(),
                            static_cast<long long>(
                                std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start).count()));
                std::fflush(stdout);
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(pause_ms));
        }
    } while (loop && Clock::now() < end);

    std::printf("attacks %d, could not run %d\n", runs, failures);
    for (const auto& [name, answers] : seen) {
        std::printf("  %-22s", name.c_str());
        for (const auto& [answer, count] : answers) std::printf(" %s x%d;", answer.c_str(), count);
        std::printf("\n");
    }
    return failures == 0 ? 0 : 1;
}
