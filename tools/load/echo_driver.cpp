#include "echo_driver.hpp"

#include <unistd.h>

#include <boost/asio/ip/address.hpp>
#include <boost/asio/ip/tcp.hpp>

#include <algorithm>
#include <limits>
#include <cstdio>
#include <optional>
#include <random>
#include <vector>

#include "echo_connection.hpp"
#include "proc_sample.hpp"

namespace tickwire::load {

namespace {

using boost::asio::ip::tcp;
using std::chrono::nanoseconds;

constexpr auto kDrainTime = std::chrono::seconds(2);
// A server that accepts TCP but never answers the handshake (or a SYN flood
// guard) must not hang the run: connects still pending after this (plus 1 s
// per 1,000 connections) fail.
constexpr auto kConnectTimeout = std::chrono::seconds(10);
constexpr auto kCloseTime = std::chrono::seconds(2);

double us(std::int64_t ns) { return static_cast<double>(ns) / 1000.0; }

class EchoRun {
public:
    EchoRun(const LoadOptions& options, Report& report)
        : options_(options),
          report_(report),
          shared_(io_, options),
          progress_timer_(io_),
          phase_timer_(io_),
          connect_timer_(io_),
          tty_(isatty(STDERR_FILENO) != 0) {}

    bool run() {
        boost::system::error_code ec;
        const auto address = boost::asio::ip::make_address(options_.host, ec);
        if (ec) {
            tcp::resolver resolver(io_);
            const auto found = resolver.resolve(options_.host, std::to_string(options_.port), ec);
            if (ec || found.empty()) return failed("cannot resolve " + options_.host);
            shared_.endpoint = *found.begin();
        } else {
            shared_.endpoint = tcp::endpoint(address, options_.port);
        }
        if (options_.rate > 0) shared_.period_ns = static_cast<std::int64_t>(1e9 / options_.rate);
        // Nothing is in the window until the connect phase is over.
        shared_.measure_start_ns = shared_.measure_end_ns = std::numeric_limits<std::int64_t>::max();
        server_before_connect_ = sample(options_.server_pid);

        connections_.reserve(options_.connections);
        for (std::size_t i = 0; i < options_.connections; ++i) {
            connections_.push_back(make_connection());
        }
        connect_start_ = now_ns();
        const std::size_t first = std::min(options_.connect_concurrency, connections_.size());
        for (std::size_t i = 0; i < first; ++i) connect_next();
        connect_timer_.expires_after(kConnectTimeout + std::chrono::milliseconds(connections_.size()));
        connect_timer_.async_wait([this](const boost::system::error_code& ec) {
            if (!ec) give_up_connecting();
        });
        tick_progress();
        io_.run();
        if (options_.progress) std::fputs(tty_ ? "\n" : "", stderr);
        if (shared_.connected == 0) return failed("no connection: " + shared_.first_error);
        write_report();
        return true;
    }

private:
    bool failed(const std::string& why) {
        report_.add_text("mode", to_string(options_.mode));
        report_.add_text("error", why);
        return false;
    }

    std::unique_ptr<EchoConnection> make_connection() {
        if (options_.mode == Mode::raw) return make_tcp_connection(shared_);
        return options_.ws_client == WsClient::lean ? make_lean_ws_connection(shared_) : make_ws_connection(shared_);
    }

    static std::optional<ProcSample> sample(int pid) {
        if (pid <= 0) return std::nullopt;  // no --server-pid
        return sample_process(pid);
    }

    // Connect phase: at most connect_concurrency handshakes at a time.
    void connect_next() {
        if (next_to_connect_ >= connections_.size()) return;
        const std::size_t index = next_to_connect_++;
        connecting_.push_back(index);
        EchoConnection* c = connections_[index].get();
        c->connect([this, index](bool ok) {
            std::erase(connecting_, index);
            ++connects_done_;
            if (ok) {
                ++shared_.connected;
                ++shared_.open;
            } else {
                ++shared_.connect_failed;
            }
            if (connects_done_ == connections_.size()) return begin_load();
            connect_next();
        });
    }

    // Out of time: never start the rest, drop the ones still handshaking
    // (their handlers then report failure and the run goes on without them).
    void give_up_connecting() {
        const std::size_t never_started = connections_.size() - next_to_connect_;
        if (shared_.first_error.empty()) shared_.first_error = "connect/handshake timed out";
        next_to_connect_ = connections_.size();
        shared_.connect_failed += never_started;
        connects_done_ += never_started;
        const auto pending = connecting_;
        for (const std::size_t index : pending) connections_[index]->abort();
        if (pending.empty() && connects_done_ == connections_.size() && !load_begun_) begin_load();
    }

