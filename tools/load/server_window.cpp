#include "server_window.hpp"

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <thread>

#include "http_get.hpp"
#include "load_options.hpp"

namespace tickwire::load {

namespace {

// The server's status document, if it answers with a JSON object.
std::optional<boost::json::object> status(const std::string& url) {
    const auto body = http_get(url);
    return body ? json_object(*body) : std::nullopt;
}

}  // namespace

TcpCounters parse_ss_output(const std::string& text) {
    TcpCounters c;
    const auto sum = [&](const char* key, std::uint64_t& into) {
        const std::size_t key_length = std::strlen(key);
        for (auto at = text.find(key); at != std::string::npos; at = text.find(key, at + key_length)) {
            // Whole words only: "bytes_sent:" must not match inside another key.
            if (at > 0 && text[at - 1] != ' ' && text[at - 1] != '\t') continue;
            into += std::strtoull(text.c_str() + at + key_length, nullptr, 10);
        }
    };
    sum("bytes_sent:", c.bytes_sent);
    sum("bytes_received:", c.bytes_received);
    sum("segs_out:", c.segments_out);
    sum("segs_in:", c.segments_in);
    for (auto at = text.find("rtt:"); at != std::string::npos; at = text.find("rtt:", at + 4)) {
        if (at > 0 && text[at - 1] == ' ') ++c.sockets;
    }
    return c;
}

std::optional<TcpCounters> tcp_counters(std::uint16_t port) {
    if (port == 0) return std::nullopt;
    const std::string command = "ss -tinH state established '( sport = :" + std::to_string(port) + " )' 2>/dev/null";
    std::FILE* pipe = popen(command.c_str(), "r");
    if (pipe == nullptr) return std::nullopt;
    std::string text;
    char chunk[65536];
    for (std::size_t n; (n = std::fread(chunk, 1, sizeof chunk, pipe)) > 0;) text.append(chunk, n);
    if (pclose(pipe) != 0) return std::nullopt;
    return parse_ss_output(text);
}

void ServerWindow::begin() {
    if (!status_url_.empty()) status_start_ = status(status_url_);
    tcp_start_ = tcp_counters(port_);
    if (pid_ > 0) start_ = sample_process(pid_);
}

void ServerWindow::end() {
    if (pid_ > 0) end_ = sample_process(pid_);
    tcp_end_ = tcp_counters(port_);
    if (!status_url_.empty()) status_end_ = status(status_url_);
}

void ServerWindow::report(Report& r, std::size_t clients) const {
    // Divide by the players the server itself counts when it says (some bots
    // may have failed to join); else by what the caller expected.
    double n = static_cast<double>(clients == 0 ? 1 : clients);
    if (status_end_) {
        if (const auto players = json_number(*status_end_, "players"); players && *players >= 1) n = *players;
    }
    r.add("clients_measured", n);
    if (start_ && end_) {
        const double span = end_->wall_s - start_->wall_s;
        const double user = (end_->user_s - start_->user_s) / span * 100;
        const double sys = (end_->system_s - start_->system_s) / span * 100;
        r.add("server_cpu_pct", user + sys, 1, "% of a core");
        r.add("server_user_pct", user, 1, "% of a core");
        r.add("server_sys_pct", sys, 1, "% of a core");
        r.add("cpu_per_client_pct", (user + sys) / n, 3, "% of a core");
        r.add("user_per_client_pct", user / n, 3, "% of a core");
        r.add("sys_per_client_pct", sys / n, 3, "% of a core");
        r.add("server_rss_kb", static_cast<double>(end_->rss_kb), 0, "kB");
        // Sockets that closed inside the window take their counts with them.
        if (tcp_start_ && tcp_end_ && tcp_end_->sockets >= tcp_start_->sockets &&
            tcp_end_->bytes_sent >= tcp_start_->bytes_sent && tcp_end_->bytes_received >= tcp_start_->bytes_received &&
            tcp_end_->segments_out >= tcp_start_->segments_out) {
            r.add("tcp_sockets", static_cast<double>(tcp_end_->sockets));
            r.add("bytes_out_per_client_s", static_cast<double>(tcp_end_->bytes_sent - tcp_start_->bytes_sent) / span / n, 0, "B/s (TCP payload)");
            r.add("bytes_in_per_client_s", static_cast<double>(tcp_end_->bytes_received - tcp_start_->bytes_received) / span / n, 0, "B/s");
            r.add("segments_out_per_client_s", static_cast<double>(tcp_end_->segments_out - tcp_start_->segments_out) / span / n, 1, "/s");
        }
    }
    if (status_end_) {
        const auto number = [&](const char* key) { return json_number(*status_end_, key); };
        const auto delta = [&](const char* key) -> std::optional<double> {
            const auto b = status_start_ ? json_number(*status_start_, key) : std::nullopt;
            const auto e = json_number(*status_end_, key);
            if (!b || !e) return std::nullopt;
            return *e - *b;
        };
        if (const auto v = number("players")) r.add("server_players", *v);
        if (const auto v = number("tick_p99_ms")) r.add("tick_p99_ms", *v, 3, "ms (step only)");
        if (const auto v = number("tick_max_ms")) r.add("tick_max_ms", *v, 3, "ms");
        if (const auto v = number("work_p99_ms")) r.add("work_p99_ms", *v, 3, "ms (whole tick: in + step + out)");
        if (const auto v = number("work_max_ms")) r.add("work_max_ms", *v, 3, "ms");
        if (const auto v = delta("superseded")) r.add("superseded", *v, 0, "snapshots skipped (ack gap)");
        if (const auto v = delta("replaced")) r.add("replaced", *v, 0, "snapshots replaced before written");
        if (const auto v = delta("late_patches")) r.add("late_patches", *v, 0, "patches later than 1.5 intervals");
    } else if (!status_url_.empty()) {
        r.add_text("status", "no answer from " + status_url_);
    }
}

bool run_monitor(const LoadOptions& options, Report& report) {
    ServerWindow window(options.server_pid, options.port, options.status_url);
    std::this_thread::sleep_for(std::chrono::duration<double>(options.warmup_s));
    window.begin();
    std::this_thread::sleep_for(std::chrono::duration<double>(options.duration_s));
    window.end();
    report.add_text("mode", "monitor");
    if (!options.label.empty()) report.add_text("label", options.label);
    report.add("clients", static_cast<double>(options.clients));
    report.add("duration_s", options.duration_s, 1, "s");
    window.report(report, options.clients);
    return true;
}

}  // namespace tickwire::load
