#pragma once
// JoinRefusals: seat tickets at admission (fleet::TicketGate: forged, expired,
// reused or another process's tickets are refused with kCloseTicket), and the
// running total of refused joins by reason, for GET /metrics
// (tickwire_connections_refused_total{reason=...}).
//
// Thread: the game thread.

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>

#include "admission.hpp"
#include "tickwire/game/fleet/server_metrics.hpp"
#include "tickwire/game/fleet/ticket_gate.hpp"
#include "tickwire/net/server.hpp"

namespace tickwire::game::server {

class JoinRefusals {
public:
    /// `require_ticket`: a join without a ticket is refused too.
    JoinRefusals(std::string fleet_secret, std::string process_id, bool require_ticket);

    /// An Admission check: the join's `ticket=` (if any) against the gate.
    [[nodiscard]] std::optional<Refusal> check_ticket(const JoinRequest& request);
    /// A join refused with `close_code` before it was seated (tickets count themselves).
    void count(std::uint16_t close_code) noexcept;
    /// Every reason's total, net's own refusals included.
    [[nodiscard]] std::span<const fleet::ReasonCount> totals(const net::ServerStats& net_stats) noexcept;

private:
    enum Reason : std::uint8_t {
        kRoomFull,
        kNoSuchRoom,
        kVersion,
        kHelloTimeout,
        kBadRequest,
        kRoomElsewhere,
        kDraining,
        kDirectoryUnavailable,
        kTicketMissing,
        kTicketMalformed,
        kTicketForged,
        kTicketExpired,
        kTicketReused,
        kTicketWrongProcess,
        kTicketWrongRoom,
        kTicketOverloaded,
        kServerFull,      // net: over max_connections
        kPerIpLimit,      // net: one address holds its limit
        kHandshakeFailed, // net: timeouts, bad requests, failed TLS or upgrade
        kReasons,
    };

    fleet::TicketGate gate_;
    bool require_ticket_;
    std::array<fleet::ReasonCount, kReasons> counts_;
};

}  // namespace tickwire::game::server
