#include "interop_support.hpp"

#include <gtest/gtest.h>
#include <stdlib.h>
#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <memory>
#include <random>
#include <stdexcept>
#include <thread>

namespace tickwire::test {

namespace {

bool is_executable(const char* path) { return ::access(path, X_OK) == 0; }

// Runs argv to completion (bounded); its exit status and output.
std::pair<std::optional<int>, std::string> run(std::vector<std::string> argv) {
    ChildProcess child = ChildProcess::start(std::move(argv), {.merge_stderr = true});
    std::string output;
    for (const auto& line : child.read_remaining_lines(30s)) output += line + "\n";
    return {child.wait(5s), output};
}

struct TemporaryDirectory {
    std::filesystem::path path;
    TemporaryDirectory() {
        std::string pattern = (std::filesystem::temp_directory_path() / "tickwire-interop-XXXXXX").string();
        if (::mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
        path = pattern;
    }
    ~TemporaryDirectory() {
        std::error_code ec;
        std::filesystem::remove_all(path, ec);
    }
};

}  // namespace

std::string peers_dir() { return TICKWIRE_SOURCE_DIR "/tests/peers"; }

std::string node_ws_unavailable() {
    if (!is_executable(kNodePath)) return std::string(kNodePath) + " not found";
    const std::string module = peers_dir() + "/node_modules/ws/package.json";
    if (!std::filesystem::exists(module)) {
        return "npm ws not installed (" + module +
               " missing; scripts/test.sh runs npm install in tests/peers)";
    }
    return {};
}

std::string python_websockets_unavailable() {
    // Asked once per process: starting python costs a few hundred milliseconds.
    static const std::string reason = []() -> std::string {
        if (!is_executable(kPythonPath)) return std::string(kPythonPath) + " not found";
        auto [status, output] = run({kPythonPath, "-c", "import websockets"});
        if (status != 0) {
            return std::string(kPythonPath) +
                   " cannot import websockets (apt install python3-websockets): " + output;
        }
        return {};
    }();
    return reason;
}

const TestCertificate& test_certificate() {
    static const auto directory = std::make_unique<TemporaryDirectory>();
    static const TestCertificate certificate = [] {
        TestCertificate c{(directory->path / "cert.pem").string(), (directory->path / "key.pem").string()};
        auto [status, output] = run({"/usr/bin/openssl", "req", "-x509", "-newkey", "rsa:2048",
                                     "-nodes", "-keyout", c.key_file, "-out", c.certificate_file,
                                     "-days", "1", "-subj", "/CN=localhost", "-addext",
                                     "subjectAltName=DNS:localhost,IP:127.0.0.1"});
        if (status != 0) throw std::runtime_error("openssl req failed: " + output);
        return c;
    }();
    return certificate;
}

std::uint64_t test_seed(std::uint64_t fallback) {
    if (const char* text = std::getenv("TICKWIRE_INTEROP_SEED")) return std::strtoull(text, nullptr, 0);
    return fallback;
}

std::vector<std::byte> random_bytes(std::uint64_t seed, std::size_t size) {
    std::mt19937_64 random(seed);
    std::vector<std::byte> bytes(size);
    std::size_t i = 0;
    for (; i + 8 <= size; i += 8) {
        const std::uint64_t word = random();
        for (int k = 0; k < 8; ++k) bytes[i + k] = static_cast<std::byte>(word >> (8 * k));
    }
    for (; i < size; ++i) bytes[i] = static_cast<std::byte>(random());
    return bytes;
}

std::vector<std::size_t> varied_sizes(std::uint64_t seed, std::size_t count, std::size_t max) {
    static constexpr std::size_t kBoundaries[] = {0, 1, 125, 126, 127, 65535, 65536, 65537};
    std::mt19937_64 random(seed);
    std::uniform_real_distribution<double> unit(0.0, 1.0);
    std::vector<std::size_t> sizes;
    for (std::size_t i = 0; i < count; ++i) {
        if (i < std::size(kBoundaries) && kBoundaries[i] <= max) {
            sizes.push_back(kBoundaries[i]);
        } else {
            const double log_size = unit(random) * std::log(static_cast<double>(max) + 1.0);
            sizes.push_back(std::min(max, static_cast<std::size_t>(std::exp(log_size)) - 1));
        }
    }
    return sizes;
}

bool next_event(net::Channel& channel, net::Event& event, Clock::time_point deadline) {
    while (!channel.stream().poll(event)) {
        if (Clock::now() >= deadline) return false;
        std::this_thread::sleep_for(100us);
    }
    return true;
}

bool read_listening_port(ChildProcess& child, std::uint16_t& port) {
    const auto line = child.read_line(10s);
    if (!line) {
        ADD_FAILURE() << child.command() << ": no \"listening\" line within 10 s";
        return false;
    }
    const auto colon_or_space = line->find_last_of(": ");
    const int value = std::atoi(line->c_str() + colon_or_space + 1);
    if (!line->starts_with("listening") || colon_or_space == std::string::npos || value <= 0 ||
        value > 65535) {
        ADD_FAILURE() << child.command() << ": expected \"listening ... PORT\", got \"" << *line << "\"";
        return false;
    }
    port = static_cast<std::uint16_t>(value);
    return true;
}

std::string describe_bytes(std::span<const std::byte> bytes) {
    static constexpr char kDigits[] = "0123456789abcdef";
    std::string text = std::to_string(bytes.size()) + " bytes: ";
    for (std::size_t i = 0; i < bytes.size() && i < 16; ++i) {
        text += kDigits[std::to_integer<unsigned>(bytes[i]) >> 4];
        text += kDigits[std::to_integer<unsigned>(bytes[i]) & 0xf];
    }
    if (bytes.size() > 16) text += "...";
    return text;
}

}  // namespace tickwire::test
