#include "join_refusals.hpp"

#include "tickwire/game/fleet/seat_ticket.hpp"
#include "tickwire/net/events.hpp"
#include "tickwire/net/url.hpp"

namespace tickwire::game::server {

JoinRefusals::JoinRefusals(std::string fleet_secret, std::string process_id, bool require_ticket)
    : gate_(std::move(fleet_secret), std::move(process_id)),
      require_ticket_(require_ticket),
      counts_{{{"room_full"},
               {"no_such_room"},
               {"protocol_version"},
               {"hello_timeout"},
               {"bad_request"},
               {"room_elsewhere"},
               {"draining"},
               {"directory_unavailable"},
               {"ticket_missing"},
               {"ticket_malformed"},
               {"ticket_forged"},
               {"ticket_expired"},
               {"ticket_reused"},
               {"ticket_wrong_process"},
               {"ticket_wrong_room"},
               {"ticket_overloaded"},
               {"server_full"},
               {"per_ip_limit"},
               {"handshake_failed"}}} {}

std::optional<Refusal> JoinRefusals::check_ticket(const JoinRequest& request) {
    const std::string_view ticket = net::query_value(request.query, "ticket");
    if (ticket.empty()) {
        if (!require_ticket_) return std::nullopt;
        ++counts_[kTicketMissing].total;
        return Refusal{kCloseTicket, session::ErrorCode::Unauthorized, "a seat ticket is needed: ask /match first"};
    }
    const fleet::TicketCheck check = gate_.admit(ticket, request.room, fleet::unix_now_ms());
    if (check.ok()) return std::nullopt;
    ++counts_[kTicketMalformed + (static_cast<int>(check.verdict) - static_cast<int>(fleet::TicketVerdict::malformed))]
          .total;
    return Refusal{kCloseTicket, session::ErrorCode::Unauthorized, check.reason};
}

void JoinRefusals::count(std::uint16_t close_code) noexcept {
    switch (close_code) {
    case kCloseRoomFull: ++counts_[kRoomFull].total; break;
    case kCloseNoSuchRoom: ++counts_[kNoSuchRoom].total; break;
    case kCloseVersion: ++counts_[kVersion].total; break;
    case kCloseHelloTimeout: ++counts_[kHelloTimeout].total; break;
    case kCloseRoomElsewhere: ++counts_[kRoomElsewhere].total; break;
    case kCloseDraining: ++counts_[kDraining].total; break;
    case net::close_code::try_again_later: ++counts_[kDirectoryUnavailable].total; break;
    case kCloseTicket: break;  // counted by verdict in check_ticket
    default: ++counts_[kBadRequest].total; break;
    }
}

std::span<const fleet::ReasonCount> JoinRefusals::totals(const net::ServerStats& net_stats) noexcept {
    counts_[kServerFull].total = net_stats.rejected_over_capacity;
    counts_[kPerIpLimit].total = net_stats.rejected_per_ip;
    counts_[kHandshakeFailed].total = net_stats.handshakes_failed;
    return counts_;
}

}  // namespace tickwire::game::server
