// StaticFiles over a real folder: what is served, with which headers, and
// every way of asking for a file outside the web root.

#include "http/static_files.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <string>

namespace tickwire::net::http {
namespace {

namespace fs = std::filesystem;

void write_file(const fs::path& path, std::string_view contents) {
    fs::create_directories(path.parent_path());
    std::ofstream(path, std::ios::binary) << contents;
}

// <tmp>/web is the root; <tmp>/web2 and <tmp>/secret.txt are outside it
// (web2 shares the root's name as a prefix, as a string but not as a folder).
class StaticFilesTest : public ::testing::Test {
protected:
    void SetUp() override {
        std::string pattern = (fs::temp_directory_path() / "tickwire-static-XXXXXX").string();
        ASSERT_NE(::mkdtemp(pattern.data()), nullptr);
        base_ = pattern;
        root_ = base_ / "web";
        write_file(root_ / "index.html", "<!doctype html><title>home</title>");
        write_file(root_ / "chat.js", "console.log(1)");
        write_file(root_ / "chat.wasm", std::string("\0asm\1\0\0\0", 8));
        write_file(root_ / "style.CSS", "body{}");
        write_file(root_ / "rooms.json", "[]");
        write_file(root_ / "app.3f9a1c2e.js", "hashed");
        write_file(root_ / "sub" / "index.html", "sub home");
        write_file(root_ / "sub" / "page.html", "sub page");
        write_file(root_ / "data.bin", std::string(2000, 'x'));
        write_file(root_ / ".env", "SECRET=1");
        write_file(root_ / ".git" / "config", "[core]");
        write_file(base_ / "secret.txt", "outside");
        write_file(base_ / "web2" / "secret.txt", "outside too");
        fs::create_symlink(base_ / "secret.txt", root_ / "leak.txt");
        fs::create_symlink(base_ / "web2", root_ / "leakdir");
        fs::create_symlink(root_ / "sub" / "page.html", root_ / "alias.html");  // inside: fine
        ASSERT_EQ(::mkfifo((root_ / "pipe").c_str(), 0600), 0);
        std::error_code ec;
        auto files = StaticFiles::open({.root = root_, .max_file_bytes = 1000}, ec);
        ASSERT_TRUE(files) << ec.message();
        files_.emplace(std::move(*files));
    }
    void TearDown() override { fs::remove_all(base_); }

    StaticResponse get(std::string_view target, std::string_view method = "GET") const {
        return files_->respond({.method = method, .target = target, .if_none_match = {}});
    }

