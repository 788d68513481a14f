// Stand-in for core_source.cpp in builds without ClientCore
// (tickwire::game_client): only the dev fake can run.
#include "match_source.hpp"

namespace tickwire::game::client_app {

std::unique_ptr<MatchSource> make_core_source(const std::string&, const std::string&, std::string* error) {
    if (error != nullptr) *error = "this build has no ClientCore (tickwire::game_client); only --fake runs";
    return nullptr;
}

}  // namespace tickwire::game::client_app
