#pragma once
// SessionTable: the server's sessions by ConnectionId — the protocol
// bookkeeping of a server that no transport needs to know: which Hello gets a
// fresh session and which resumes one (resume tokens issued, checked and
// retired), and how long a session whose connection vanished is held for its
// client. In plain mode every connection still has its (pass-through) Session
// here, so the server has one path for both modes.
//
// Tokens are told apart by their expiry stamp, strictly increasing per
// session. Valid: from the newest one the client is known to hold (it sent a
// packet after that Welcome) to the newest issued — Welcomes lost with their
// connection leave the client an older one. Anything older is a replay.
//
// Thread: the server's network thread only.

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "session/resume_token.hpp"
#include "session/session.hpp"
#include "tickwire/net/events.hpp"

namespace tickwire::net::detail {

class SessionTable {
public:
    /// One session: outlives its connections by up to the grace period.
    struct Entry {
        Entry(ConnectionId id_in, const SessionOptions& options) : id(id_in), session(options, Session::Role::server) {}
        ConnectionId id;
        Session session;
        std::uint64_t token_expiry_ms = 0;            ///< the newest token issued
        std::uint64_t confirmed_token_expiry_ms = 0;  ///< the newest the client is known to hold
        bool token_confirmed = false;
        std::optional<SteadyTime> held_until;  ///< set while waiting for its client to resume
        bool closing = false;                  ///< the game (or an overflow) ended it: no hold
        bool ack_queued = false;               ///< in the owner's list of sessions with an ack deadline
    };

    /// `secret` signs resume tokens (session mode only).
    SessionTable(const SessionOptions& options, std::vector<std::byte> secret);

    [[nodiscard]] bool session_mode() const noexcept { return options_.enabled; }
    [[nodiscard]] const SessionOptions& options() const noexcept { return options_; }

    /// A new session under `id` for `link`. Plain mode: at once. Session mode:
    /// after its Hello; it gets a fresh random session id and a Welcome with a
    /// token. Null only if no randomness was to be had (close 1011).
    Entry* open(ConnectionId id, Link* link, std::uint64_t now_ms);

    /// Session mode: the session this Hello may resume, or why not (a fresh
    /// session follows then, never the old one). A resume must present a token
    /// that verifies, names this session, is one of its valid ones, and the
    /// session must not be closing.
    struct ResumeCheck {
        Entry* entry = nullptr;
        std::string_view refused;  ///< static text; empty with an entry
    };
    ResumeCheck check_resume(const ReliableSession::Incoming& hello, std::uint64_t now_ms);
    /// Take `entry` back on `link`: a fresh token, the Welcome, the resend.
    void resume(Entry& entry, Link* link, std::uint32_t peer_received, std::uint64_t now_ms);
    /// The client sent a packet after its Welcome: it holds the newest token.
    static void confirm_token(Entry& entry) noexcept;

    /// Its connection vanished: hold it for a resume until `now` + grace.
    void hold(Entry& entry, SteadyTime now) noexcept { entry.held_until = now + options_.grace_period; }
    /// Held sessions whose grace period has run out, and whether any are still held.
    void expired(SteadyTime now, std::vector<ConnectionId>& out, bool& still_holding) const;

    [[nodiscard]] Entry* find(ConnectionId id) noexcept;
    void erase(ConnectionId id);
    void clear();
    template <class F>
    void for_each(F&& f) {
        for (auto& [id, entry] : entries_) f(*entry);
    }

private:
    std::vector<std::byte> issue_token(Entry& entry, std::uint64_t session_id, std::uint64_t now_ms);

    SessionOptions options_;
    std::vector<std::byte> secret_;
    std::unordered_map<ConnectionId, std::unique_ptr<Entry>> entries_;
    std::unordered_map<std::uint64_t, ConnectionId> by_session_id_;
};

}  // namespace tickwire::net::detail
