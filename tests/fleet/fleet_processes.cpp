#include "fleet_processes.hpp"

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <stdexcept>
#include <thread>

#include "http_worker.hpp"
#include "tickwire/game/fleet/seat_ticket.hpp"

namespace tickwire::test {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

void WatchedProcess::pump(std::chrono::milliseconds wait) {
    auto line = child_.read_line(wait);
    while (line) {
        lines_.push_back(std::move(*line));
        line = child_.read_line(0ms);
    }
}

std::size_t WatchedProcess::count(std::string_view text) const {
    std::size_t n = 0;
    for (const std::string& line : lines_) n += line.find(text) != std::string::npos ? 1 : 0;
    return n;
}

std::string WatchedProcess::last(std::string_view text) const {
    for (auto it = lines_.rbegin(); it != lines_.rend(); ++it)
        if (it->find(text) != std::string::npos) return *it;
    return {};
}

std::string WatchedProcess::transcript() const {
    std::string out = child_.command() + "\n";
    // The end is what explains a failure; a whole run would drown it.
    const std::size_t from = lines_.size() > 60 ? lines_.size() - 60 : 0;
    for (std::size_t i = from; i < lines_.size(); ++i) out += "  | " + lines_[i] + "\n";
    return out;
}

SecretFile::SecretFile() {
    game::fleet::TicketNonce a, b;
    if (!game::fleet::random_nonce(a) || !game::fleet::random_nonce(b)) throw std::runtime_error("no randomness");
    static constexpr char kHex[] = "0123456789abcdef";
    for (const auto* half : {&a, &b})
        for (const std::uint8_t byte : *half) {
            key_ += kHex[byte >> 4];
            key_ += kHex[byte & 15];
        }
    char path[] = "/tmp/tickwire-fleet-secret-XXXXXX";
    const int fd = ::mkstemp(path);
    if (fd < 0) throw std::runtime_error("mkstemp failed");
    ::close(fd);
    path_ = path;
    std::ofstream(path_) << key_ << "\n";
}

SecretFile::~SecretFile() { std::remove(path_.c_str()); }

FleetServer start_server(const std::string& id, const std::string& directory, const SecretFile& secret,
                         std::vector<std::string> extra) {
    std::vector<std::string> argv{TICKWIRE_SERVER_BIN, "--address", "127.0.0.1", "--port", "0", "--process-id", id,
                                  "--fleet-secret-file", secret.path(), "--status-interval", "0"};
    if (!directory.empty()) {
        argv.push_back("--directory");
        argv.push_back(directory);
    }
    argv.insert(argv.end(), extra.begin(), extra.end());
    FleetServer server{id, 0, WatchedProcess(ChildProcess::start(argv, ChildOptions{.merge_stderr = true}))};
    // "listening on ws://127.0.0.1:PORT (...) as process ID"
    const auto deadline = Clock::now() + 10s;
    while (server.port == 0 && Clock::now() < deadline) {
        server.process.pump(100ms);
        const std::string line = server.process.last("listening on ");
        const auto colon = line.find(':', line.find("127.0.0.1"));
        if (colon != std::string::npos) server.port = static_cast<std::uint16_t>(std::atoi(line.c_str() + colon + 1));
    }
    if (server.port == 0) throw std::runtime_error("tickwire-server did not start:\n" + server.process.transcript());
    // Ready: with a directory, once it has read the fleet (matchmaking can place players).
    if (!wait_for(10s, [&] { return http_get(server.http("/healthz")).status == 200; }, {&server.process}))
        throw std::runtime_error("tickwire-server never became ready:\n" + server.process.transcript());
    return server;
}

WatchedProcess start_bots(const std::string& url, int count, const std::string& name) {
    return WatchedProcess(ChildProcess::start(
        {TICKWIRE_BOTS_BIN, url, "--count", std::to_string(count), "--name", name}, ChildOptions{.merge_stderr = true}));
}

namespace {

int field_after(const WatchedProcess& bots, std::string_view key) {
    const std::string line = bots.last(" joined ");
    const auto at = line.find(key);
    return at == std::string::npos ? -1 : std::atoi(line.c_str() + at + key.size());
}

}  // namespace

int bots_joined(const WatchedProcess& bots) { return field_after(bots, " joined "); }
int bots_rematches(const WatchedProcess& bots) { return field_after(bots, " rematches "); }
int bots_slowest(const WatchedProcess& bots) { return field_after(bots, "(slowest bot "); }

boost::json::value HttpAnswer::json() const {
    boost::json::error_code ec;
    boost::json::value value = boost::json::parse(body, ec);
    return ec ? boost::json::value() : value;
}

HttpAnswer http_get(const std::string& url) {
    game::fleet::detail::HttpRequest request;
    request.timeout = 5s;
    std::string error;
    if (!game::fleet::detail::parse_http_url(url, request, error)) return {0, error};
    const auto outcome = game::fleet::detail::HttpWorker::fetch_now(request);
    return {outcome.status, outcome.status != 0 ? outcome.body : outcome.error};
}

std::optional<std::vector<ListedRoom>> fleet_rooms(const FleetServer& server) {
    const HttpAnswer answer = http_get(server.http("/rooms?all=1"));
    const boost::json::value json = answer.json();
    if (answer.status != 200 || !json.is_array()) return std::nullopt;
    std::vector<ListedRoom> rooms;
    for (const boost::json::value& room : json.as_array()) {
        const boost::json::object& o = room.as_object();
        rooms.push_back({std::string(o.at("code").as_string()), std::string(o.at("process").as_string()),
                         o.at("players").to_number<std::int64_t>(), o.at("capacity").to_number<std::int64_t>()});
    }
    return rooms;
}

bool wait_for(std::chrono::milliseconds timeout, const std::function<bool()>& condition,
              std::vector<WatchedProcess*> processes) {
    const auto deadline = Clock::now() + timeout;
    while (true) {
        for (WatchedProcess* p : processes) p->pump();
        if (condition()) return true;
        if (Clock::now() >= deadline) return false;
        // Output, if any, wakes us early; otherwise look again shortly.
        if (!processes.empty()) {
            processes.front()->pump(50ms);
        } else {
            std::this_thread::sleep_for(50ms);
        }
    }
}

}  // namespace tickwire::test
