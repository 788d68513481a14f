#include "child_process.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <system_error>
#include <thread>
#include <utility>

namespace tickwire::test {

namespace {

using Clock = std::chrono::steady_clock;

struct Pipe {
    int read = -1, write = -1;
};

Pipe make_pipe() {
    int fds[2];
    // O_CLOEXEC: a child started later must not inherit another child's pipe,
    // or that child's EOF would never come.
    if (::pipe2(fds, O_CLOEXEC) != 0) throw std::system_error(errno, std::generic_category(), "pipe2");
    return {fds[0], fds[1]};
}

void close_fd(int& fd) noexcept {
    if (fd >= 0) ::close(fd);
    fd = -1;
}

int decode_status(int status) {
    if (WIFEXITED(status)) return WEXITSTATUS(status);
    if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
    return -1;
}

}  // namespace

ChildProcess ChildProcess::start(std::vector<std::string> argv, ChildOptions options) {
    // A child that exits while we write its stdin must not kill the test.
    static const bool sigpipe_ignored = [] { return ::signal(SIGPIPE, SIG_IGN) != SIG_ERR; }();
    (void)sigpipe_ignored;

    ChildProcess child;
    for (const auto& arg : argv) child.command_ += (child.command_.empty() ? "" : " ") + arg;
    std::vector<char*> c_argv;
    for (auto& arg : argv) c_argv.push_back(arg.data());
    c_argv.push_back(nullptr);

    Pipe in = make_pipe(), out = make_pipe(), exec_error = make_pipe();
    const pid_t parent = ::getpid();
    const pid_t pid = ::fork();
    if (pid < 0) {
        const int error = errno;
        for (int fd : {in.read, in.write, out.read, out.write, exec_error.read, exec_error.write}) ::close(fd);
        throw std::system_error(error, std::generic_category(), "fork");
    }
    if (pid == 0) {
        // Child: only async-signal-safe calls until exec (the parent has threads).
        ::prctl(PR_SET_PDEATHSIG, SIGKILL);
        if (::getppid() != parent) ::_exit(127);  // the test died before prctl
        ::dup2(in.read, STDIN_FILENO);
        ::dup2(out.write, STDOUT_FILENO);
        if (options.merge_stderr) ::dup2(out.write, STDERR_FILENO);
        ::execv(c_argv[0], c_argv.data());
        const int error = errno;
        [[maybe_unused]] auto n = ::write(exec_error.write, &error, sizeof error);
        ::_exit(127);
    }

    close_fd(in.read);
    close_fd(out.write);
    close_fd(exec_error.write);
    child.pid_ = pid;
    child.stdin_fd_ = in.write;
    child.stdout_fd_ = out.read;

    // exec succeeded iff the CLOEXEC error pipe closes without data.
    int exec_errno = 0;
    ssize_t n;
    do {
        n = ::read(exec_error.read, &exec_errno, sizeof exec_errno);
    } while (n < 0 && errno == EINTR);
    close_fd(exec_error.read);
    if (n == sizeof exec_errno) {
        throw std::system_error(exec_errno, std::generic_category(), "exec " + child.command_);
    }
    return child;  // on the throw above, ~ChildProcess reaps the failed child
}

ChildProcess::ChildProcess(ChildProcess&& other) noexcept
    : pid_(std::exchange(other.pid_, -1)),
      stdin_fd_(std::exchange(other.stdin_fd_, -1)),
      stdout_fd_(std::exchange(other.stdout_fd_, -1)),
      stdout_eof_(other.stdout_eof_),
      exit_status_(other.exit_status_),
      buffer_(std::move(other.buffer_)),
      command_(std::move(other.command_)) {}

ChildProcess& ChildProcess::operator=(ChildProcess&& other) noexcept {
    if (this != &other) {
        kill_and_reap();
        pid_ = std::exchange(other.pid_, -1);
        stdin_fd_ = std::exchange(other.stdin_fd_, -1);
        stdout_fd_ = std::exchange(other.stdout_fd_, -1);
        stdout_eof_ = other.stdout_eof_;
        exit_status_ = other.exit_status_;
        buffer_ = std::move(other.buffer_);
        command_ = std::move(other.command_);
    }
    return *this;
}

ChildProcess::~ChildProcess() { kill_and_reap(); }

void ChildProcess::kill_and_reap() noexcept {
    close_fd(stdin_fd_);
    close_fd(stdout_fd_);
    if (pid_ > 0 && !exit_status_) {
        ::kill(pid_, SIGKILL);
        int status = 0;
        while (::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
        }
    }
    pid_ = -1;
}

std::optional<std::string> ChildProcess::read_line(std::chrono::milliseconds timeout) {
    const auto deadline = Clock::now() + timeout;
    while (true) {
        if (const auto newline = buffer_.find('\n'); newline != std::string::npos) {
            std::string line = buffer_.substr(0, newline);
            buffer_.erase(0, newline + 1);
            return line;
        }
        if (stdout_eof_ || stdout_fd_ < 0) return std::nullopt;
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
        pollfd fd{stdout_fd_, POLLIN, 0};
        const int ready = ::poll(&fd, 1, static_cast<int>(std::max<std::int64_t>(left.count(), 0)));
        if (ready < 0 && errno == EINTR) continue;
        if (ready <= 0) return std::nullopt;  // timeout
        char chunk[4096];
        const ssize_t n = ::read(stdout_fd_, chunk, sizeof chunk);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) {
            stdout_eof_ = true;
            continue;
        }
        buffer_.append(chunk, static_cast<std::size_t>(n));
    }
}

std::vector<std::string> ChildProcess::read_remaining_lines(std::chrono::milliseconds timeout) {
    const auto deadline = Clock::now() + timeout;
    std::vector<std::string> lines;
    while (true) {
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
        auto line = read_line(std::max(left, std::chrono::milliseconds{0}));
        if (!line) break;
        lines.push_back(std::move(*line));
    }
    if (stdout_eof_ && !buffer_.empty()) lines.push_back(std::exchange(buffer_, {}));
    return lines;
}

bool ChildProcess::write_stdin(std::string_view data) {
    while (!data.empty()) {
        if (stdin_fd_ < 0) return false;
        const ssize_t n = ::write(stdin_fd_, data.data(), data.size());
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return false;
        data.remove_prefix(static_cast<std::size_t>(n));
    }
    return true;
}

void ChildProcess::close_stdin() noexcept { close_fd(stdin_fd_); }

std::optional<int> ChildProcess::wait(std::chrono::milliseconds timeout) {
    const auto deadline = Clock::now() + timeout;
    while (!exit_status_ && pid_ > 0) {
        int status = 0;
        const pid_t done = ::waitpid(pid_, &status, WNOHANG);
        if (done == pid_) {
            exit_status_ = decode_status(status);
        } else if (done < 0 && errno != EINTR) {
            exit_status_ = -1;  // not our child any more; nothing to reap
        } else if (Clock::now() >= deadline) {
            break;
        } else {
            std::this_thread::sleep_for(std::chrono::milliseconds{2});
        }
    }
    return exit_status_;
}

void ChildProcess::send_signal(int signal) noexcept {
    if (pid_ > 0 && !exit_status_) ::kill(pid_, signal);
}

}  // namespace tickwire::test
