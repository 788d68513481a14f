// The chat example over loopback: tickwire-chat-server and tickwire-chat run
// as processes, the way a newcomer runs them; the limits are probed with a
// raw Channel speaking the wire format (the chat client never breaks it).

#include <gtest/gtest.h>

#include <algorithm>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "chat_protocol.hpp"
#include "child_process.hpp"
#include "interop_support.hpp"
#include "tickwire/net.hpp"

namespace tickwire::test {
namespace {

// A chat program run as a process, with everything it printed so far.
class ChatProcess {
public:
    explicit ChatProcess(std::vector<std::string> argv) : process_(ChildProcess::start(std::move(argv))) {}

    // Reads output until a line equal to `line` comes; false after 10 s.
    bool expect(std::string_view line) {
        if (std::find(seen_.begin(), seen_.end(), line) != seen_.end()) return true;
        const auto deadline = Clock::now() + 10s;
        while (Clock::now() < deadline && !process_.stdout_closed()) {
            const auto next = process_.read_line(100ms);
            if (!next) continue;
            seen_.push_back(*next);
            if (*next == line) return true;
        }
        ADD_FAILURE() << process_.command() << ": no line \"" << line << "\" in:\n" << transcript();
        return false;
    }
    bool say(std::string_view line) { return process_.write_stdin(std::string(line) + "\n"); }
    // Closes stdin (the user's Ctrl-D) and returns the exit status.
    std::optional<int> leave() {
        process_.close_stdin();
        for (auto& line : process_.read_remaining_lines(10s)) seen_.push_back(std::move(line));
        return process_.wait(10s);
    }
    [[nodiscard]] long count_starting_with(std::string_view prefix) const {
        return std::count_if(seen_.begin(), seen_.end(), [&](const std::string& l) { return l.starts_with(prefix); });
    }
    [[nodiscard]] const std::vector<std::string>& seen() const { return seen_; }
    [[nodiscard]] std::string transcript() const {
        std::string text;
        for (const std::string& line : seen_) text += "  | " + line + "\n";
        return text;
    }
    ChildProcess& process() { return process_; }

private:
    ChildProcess process_;
    std::vector<std::string> seen_;
};

class ChatExample : public ::testing::Test {
protected:
    void start_server(std::vector<std::string> extra_args = {}) {
        std::vector<std::string> argv = {TICKWIRE_CHAT_SERVER_PATH, "--port", "0"};
        argv.insert(argv.end(), extra_args.begin(), extra_args.end());
        server_.emplace(argv);
        ASSERT_TRUE(read_listening_port(server_->process(), port_));
    }
    [[nodiscard]] std::string room_url(std::string_view room) const {
        return "ws://127.0.0.1:" + std::to_string(port_) + std::string(room);
    }
    ChatProcess client(std::string_view room, std::string_view name) {
        return ChatProcess({TICKWIRE_CHAT_CLIENT_PATH, room_url(room), "--name", std::string(name)});
    }

    // A raw channel that has joined `room` as `name`.
    net::Channel raw_join(std::string_view room, std::string_view name) {
        net::Channel channel = net::Channel::connect(room_url(room));
        channel.sink().add(chat::encode(chat::Kind::join, name));
        channel.sink().flush();
        return channel;
    }
    // The channel's closed event (skipping everything before it), within 10 s.
    static net::Event closed_event(net::Channel& channel) {
        net::Event event;
        const auto deadline = Clock::now() + 10s;
        while (next_event(channel, event, deadline))
            if (event.type == net::EventType::closed) return event;
        ADD_FAILURE() << "no closed event within 10 s";
        return event;
    }

