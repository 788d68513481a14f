#include "http/static_files.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <chrono>
#include <cstdio>

namespace tickwire::net::http {

namespace fs = std::filesystem;

namespace {

constexpr std::string_view kNoCache = "no-cache";
constexpr std::string_view kImmutable = "public, max-age=31536000, immutable";
// What an error response echoes of the target, at most.
constexpr std::size_t kShownTargetBytes = 200;

struct TypeByExtension {
    std::string_view extension;
    std::string_view content_type;
};
constexpr std::array kContentTypes = {
    TypeByExtension{".html", "text/html; charset=utf-8"},
    TypeByExtension{".htm", "text/html; charset=utf-8"},
    TypeByExtension{".js", "text/javascript"},
    TypeByExtension{".mjs", "text/javascript"},
    TypeByExtension{".wasm", "application/wasm"},
    TypeByExtension{".css", "text/css"},
    TypeByExtension{".json", "application/json"},
    TypeByExtension{".map", "application/json"},
    TypeByExtension{".txt", "text/plain; charset=utf-8"},
    TypeByExtension{".png", "image/png"},
    TypeByExtension{".jpg", "image/jpeg"},
    TypeByExtension{".jpeg", "image/jpeg"},
    TypeByExtension{".gif", "image/gif"},
    TypeByExtension{".webp", "image/webp"},
    TypeByExtension{".svg", "image/svg+xml"},
    TypeByExtension{".ico", "image/x-icon"},
    TypeByExtension{".woff2", "font/woff2"},
    TypeByExtension{".data", "application/octet-stream"},  // Emscripten's preloaded files
};

// The target as an error body may show it: printable ASCII, bounded.
std::string shown(std::string_view target) {
    std::string text(target.substr(0, kShownTargetBytes));
    for (char& c : text)
        if (c < 0x20 || c > 0x7e) c = '?';
    if (target.size() > kShownTargetBytes) text += "...";
    return text;
}

StaticResponse error(unsigned status, std::string_view what, std::string_view target) {
    StaticResponse response;
    response.status = status;
    response.body = std::to_string(status) + " " + std::string(what) + ": " + shown(target) + "\n";
    response.headers = {{"Content-Type", "text/plain; charset=utf-8"},
                        {"Cache-Control", "no-store"},
                        {"X-Content-Type-Options", "nosniff"}};
    return response;
}

int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

// Decodes %XX once; nullopt for a bad escape or a character no file name
// here needs: '/' or '\' smuggled as %2F/%5C, NUL, a raw backslash, controls.
std::optional<std::string> decode_path(std::string_view path) {
    std::string decoded;
    decoded.reserve(path.size());
    for (std::size_t i = 0; i < path.size(); ++i) {
        char c = path[i];
        if (c == '%') {
            if (i + 2 >= path.size()) return std::nullopt;
            const int high = hex_value(path[i + 1]), low = hex_value(path[i + 2]);
            if (high < 0 || low < 0) return std::nullopt;
            c = static_cast<char>(high * 16 + low);
            i += 2;
            if (c == '/') return std::nullopt;
        }
        const auto byte = static_cast<unsigned char>(c);
        if (c == '\\' || byte < 0x20 || byte == 0x7f) return std::nullopt;
        decoded += c;
    }
    return decoded;
}

// "app.3f9a1c2e.js": a segment of 8 or more hex digits between dots.
bool has_content_hash(const fs::path& file) {
    const std::string name = file.filename().string();
    std::size_t run = 0;
    for (std::size_t i = 0; i < name.size(); ++i) {
        if (std::isxdigit(static_cast<unsigned char>(name[i]))) {
            ++run;
            continue;
        }
        if (name[i] == '.' && run >= 8 && i > run && name[i - run - 1] == '.') return true;
        run = 0;
    }
    return false;
}

// "size-mtime" in hex: changes whenever the file is replaced or rewritten.
std::string etag_for(std::uint64_t size, fs::file_time_type modified) {
    const auto ticks = std::chrono::duration_cast<std::chrono::nanoseconds>(modified.time_since_epoch()).count();
    char text[64];
    std::snprintf(text, sizeof text, "\"%llx-%llx\"", static_cast<unsigned long long>(size),
                  static_cast<unsigned long long>(ticks));
    return text;
}

// If-None-Match: "*" or a list of (possibly weak) entity tags.
bool etag_matches(std::string_view if_none_match, std::string_view etag) {
    while (!if_none_match.empty()) {
        const auto comma = if_none_match.find(',');
        std::string_view tag = if_none_match.substr(0, comma);
        if_none_match = comma == std::string_view::npos ? std::string_view{} : if_none_match.substr(comma + 1);
        while (!tag.empty() && tag.front() == ' ') tag.remove_prefix(1);
        while (!tag.empty() && tag.back() == ' ') tag.remove_suffix(1);
        if (tag.starts_with("W/")) tag.remove_prefix(2);
        if (tag == "*" || tag == etag) return true;
    }
    return false;
}

}  // namespace

std::string_view StaticResponse::header(std::string_view name) const {
    for (const auto& [key, value] : headers)
        if (key == name) return value;
    return {};
}

std::string_view content_type_for(const fs::path& file) {
    std::string extension = file.extension().string();
    std::transform(extension.begin(), extension.end(), extension.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    for (const auto& entry : kContentTypes)
        if (entry.extension == extension) return entry.content_type;
    return "application/octet-stream";
}

std::optional<StaticFiles> StaticFiles::open(StaticFilesOptions options, std::error_code& ec) {
    options.root = fs::canonical(options.root, ec);
    if (ec) return std::nullopt;
    if (!fs::is_directory(options.root, ec)) {
        if (!ec) ec = std::make_error_code(std::errc::not_a_directory);
        return std::nullopt;
    }
    return StaticFiles(std::move(options));
}

bool StaticFiles::inside_root(const fs::path& resolved) const {
    // Component by component: "/srv/web2" is not inside "/srv/web".
    auto [root_end, _] = std::mismatch(options_.root.begin(), options_.root.end(), resolved.begin(), resolved.end());
    return root_end == options_.root.end();
}

StaticResponse StaticFiles::respond(const StaticRequest& request) const {
    const std::string_view target = request.target;
    if (request.method != "GET" && request.method != "HEAD") {
        StaticResponse response = error(405, "method not allowed", std::string(request.method) + " " + shown(target));
        response.headers.emplace_back("Allow", "GET, HEAD");
        return response;
    }
    if (target.size() > kMaxTargetBytes) return error(414, "target too long", target);
    if (!target.starts_with('/')) return error(400, "bad request target", target);
    const std::string_view raw_path = target.substr(0, target.find_first_of("?#"));
    const auto path = decode_path(raw_path);
    if (!path) return error(400, "bad request target", target);

    // Walk the segments: no "..", no dot files; empty and "." segments add nothing.
    fs::path file = options_.root;
    std::string_view rest = *path;
    while (!rest.empty()) {
        const auto slash = rest.find('/');
        const std::string_view segment = rest.substr(0, slash);
        rest = slash == std::string_view::npos ? std::string_view{} : rest.substr(slash + 1);
        if (segment.empty() || segment == ".") continue;
        if (segment.front() == '.') return error(404, "not found", target);
        file /= std::string(segment);
    }

    std::error_code ec;
    fs::path resolved = fs::weakly_canonical(file, ec);
    if (ec || !inside_root(resolved)) return error(404, "not found", target);
    if (fs::is_directory(resolved, ec)) {
        if (!raw_path.ends_with('/')) {
            StaticResponse response = error(301, "moved to", std::string(raw_path) + "/");
            response.headers.emplace_back("Location", std::string(raw_path) + "/");
            return response;
        }
        resolved = fs::weakly_canonical(resolved / options_.index_file, ec);  // index.html may be a symlink too
        if (ec || !inside_root(resolved)) return error(404, "not found", target);
    }
    return serve_file(resolved, target, request);
}

StaticResponse StaticFiles::serve_file(const fs::path& file, std::string_view shown_target,
                                       const StaticRequest& request) const {
    std::error_code ec;
    if (!fs::is_regular_file(file, ec)) return error(404, "not found", shown_target);
    const std::uint64_t size = fs::file_size(file, ec);
    const fs::file_time_type modified = fs::last_write_time(file, ec);
    if (ec) return error(404, "not found", shown_target);
    if (size > options_.max_file_bytes) return error(403, "too large to serve", shown_target);

    StaticResponse response;
    const std::string etag = etag_for(size, modified);
    response.headers = {{"Content-Type", std::string(content_type_for(file))},
                        {"Cache-Control", std::string(has_content_hash(file) ? kImmutable : kNoCache)},
                        {"ETag", etag},
                        {"X-Content-Type-Options", "nosniff"}};
    if (!request.if_none_match.empty() && etag_matches(request.if_none_match, etag)) {
        response.status = 304;
        response.send_body = false;
        return response;
    }
    response.status = 200;
    response.file = file;
    response.file_size = size;
    response.send_body = request.method == "GET";
    return response;
}

}  // namespace tickwire::net::http
