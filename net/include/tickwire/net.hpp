#pragma once
// tickwire's networking module: everything an integrating game includes.
#include "tickwire/net/channel.hpp"
#include "tickwire/net/events.hpp"
#include "tickwire/net/message.hpp"
#include "tickwire/net/netsim.hpp"
#include "tickwire/net/network_thread.hpp"
#include "tickwire/net/server.hpp"
#include "tickwire/net/token_bucket.hpp"
#include "tickwire/net/url.hpp"
