#pragma once
// ChildProcess: a program a test starts with pipes on its stdin and stdout; it
// is killed and reaped when the object goes away, so a failing test leaks no
// process. The child also gets SIGKILL if the test process dies first.
//
// Thread: one test thread owns a ChildProcess and calls all of it.

#include <sys/types.h>

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace tickwire::test {

struct ChildOptions {
    bool merge_stderr = false;  ///< child's stderr into the stdout pipe; else inherited
};

class ChildProcess {
public:
    /// Start argv[0] (a path; PATH is not searched) with the rest as arguments.
    /// Throws std::system_error if it cannot be started, exec failure included.
    static ChildProcess start(std::vector<std::string> argv, ChildOptions options = {});

    ChildProcess(ChildProcess&& other) noexcept;
    ChildProcess& operator=(ChildProcess&& other) noexcept;
    ChildProcess(const ChildProcess&) = delete;
    ChildProcess& operator=(const ChildProcess&) = delete;
    ~ChildProcess();

    /// The next line of stdout without its '\n'; nullopt on timeout or EOF.
    std::optional<std::string> read_line(std::chrono::milliseconds timeout);
    /// Every remaining line until EOF or timeout (a partial last line included).
    std::vector<std::string> read_remaining_lines(std::chrono::milliseconds timeout);
    /// Whether stdout has reached EOF.
    [[nodiscard]] bool stdout_closed() const noexcept { return stdout_eof_; }

    /// Write all of `data` to the child's stdin; false if it is closed or gone.
    bool write_stdin(std::string_view data);
    void close_stdin() noexcept;

    /// Exit status once exited (128 + N if killed by signal N); nullopt if it
    /// still runs after `timeout`.
    std::optional<int> wait(std::chrono::milliseconds timeout);
    void send_signal(int signal) noexcept;
    [[nodiscard]] pid_t pid() const noexcept { return pid_; }
    /// The command line, for failure messages.
    [[nodiscard]] const std::string& command() const noexcept { return command_; }

private:
    ChildProcess() = default;
    void kill_and_reap() noexcept;

    pid_t pid_ = -1;
    int stdin_fd_ = -1;
    int stdout_fd_ = -1;
    bool stdout_eof_ = false;
    std::optional<int> exit_status_;
    std::string buffer_;  // stdout read but not yet returned as lines
    std::string command_;
};

}  // namespace tickwire::test
