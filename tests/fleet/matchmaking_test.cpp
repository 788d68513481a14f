// Matchmaking's decision and answer: one process alone, a fleet, a directory
// that is down; seat tickets the chosen process admits.
#include <gtest/gtest.h>

#include <map>

#include <boost/json.hpp>

#include "tickwire/game/fleet/matchmaking.hpp"
#include "tickwire/game/fleet/ticket_gate.hpp"

namespace tickwire::game::fleet {
namespace {

constexpr std::string_view kSecret = "matchmaking-test-secret-000000000";
constexpr std::uint64_t kNow = 1'800'000'000'000;

LocalProcess local(std::span<const RoomLoad> rooms, std::uint32_t capacity = 2048) {
    LocalProcess self;
    self.id = "self";
    self.public_url = "ws://self:7777";
    self.capacity = capacity;
    self.rooms = rooms;
    return self;
}

FleetView fleet_of(std::vector<ProcessRecord> processes, std::vector<RoomRecord> rooms) {
    FleetView view;
    view.processes = std::move(processes);
    view.rooms = std::move(rooms);
    std::sort(view.processes.begin(), view.processes.end(), [](auto& a, auto& b) { return a.id < b.id; });
    std::sort(view.rooms.begin(), view.rooms.end(), [](auto& a, auto& b) { return a.code < b.code; });
    return view;
}

TEST(MatchRequest, ReadsThePath) {
    EXPECT_TRUE(MatchRequest::from_path("/match/auto")->automatic());
    EXPECT_TRUE(MatchRequest::from_path("/match")->automatic());
    EXPECT_TRUE(MatchRequest::from_path("/match/")->automatic());
    EXPECT_EQ(MatchRequest::from_path("/match/Red_7-x")->code, "Red_7-x");
    const std::string too_long = "/match/" + std::string(65, 'x');
    for (std::string_view bad : {std::string_view("/matches"), std::string_view("/match/a/b"),
                                 std::string_view("/match/a%20b"), std::string_view("/match/a?b"),
                                 std::string_view("/rooms"), std::string_view(), std::string_view(too_long)})
        EXPECT_FALSE(MatchRequest::from_path(bad).has_value()) << bad;
}

TEST(DecideMatch, AloneItAnswersForItself) {
    const RoomLoad rooms[] = {{"half", 16, 32}, {"full", 32, 32}, {"most", 30, 32}};
    const LocalProcess self = local(rooms);
    // Auto: the fullest room with a free seat.
    MatchDecision d = decide_match({}, DirectoryAvailability::none, nullptr, self, {}, "NEW123");
    EXPECT_EQ(d.http_status, 200);
    EXPECT_EQ(d.room, "most");
    EXPECT_EQ(d.url, "ws://self:7777");
    EXPECT_FALSE(d.new_room);
    // A code: there, full, or new.
    EXPECT_EQ(decide_match({"half"}, DirectoryAvailability::none, nullptr, self, {}, "X").room, "half");
    d = decide_match({"full"}, DirectoryAvailability::none, nullptr, self, {}, "X");
    EXPECT_EQ(d.http_status, 503);
    EXPECT_EQ(d.reason, "room full is full");
    d = decide_match({"fresh"}, DirectoryAvailability::none, nullptr, self, {}, "X");
    EXPECT_EQ(d.http_status, 200);
    EXPECT_EQ(d.room, "fresh");
    EXPECT_TRUE(d.new_room);
    EXPECT_EQ(d.process_id, "self");
}

TEST(DecideMatch, CountsPromisedSeatsAndPromisedRooms) {
    const RoomLoad rooms[] = {{"most", 30, 32}};
    const LocalProcess self = local(rooms);
    std::vector<PendingSeat> pending{{"most", "self", "ws://self:7777", 32, kNow + 1000},
                                     {"most", "self", "ws://self:7777", 32, kNow + 1000}};
    // "most" is promised full: auto opens a new room...
    MatchDecision d = decide_match({}, DirectoryAvailability::none, nullptr, self, pending, "NEWONE");
    EXPECT_EQ(d.room, "NEWONE");
    EXPECT_TRUE(d.new_room);
    // ...and the next auto fills that room (promised, not yet created) instead of a third.
    pending.push_back({"NEWONE", "self", "ws://self:7777", 32, kNow + 1000});
    d = decide_match({}, DirectoryAvailability::none, nullptr, self, pending, "OTHER1");
    EXPECT_EQ(d.room, "NEWONE");
}

TEST(DecideMatch, AloneAndDrainingItSendsNobody) {
    const RoomLoad rooms[] = {{"half", 16, 32}};
    LocalProcess self = local(rooms);
    self.draining = true;
    MatchDecision d = decide_match({}, DirectoryAvailability::none, nullptr, self, {}, "X");
    EXPECT_EQ(d.http_status, 503);
    EXPECT_EQ(d.reason, "server is shutting down");
    d = decide_match({"half"}, DirectoryAvailability::none, nullptr, self, {}, "X");
    EXPECT_EQ(d.http_status, 503);
    EXPECT_NE(d.reason.find("shutting down"), std::string::npos);
}

TEST(DecideMatch, AFleetSendsPlayersToTheOwnerOrTheLeastLoaded) {
    const RoomLoad rooms[] = {{"mine", 10, 32}};
    const LocalProcess self = local(rooms, 64);
    const FleetView fleet = fleet_of(
        {{"self", "ws://self:7777", 1, 10, 64, false},
         {"busy", "ws://busy:7777", 2, 50, 64, false},
         {"idle", "ws://idle:7777", 1, 4, 64, false},
         {"leaving", "ws://leaving:7777", 0, 0, 64, true}},
        {{"mine", "self", 10, 32}, {"theirs", "busy", 31, 32}, {"packed", "busy", 19, 32}, {"quiet", "idle", 4, 32}});

    // A code another process owns: go there.
    MatchDecision d = decide_match({"quiet"}, DirectoryAvailability::up, &fleet, self, {}, "X");
    EXPECT_EQ(d.http_status, 200);
    EXPECT_EQ(d.process_id, "idle");
    EXPECT_EQ(d.url, "ws://idle:7777");
    // Auto: the fullest room with a free seat anywhere.
    d = decide_match({}, DirectoryAvailability::up, &fleet, self, {}, "X");
    EXPECT_EQ(d.room, "theirs");
    EXPECT_EQ(d.process_id, "busy");
    // A new code: the least-loaded live process that is not draining (not the empty draining one).
    d = decide_match({"brandnew"}, DirectoryAvailability::up, &fleet, self, {}, "X");
    EXPECT_TRUE(d.new_room);
    EXPECT_EQ(d.process_id, "idle");
    // Promised seats count: with 10 pending on idle, this process is lighter.
    std::vector<PendingSeat> pending(10, PendingSeat{"quiet", "idle", "ws://idle:7777", 32, kNow + 1000});
    d = decide_match({"brandnew"}, DirectoryAvailability::up, &fleet, self, pending, "X");
    EXPECT_EQ(d.process_id, "self");
}

TEST(DecideMatch, ARoomOnADrainingServerTakesNobody) {
    const LocalProcess self = local({}, 64);
    const FleetView fleet = fleet_of({{"self", "ws://self:7777", 0, 0, 64, false},
                                      {"leaving", "ws://leaving:7777", 1, 3, 64, true}},
                                     {{"old", "leaving", 3, 32}});
    MatchDecision d = decide_match({"old"}, DirectoryAvailability::up, &fleet, self, {}, "X");
    EXPECT_EQ(d.http_status, 503);
    EXPECT_NE(d.reason.find("shutting down"), std::string::npos);
    // Auto skips it and opens a room on a live process.
    d = decide_match({}, DirectoryAvailability::up, &fleet, self, {}, "NEWROOM");
    EXPECT_EQ(d.room, "NEWROOM");
    EXPECT_EQ(d.process_id, "self");
}

TEST(DecideMatch, WithTheDirectoryDownOnlyLocalRoomsAreKnown) {
    const RoomLoad rooms[] = {{"here", 3, 32}};
    const LocalProcess self = local(rooms);
    MatchDecision d = decide_match({"here"}, DirectoryAvailability::unavailable, nullptr, self, {}, "X");
    EXPECT_EQ(d.http_status, 200);
    EXPECT_EQ(d.process_id, "self");
    d = decide_match({"elsewhere"}, DirectoryAvailability::unavailable, nullptr, self, {}, "X");
    EXPECT_EQ(d.http_status, 503);
    EXPECT_EQ(d.reason, "room directory unavailable: cannot tell where room elsewhere is");
    // Auto still fills a local room with a free seat...
    EXPECT_EQ(decide_match({}, DirectoryAvailability::unavailable, nullptr, self, {}, "X").room, "here");
    // ...but opens none: the code could not be claimed fleet-wide.
    const LocalProcess empty = local({});
    d = decide_match({}, DirectoryAvailability::unavailable, nullptr, empty, {}, "X");
    EXPECT_EQ(d.http_status, 503);
    EXPECT_NE(d.reason.find("room directory unavailable"), std::string::npos);
}

TEST(DecideMatch, WithoutCreationUnknownCodesAreNotFound) {
    LocalProcess self = local({});
    self.allow_create = false;
    MatchDecision d = decide_match({"nope"}, DirectoryAvailability::none, nullptr, self, {}, "X");
    EXPECT_EQ(d.http_status, 404);
    EXPECT_EQ(d.reason, "no room nope");
    d = decide_match({}, DirectoryAvailability::none, nullptr, self, {}, "X");
    EXPECT_EQ(d.http_status, 503);
}

TEST(DecideMatch, AFullFleetAnswers503) {
    const LocalProcess self = local({}, 0);
    const FleetView fleet = fleet_of({{"other", "ws://other:1", 2, 64, 64, false}},
                                     {{"a", "other", 32, 32}, {"b", "other", 32, 32}});
    const MatchDecision d = decide_match({}, DirectoryAvailability::up, &fleet, self, {}, "X");
    EXPECT_EQ(d.http_status, 503);
    EXPECT_EQ(d.reason, "no server has a free seat");
}

TEST(Matchmaker, AnswersJsonWithAUrlAndATicketTheOwnerAdmits) {
    Matchmaker matchmaker(MatchmakerConfig{std::string(kSecret)});
    const FleetView fleet = fleet_of({{"self", "ws://self:7777", 0, 0, 64, false},
                                      {"other", "ws://other:7777/", 1, 5, 64, false}},
                                     {{"room5", "other", 5, 32}});
    const MatchAnswer answer =
        matchmaker.answer({"room5"}, DirectoryAvailability::up, &fleet, local({}, 64), kNow);
    ASSERT_EQ(answer.http_status, 200) << answer.body;
    const boost::json::object json = boost::json::parse(answer.body).as_object();
    EXPECT_EQ(json.at("url").as_string(), answer.ws_url);
    EXPECT_EQ(answer.ws_url, "ws://other:7777/room/room5?ticket=" + answer.ticket);
    EXPECT_EQ(json.at("room").as_string(), "room5");
    EXPECT_EQ(json.at("process").as_string(), "other");
    EXPECT_EQ(json.at("ticket").as_string(), answer.ticket);
    EXPECT_EQ(json.at("expires_ms").as_int64(), static_cast<std::int64_t>(kNow + 10000));
    EXPECT_FALSE(json.at("new_room").as_bool());

    TicketGate owner(std::string(kSecret), "other");
    TicketGate bystander(std::string(kSecret), "self");
    EXPECT_EQ(bystander.admit(answer.ticket, "room5", kNow + 5).verdict, TicketVerdict::wrong_process);
    EXPECT_TRUE(owner.admit(answer.ticket, "room5", kNow + 5).ok());
    EXPECT_EQ(owner.admit(answer.ticket, "room5", kNow + 6).verdict, TicketVerdict::reused);
    EXPECT_EQ(matchmaker.pending().size(), 1u);
}

TEST(Matchmaker, SpreadsABurstOfAutoRequestsAcrossRoomsAndProcesses) {
    // 80 players ask one server in a burst, before any fleet view changes:
    // rooms never exceed their capacity and new rooms go to the lighter processes.
    Matchmaker matchmaker(MatchmakerConfig{std::string(kSecret)});
    const FleetView fleet = fleet_of({{"self", "ws://self:1", 0, 0, 2048, false},
                                      {"p2", "ws://p2:1", 0, 0, 2048, false},
                                      {"p3", "ws://p3:1", 0, 0, 2048, false}},
                                     {});
    const LocalProcess self = local({}, 2048);
    std::map<std::string, int> per_room;
    std::map<std::string, int> per_process;
    for (int player = 0; player < 80; ++player) {
        const MatchAnswer answer = matchmaker.answer({}, DirectoryAvailability::up, &fleet, self, kNow + player);
        ASSERT_EQ(answer.http_status, 200) << answer.body;
        ++per_room[answer.decision.room];
        ++per_process[answer.decision.process_id];
    }
    EXPECT_EQ(per_room.size(), 3u);
    for (const auto& [room, players] : per_room) EXPECT_LE(players, 32) << room;
    EXPECT_GE(per_process.size(), 2u);
}

TEST(Matchmaker, ForgetsPromisedSeatsWhenTheirTicketsExpire) {
    Matchmaker matchmaker(MatchmakerConfig{std::string(kSecret), std::chrono::milliseconds(1000), 4096});
    const RoomLoad rooms[] = {{"r", 31, 32}};
    const LocalProcess self = local(rooms);
    EXPECT_EQ(matchmaker.answer({"r"}, DirectoryAvailability::none, nullptr, self, kNow).http_status, 200);
    EXPECT_EQ(matchmaker.answer({"r"}, DirectoryAvailability::none, nullptr, self, kNow + 1).http_status, 503);
    EXPECT_EQ(matchmaker.answer({"r"}, DirectoryAvailability::none, nullptr, self, kNow + 1000).http_status, 200);
}

TEST(Matchmaker, ASeatTakenHereIsNoLongerCountedAsPromised) {
    Matchmaker matchmaker(MatchmakerConfig{std::string(kSecret)});
    RoomLoad rooms[] = {{"r", 31, 32}};
    EXPECT_EQ(matchmaker.answer({"r"}, DirectoryAvailability::none, nullptr, local(rooms), kNow).http_status, 200);
    // The promised player sat down: 32 players, no promise left (not 33 taken).
    rooms[0].players = 32;
    matchmaker.seat_taken("r");
    EXPECT_TRUE(matchmaker.pending().empty());
    EXPECT_EQ(matchmaker.answer({"r"}, DirectoryAvailability::none, nullptr, local(rooms), kNow).decision.reason,
              "room r is full");
}

TEST(Matchmaker, PromisesToAProcessThatLeftTheDirectoryAreForgotten) {
    // A room promised on p2, which was then killed: without this, every
    // answer for the room would name the dead process and renew the promise.
    Matchmaker matchmaker(MatchmakerConfig{std::string(kSecret)});
    const LocalProcess self = local({});
    const FleetView with_p2 = fleet_of({{"self", "ws://self:7777", 0, 0, 2048, false}, {"p2", "ws://p2:1", 1, 0, 2048, false}},
                                       {{"doomed", "p2", 0, 32}});
    EXPECT_EQ(matchmaker.answer({"doomed"}, DirectoryAvailability::up, &with_p2, self, kNow).decision.process_id, "p2");
    const FleetView without_p2 = fleet_of({{"self", "ws://self:7777", 0, 0, 2048, false}}, {});
    const MatchAnswer after = matchmaker.answer({"doomed"}, DirectoryAvailability::up, &without_p2, self, kNow + 1);
    EXPECT_EQ(after.decision.process_id, "self");
    EXPECT_TRUE(after.decision.new_room);
}

TEST(Matchmaker, AnswersAPlacementDecidedElsewhereWithATicketForThatProcess) {
    Matchmaker matchmaker(MatchmakerConfig{std::string(kSecret)});
    MatchDecision owner;
    owner.room = "RACE1";
    owner.process_id = "p2";
    owner.url = "ws://p2:7777/";
    const MatchAnswer answer = matchmaker.answer_decision(owner, 32, kNow);
    ASSERT_EQ(answer.http_status, 200) << answer.body;
    EXPECT_EQ(answer.ws_url.substr(0, answer.ws_url.find('?')), "ws://p2:7777/room/RACE1");
    TicketGate p2(std::string(kSecret), "p2");
    EXPECT_TRUE(p2.admit(answer.ticket, "RACE1", kNow + 1).ok());
    MatchDecision refused;
    refused.http_status = 503;
    refused.reason = "room directory unavailable";
    const MatchAnswer error = matchmaker.answer_decision(refused, 32, kNow);
    EXPECT_EQ(error.http_status, 503);
    EXPECT_EQ(error.body, R"({"error":"room directory unavailable"})");
}

TEST(Matchmaker, BoundsItsPromisesAndRefusesBadCodes) {
    Matchmaker matchmaker(MatchmakerConfig{std::string(kSecret), std::chrono::milliseconds(1000), 2});
    const LocalProcess self = local({});
    EXPECT_EQ(matchmaker.answer({"a"}, DirectoryAvailability::none, nullptr, self, kNow).http_status, 200);
    EXPECT_EQ(matchmaker.answer({"b"}, DirectoryAvailability::none, nullptr, self, kNow).http_status, 200);
    const MatchAnswer third = matchmaker.answer({"c"}, DirectoryAvailability::none, nullptr, self, kNow);
    EXPECT_EQ(third.http_status, 503);
    EXPECT_EQ(boost::json::parse(third.body).at("error").as_string(), third.decision.reason);
    EXPECT_EQ(matchmaker.answer({"bad/code"}, DirectoryAvailability::none, nullptr, self, kNow).http_status, 400);
}

TEST(Matchmaker, MakesRoomCodesTheGameAccepts) {
    const std::string a = random_room_code(), b = random_room_code();
    EXPECT_EQ(a.size(), 6u);
    EXPECT_NE(a, b);
    for (char c : a) EXPECT_TRUE((c >= 'A' && c <= 'Z') || (c >= '2' && c <= '9')) << a;
}

}  // namespace
}  // namespace tickwire::game::fleet
