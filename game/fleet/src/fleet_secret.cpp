#include "tickwire/game/fleet/fleet_secret.hpp"

#include <fstream>

namespace tickwire::game::fleet {

FleetSecret make_fleet_secret(std::string_view text) {
    while (!text.empty() && (text.back() == '\n' || text.back() == '\r' || text.back() == ' ' || text.back() == '\t'))
        text.remove_suffix(1);
    FleetSecret secret;
    if (text.size() < kMinFleetSecretBytes) {
        secret.error = "fleet secret is " + std::to_string(text.size()) + " bytes; at least " +
                       std::to_string(kMinFleetSecretBytes) + " are needed (e.g. openssl rand -hex 32)";
    } else if (text.size() > kMaxFleetSecretBytes) {
        secret.error = "fleet secret is longer than " + std::to_string(kMaxFleetSecretBytes) + " bytes";
    } else {
        secret.key.assign(text);
    }
    return secret;
}

FleetSecret read_fleet_secret(const std::string& path) {
    std::ifstream file(path, std::ios::binary);
    if (!file) return FleetSecret{{}, "cannot open fleet secret file '" + path + "'"};
    std::string text;
    // One byte past the limit is enough to know the file is too long.
    text.resize(kMaxFleetSecretBytes + 2);
    file.read(text.data(), static_cast<std::streamsize>(text.size()));
    if (file.bad()) return FleetSecret{{}, "cannot read fleet secret file '" + path + "'"};
    text.resize(static_cast<std::size_t>(file.gcount()));
    if (file && file.peek() != std::ifstream::traits_type::eof())
        return FleetSecret{{}, "fleet secret file '" + path + "' is longer than " +
                                   std::to_string(kMaxFleetSecretBytes) + " bytes"};
    FleetSecret secret = make_fleet_secret(text);
    if (!secret.ok()) secret.error += " (file '" + path + "')";
    return secret;
}

}  // namespace tickwire::game::fleet
