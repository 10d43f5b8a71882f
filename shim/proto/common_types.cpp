#include "shim/proto/common_types.hpp"

#include <time.h>

#include "shim/proto/wire.hpp"

namespace shimproto {

Timestamp timestamp_now() {
    timespec ts{};
    clock_gettime(CLOCK_REALTIME, &ts);
    return {ts.tv_sec, static_cast<int32_t>(ts.tv_nsec)};
}

std::string encode(const Timestamp& ts) {
    Writer w;
    w.int64_field(1, ts.seconds);
    w.int64_field(2, ts.nanos);
    return std::move(w).take();
}

Timestamp decode_timestamp(std::string_view data) {
    Timestamp ts;
    Reader r(data);
    Field f;
    while (r.next(f)) {
        if (f.number == 1 && f.type == WireType::Varint) ts.seconds = static_cast<int64_t>(f.varint);
        if (f.number == 2 && f.type == WireType::Varint) ts.nanos = static_cast<int32_t>(f.varint);
    }
    return ts;
}

std::string encode(const Any& any) {
    Writer w;
    w.bytes_field(1, any.type_url);
    w.bytes_field(2, any.value);
    return std::move(w).take();
}

Any decode_any(std::string_view data) {
    Any any;
    Reader r(data);
    Field f;
    while (r.next(f)) {
        if (f.number == 1) any.type_url = Reader::as_string(f);
        if (f.number == 2) any.value = Reader::as_string(f);
    }
    return any;
}

std::string encode(const Mount& mount) {
    Writer w;
    w.bytes_field(1, mount.type);
    w.bytes_field(2, mount.source);
    w.bytes_field(3, mount.target);
    for (const auto& option : mount.options) w.message_field(4, option);
    return std::move(w).take();
}

Mount decode_mount(std::string_view data) {
    Mount mount;
    Reader r(data);
    Field f;
    while (r.next(f)) {
        switch (f.number) {
        case 1: mount.type = Reader::as_string(f); break;
        case 2: mount.source = Reader::as_string(f); break;
        case 3: mount.target = Reader::as_string(f); break;
        case 4: mount.options.push_back(Reader::as_string(f)); break;
        default: break;
        }
    }
    return mount;
}

}  // namespace shimproto
