// The browser backend's client side: a Connector whose attempts are
// BrowserConnections, and the channel start. An option a browser cannot
// honour ends the channel at once with ErrorKind::unsupported and a text that
// says why (the error, then the closed event): never a silent ignore.
//
// Thread: the page's main thread (the event loop).

#include <emscripten/emscripten.h>

#include <algorithm>
#include <string>

#include "browser/browser_connection.hpp"
#include "browser/browser_network_loop.hpp"
#include "channel_shared.hpp"
#include "client/channel_driver.hpp"
#include "netsim_link.hpp"
#include "tickwire/net/url.hpp"

namespace tickwire::net::detail {
namespace {

// What the page's own URL parser thinks of a WebSocket URL: `new WebSocket`
// throws a JavaScript exception through the C++ that calls it for anything
// it rejects, so nothing reaches it unchecked.
//   0 fine, 1 unparsable, 2 not ws/wss, 3 ws:// from an https page (mixed content)
EM_JS(int, js_check_websocket_url, (const char* url), {
    try {
        const parsed = new URL(UTF8ToString(url));
        if (parsed.protocol !== 'ws:' && parsed.protocol !== 'wss:') return 2;
        if (parsed.protocol === 'ws:' && typeof location !== 'undefined' && location.protocol === 'https:') return 3;
        return 0;
    } catch (e) {
        return 1;
    }
});

/// Why a browser cannot do what `options` ask, or "" when it can.
std::string unsupported_option(const ChannelOptions& options) {
    if (!options.headers.empty())
        return "ChannelOptions::headers: a browser cannot add headers to its WebSocket upgrade (put them in "
               "the URL's query or the first message)";
    if (!options.tls.verify_peer)
        return "ChannelOptions::tls.verify_peer = false: a browser always verifies the server's certificate";
    if (!options.tls.ca_file.empty())
        return "ChannelOptions::tls.ca_file: a browser trusts its own certificate store only";
    return {};
}

// RFC 7230 token characters: what a browser accepts in a sub-protocol name.
bool is_token(std::string_view name) {
    constexpr std::string_view kSymbols = "!#$%&'*+-.^_`|~";
    return !name.empty() && std::all_of(name.begin(), name.end(), [&](char c) {
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
               kSymbols.find(c) != std::string_view::npos;
    });
}

class BrowserConnector final : public Connector {
public:
    BrowserConnector(Scheduler& scheduler, std::string url, const ChannelOptions& options)
        : scheduler_(scheduler), url_(std::move(url)), options_(options) {}

    std::shared_ptr<Transport> connect(std::shared_ptr<TransportHandler> handler, CloseInfo& failure) override {
        if (!prepared_ && !prepare(failure)) return nullptr;
        auto attempt = std::make_shared<BrowserConnection>(scheduler_, options_, std::move(handler), netsim_);
        attempt->start(url_, protocols_);
        return attempt;
    }

    [[nodiscard]] std::uint32_t netsim_disconnects() const noexcept override {
        return netsim_ ? netsim_->disconnects() : 0;
    }

private:
    bool prepare(CloseInfo& failure) {
        if (const std::string why = unsupported_option(options_); !why.empty()) {
            failure = {close_code::abnormal, "unsupported option", ErrorKind::unsupported, why};
            return false;
        }
        if (!check_url(failure) || !join_protocols(failure)) return false;
        // One simulated link for the channel's whole life, across its reconnects.
        if (options_.netsim.enabled()) netsim_ = std::make_shared<NetSimLink>(options_.netsim, 0);
        prepared_ = true;
        return true;
    }

    bool check_url(CloseInfo& failure) {
        url_ = url_.substr(0, url_.find('#'));  // fragments never reach the server (and a browser refuses them)
        const char* why = nullptr;
        if (!parse_ws_url(url_)) {
            why = "not a ws:// or wss:// URL";
        } else {
            switch (js_check_websocket_url(url_.c_str())) {
            case 0: return true;
            case 1: why = "the browser cannot parse this URL"; break;
            case 2: why = "not a ws:// or wss:// URL"; break;
            default: why = "a page served over https may open wss:// URLs only"; break;
            }
        }
        failure = {close_code::abnormal, "invalid url", ErrorKind::invalid_url, std::string(why) + ": " + url_};
        return false;
    }

    bool join_protocols(CloseInfo& failure) {
        const auto& offered = options_.subprotocols;
        for (auto it = offered.begin(); it != offered.end(); ++it) {
            const char* why = !is_token(*it)                                    ? "is not a token (RFC 7230)"
                              : std::find(offered.begin(), it, *it) != it ? "is offered twice"
                                                                                : nullptr;
            if (why != nullptr) {
                failure = {close_code::abnormal, "unsupported option", ErrorKind::unsupported,
                           "ChannelOptions::subprotocols: '" + *it + "' " + why + ": a browser refuses it"};
                return false;
            }
            protocols_ += (protocols_.empty() ? "" : ",") + *it;
        }
        return true;
    }

    Scheduler& scheduler_;
    std::string url_;
    const ChannelOptions& options_;  // owned by the ChannelShared the driver keeps alive
    std::string protocols_;          // comma-separated, as emscripten_websocket_new takes them
    std::shared_ptr<NetSimLink> netsim_;
    bool prepared_ = false;
};

}  // namespace

// The browser backend's channel start: from the event loop, a driver with browser attempts.
void start_channel(NetworkLoop& loop, std::shared_ptr<ChannelShared> shared) {
    loop.scheduler.post([&loop, shared = std::move(shared)]() mutable {
        auto connector = std::make_unique<BrowserConnector>(loop.scheduler, shared->url, shared->options);
        run_channel_driver(loop, std::move(shared), std::move(connector));
    });
}

}  // namespace tickwire::net::detail
