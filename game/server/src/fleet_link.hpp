#pragma once
// FleetLink: the match server's place in a fleet (issue 13, docs/scaling.md).
// It owns the room directory (Redis, on the directory's own thread), the
// matchmaker that answers GET /match, the fleet view those answers read, the
// room codes this process has claimed, and whether it drains.
//
//   GET /match/CODE for a code nobody runs: this process claims CODE in the
//     directory before answering (the HTTP answer waits for the claim), so of
//     two processes asked at once exactly one owns it and both send their
//     players there.
//   A join for a room this process does not run yet: claimed first too (the
//     Hello waits); lost, the player is refused with kCloseRoomElsewhere and
//     its client asks matchmaking again, which now names the owner.
//   Without a directory every claim is won at once and /match answers for
//     this process alone, so the flow is the same on one machine.
//
// Redis is never on the game thread's path: claims, reports and fleet views
// go through RoomDirectory's queues; poll() hands back what has come.
//
// Thread: the game thread (it answers HTTP through net::Server::respond, which
// never blocks).

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "server_log.hpp"
#include "tickwire/game/fleet/fleet_view.hpp"
#include "tickwire/game/fleet/matchmaking.hpp"
#include "tickwire/game/fleet/room_directory.hpp"
#include "tickwire/net/server.hpp"

namespace tickwire::game::server {

struct FleetLinkConfig {
    std::string directory_url;  ///< redis://HOST:PORT; empty = none
    std::string public_url;     ///< ws://HOST:PORT players reach this process at
    std::string process_id;     ///< empty = fleet::make_process_id()
    std::string fleet_secret;   ///< shared by the fleet; never empty here
    std::uint32_t capacity = 0, room_capacity = 32;
    bool allow_create = true;
    std::chrono::milliseconds heartbeat{1000}, ttl{3000};
};

/// The fleet part of `config` for a server bound to `port`: the public URL
/// defaults to ws://ADDRESS:PORT, an empty secret becomes a random one.
/// Throws std::runtime_error if there is no randomness for it.
[[nodiscard]] FleetLinkConfig fleet_link_config(const ServerConfig& config, std::uint16_t port);

enum class JoinClaim : std::uint8_t { ready, waiting, unavailable };

/// A claim for a join settled: admit the connections waiting on it, or refuse them.
struct JoinClaimSettled {
    bool won = false;
    bool unavailable = false;  ///< no answer from the directory (else: another process owns it)
    std::vector<net::ConnectionId> waiting;
};

class FleetLink {
public:
    /// Throws std::invalid_argument for a bad directory URL or config (start-up).
    FleetLink(FleetLinkConfig config, net::Server& server, const ServerLog& log);
    ~FleetLink();
    FleetLink(const FleetLink&) = delete;
    FleetLink& operator=(const FleetLink&) = delete;

    /// Drain the directory's results: answer the /match requests whose claim
    /// settled, log state changes once each, and return the joins' claims and
    /// the rooms another process now holds.
    void poll(std::span<const fleet::RoomLoad> rooms, std::vector<JoinClaimSettled>& settled,
              std::vector<fleet::RoomLost>& lost);

    /// GET /match[/auto|/CODE]: answered now, or once the claim it needs settles.
    void answer_match(net::HttpRequestId request, std::string_view path, std::span<const fleet::RoomLoad> rooms);
    /// GET /rooms?all=1: every room of the fleet (this process's alone without a directory).
    void answer_fleet_rooms(net::HttpRequestId request, std::span<const fleet::RoomLoad> rooms);

    /// Whether a join may create `code` now; `waiting`: a JoinClaimSettled
    /// from poll() will name `connection`; `unavailable`: refuse it (1013).
    [[nodiscard]] JoinClaim claim_for_join(const std::string& code, net::ConnectionId connection);
    /// A room made without a claim ("auto"): claim it after the fact.
    void room_created(const std::string& code);
    void room_removed(const std::string& code);
    /// A player with a seat ticket sat down in `code`: its promised seat is taken.
    void seat_taken(std::string_view code) { matchmaker_.seat_taken(code); }
    /// Players per room and the drain flag to the directory; call about once a second.
    void report(std::span<const fleet::RoomLoad> rooms);

    void drain();
    [[nodiscard]] bool draining() const noexcept { return draining_; }
    /// GET /healthz: ready (200), draining or not ready (503).
    [[nodiscard]] bool ready() const noexcept;
    [[nodiscard]] std::string_view health() const noexcept;

    [[nodiscard]] bool has_directory() const noexcept { return directory_ != nullptr; }
    [[nodiscard]] bool directory_up() const noexcept;
    [[nodiscard]] std::uint64_t directory_errors() const noexcept;
    [[nodiscard]] const std::string& process_id() const noexcept { return config_.process_id; }
    [[nodiscard]] const std::string& fleet_secret() const noexcept { return config_.fleet_secret; }

private:
    struct PendingClaim {
        fleet::DirectoryRequestId request = 0;
        std::vector<net::HttpRequestId> http;
        std::vector<net::ConnectionId> joins;
    };
    // A code won for a /match answer whose room is not made yet: released if
    // no player came by then (the ticket expired).
    using Deadline = std::chrono::steady_clock::time_point;

    [[nodiscard]] fleet::LocalProcess local(std::span<const fleet::RoomLoad> rooms) const;
    [[nodiscard]] fleet::DirectoryAvailability availability() const noexcept;
    void respond(net::HttpRequestId request, const fleet::MatchAnswer& answer);
    void on_claim(fleet::ClaimResult& result, std::span<const fleet::RoomLoad> rooms,
                  std::vector<JoinClaimSettled>& settled);
    bool start_claim(const std::string& code);

    FleetLinkConfig config_;
    net::Server& server_;
    const ServerLog& log_;
    std::unique_ptr<fleet::RoomDirectory> directory_;
    fleet::Matchmaker matchmaker_;
    std::shared_ptr<const fleet::FleetView> fleet_;
    std::map<std::string, PendingClaim, std::less<>> claims_;  // by code, in flight
    std::map<std::string, Deadline, std::less<>> owned_;       // won; deadline while no room holds it
    bool draining_ = false;
};

}  // namespace tickwire::game::server
