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
#include "tickwire/game/cli.hpp"

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
        "  --no-session       the server runs --no-session (plain WebSocket)\n"
        "  --quiet            totals only\n",
        out);
}

}  // namespace

int main(int argc, char** argv) {
    Target target;
    std::vector<Attack> attacks = all_attacks();
    bool loop = false, quiet = false;
    long duration_s = 60, pause_ms = 50;
    try {
        for (tickwire::game::cli::Args args(argc, argv); args.next();) {
            if (args.is("--help") || args.is("-h")) {
                usage(stdout);
                return 0;
            } else if (args.is("--list")) {
                for (Attack k : all_attacks()) std::printf("%.*s\n", static_cast<int>(to_string(k).size()), to_string(k).data());
                return 0;
            } else if (args.is("--address")) {
                target.address = args.value();
            } else if (args.is("--port")) {
                target.port = args.number<std::uint16_t>(0, 65535);
            } else if (args.is("--room")) {
                target.room = args.value();
            } else if (args.is("--missing-room")) {
                target.missing_room = args.value();
            } else if (args.is("--only")) {
                attacks.clear();
                std::string list = args.value();
                for (std::size_t start = 0; start <= list.size();) {
                    const auto comma = std::min(list.find(',', start), list.size());
                    Attack k{};
                    if (!parse_attack(list.substr(start, comma - start), k))
                        throw std::invalid_argument("unknown attack " + list.substr(start, comma - start));
                    attacks.push_back(k);
                    start = comma + 1;
                }
            } else if (args.is("--loop")) {
                loop = true;
            } else if (args.is("--duration")) {
                duration_s = args.number<long>(0, 100000000);
            } else if (args.is("--pause-ms")) {
                pause_ms = args.number<long>(0, 100000000);
            } else if (args.is("--trickle-ms")) {
                target.trickle_interval = std::chrono::milliseconds(args.number(1, 600000));
            } else if (args.is("--flood")) {
                target.flood_count = args.number(1, 100000);
            } else if (args.is("--flood-source")) {
                target.flood_source = args.value();
            } else if (args.is("--flood-base")) {
                target.flood_base = args.value();
            } else if (args.is("--no-session")) {
                target.session = false;
            } else if (args.is("--quiet")) {
                quiet = true;
            } else {
                args.unknown();
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
