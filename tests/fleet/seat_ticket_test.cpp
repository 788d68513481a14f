// Seat tickets: what the owning process admits and every way it refuses.
#include <gtest/gtest.h>

#include <cstdio>
#include <cstring>
#include <vector>
#include <fstream>

#include "seat_ticket_codec.hpp"
#include "tickwire/game/fleet/fleet_secret.hpp"
#include "tickwire/game/fleet/seat_ticket.hpp"
#include "tickwire/game/fleet/ticket_gate.hpp"

namespace tickwire::game::fleet {
namespace {

constexpr std::string_view kSecret = "fleet-secret-for-tests-0123456789";
constexpr std::uint64_t kNow = 1'800'000'000'000;  // a fixed Unix time in ms

SeatTicket ticket_for(std::string room, std::string process, std::uint64_t expiry = kNow + 5000) {
    SeatTicket ticket{std::move(room), std::move(process), expiry, {}};
    EXPECT_TRUE(random_nonce(ticket.nonce));
    return ticket;
}

TEST(SeatTicket, RoundTripsThroughAUrlSafeString) {
    const SeatTicket ticket = ticket_for("Lobby-7", "host-a-0badf00d");
    const std::string encoded = issue_seat_ticket(kSecret, ticket);
    ASSERT_FALSE(encoded.empty());
    EXPECT_LE(encoded.size(), kMaxEncodedTicketChars);
    for (char c : encoded)
        EXPECT_TRUE(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_') << encoded;
    const TicketCheck check = decode_seat_ticket(kSecret, encoded, kNow);
    ASSERT_TRUE(check.ok()) << check.reason;
    EXPECT_EQ(check.ticket.room, "Lobby-7");
    EXPECT_EQ(check.ticket.process_id, "host-a-0badf00d");
    EXPECT_EQ(check.ticket.expiry_ms, kNow + 5000);
    EXPECT_EQ(check.ticket.nonce, ticket.nonce);
}

TEST(SeatTicket, RoundTripsEveryFieldLength) {
    // Every length of both fields, so every base64 tail (0, 2 or 3 chars) occurs.
    for (std::size_t room = 1; room <= kMaxTicketField; ++room) {
        for (std::size_t process : {std::size_t{1}, std::size_t{2}, std::size_t{3}, kMaxTicketField}) {
            const SeatTicket ticket = ticket_for(std::string(room, 'r'), std::string(process, 'p'));
            const std::string encoded = issue_seat_ticket(kSecret, ticket);
            const TicketCheck check = decode_seat_ticket(kSecret, encoded, kNow);
            ASSERT_TRUE(check.ok()) << room << "/" << process << ": " << check.reason;
            ASSERT_EQ(check.ticket.room.size(), room);
            ASSERT_EQ(check.ticket.process_id.size(), process);
        }
    }
}

TEST(SeatTicket, IssuesNothingForFieldsItCannotCarry) {
    EXPECT_TRUE(issue_seat_ticket(kSecret, ticket_for("", "p")).empty());
    EXPECT_TRUE(issue_seat_ticket(kSecret, ticket_for("r", "")).empty());
    EXPECT_TRUE(issue_seat_ticket(kSecret, ticket_for(std::string(kMaxTicketField + 1, 'r'), "p")).empty());
    EXPECT_TRUE(issue_seat_ticket("", ticket_for("r", "p")).empty());
}

TEST(SeatTicket, RefusesAnotherSecretsTicketAsForged) {
    const std::string encoded = issue_seat_ticket("another-fleet-secret-0000000000", ticket_for("room", "proc"));
    const TicketCheck check = decode_seat_ticket(kSecret, encoded, kNow);
    EXPECT_EQ(check.verdict, TicketVerdict::forged);
    EXPECT_EQ(check.reason, "seat ticket signature does not match the fleet secret");
    EXPECT_TRUE(check.ticket.room.empty()) << "an unsigned ticket's fields must not be read";
}

TEST(SeatTicket, RefusesEverySingleBitFlipAsForgedOrMalformed) {
    const std::string encoded = issue_seat_ticket(kSecret, ticket_for("room", "proc"));
    static constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    for (std::size_t i = 0; i < encoded.size(); ++i) {
        std::string tampered = encoded;
        // Replace with the next alphabet letter: a different 6-bit value.
        const char* at = std::strchr(kAlphabet, tampered[i]);
        ASSERT_NE(at, nullptr);
        tampered[i] = kAlphabet[(at - kAlphabet + 1) % 64];
        const TicketCheck check = decode_seat_ticket(kSecret, tampered, kNow);
        // The last character carries padding bits the decoder ignores: changing
        // only those yields the same bytes, which is still the genuine ticket.
        if (check.ok()) {
            ASSERT_EQ(i, encoded.size() - 1) << "tampering at " << i << " went unnoticed";
            continue;
        }
        EXPECT_TRUE(check.verdict == TicketVerdict::forged || check.verdict == TicketVerdict::malformed)
            << i << ": " << to_string(check.verdict);
    }
}

TEST(SeatTicket, RefusesEveryTruncationAndExtension) {
    const std::string encoded = issue_seat_ticket(kSecret, ticket_for("room", "proc"));
    for (std::size_t length = 0; length < encoded.size(); ++length) {
        const TicketCheck check = decode_seat_ticket(kSecret, encoded.substr(0, length), kNow);
        EXPECT_FALSE(check.ok()) << length;
        EXPECT_FALSE(check.reason.empty()) << length;
    }
    for (std::string_view tail : {"A", "AA", "AAA", "AAAA"}) {
        const TicketCheck check = decode_seat_ticket(kSecret, encoded + std::string(tail), kNow);
        EXPECT_FALSE(check.ok()) << tail;
    }
}

TEST(SeatTicket, RefusesMalformedTextWithAReason) {
    const std::string encoded = issue_seat_ticket(kSecret, ticket_for("room", "proc"));
    struct Case {
        std::string text;
        std::string_view reason;
    };
    const Case cases[] = {
        {"", "no seat ticket"},
        {std::string(kMaxEncodedTicketChars + 1, 'A'), "seat ticket is too long"},
        {encoded.substr(0, 10) + "+" + encoded.substr(11), "seat ticket is not base64url"},
        {encoded.substr(0, 10) + "=" + encoded.substr(11), "seat ticket is not base64url"},
        {encoded.substr(0, 10) + "%" + encoded.substr(11), "seat ticket is not base64url"},
        {std::string(40, 'A'), "seat ticket has the wrong length"},
    };
    for (const Case& c : cases) {
        const TicketCheck check = decode_seat_ticket(kSecret, c.text, kNow);
        EXPECT_EQ(check.verdict, TicketVerdict::malformed) << c.text;
        EXPECT_EQ(check.reason, c.reason) << c.text;
    }
}

TEST(SeatTicket, ChecksEveryLengthByteAgainstWhatIsLeft) {
    // Hand-made bodies with a valid MAC: only the structure checks can refuse them.
    auto body = [](std::uint8_t version, std::vector<std::uint8_t> fields) {
        std::vector<std::uint8_t> bytes{version};
        const std::uint64_t expiry = kNow + 5000;
        for (int i = 0; i < 8; ++i) bytes.push_back(static_cast<std::uint8_t>(expiry >> (8 * i)));
        bytes.insert(bytes.end(), kTicketNonceBytes, 0x5a);
        bytes.insert(bytes.end(), fields.begin(), fields.end());
        return bytes;
    };
    auto check = [&](std::vector<std::uint8_t> bytes) {
        return decode_seat_ticket(kSecret, detail::seal_ticket_bytes(kSecret, bytes), kNow);
    };
    // The well-formed reference: room "r", process "p".
    ASSERT_TRUE(check(body(1, {1, 'r', 1, 'p'})).ok());
    EXPECT_EQ(check(body(2, {1, 'r', 1, 'p'})).reason, "seat ticket has an unknown version");
    EXPECT_EQ(check(body(1, {0, 1, 'p', 'x'})).reason, "seat ticket has a bad field length");
    EXPECT_EQ(check(body(1, {1, 'r', 0, 'p'})).reason, "seat ticket has a bad field length");
    EXPECT_EQ(check(body(1, {2, 'r', 1, 'p'})).reason, "seat ticket has a bad field length");   // room runs into process
    EXPECT_EQ(check(body(1, {1, 'r', 3, 'p', 'q'})).reason, "seat ticket has a bad field length");  // past the MAC
    EXPECT_EQ(check(body(1, {1, 'r', 1, 'p', 'x'})).reason, "seat ticket has trailing bytes");
    EXPECT_EQ(check(body(1, {3, 'r', 'r', 'r'})).reason, "seat ticket is truncated");  // no process field
    std::vector<std::uint8_t> too_long{65};
    too_long.insert(too_long.end(), 65, 'r');
    too_long.push_back(1);
    too_long.push_back('p');
    EXPECT_EQ(check(body(1, too_long)).reason, "seat ticket has a bad field length");
    // Every length byte value for the room field of an otherwise fine ticket.
    for (int claimed = 0; claimed < 256; ++claimed) {
        const TicketCheck result = check(body(1, {static_cast<std::uint8_t>(claimed), 'r', 'r', 'r', 1, 'p'}));
        EXPECT_EQ(result.ok(), claimed == 3) << claimed << ": " << result.reason;
    }
}

TEST(SeatTicket, RefusesAnExpiredTicket) {
    const std::string encoded = issue_seat_ticket(kSecret, ticket_for("room", "proc", kNow));
    const TicketCheck check = decode_seat_ticket(kSecret, encoded, kNow);
    EXPECT_EQ(check.verdict, TicketVerdict::expired);
    EXPECT_EQ(check.reason, "seat ticket expired");
    EXPECT_TRUE(decode_seat_ticket(kSecret, encoded, kNow - 1).ok());
}

TEST(TicketGate, AdmitsOnceThenRefusesTheSameTicket) {
    TicketGate gate(std::string(kSecret), "proc-a");
    const std::string encoded = issue_seat_ticket(kSecret, ticket_for("room", "proc-a"));
    EXPECT_TRUE(gate.admit(encoded, "room", kNow).ok());
    const TicketCheck again = gate.admit(encoded, "room", kNow + 1);
    EXPECT_EQ(again.verdict, TicketVerdict::reused);
    EXPECT_EQ(again.reason, "seat ticket already used");
}

TEST(TicketGate, RefusesAnotherProcessesTicketWithoutUsingItUp) {
    TicketGate gate_a(std::string(kSecret), "proc-a");
    TicketGate gate_b(std::string(kSecret), "proc-b");
    const std::string encoded = issue_seat_ticket(kSecret, ticket_for("room", "proc-b"));
    const TicketCheck wrong = gate_a.admit(encoded, "room", kNow);
    EXPECT_EQ(wrong.verdict, TicketVerdict::wrong_process);
    EXPECT_EQ(wrong.reason, "seat ticket is for another server process");
    EXPECT_EQ(gate_a.remembered(), 0u);
    EXPECT_TRUE(gate_b.admit(encoded, "room", kNow).ok());
}

TEST(TicketGate, RefusesATicketForAnotherRoomWithoutUsingItUp) {
    TicketGate gate(std::string(kSecret), "proc-a");
    const std::string encoded = issue_seat_ticket(kSecret, ticket_for("red", "proc-a"));
    const TicketCheck wrong = gate.admit(encoded, "blue", kNow);
    EXPECT_EQ(wrong.verdict, TicketVerdict::wrong_room);
    EXPECT_EQ(wrong.reason, "seat ticket is for another room");
    EXPECT_TRUE(gate.admit(encoded, "red", kNow).ok());
}

TEST(TicketGate, RefusesForgedAndExpiredTickets) {
    TicketGate gate(std::string(kSecret), "proc-a");
    const std::string forged = issue_seat_ticket("not-the-fleet-secret-9999999999", ticket_for("room", "proc-a"));
    EXPECT_EQ(gate.admit(forged, "room", kNow).verdict, TicketVerdict::forged);
    const std::string expired = issue_seat_ticket(kSecret, ticket_for("room", "proc-a", kNow - 1));
    EXPECT_EQ(gate.admit(expired, "room", kNow).verdict, TicketVerdict::expired);
    EXPECT_EQ(gate.remembered(), 0u);
}

TEST(TicketGate, RefusesTicketsThatLiveLongerThanItRemembers) {
    TicketGate gate(std::string(kSecret), "proc-a", TicketGateLimits{std::chrono::milliseconds(10000), 16});
    const std::string far = issue_seat_ticket(kSecret, ticket_for("room", "proc-a", kNow + 10001));
    const TicketCheck check = gate.admit(far, "room", kNow);
    EXPECT_EQ(check.verdict, TicketVerdict::expired);
    EXPECT_NE(check.reason.find("longer"), std::string_view::npos);
}

TEST(TicketGate, HoldsBoundedNoncesAndForgetsThemAfterExpiry) {
    TicketGate gate(std::string(kSecret), "proc-a", TicketGateLimits{std::chrono::milliseconds(10000), 2});
    const std::string first = issue_seat_ticket(kSecret, ticket_for("room", "proc-a", kNow + 100));
    const std::string second = issue_seat_ticket(kSecret, ticket_for("room", "proc-a", kNow + 200));
    const std::string third = issue_seat_ticket(kSecret, ticket_for("room", "proc-a", kNow + 5000));
    ASSERT_TRUE(gate.admit(first, "room", kNow).ok());
    ASSERT_TRUE(gate.admit(second, "room", kNow).ok());
    // Full: refused rather than forgetting a live nonce (which would allow a replay).
    const TicketCheck full = gate.admit(third, "room", kNow);
    EXPECT_EQ(full.verdict, TicketVerdict::overloaded);
    EXPECT_EQ(gate.remembered(), 2u);
    // Once the first expires its nonce is dropped, and there is room again.
    EXPECT_TRUE(gate.admit(third, "room", kNow + 100).ok());
    EXPECT_EQ(gate.remembered(), 2u);
    EXPECT_EQ(gate.admit(first, "room", kNow + 100).verdict, TicketVerdict::expired);
    EXPECT_EQ(gate.admit(second, "room", kNow + 150).verdict, TicketVerdict::reused);
    (void)gate.admit("", "room", kNow + 300);
    EXPECT_EQ(gate.remembered(), 1u);
}

TEST(FleetSecret, ReadsTheKeyWithoutItsTrailingNewline) {
    const std::string path = ::testing::TempDir() + "fleet_secret_test.key";
    {
        std::ofstream file(path, std::ios::binary);
        file << "0123456789abcdef0123456789abcdef\r\n";
    }
    const FleetSecret secret = read_fleet_secret(path);
    ASSERT_TRUE(secret.ok()) << secret.error;
    EXPECT_EQ(secret.key, "0123456789abcdef0123456789abcdef");
    std::remove(path.c_str());
}

TEST(FleetSecret, RefusesMissingShortAndHugeKeys) {
    EXPECT_NE(read_fleet_secret("/nonexistent/fleet.key").error.find("cannot open"), std::string::npos);
    EXPECT_FALSE(make_fleet_secret("short\n").ok());
    EXPECT_FALSE(make_fleet_secret(std::string(kMaxFleetSecretBytes + 1, 'k')).ok());
    EXPECT_TRUE(make_fleet_secret(std::string(kMaxFleetSecretBytes, 'k')).ok());
    const std::string path = ::testing::TempDir() + "fleet_secret_huge.key";
    {
        std::ofstream file(path, std::ios::binary);
        file << std::string(kMaxFleetSecretBytes, 'k') << "  \n" << std::string(100, 'k');
    }
    EXPECT_FALSE(read_fleet_secret(path).ok());
    std::remove(path.c_str());
}

}  // namespace
}  // namespace tickwire::game::fleet

