#include "proc_sample.hpp"

#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <sstream>

namespace tickwire::load {

namespace {

std::string read_file(const std::string& path) {
    std::ifstream in(path);
    if (!in) return {};
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

// Value after "Key:" in a "Key: value ..." file; 0 if absent.
std::uint64_t field(const std::string& text, const char* key) {
    const auto at = text.find(key);
    if (at == std::string::npos) return 0;
    return std::strtoull(text.c_str() + at + std::char_traits<char>::length(key), nullptr, 10);
}

}  // namespace

bool parse_proc_stat(const std::string& stat, double clock_ticks_per_s, ProcSample& out) {
    // The command name may hold spaces and parentheses: fields start after the last ')'.
    const auto close = stat.rfind(')');
    if (close == std::string::npos) return false;
    std::istringstream in(stat.substr(close + 1));
    std::string f;
    // Fields 3.. ; utime is field 14, stime 15, num_threads 20.
    unsigned long long utime = 0, stime = 0, threads = 0;
    for (int n = 3; n <= 20 && (in >> f); ++n) {
        if (n == 14) utime = std::strtoull(f.c_str(), nullptr, 10);
        if (n == 15) stime = std::strtoull(f.c_str(), nullptr, 10);
        if (n == 20) threads = std::strtoull(f.c_str(), nullptr, 10);
    }
    if (!in) return false;
    out.user_s = static_cast<double>(utime) / clock_ticks_per_s;
    out.system_s = static_cast<double>(stime) / clock_ticks_per_s;
    out.threads = threads;
    return true;
}

std::optional<ProcSample> sample_process(int pid) {
    const std::string dir = pid == 0 ? "/proc/self/" : "/proc/" + std::to_string(pid) + "/";
    ProcSample s;
    s.wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
    static const double hz = static_cast<double>(sysconf(_SC_CLK_TCK));
    if (!parse_proc_stat(read_file(dir + "stat"), hz, s)) return std::nullopt;
    s.rss_kb = field(read_file(dir + "status"), "VmRSS:");
    const std::string io = read_file(dir + "io");
    s.rchar = field(io, "rchar:");
    s.wchar = field(io, "wchar:");
    return s;
}

}  // namespace tickwire::load
