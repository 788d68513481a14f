// ServerOptions::web_root over real sockets: static files on the WebSocket's
// own port, with raw requests so no client normalises the paths we send.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <random>

#include "raw_http.hpp"
#include "test_support.hpp"

namespace tickwire::net::test {
namespace {

namespace fs = std::filesystem;

void write_file(const fs::path& path, std::string_view contents) {
    fs::create_directories(path.parent_path());
    std::ofstream(path, std::ios::binary) << contents;
}

// <tmp>/web is served; <tmp>/secret.txt sits beside it, and <tmp>/web/out is
// a symlink to <tmp>: every way of reaching the secret must fail.
class WebRoot : public ::testing::Test {
protected:
    static constexpr std::string_view kSecret = "the secret outside the root";

    void SetUp() override {
        std::string pattern = (fs::temp_directory_path() / "tickwire-webroot-XXXXXX").string();
        ASSERT_NE(::mkdtemp(pattern.data()), nullptr);
        base_ = pattern;
        root_ = base_ / "web";
        write_file(root_ / "index.html", "<!doctype html><title>tickwire</title>");
        write_file(root_ / "chat.js", "console.log('chat')");
        write_file(root_ / "chat.wasm", std::string("\0asm\1\0\0\0", 8));
        write_file(root_ / "rooms", "a file the published /rooms hides");
        write_file(base_ / "secret.txt", kSecret);
        fs::create_directory_symlink(base_, root_ / "out");
        ServerOptions options;
        options.web_root = root_.string();
        options.idle_timeout = 2s;
        server_ = listen_local(options);
    }

    void TearDown() override {
        server_ = Server();
        std::error_code ignored;
        fs::remove_all(base_, ignored);
    }

    RawAnswer get(std::string_view target, std::string_view extra = {}) {
        return fetch(server_.port(), "GET", target, extra);
    }

