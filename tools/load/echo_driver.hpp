#pragma once
// run_echo: tickwire-load's echo, raw and idle modes — connect N connections
// (a bounded number of handshakes at a time), warm up, measure a window,
// drain, close; the live progress line; the report with the server's CPU and
// memory from /proc.
//
// Thread: the calling thread runs everything (one io_context, one thread).

#include "load_options.hpp"
#include "report.hpp"

namespace tickwire::load {

/// Returns false (and a report saying why) if no connection could be made.
bool run_echo(const LoadOptions& options, Report& report);

}  // namespace tickwire::load
