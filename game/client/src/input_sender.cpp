#include "input_sender.hpp"

#include <algorithm>

namespace tickwire::game {

InputSender::InputSender(int interval_ticks) noexcept
    : interval_(std::clamp(interval_ticks, 1, ClientConfig::kMaxInputSendInterval)) {}

std::size_t InputSender::due(const Prediction& prediction, std::span<protocol::Frame> out) noexcept {
    if (++ticks_waiting_ < interval_) return 0;
    const std::size_t n = prediction.unconfirmed_after(sent_, out);
    if (n == 0) return 0;  // none sampled (time dilation): they go with the next
    sent_ = out[n - 1].sequence();
    ticks_waiting_ = 0;
    return n;
}

}  // namespace tickwire::game
