#pragma once
// What both backends' NetworkLoop do with their endpoints: keep the list and
// serve a wake-up. Header-only: three short loops, the same on either side.
//
// Thread: the loop's thread only.

#include <algorithm>
#include <vector>

#include "network_loop.hpp"

namespace tickwire::net::detail {

/// Calls on_wake() on every endpoint whose wake flag is set. An endpoint may
/// detach (or attach) itself inside on_wake.
inline void visit_woken_endpoints(std::vector<Endpoint*>& endpoints) {
    for (std::size_t i = 0; i < endpoints.size(); ++i) {
        Endpoint* endpoint = endpoints[i];
        if (endpoint->wake_requested->exchange(false)) {
            endpoint->on_wake();
            if (i < endpoints.size() && endpoints[i] != endpoint) --i;  // it detached itself
        }
    }
}

inline void attach_endpoint(std::vector<Endpoint*>& endpoints, Endpoint* endpoint) {
    endpoints.push_back(endpoint);
    // A flush may have happened before attaching; serve it.
    if (endpoint->wake_requested->exchange(false)) endpoint->on_wake();
}

inline void detach_endpoint(std::vector<Endpoint*>& endpoints, Endpoint* endpoint) {
    endpoints.erase(std::remove(endpoints.begin(), endpoints.end(), endpoint), endpoints.end());
}

}  // namespace tickwire::net::detail
