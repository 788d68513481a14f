#pragma once
// StaticFiles: which file under a web root answers an HTTP request, with which
// status and headers. Pure logic over the filesystem, no sockets and no Beast:
// the HTTP session sends `file` (e.g. with Beast's http::file_body) or `body`.
//
// The rules, in the order they apply:
//   - GET and HEAD only: anything else is 405 with "Allow: GET, HEAD".
//   - A target longer than kMaxTargetBytes is 414. It must be origin-form
//     ("/path?query"); the query is ignored.
//   - The path is percent-decoded once. A bad escape, a decoded '/' (%2F),
//     '\' (%5C) or NUL, a raw backslash or any control character is 400:
//     no file name needs them, and each is a way to smuggle "..".
//   - A segment ".." is 404, and so is one starting with '.' (dot files such
//     as .git or .env are never served).
//   - The path is resolved with std::filesystem::weakly_canonical (symlinks
//     included) and must stay under the resolved root, component by
//     component: a symlink that leads out of the root is 404.
//   - "/" and "/dir/" serve index.html; "/dir" redirects (301) to "/dir/" so
//     the page's relative URLs work. Only regular files are served.
//   - A file larger than max_file_bytes is 403.
//   - Caching: a name with a content hash ("app.3f9a1c2e.js", 8 or more hex
//     digits between dots) is immutable for a year; everything else
//     ("chat.html", "chat.js", "chat.wasm": Emscripten's names carry no
//     hash) is "no-cache" with an ETag from size and modification time, so
//     a browser revalidates each load and gets 304 when nothing changed.
//   - Every 200/304 has X-Content-Type-Options: nosniff and the right
//     Content-Type (application/wasm for .wasm, which streaming compilation
//     requires). Errors are text/plain, not cached, and say what was asked for.
//
// Thread: a StaticFiles is immutable after open(); respond() may run on any
// thread at once (it only reads the filesystem).

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

namespace tickwire::net::http {

inline constexpr std::size_t kMaxTargetBytes = 2048;

struct StaticFilesOptions {
    std::filesystem::path root;                  ///< the folder served as "/"
    std::uint64_t max_file_bytes = 64u << 20;    ///< larger files: 403
    std::string index_file = "index.html";       ///< served for "/" and "/dir/"
};

struct StaticRequest {
    std::string_view method;         ///< "GET", "HEAD", ...
    std::string_view target;         ///< as received: "/js/app.js?v=2"
    std::string_view if_none_match;  ///< the If-None-Match header; "" when absent
};

struct StaticResponse {
    unsigned status = 404;
    /// 200 only: the file to send (resolved, no symlinks left) and its size.
    std::filesystem::path file;
    std::uint64_t file_size = 0;
    /// False for HEAD and 304: headers only. A HEAD's Content-Length is still file_size.
    bool send_body = true;
    /// Anything but 200: a short text/plain body saying what happened.
    std::string body;
    /// Content-Type, Cache-Control, ETag, Location, Allow, X-Content-Type-Options.
    std::vector<std::pair<std::string, std::string>> headers;

    /// The value of header `name` (exact case as set here), "" when absent.
    [[nodiscard]] std::string_view header(std::string_view name) const;
};

class StaticFiles {
public:
    /// Resolves the root; nullopt (and `ec` set) if it is not a directory.
    static std::optional<StaticFiles> open(StaticFilesOptions options, std::error_code& ec);

    [[nodiscard]] StaticResponse respond(const StaticRequest& request) const;
    [[nodiscard]] const std::filesystem::path& root() const noexcept { return options_.root; }

private:
    explicit StaticFiles(StaticFilesOptions options) : options_(std::move(options)) {}
    StaticResponse serve_file(const std::filesystem::path& file, std::string_view shown_target,
                              const StaticRequest& request) const;
    [[nodiscard]] bool inside_root(const std::filesystem::path& resolved) const;

    StaticFilesOptions options_;  // root: canonical
};

/// The Content-Type for a file name by its extension (any case);
/// application/octet-stream when unknown.
std::string_view content_type_for(const std::filesystem::path& file);

}  // namespace tickwire::net::http