    void begin_load() {
        if (load_begun_) return;
        load_begun_ = true;
        connect_timer_.cancel();
        connect_seconds_ = static_cast<double>(now_ns() - connect_start_) / 1e9;
        if (shared_.connected == 0) return stop();
        const std::int64_t t0 = now_ns();
        shared_.measure_start_ns = t0 + static_cast<std::int64_t>(options_.warmup_s * 1e9);
        shared_.measure_end_ns = shared_.measure_start_ns + static_cast<std::int64_t>(options_.duration_s * 1e9);
        std::mt19937_64 rng(42);
        const bool send = options_.mode != Mode::idle;
        for (auto& c : connections_) {
            // Fixed rate: spread the first sends over one period, so the
            // connections do not all fire in the same instant.
            const std::int64_t phase =
                shared_.period_ns > 0 ? static_cast<std::int64_t>(rng() % static_cast<std::uint64_t>(shared_.period_ns)) : 0;
            c->start(send, t0 + phase);
        }
        phase_timer_.expires_after(nanoseconds(shared_.measure_start_ns - now_ns()));
        phase_timer_.async_wait([this](const boost::system::error_code& ec) {
            if (ec) return;
            self_start_ = sample_process(0);
            server_start_ = sample(options_.server_pid);
            shared_.window_rtt.reset();
            phase_timer_.expires_after(nanoseconds(shared_.measure_end_ns - now_ns()));
            phase_timer_.async_wait([this](const boost::system::error_code& ec2) {
                if (!ec2) end_window();
            });
        });
    }

    void end_window() {
        self_end_ = sample_process(0);
        server_end_ = sample(options_.server_pid);
        shared_.stop_sending = true;
        drain_deadline_ = now_ns() + std::chrono::duration_cast<nanoseconds>(kDrainTime).count();
        drain();
    }

    // Wait (bounded) for the echoes of messages already sent.
    void drain() {
        if (shared_.received + shared_.errors >= shared_.sent || shared_.open == 0 || now_ns() >= drain_deadline_) {
            return stop();
        }
        phase_timer_.expires_after(std::chrono::milliseconds(5));
        phase_timer_.async_wait([this](const boost::system::error_code& ec) {
            if (!ec) drain();
        });
    }

    void stop() {
        stopping_ = true;
        shared_.stop_sending = true;
        for (auto& c : connections_) c->shut_down();
        phase_timer_.expires_after(kCloseTime);
        phase_timer_.async_wait([this](const boost::system::error_code&) {
            for (auto& c : connections_) c->abort();
            progress_timer_.cancel();
        });
    }

    void tick_progress() {
        if (stopping_) return;
        if (options_.progress) print_progress();
        progress_timer_.expires_after(std::chrono::seconds(1));
        progress_timer_.async_wait([this](const boost::system::error_code& ec) {
            if (!ec) tick_progress();
        });
    }

    void print_progress() {
        const std::int64_t now = now_ns();
        const char* phase = shared_.measure_start_ns == std::numeric_limits<std::int64_t>::max() ? "connecting"
                            : now < shared_.measure_start_ns                                 ? "warm-up"
                            : now < shared_.measure_end_ns                                   ? "measuring"
                                                                                              : "draining";
        const double secs = last_progress_ns_ == 0 ? 1.0 : static_cast<double>(now - last_progress_ns_) / 1e9;
        std::fprintf(stderr, "%s%-10s open %llu/%zu  %.0f msg/s  p50 %.0f us  p99 %.0f us  max %.0f us  errors %llu%s",
                     tty_ ? "\r" : "", phase, static_cast<unsigned long long>(shared_.open), connections_.size(),
                     static_cast<double>(shared_.received - last_received_) / secs, us(shared_.second_rtt.quantile(0.5)),
                     us(shared_.second_rtt.quantile(0.99)), us(shared_.second_rtt.max()),
                     static_cast<unsigned long long>(shared_.errors), tty_ ? "   " : "\n");
        std::fflush(stderr);
        last_progress_ns_ = now;
        last_received_ = shared_.received;
        shared_.second_rtt.reset();
    }

