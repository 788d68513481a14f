#pragma once
// run_match: tickwire-load's match mode — N bots (tickwire::game::Bot, the
// same brain and ClientCore as tickwire-bots) join rooms on a tickwire-server
// and play; reports the snapshot rate each receives and the spread of their
// arrival gaps, and the server's CPU and bytes per client and tick p99.
//
// Thread: the calling thread is the bots' game thread; one shared
// NetworkThread does their socket work.

#include "load_options.hpp"
#include "report.hpp"

namespace tickwire::load {

bool run_match(const LoadOptions& options, Report& report);

}  // namespace tickwire::load
