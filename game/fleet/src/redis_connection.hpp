#pragma once
// RedisConnection: one synchronous hiredis connection with time limits on
// connecting and on every command, and replies that free themselves.
//
// hiredis' context is unusable after an I/O error (Redis gone, a timeout):
// broken() then says so and the owner throws the connection away and
// reconnects. An error *reply* (a script error, OOM) leaves it usable.
//
// Thread: the directory thread owns it; never the game thread (it blocks).

#include <chrono>
#include <cstdint>
#include <initializer_list>
#include <memory>
#include <span>
#include <string>
#include <string_view>

struct redisContext;
struct redisReply;

namespace tickwire::game::fleet::detail {

struct ReplyDeleter {
    void operator()(redisReply* reply) const noexcept;
};
using RedisReply = std::unique_ptr<redisReply, ReplyDeleter>;

class RedisConnection {
public:
    /// Connects to host:port (a name or an address) within `connect_timeout`;
    /// null with `error` set on failure.
    static std::unique_ptr<RedisConnection> connect(const std::string& host, std::uint16_t port,
                                                    std::chrono::milliseconds connect_timeout,
                                                    std::chrono::milliseconds command_timeout, std::string& error);
    ~RedisConnection();
    RedisConnection(const RedisConnection&) = delete;
    RedisConnection& operator=(const RedisConnection&) = delete;

    /// Sends one command (binary-safe arguments) and reads its reply. Null on an
    /// I/O error (then broken() is true); an error reply is returned as is.
    /// `error` gets the reason for either.
    RedisReply command(std::span<const std::string_view> args, std::string& error);
    RedisReply command(std::initializer_list<std::string_view> args, std::string& error) {
        return command(std::span<const std::string_view>(args.begin(), args.size()), error);
    }

    [[nodiscard]] bool broken() const noexcept { return broken_; }

private:
    explicit RedisConnection(redisContext* context) : context_(context) {}
    redisContext* context_;
    bool broken_ = false;
};

}  // namespace tickwire::game::fleet::detail
