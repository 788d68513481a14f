// The server's session bookkeeping: fresh or resumed, tokens, holds.
#include "session/session_table.hpp"

#include <openssl/rand.h>

#include <algorithm>

namespace tickwire::net::detail {

SessionTable::SessionTable(const SessionOptions& options, std::vector<std::byte> secret)
    : options_(options), secret_(std::move(secret)) {}

SessionTable::Entry* SessionTable::open(ConnectionId id, Link* link, std::uint64_t now_ms) {
    std::uint64_t session_id = 0;
    if (options_.enabled) {
        while (session_id == 0 || by_session_id_.count(session_id) != 0) {
            if (RAND_bytes(reinterpret_cast<unsigned char*>(&session_id), sizeof session_id) != 1) return nullptr;
        }
    }
    auto owned = std::make_unique<Entry>(id, options_);
    Entry& entry = *owned;
    entries_[id] = std::move(owned);
    entry.session.attach(link);
    if (!options_.enabled) return &entry;
    by_session_id_.emplace(session_id, id);
    const auto token = issue_token(entry, session_id, now_ms);
    entry.session.welcome(session_id, token, false, 0);
    return &entry;
}

SessionTable::ResumeCheck SessionTable::check_resume(const ReliableSession::Incoming& hello, std::uint64_t now_ms) {
    const ResumeTokenCheck check = verify_resume_token(secret_, hello.proof, now_ms);
    if (!check.ok()) return {nullptr, check.error};
    if (check.session_id != hello.session_id) return {nullptr, "resume token belongs to another session"};
    const auto known = by_session_id_.find(check.session_id);
    if (known == by_session_id_.end()) return {nullptr, "session unknown or expired"};
    Entry& entry = *entries_.at(known->second);
    if (check.expiry_ms < entry.confirmed_token_expiry_ms || check.expiry_ms > entry.token_expiry_ms)
        return {nullptr, "resume token replayed (the client has a newer one)"};
    if (entry.closing) return {nullptr, "session is closing"};
    return {&entry, {}};
}

void SessionTable::resume(Entry& entry, Link* link, std::uint32_t peer_received, std::uint64_t now_ms) {
    entry.held_until.reset();
    entry.session.attach(link);
    const auto token = issue_token(entry, entry.session.id(), now_ms);
    entry.session.welcome(entry.session.id(), token, true, peer_received);
}

void SessionTable::confirm_token(Entry& entry) noexcept {
    if (entry.token_confirmed) return;
    // The client sends nothing after its Hello until our Welcome arrived: it
    // holds the newest token now, and older ones become replays.
    entry.token_confirmed = true;
    entry.confirmed_token_expiry_ms = entry.token_expiry_ms;
}

std::vector<std::byte> SessionTable::issue_token(Entry& entry, std::uint64_t session_id, std::uint64_t now_ms) {
    const auto lifetime = static_cast<std::uint64_t>(std::max<std::int64_t>(options_.token_lifetime.count(), 1));
    // Strictly increasing per session, so each token is told apart by its expiry.
    entry.token_confirmed = false;
    entry.token_expiry_ms = std::max(now_ms + lifetime, entry.token_expiry_ms + 1);
    const ResumeToken token = issue_resume_token(secret_, session_id, entry.token_expiry_ms);
    return {token.begin(), token.end()};
}

void SessionTable::expired(SteadyTime now, std::vector<ConnectionId>& out, bool& still_holding) const {
    still_holding = false;
    for (const auto& [id, entry] : entries_) {
        if (!entry->held_until) continue;
        if (*entry->held_until <= now)
            out.push_back(id);
        else
            still_holding = true;
    }
}

SessionTable::Entry* SessionTable::find(ConnectionId id) noexcept {
    const auto it = entries_.find(id);
    return it == entries_.end() ? nullptr : it->second.get();
}

void SessionTable::erase(ConnectionId id) {
    const auto it = entries_.find(id);
    if (it == entries_.end()) return;
    if (it->second->session.id() != 0) by_session_id_.erase(it->second->session.id());
    entries_.erase(it);
}

void SessionTable::clear() {
    entries_.clear();
    by_session_id_.clear();
}

}  // namespace tickwire::net::detail
