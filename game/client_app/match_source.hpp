#pragma once
// MatchSource: what tickwire-client drives each frame and draws from: the
// real ClientCore (core_source.cpp) or, for development without a server,
// FakeMatch (fake_match.hpp, dev only). The calls mirror ClientCore's.
//
// Thread: the game thread only.

#include <memory>
#include <string>
#include <string_view>

#include "tickwire/game/client_view.hpp"

namespace tickwire::game::client_app {

class MatchSource {
public:
    virtual ~MatchSource() = default;

    virtual void network_in() = 0;
    virtual void set_intent(const PlayerIntent& intent) = 0;
    virtual void step() = 0;
    virtual void network_out() = 0;
    virtual void send_chat(std::string_view text) = 0;
    virtual void close() = 0;
    virtual const ClientView& view(float alpha) = 0;
    [[nodiscard]] virtual bool finished() const = 0;
};

/// A MatchSource over ClientCore connecting to `url` as `name` (core_source.cpp),
/// through the network-condition simulator when `netsim_spec` (net::parse_netsim,
/// already validated) is not empty; `session` = ClientConfig::session.
std::unique_ptr<MatchSource> make_core_source(const std::string& url, const std::string& name,
                                              const std::string& netsim_spec = {}, bool session = true);

}  // namespace tickwire::game::client_app
