#pragma once
// ProcSample: what /proc says about a process at one moment — CPU time (user,
// system), resident memory and bytes passed to read/write syscalls. Two
// samples give a window's CPU and I/O; the same code measures every server
// (tickwire, Beast, Node, Colyseus), so their figures compare.
//
// Thread: any (reads files, no shared state).

#include <cstdint>
#include <optional>
#include <string>

namespace tickwire::load {

struct ProcSample {
    double user_s = 0, system_s = 0;  ///< utime, stime (/proc/PID/stat)
    std::uint64_t rss_kb = 0;         ///< VmRSS (/proc/PID/status)
    std::uint64_t rchar = 0, wchar = 0;  ///< /proc/PID/io: bytes read / written by syscalls
    double wall_s = 0;                ///< steady clock when taken
    std::uint64_t threads = 0;
};

/// Sample process `pid` (0 = this process); nullopt if it is gone or unreadable.
std::optional<ProcSample> sample_process(int pid);

/// Parse of /proc/PID/stat after the ")" of the command
/// name; exposed for the unit test. False if malformed.
bool parse_proc_stat(const std::string& stat, double clock_ticks_per_s, ProcSample& out);

}  // namespace tickwire::load
