#include "tickwire/game/fleet/ticket_gate.hpp"

#include <cstring>

namespace tickwire::game::fleet {

std::size_t TicketGate::NonceHash::operator()(const TicketNonce& nonce) const noexcept {
    // The nonce is uniformly random: any 8 of its bytes are a good hash.
    std::size_t hash = 0;
    std::memcpy(&hash, nonce.data(), sizeof hash);
    return hash;
}

TicketGate::TicketGate(std::string secret, std::string process_id, TicketGateLimits limits)
    : secret_(std::move(secret)), process_id_(std::move(process_id)), limits_(limits) {
    used_.reserve(limits_.max_remembered);
}

TicketCheck TicketGate::admit(std::string_view encoded, std::string_view room, std::uint64_t now_ms) {
    forget_expired(now_ms);
    TicketCheck check = decode_seat_ticket(secret_, encoded, now_ms);
    if (!check.ok()) return check;
    const auto max_lifetime = static_cast<std::uint64_t>(limits_.max_lifetime.count());
    if (check.ticket.expiry_ms - now_ms > max_lifetime) {
        check.verdict = TicketVerdict::expired;
        check.reason = "seat ticket lives longer than this server accepts (clock or lifetime mismatch)";
    } else if (check.ticket.process_id != process_id_) {
        check.verdict = TicketVerdict::wrong_process;
        check.reason = "seat ticket is for another server process";
    } else if (check.ticket.room != room) {
        check.verdict = TicketVerdict::wrong_room;
        check.reason = "seat ticket is for another room";
    } else if (used_.contains(check.ticket.nonce)) {
        check.verdict = TicketVerdict::reused;
        check.reason = "seat ticket already used";
    } else if (used_.size() >= limits_.max_remembered) {
        check.verdict = TicketVerdict::overloaded;
        check.reason = "too many seat tickets in flight; ask matchmaking again";
    } else {
        used_.insert(check.ticket.nonce);
        expiries_.emplace(check.ticket.expiry_ms, check.ticket.nonce);
    }
    return check;
}

void TicketGate::forget_expired(std::uint64_t now_ms) {
    while (!expiries_.empty() && expiries_.top().first <= now_ms) {
        used_.erase(expiries_.top().second);
        expiries_.pop();
    }
}

}  // namespace tickwire::game::fleet