    std::optional<ChatProcess> server_;
    std::uint16_t port_ = 0;
};

TEST_F(ChatExample, TwoClientsChatAndTheLaterOneSeesWhatWasSaidBefore) {
    start_server();
    ChatProcess ann = client("/lobby", "ann");
    ASSERT_TRUE(ann.expect("* ann joined"));
    ann.say("hello, anyone?");
    ann.say("héllo in UTF-8 ✓");
    ASSERT_TRUE(ann.expect("ann: héllo in UTF-8 ✓"));

    ChatProcess bob = client("/lobby", "bob");
    EXPECT_TRUE(bob.expect("(earlier) ann: hello, anyone?"));
    EXPECT_TRUE(bob.expect("(earlier) ann: héllo in UTF-8 ✓"));
    EXPECT_TRUE(bob.expect("* bob joined"));
    EXPECT_TRUE(ann.expect("* bob joined"));
    bob.say("hi ann");
    EXPECT_TRUE(ann.expect("bob: hi ann"));
    EXPECT_TRUE(bob.expect("bob: hi ann"));

    // Another room hears nothing of it.
    ChatProcess carol = client("/other", "carol");
    EXPECT_TRUE(carol.expect("* carol joined"));
    EXPECT_EQ(carol.count_starting_with("(earlier)"), 0) << carol.transcript();

    // Leaving is a clean close: 1000 on both sides, and the room is told.
    EXPECT_EQ(ann.leave(), 0) << ann.transcript();
    EXPECT_TRUE(ann.expect("* closed 1000 bye"));
    EXPECT_TRUE(bob.expect("* ann left"));
    EXPECT_TRUE(server_->expect("leave #1 /lobby ann 1000"));
    EXPECT_EQ(bob.leave(), 0) << bob.transcript();
    EXPECT_EQ(carol.leave(), 0) << carol.transcript();
    EXPECT_EQ(ann.count_starting_with("carol"), 0) << ann.transcript();
}

TEST_F(ChatExample, ReplaysTheLast50LinesOldestFirst) {
    start_server({"--line-burst", "100"});
    ChatProcess ann = client("/lobby", "ann");
    ASSERT_TRUE(ann.expect("* ann joined"));
    for (int i = 1; i <= 60; ++i) ann.say("line " + std::to_string(i));
    ASSERT_TRUE(ann.expect("ann: line 60"));

    ChatProcess bob = client("/lobby", "bob");
    ASSERT_TRUE(bob.expect("* bob joined"));
    std::vector<std::string> earlier;
    for (const std::string& line : bob.seen())
        if (line.starts_with("(earlier) ")) earlier.push_back(line);
    ASSERT_EQ(earlier.size(), 50u) << bob.transcript();
    EXPECT_EQ(earlier.front(), "(earlier) ann: line 11");
    EXPECT_EQ(earlier.back(), "(earlier) ann: line 60");
    EXPECT_EQ(ann.leave(), 0);
    EXPECT_EQ(bob.leave(), 0);
}

TEST_F(ChatExample, ClientRefusesLinesItMustNotSend) {
    start_server();
    ChatProcess ann = client("/lobby", "ann");
    ASSERT_TRUE(ann.expect("* ann joined"));
    ann.say(std::string(chat::kMaxLineBytes + 1, 'x'));
    EXPECT_TRUE(ann.expect("* not sent (too long): " + std::string(chat::kMaxLineBytes + 1, 'x')));
    ann.say(std::string(chat::kMaxLineBytes, 'y'));  // the longest line is fine
    EXPECT_TRUE(ann.expect("ann: " + std::string(chat::kMaxLineBytes, 'y')));
    EXPECT_EQ(ann.leave(), 0);
}

TEST_F(ChatExample, MessageOverTheSizeLimitClosesWith1009) {
    start_server();
    net::Channel mallory = raw_join("/lobby", "mallory");
    mallory.sink().add(chat::encode(chat::Kind::say, std::string(chat::kMaxMessageBytes, 'x')));
    mallory.sink().flush();
    EXPECT_EQ(closed_event(mallory).close_code, net::close_code::message_too_big);
}

TEST_F(ChatExample, TextThatIsNotUtf8ClosesWith1007) {
    start_server();
    net::Channel mallory = raw_join("/lobby", "mallory");
    mallory.sink().add(chat::encode(chat::Kind::say, "\xc3\x28"));  // a broken 2-byte sequence
    mallory.sink().flush();
    const net::Event closed = closed_event(mallory);
    EXPECT_EQ(closed.close_code, chat::kCloseInvalidText);
    EXPECT_EQ(closed.text(), "bad line: not UTF-8");
    EXPECT_TRUE(server_->expect("close #1 1007 bad line: not UTF-8"));
}

TEST_F(ChatExample, SayingBeforeJoiningClosesWith1008) {
    start_server();
    net::Channel mallory = net::Channel::connect(room_url("/lobby"));
    mallory.sink().add(chat::encode(chat::Kind::say, "who am I?"));
    mallory.sink().flush();
    const net::Event closed = closed_event(mallory);
    EXPECT_EQ(closed.close_code, net::close_code::policy_violation);
    EXPECT_EQ(closed.text(), "join first");
}

TEST_F(ChatExample, ANameTakenInTheRoomClosesWith4001) {
    start_server();
    ChatProcess ann = client("/lobby", "ann");
    ASSERT_TRUE(ann.expect("* ann joined"));
    ChatProcess impostor = client("/lobby", "ann");
    EXPECT_TRUE(impostor.expect("* closed 4001 name taken"));
    EXPECT_EQ(impostor.leave(), 1);  // not a 1000 close
    ChatProcess elsewhere = client("/other", "ann");  // names are per room
    EXPECT_TRUE(elsewhere.expect("* ann joined"));
    EXPECT_EQ(elsewhere.leave(), 0);
    EXPECT_EQ(ann.leave(), 0);
}

TEST_F(ChatExample, FloodingClientIsClosedWith1008AfterItsBurst) {
    start_server({"--lines-per-second", "1", "--line-burst", "10"});
    ChatProcess ann = client("/lobby", "ann");
    ASSERT_TRUE(ann.expect("* ann joined"));
    net::Channel flooder = raw_join("/lobby", "flood");
    for (int i = 1; i <= 30; ++i) flooder.sink().add(chat::encode(chat::Kind::say, "spam " + std::to_string(i)));
    flooder.sink().flush();
    const net::Event closed = closed_event(flooder);
    EXPECT_EQ(closed.close_code, net::close_code::policy_violation);
    EXPECT_EQ(closed.text(), "too many lines");
    // The burst got through, then nothing more: the room saw spam 1..10 (11
    // if a second passed while they arrived), never the whole flood.
    EXPECT_TRUE(ann.expect("flood: spam 10"));
    EXPECT_TRUE(ann.expect("* flood left"));
    EXPECT_LE(ann.count_starting_with("flood: spam"), 11) << ann.transcript();
    EXPECT_EQ(ann.leave(), 0);
}

}  // namespace
}  // namespace tickwire::test
