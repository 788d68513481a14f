// tickwire-attacker: runs the hostile-input attacks against a live
// tickwire-server, once or in a loop, printing what the server answered to
// each. The abuse benchmark (bench/abuse) runs it next to tickwire-bots.
//
//   tickwire-attacker [--address 127.0.0.1] [--port 7777] [--room arena] [--missing-room nosuch]
//                     [--only a,b,...] [--loop] [--duration S] [--pause-ms 50] [--trickle-ms 1000]
//                     [--flood N] [--flood-source A] [--flood-base P] [--quiet]
#include <chrono>
#include <cstdio>
#include <map>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "tickwire/cli.hpp"
#include "tickwire/game/attacker/attacks.hpp"

namespace {

using namespace tickwire::game::attacker;
using Clock = std::chrono::steady_clock;

}  // namespace

int main(int argc, char** argv) {
    Target target;
    std::vector<Attack> attacks = all_attacks();
    bool loop = false, quiet = false;
    long duration_s = 60, pause_ms = 50;
    int trickle_ms = static_cast<int>(target.trickle_interval.count());
    std::vector<std::string> only;
    bool list = false;
    CLI::App app{"Runs the hostile-input attacks against a live tickwire-server and prints what it answered.",
                 "tickwire-attacker"};
    app.add_option("--address", target.address, "server address, IPv4")->capture_default_str();
    app.add_option("--port", target.port)->capture_default_str();
    app.add_option("--room", target.room, "an existing room")->capture_default_str();
    app.add_option("--missing-room", target.missing_room, "a room that does not exist")->capture_default_str();
    app.add_option("--only", only, "these attacks only (default all; --list names them)")->delimiter(',');
    app.add_flag("--list", list, "name the attacks and exit");
    app.add_flag("--loop", loop, "repeat until --duration is over (default: once)");
    app.add_option("--duration", duration_s, "seconds, with --loop")->check(CLI::Range(0L, 100000000L))->capture_default_str();
    app.add_option("--pause-ms", pause_ms, "between attacks")->check(CLI::Range(0L, 100000000L))->capture_default_str();
    app.add_option("--trickle-ms", trickle_ms, "trickled handshake: one byte per MS")
        ->check(CLI::Range(1, 600000))
        ->capture_default_str();
    app.add_option("--flood", target.flood_count, "sockets per connection flood")
        ->check(CLI::Range(1, 100000))
        ->capture_default_str();
    app.add_option("--flood-source", target.flood_source, "per-address flood from A")->capture_default_str();
    app.add_option("--flood-base", target.flood_base, "global flood from P1, P2, ...")->capture_default_str();
    app.add_flag_callback("--no-session", [&] { target.session = false; }, "the server runs --no-session (plain WebSocket)");
    app.add_flag("--quiet", quiet, "totals only");
    const auto check = [&] {
        if (only.empty()) return;
        attacks.clear();
        for (const std::string& name : only) {
            Attack k{};
            if (!parse_attack(name, k)) throw std::invalid_argument("--only: unknown attack " + name);
            attacks.push_back(k);
        }
    };
    if (const auto exit = tickwire::cli::parse(app, argc, argv, check)) return *exit;
    if (list) {
        for (Attack k : all_attacks()) std::printf("%.*s\n", static_cast<int>(to_string(k).size()), to_string(k).data());
        return 0;
    }
    target.trickle_interval = std::chrono::milliseconds(trickle_ms);

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
