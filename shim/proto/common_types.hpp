// The well-known and containerd types the task API embeds: Timestamp, Any
// and Mount (google/protobuf/*.proto, containerd/api/types/mount.proto).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace shimproto {

struct Timestamp {
    int64_t seconds = 0;
    int32_t nanos = 0;
    bool operator==(const Timestamp&) const = default;
};
Timestamp timestamp_now();
std::string encode(const Timestamp& ts);
Timestamp decode_timestamp(std::string_view data);

struct Any {
    std::string type_url;
    std::string value;
};
std::string encode(const Any& any);
Any decode_any(std::string_view data);

struct Mount {
    std::string type;
    std::string source;
    std::string target;
    std::vector<std::string> options;
};
std::string encode(const Mount& mount);
Mount decode_mount(std::string_view data);

}  // namespace shimproto
