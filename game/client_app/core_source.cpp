// MatchSource over the real netcode client, ClientCore (in a FleetClient: the
// URL may be a matchmaking one, http://HOST:PORT/match/auto or /match/CODE).
#include "match_source.hpp"

#include <utility>

#include "tickwire/game/fleet_client.hpp"

namespace tickwire::game::client_app {
namespace {

// Thread: the game thread only (as FleetClient).
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
    FleetClient core_;
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
