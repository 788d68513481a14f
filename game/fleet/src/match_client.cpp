#include "tickwire/game/fleet/match_client.hpp"

#include <boost/json.hpp>

#include "http_worker.hpp"

namespace tickwire::game::fleet {

namespace {

/// Answers are a few hundred bytes; anything much larger is not one.
constexpr std::size_t kMaxAnswerBytes = 16 * 1024;
constexpr std::size_t kMaxUrlBytes = 2048;

const boost::json::string* string_field(const boost::json::object& object, std::string_view key, std::size_t max) {
    const boost::json::value* value = object.if_contains(key);
    if (value == nullptr || !value->is_string() || value->as_string().size() > max) return nullptr;
    return &value->as_string();
}

}  // namespace

bool is_matchmaking_url(std::string_view url) noexcept { return url.starts_with("http://"); }

MatchReply read_match_answer(int http_status, std::string_view body) {
    MatchReply reply;
    reply.http_status = http_status;
    boost::json::error_code ec;
    const boost::json::value parsed = boost::json::parse(body, ec);
    const boost::json::object* object = !ec && parsed.is_object() ? &parsed.as_object() : nullptr;
    if (http_status != 200) {
        const boost::json::string* reason = object != nullptr ? string_field(*object, "error", 1024) : nullptr;
        reply.error = "matchmaking answered " + std::to_string(http_status) +
                      (reason != nullptr ? ": " + std::string(*reason) : std::string());
        return reply;
    }
    if (object == nullptr) {
        reply.error = "matchmaking answer is not a JSON object";
        return reply;
    }
    const boost::json::string* url = string_field(*object, "url", kMaxUrlBytes);
    const boost::json::string* room = string_field(*object, "room", 64);
    const boost::json::string* process = string_field(*object, "process", 64);
    const boost::json::string* ticket = string_field(*object, "ticket", 512);
    if (url == nullptr || room == nullptr || process == nullptr || ticket == nullptr) {
        reply.error = "matchmaking answer lacks url, room, process or ticket";
        return reply;
    }
    const std::string_view ws(*url);
    if (!ws.starts_with("ws://") && !ws.starts_with("wss://")) {
        reply.error = "matchmaking answer's url is not ws:// or wss://";
        return reply;
    }
    reply.ok = true;
    reply.ws_url = ws;
    reply.room = *room;
    reply.process_id = *process;
    reply.ticket = *ticket;
    return reply;
}

MatchmakingClient::MatchmakingClient() : MatchmakingClient(Config{}) {}

MatchmakingClient::MatchmakingClient(Config config)
    : config_(config), worker_(std::make_unique<detail::HttpWorker>(config.max_in_flight, kMaxAnswerBytes)) {}

MatchmakingClient::~MatchmakingClient() = default;

std::uint64_t MatchmakingClient::ask(std::string_view matchmaking_url) {
    detail::HttpRequest request;
    request.id = next_request_;
    request.timeout = config_.timeout;
    std::string error;
    if (!detail::parse_http_url(matchmaking_url, request, error)) {
        // Answered at the next poll, like any other failure. One at a time.
        if (bad_url_request_ != 0) return 0;
        bad_url_request_ = next_request_;
        bad_url_error_ = std::move(error);
    } else if (!worker_->submit(request)) {
        return 0;
    }
    return next_request_++;
}

bool MatchmakingClient::poll(MatchReply& out) {
    if (bad_url_request_ != 0) {
        out = MatchReply{};
        out.request = std::exchange(bad_url_request_, 0);
        out.error = std::move(bad_url_error_);
        return true;
    }
    detail::HttpOutcome outcome;
    if (!worker_->poll(outcome)) return false;
    if (outcome.status == 0) {
        out = MatchReply{};
        out.error = "matchmaking: " + outcome.error;
    } else {
        out = read_match_answer(outcome.status, outcome.body);
    }
    out.request = outcome.id;
    return true;
}

MatchReply fetch_match(std::string_view matchmaking_url, std::chrono::milliseconds timeout) {
    detail::HttpRequest request;
    request.timeout = timeout;
    MatchReply reply;
    if (!detail::parse_http_url(matchmaking_url, request, reply.error)) return reply;
    const detail::HttpOutcome outcome = detail::HttpWorker::fetch_now(request, kMaxAnswerBytes);
    if (outcome.status == 0) {
        reply.error = "matchmaking: " + outcome.error;
        return reply;
    }
    return read_match_answer(outcome.status, outcome.body);
}

}  // namespace tickwire::game::fleet
