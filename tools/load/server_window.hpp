#pragma once
// ServerWindow: what a server did over a measured window — CPU (user, system)
// from /proc/PID/stat; bytes and TCP segments its sockets on the listening
// port sent and received, from the kernel's tcp_info (`ss -tin`: /proc/PID/io
// would miss Asio's sendmsg, which wchar does not count); and, when it has
// one, its JSON status endpoint's figures (tick p99, superseded snapshots).
// The same code measures tickwire-server and the Colyseus peer.
//
// Thread: the caller's.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

#include <boost/json/object.hpp>

#include "proc_sample.hpp"
#include "report.hpp"

namespace tickwire::load {

/// Sums over the established TCP connections whose local port is `port`.
struct TcpCounters {
    std::uint64_t bytes_sent = 0, bytes_received = 0, segments_out = 0, segments_in = 0, sockets = 0;
};
/// Parse `ss -tinH` output (exposed for the unit test).
TcpCounters parse_ss_output(const std::string& text);
/// Runs ss; nullopt if it cannot.
std::optional<TcpCounters> tcp_counters(std::uint16_t port);

class ServerWindow {
public:
    ServerWindow(int pid, std::uint16_t port, std::string status_url)
        : pid_(pid), port_(port), status_url_(std::move(status_url)) {}
    void begin();
    void end();
    /// Figures per client over the window; `clients` > 0.
    void report(Report& r, std::size_t clients) const;

private:
    int pid_;
    std::uint16_t port_;
    std::string status_url_;
    std::optional<TcpCounters> tcp_start_, tcp_end_;
    std::optional<ProcSample> start_, end_;
    std::optional<boost::json::object> status_start_, status_end_;  // the status endpoint's JSON
};

/// tickwire-load monitor: sleep through warm-up, measure the server for the
/// duration. For servers whose clients run elsewhere (the Colyseus bots).
bool run_monitor(const struct LoadOptions& options, Report& report);

}  // namespace tickwire::load
