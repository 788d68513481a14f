#pragma once
// Entry point from the game thread into the network thread for a new channel.

#include <memory>

#include "channel_shared.hpp"
#include "network_thread_impl.hpp"

namespace tickwire::net::detail {

/// Any thread: posts the connect to the network thread. Every outcome, including
/// a malformed URL, arrives on the channel's stream.
void start_client_session(NetworkThread::Impl& thread, std::shared_ptr<ChannelShared> shared);

}  // namespace tickwire::net::detail
