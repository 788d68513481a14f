#include "redis_connection.hpp"

#include <hiredis/hiredis.h>

#include <sys/time.h>

#include <vector>

namespace tickwire::game::fleet::detail {

namespace {

timeval to_timeval(std::chrono::milliseconds ms) noexcept {
    timeval tv{};
    tv.tv_sec = static_cast<time_t>(ms.count() / 1000);
    tv.tv_usec = static_cast<suseconds_t>((ms.count() % 1000) * 1000);
    return tv;
}

}  // namespace

void ReplyDeleter::operator()(redisReply* reply) const noexcept { freeReplyObject(reply); }

std::unique_ptr<RedisConnection> RedisConnection::connect(const std::string& host, std::uint16_t port,
                                                          std::chrono::milliseconds connect_timeout,
                                                          std::chrono::milliseconds command_timeout,
                                                          std::string& error) {
    redisContext* context = redisConnectWithTimeout(host.c_str(), port, to_timeval(connect_timeout));
    if (context == nullptr) {
        error = "cannot allocate a Redis context";
        return nullptr;
    }
    if (context->err != 0 || redisSetTimeout(context, to_timeval(command_timeout)) != REDIS_OK) {
        error = context->errstr[0] != '\0' ? context->errstr : "cannot connect";
        redisFree(context);
        return nullptr;
    }
    return std::unique_ptr<RedisConnection>(new RedisConnection(context));
}

RedisConnection::~RedisConnection() { redisFree(context_); }

RedisReply RedisConnection::command(std::span<const std::string_view> args, std::string& error) {
    if (broken_) {
        error = "connection is broken";
        return nullptr;
    }
    std::vector<const char*> argv;
    std::vector<std::size_t> lengths;
    argv.reserve(args.size());
    lengths.reserve(args.size());
    for (std::string_view arg : args) {
        argv.push_back(arg.data());
        lengths.push_back(arg.size());
    }
    RedisReply reply(static_cast<redisReply*>(
        redisCommandArgv(context_, static_cast<int>(argv.size()), argv.data(), lengths.data())));
    if (!reply) {
        broken_ = true;
        error = context_->errstr[0] != '\0' ? context_->errstr : "no reply";
        if (context_->err == REDIS_ERR_IO && error == "Resource temporarily unavailable") error = "timed out";
        return nullptr;
    }
    if (reply->type == REDIS_REPLY_ERROR) error.assign(reply->str, reply->len);
    return reply;
}

}  // namespace tickwire::game::fleet::detail
