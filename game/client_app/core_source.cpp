// MatchSource over the real netcode client, ClientCore. Natively it sits in a
// FleetClient, so the URL may be a matchmaking one (http://HOST:PORT/match/auto
// or /match/CODE). A page joins the server that served it: the fleet's HTTP and
// Redis code is native only, so the web build holds a plain ClientCore.
#include "match_source.hpp"

#include <utility>

#ifdef __EMSCRIPTEN__
#include "tickwire/game/client_core.hpp"
#else
#include "tickwire/game/fleet_client.hpp"
#endif

namespace tickwire::game::client_app {
namespace {

#ifdef __EMSCRIPTEN__
using Core = ClientCore;
#else
using Core = FleetClient;
#endif

// Thread: the game thread only (as ClientCore).
class CoreSource final : public MatchSource {
public:
    explicit CoreSource(ClientConfig config) : core_(std::move(config)) {}

    void network_in() override { core_.network_in(); }
    void set_intent(const PlayerIntent& intent) override { core_.set_intent(intent); }
    void step() override { core_.step(); }
    void network_out() override { core_.network_out(); }
    void send_chat(std::string_view text) override { core_.send_chat(text); }
    void close() override { core_.close(); }
    const ClientView& view(float alpha) override { return core_.view(alpha); }
    [[nodiscard]] bool finished() const override { return core_.finished(); }

private:
    Core core_;
};

}  // namespace

std::unique_ptr<MatchSource> make_core_source(const std::string& url, const std::string& name,
                                              const std::string& netsim_spec, bool session) {
    ClientConfig config;
    config.session = session;
    config.netsim = net::parse_netsim(netsim_spec).options;
    config.url = url;
    config.name = name;
    return std::make_unique<CoreSource>(std::move(config));
}

}  // namespace tickwire::game::client_app