    fs::path base_, root_;
    Server server_;
};

TEST_F(WebRoot, ServesPagesScriptsAndWasmWithTheirContentTypes) {
    const RawAnswer page = get("/");
    EXPECT_EQ(page.status, 200u);
    EXPECT_EQ(page.header("Content-Type"), "text/html; charset=utf-8");
    EXPECT_EQ(page.body, "<!doctype html><title>tickwire</title>");
    const RawAnswer script = get("/chat.js");
    EXPECT_EQ(script.status, 200u);
    EXPECT_EQ(script.header("Content-Type"), "text/javascript");
    EXPECT_EQ(script.body, "console.log('chat')");
    const RawAnswer wasm = get("/chat.wasm?v=2");
    EXPECT_EQ(wasm.status, 200u);
    EXPECT_EQ(wasm.header("Content-Type"), "application/wasm");  // streaming compilation needs it
    EXPECT_EQ(wasm.header("Content-Length"), "8");
    EXPECT_EQ(wasm.body, std::string("\0asm\1\0\0\0", 8));
    EXPECT_EQ(wasm.header("Cache-Control"), "no-cache");
    EXPECT_EQ(wasm.header("X-Content-Type-Options"), "nosniff");
    EXPECT_EQ(server_.stats().static_files_served, 3u);
}

TEST_F(WebRoot, AnUnchangedFileRevalidatesAs304WithoutABody) {
    const RawAnswer first = get("/chat.js");
    const std::string etag = first.header("ETag");
    ASSERT_FALSE(etag.empty());
    const RawAnswer again = get("/chat.js", "If-None-Match: " + etag + "\r\n");
    EXPECT_EQ(again.status, 304u);
    EXPECT_TRUE(again.body.empty());
}

TEST_F(WebRoot, RefusesEveryWayOutOfTheRoot) {
    const std::vector<std::string> attempts = {
        "/../secret.txt",        "/./../secret.txt",      "/%2e%2e/secret.txt",   "/%2E%2E/secret.txt",
        "/..%2fsecret.txt",      "/%2e%2e%2fsecret.txt",  "/..%5csecret.txt",     "/..\\secret.txt",
        "/out/secret.txt",       "/out/web/../secret.txt", "/%252e%252e/secret.txt", "/chat.js%00.html",
        "//../secret.txt",       "/.%2e/secret.txt",
    };
    for (const std::string& target : attempts) {
        const RawAnswer answer = get(target);
        EXPECT_TRUE(answer.status == 400 || answer.status == 403 || answer.status == 404)
            << target << " answered " << answer.status;
        EXPECT_EQ(answer.body.find(kSecret), std::string::npos) << target;
    }
}

TEST_F(WebRoot, A404SaysWhatWasAskedFor) {
    const RawAnswer answer = get("/missing/chat.js?x=1");
    EXPECT_EQ(answer.status, 404u);
    EXPECT_NE(answer.body.find("/missing/chat.js"), std::string::npos) << answer.body;
    EXPECT_EQ(answer.header("Cache-Control"), "no-store");
}

TEST_F(WebRoot, HeadSendsTheHeadersAndNoBody) {
    RawHttp http(server_.port());
    http.request("HEAD", "/chat.wasm");
    const auto answer = http.answer();
    ASSERT_TRUE(answer);
    EXPECT_EQ(answer->status, 200u);
    EXPECT_EQ(answer->header("Content-Length"), "8");
    EXPECT_EQ(answer->header("Content-Type"), "application/wasm");
    EXPECT_TRUE(answer->body.empty());
}

TEST_F(WebRoot, OtherMethodsGet405WithAllow) {
    const RawAnswer post = fetch(server_.port(), "POST", "/index.html", "Content-Length: 0\r\n");
    EXPECT_EQ(post.status, 405u);
    EXPECT_EQ(post.header("Allow"), "GET, HEAD");
    EXPECT_EQ(fetch(server_.port(), "DELETE", "/index.html").status, 405u);
}

TEST_F(WebRoot, StreamsALargeFileByteExact) {
    std::string large(24u << 20, '\0');  // 24 MiB: many writes, never held whole by the server
    std::mt19937_64 random(7);
    for (std::size_t i = 0; i + 8 <= large.size(); i += 8) {
        const std::uint64_t word = random();
        std::memcpy(large.data() + i, &word, 8);
    }
    write_file(root_ / "big.data", large);
    const RawAnswer answer = get("/big.data");
    EXPECT_EQ(answer.status, 200u);
    EXPECT_EQ(answer.header("Content-Length"), std::to_string(large.size()));
    ASSERT_EQ(answer.body.size(), large.size());
    EXPECT_TRUE(answer.body == large);  // not EXPECT_EQ: a mismatch would print 24 MiB
}

TEST_F(WebRoot, APublishedPathWinsOverAFile) {
    ASSERT_TRUE(server_.publish_http("/rooms", "[]"));
    server_.flush();
    RawAnswer answer;
    ASSERT_TRUE(pump_until([&] {  // the publish crosses threads
        answer = get("/rooms");
        return answer.body == "[]";
    }));
    EXPECT_EQ(answer.header("Content-Type"), "application/json");
}

TEST_F(WebRoot, TheUpgradeOnTheRootStillOpensAWebSocket) {
    Channel channel = Channel::connect(local_url(server_, "/"));
    channel.sink().add(bytes_of("over the web root"));
    channel.sink().flush();
    Event event;
    ASSERT_TRUE(pump_until([&] {
        echo_pending(server_);
        while (channel.stream().poll(event))
            if (event.type == EventType::message) return true;
        return false;
    }));
    EXPECT_EQ(text_of(event.message), "over the web root");
}

TEST(WebRootOption, AFolderThatIsNotThereFailsListen) {
    ServerOptions options;
    options.address = "127.0.0.1";
    options.web_root = "/nonexistent/tickwire-web-root";
    std::error_code ec;
    Server server = Server::listen(options, ec);
    EXPECT_FALSE(server);
    EXPECT_TRUE(ec);
}

TEST(WebRootOption, WithoutOneAPlainGetIsStill426) {
    Server server = listen_local();
    EXPECT_EQ(fetch(server.port(), "GET", "/index.html").status, 426u);
}

}  // namespace
}  // namespace tickwire::net::test