    fs::path base_, root_;
    std::optional<StaticFiles> files_;
};

TEST_F(StaticFilesTest, SlashServesIndexHtml) {
    const StaticResponse response = get("/");
    EXPECT_EQ(response.status, 200u);
    EXPECT_EQ(response.file, fs::canonical(root_ / "index.html"));
    EXPECT_EQ(response.file_size, 34u);
    EXPECT_TRUE(response.send_body);
    EXPECT_EQ(response.header("Content-Type"), "text/html; charset=utf-8");
    EXPECT_EQ(response.header("X-Content-Type-Options"), "nosniff");
}

TEST_F(StaticFilesTest, ContentTypesFollowTheExtensionInAnyCase) {
    EXPECT_EQ(get("/chat.wasm").header("Content-Type"), "application/wasm");
    EXPECT_EQ(get("/chat.js").header("Content-Type"), "text/javascript");
    EXPECT_EQ(get("/style.CSS").header("Content-Type"), "text/css");
    EXPECT_EQ(get("/rooms.json").header("Content-Type"), "application/json");
    EXPECT_EQ(content_type_for("shot.png"), "image/png");
    EXPECT_EQ(content_type_for("no-extension"), "application/octet-stream");
}

TEST_F(StaticFilesTest, QueryIsIgnoredAndSubfoldersServeTheirIndex) {
    EXPECT_EQ(get("/chat.js?v=2").status, 200u);
    EXPECT_EQ(get("/sub/").file, fs::canonical(root_ / "sub" / "index.html"));
    EXPECT_EQ(get("/sub/page.html").status, 200u);
    EXPECT_EQ(get("/sub//page.html").status, 200u);  // empty segments add nothing
    EXPECT_EQ(get("/./sub/./page.html").status, 200u);
}

TEST_F(StaticFilesTest, FolderWithoutItsSlashRedirects) {
    const StaticResponse response = get("/sub?x=1");
    EXPECT_EQ(response.status, 301u);
    EXPECT_EQ(response.header("Location"), "/sub/");
}

TEST_F(StaticFilesTest, MissingFileIs404SayingWhatWasAskedFor) {
    const StaticResponse response = get("/nope.html");
    EXPECT_EQ(response.status, 404u);
    EXPECT_EQ(response.body, "404 not found: /nope.html\n");
    EXPECT_EQ(response.header("Content-Type"), "text/plain; charset=utf-8");
    EXPECT_EQ(response.header("Cache-Control"), "no-store");
    EXPECT_TRUE(response.file.empty());
}

TEST_F(StaticFilesTest, ErrorBodyShowsOnlyPrintableAsciiOfTheTarget) {
    const StaticResponse response = get("/caf\xc3\xa9.html");
    EXPECT_EQ(response.body, "404 not found: /caf??.html\n");
    EXPECT_EQ(get("/" + std::string(500, 'a')).body, "404 not found: /" + std::string(199, 'a') + "...\n");
}

TEST_F(StaticFilesTest, OnlyGetAndHead) {
    const StaticResponse post = get("/", "POST");
    EXPECT_EQ(post.status, 405u);
    EXPECT_EQ(post.header("Allow"), "GET, HEAD");
    EXPECT_EQ(get("/", "DELETE").status, 405u);
    const StaticResponse head = get("/chat.js", "HEAD");
    EXPECT_EQ(head.status, 200u);
    EXPECT_FALSE(head.send_body);
    EXPECT_EQ(head.file_size, 14u);
}

TEST_F(StaticFilesTest, FileOverTheSizeLimitIs403) { EXPECT_EQ(get("/data.bin").status, 403u); }

TEST_F(StaticFilesTest, TargetOverTheLengthLimitIs414) {
    EXPECT_EQ(get("/" + std::string(kMaxTargetBytes, 'a')).status, 414u);
}

TEST_F(StaticFilesTest, OnlyRegularFilesAreServed) { EXPECT_EQ(get("/pipe").status, 404u); }

TEST_F(StaticFilesTest, PlainFilesRevalidateWithAnETag) {
    const StaticResponse first = get("/chat.wasm");
    EXPECT_EQ(first.header("Cache-Control"), "no-cache");
    const std::string etag(first.header("ETag"));
    ASSERT_FALSE(etag.empty());
    const StaticResponse again = files_->respond({.method = "GET", .target = "/chat.wasm", .if_none_match = etag});
    EXPECT_EQ(again.status, 304u);
    EXPECT_FALSE(again.send_body);
    const std::string weak_in_list = "\"other\", W/" + etag;
    EXPECT_EQ(files_->respond({.method = "GET", .target = "/chat.wasm", .if_none_match = weak_in_list}).status, 304u);
    EXPECT_EQ(files_->respond({.method = "GET", .target = "/chat.wasm", .if_none_match = "\"stale\""}).status, 200u);
    write_file(root_ / "chat.wasm", "a new build, another size");
    EXPECT_NE(get("/chat.wasm").header("ETag"), etag);
}

TEST_F(StaticFilesTest, HashedNamesAreImmutable) {
    EXPECT_EQ(get("/app.3f9a1c2e.js").header("Cache-Control"), "public, max-age=31536000, immutable");
    EXPECT_EQ(get("/chat.js").header("Cache-Control"), "no-cache");
}

TEST_F(StaticFilesTest, SymlinkInsideTheRootIsServed) {
    EXPECT_EQ(get("/alias.html").file, fs::canonical(root_ / "sub" / "page.html"));
}

// ---- every way out of the root ----------------------------------------------

TEST_F(StaticFilesTest, DotDotSegmentsAre404) {
    EXPECT_EQ(get("/../secret.txt").status, 404u);
    EXPECT_EQ(get("/sub/../../secret.txt").status, 404u);
    EXPECT_EQ(get("/sub/../index.html").status, 404u);  // even when it would land inside
    EXPECT_EQ(get("/..").status, 404u);
}

TEST_F(StaticFilesTest, PercentEncodedDotsAre404) {
    EXPECT_EQ(get("/%2e%2e/secret.txt").status, 404u);
    EXPECT_EQ(get("/%2E%2E/secret.txt").status, 404u);
    EXPECT_EQ(get("/.%2e/secret.txt").status, 404u);
    EXPECT_EQ(get("/sub/%2e%2e/%2e%2e/secret.txt").status, 404u);
}

TEST_F(StaticFilesTest, DoubleEncodingIsDecodedOnceOnly) {
    // "%252e%252e" decodes to the literal name "%2e%2e", which does not exist.
    const StaticResponse response = get("/%252e%252e/secret.txt");
    EXPECT_EQ(response.status, 404u);
    EXPECT_TRUE(response.file.empty());
}

TEST_F(StaticFilesTest, EncodedSlashesAndBackslashesAre400) {
    EXPECT_EQ(get("/..%2fsecret.txt").status, 400u);
    EXPECT_EQ(get("/%2e%2e%2fsecret.txt").status, 400u);
    EXPECT_EQ(get("/sub%2F..%2F..%2Fsecret.txt").status, 400u);
    EXPECT_EQ(get("/..%5csecret.txt").status, 400u);
    EXPECT_EQ(get("/..%5Csecret.txt").status, 400u);
    EXPECT_EQ(get("/..\\secret.txt").status, 400u);
    EXPECT_EQ(get("/sub\\..\\..\\secret.txt").status, 400u);
}

TEST_F(StaticFilesTest, NulAndControlCharactersAre400) {
    EXPECT_EQ(get("/index.html%00.png").status, 400u);
    EXPECT_EQ(get(std::string("/index.html\0.png", 16)).status, 400u);
    EXPECT_EQ(get("/index.html%0d%0aSet-Cookie:x").status, 400u);
    EXPECT_EQ(get("/a%7fb").status, 400u);
}

TEST_F(StaticFilesTest, MalformedEscapesAndTargetsAre400) {
    EXPECT_EQ(get("/%").status, 400u);
    EXPECT_EQ(get("/%2").status, 400u);
    EXPECT_EQ(get("/%zz").status, 400u);
    EXPECT_EQ(get("http://example.org/index.html").status, 400u);  // absolute-form
    EXPECT_EQ(get("index.html").status, 400u);
    EXPECT_EQ(get("").status, 400u);
}

TEST_F(StaticFilesTest, SymlinksLeadingOutOfTheRootAre404) {
    EXPECT_EQ(get("/leak.txt").status, 404u);
    EXPECT_EQ(get("/leakdir/secret.txt").status, 404u);  // web2: a string prefix of web, not inside it
    EXPECT_EQ(get("/leakdir/").status, 404u);
}

TEST_F(StaticFilesTest, DotFilesAre404) {
    EXPECT_EQ(get("/.env").status, 404u);
    EXPECT_EQ(get("/.git/config").status, 404u);
    EXPECT_EQ(get("/%2egit/config").status, 404u);
}

TEST_F(StaticFilesTest, RootedPathsStayUnderTheRoot) {
    EXPECT_EQ(get("//etc/passwd").status, 404u);  // root/etc/passwd, which does not exist
    EXPECT_EQ(get("/" + (base_ / "secret.txt").string()).status, 404u);
}

TEST(StaticFilesOpen, RootMustBeAnExistingFolder) {
    std::error_code ec;
    EXPECT_FALSE(StaticFiles::open({.root = "/nonexistent/tickwire-web-root"}, ec));
    EXPECT_TRUE(ec);
    ec.clear();
    EXPECT_FALSE(StaticFiles::open({.root = "/dev/null"}, ec));
    EXPECT_TRUE(ec);
}

}  // namespace
}  // namespace tickwire::net::http
