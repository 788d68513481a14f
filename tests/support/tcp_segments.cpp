#include "tcp_segments.hpp"

#include <linux/tcp.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <cstddef>

namespace tickwire::test {

std::optional<TcpSegments> tcp_segments(int fd) {
    tcp_info info{};
    socklen_t size = sizeof(info);
    if (::getsockopt(fd, IPPROTO_TCP, TCP_INFO, &info, &size) != 0) return std::nullopt;
    if (size < offsetof(tcp_info, tcpi_data_segs_in) + sizeof(info.tcpi_data_segs_in)) return std::nullopt;
    return TcpSegments{info.tcpi_segs_in, info.tcpi_data_segs_in};
}

}  // namespace tickwire::test