    void write_report() {
        Report& r = report_;
        const double window = options_.duration_s;
        r.add_text("mode", to_string(options_.mode));
        if (options_.mode != Mode::raw) r.add_text("ws_client", to_string(options_.ws_client));
        if (!options_.label.empty()) r.add_text("label", options_.label);
        r.add("connections", static_cast<double>(shared_.connected));
        r.add("connect_failed", static_cast<double>(shared_.connect_failed));
        r.add("connect_s", connect_seconds_, 2, "s");
        if (options_.mode != Mode::idle) {
            const LatencyHistogram& h = shared_.window_rtt;
            r.add("size", static_cast<double>(options_.size), 0, "B");
            r.add("rate_per_conn", options_.rate, 1, options_.rate == 0 ? "msg/s (0 = closed loop)" : "msg/s");
            r.add("duration_s", window, 1, "s");
            r.add("msgs_per_s", static_cast<double>(shared_.arrived_in_window) / window, 0, "msg/s (arrived in the window)");
            r.add("rtt_p50_us", us(h.quantile(0.50)), 1, "us");
            r.add("rtt_p90_us", us(h.quantile(0.90)), 1, "us");
            r.add("rtt_p99_us", us(h.quantile(0.99)), 1, "us");
            r.add("rtt_p999_us", us(h.quantile(0.999)), 1, "us");
            r.add("rtt_max_us", us(h.max()), 1, "us");
            r.add("rtt_mean_us", h.mean() / 1000.0, 1, "us");
            r.add("sent_in_window", static_cast<double>(shared_.sent_in_window));
            // Fixed rate: every message the schedule put in the window counts;
            // one not even sent (the generator or server fell behind) is unanswered too.
            const double scheduled = shared_.period_ns == 0
                                         ? static_cast<double>(shared_.sent_in_window)
                                         : static_cast<double>(shared_.connected) * options_.rate * window;
            r.add("scheduled_in_window", scheduled);
            r.add("unanswered", std::max(0.0, scheduled - static_cast<double>(shared_.received_in_window)));
        }
        r.add("errors", static_cast<double>(shared_.errors));
        if (self_start_ && self_end_) {
            const double span = self_end_->wall_s - self_start_->wall_s;
            r.add("self_cpu_pct", (self_end_->user_s + self_end_->system_s - self_start_->user_s - self_start_->system_s) / span * 100, 1, "% of a core");
        }
        if (server_start_ && server_end_) {
            const double span = server_end_->wall_s - server_start_->wall_s;
            const double user = server_end_->user_s - server_start_->user_s;
            const double sys = server_end_->system_s - server_start_->system_s;
            r.add("server_cpu_pct", (user + sys) / span * 100, 1, "% of a core");
            r.add("server_user_pct", user / span * 100, 1, "% of a core");
            r.add("server_sys_pct", sys / span * 100, 1, "% of a core");
            if (options_.mode != Mode::idle && shared_.received_in_window > 0) {
                r.add("server_cpu_us_per_msg", (user + sys) * 1e6 / static_cast<double>(shared_.received_in_window), 2, "us");
            }
            r.add("server_rss_kb", static_cast<double>(server_end_->rss_kb), 0, "kB");
            r.add("server_threads", static_cast<double>(server_end_->threads));
        }
        if (options_.mode == Mode::idle && server_before_connect_ && server_end_) {
            const double delta_kb = static_cast<double>(server_end_->rss_kb) - static_cast<double>(server_before_connect_->rss_kb);
            r.add("server_rss_before_kb", static_cast<double>(server_before_connect_->rss_kb), 0, "kB");
            r.add("server_rss_delta_kb", delta_kb, 0, "kB");
            r.add("rss_per_conn_bytes", delta_kb * 1024 / static_cast<double>(shared_.connected), 0, "B");
        }
        if (!shared_.first_error.empty()) r.add_text("first_error", shared_.first_error);
    }

    const LoadOptions& options_;
    Report& report_;
    boost::asio::io_context io_{1};
    EchoShared shared_;
    std::vector<std::unique_ptr<EchoConnection>> connections_;
    boost::asio::steady_timer progress_timer_, phase_timer_, connect_timer_;
    std::vector<std::size_t> connecting_;  // started, not finished
    bool load_begun_ = false;
    bool tty_;
    std::size_t next_to_connect_ = 0, connects_done_ = 0;
    std::int64_t connect_start_ = 0, drain_deadline_ = 0, last_progress_ns_ = 0;
    double connect_seconds_ = 0;
    std::uint64_t last_received_ = 0;
    bool stopping_ = false;
    std::optional<ProcSample> server_before_connect_, self_start_, self_end_, server_start_, server_end_;
};

}  // namespace

bool run_echo(const LoadOptions& options, Report& report) {
    EchoRun run(options, report);
    return run.run();
}

}  // namespace tickwire::load
