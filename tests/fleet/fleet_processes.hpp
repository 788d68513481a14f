#pragma once
// The fleet tests' real processes: tickwire-server and tickwire-bots started
// as children (ChildProcess: killed and reaped when the test ends, even if it
// fails), their output read as it comes (a full pipe would stall them), and
// plain HTTP GETs to the servers' endpoints.
//
// Thread: the test thread.

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json.hpp>

#include "child_process.hpp"

namespace tickwire::test {

/// A child whose output lines are kept (pump() reads what has come).
class WatchedProcess {
public:
    explicit WatchedProcess(ChildProcess child) : child_(std::move(child)) {}

    /// Reads every line available now (waits at most `wait` for the first).
    void pump(std::chrono::milliseconds wait = std::chrono::milliseconds(0));
    /// Lines containing `text` so far.
    [[nodiscard]] std::size_t count(std::string_view text) const;
    [[nodiscard]] const std::vector<std::string>& lines() const noexcept { return lines_; }
    /// The last line containing `text`, or empty.
    [[nodiscard]] std::string last(std::string_view text) const;
    [[nodiscard]] std::string transcript() const;
    ChildProcess& child() noexcept { return child_; }

private:
    ChildProcess child_;
    std::vector<std::string> lines_;
};

struct FleetServer {
    std::string id;
    std::uint16_t port = 0;
    WatchedProcess process;

    [[nodiscard]] std::string http(std::string_view path) const {
        return "http://127.0.0.1:" + std::to_string(port) + std::string(path);
    }
    [[nodiscard]] std::string ws(std::string_view path) const {
        return "ws://127.0.0.1:" + std::to_string(port) + std::string(path);
    }
};

/// A file holding a fresh fleet secret, removed with the object.
class SecretFile {
public:
    SecretFile();
    ~SecretFile();
    SecretFile(const SecretFile&) = delete;
    SecretFile& operator=(const SecretFile&) = delete;
    [[nodiscard]] const std::string& path() const noexcept { return path_; }
    [[nodiscard]] const std::string& key() const noexcept { return key_; }

private:
    std::string path_, key_;
};

/// tickwire-server on a free port as process `id`, with `directory` (redis://,
/// may be empty) and the fleet secret; waits until it listens.
FleetServer start_server(const std::string& id, const std::string& directory, const SecretFile& secret,
                         std::vector<std::string> extra = {});

/// tickwire-bots playing `url` (one line of totals a second).
WatchedProcess start_bots(const std::string& url, int count, const std::string& name);
/// "joined N" of the bots' last totals line; -1 before the first.
int bots_joined(const WatchedProcess& bots);
/// "rematches N" (the bots' total) of the last totals line; -1 before the first.
int bots_rematches(const WatchedProcess& bots);
/// "(slowest bot N/s)" of the bots' last totals line; -1 before the first.
int bots_slowest(const WatchedProcess& bots);

struct HttpAnswer {
    int status = 0;  ///< 0: no answer (see body)
    std::string body;
    [[nodiscard]] boost::json::value json() const;
};
/// GET `url` (http://), blocking, bounded.
HttpAnswer http_get(const std::string& url);

/// Every room of the fleet as GET /rooms?all=1 on `server` lists it; nullopt if it did not answer 200.
struct ListedRoom {
    std::string code, process;
    std::int64_t players = 0, capacity = 0;
};
std::optional<std::vector<ListedRoom>> fleet_rooms(const FleetServer& server);

/// Pumps `processes` and re-checks `condition` every 50 ms until it holds or
/// `timeout` passes; true if it held.
bool wait_for(std::chrono::milliseconds timeout, const std::function<bool()>& condition,
              std::vector<WatchedProcess*> processes = {});

}  // namespace tickwire::test
