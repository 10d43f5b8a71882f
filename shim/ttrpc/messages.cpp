#include "shim/ttrpc/messages.hpp"

#include "shim/proto/wire.hpp"

namespace ttrpc {

using shimproto::Field;
using shimproto::Reader;
using shimproto::Writer;

Request decode_request(std::string_view data) {
    Request req;
    Reader r(data);
    Field f;
    while (r.next(f)) {
        switch (f.number) {
        case 1: req.service = Reader::as_string(f); break;
        case 2: req.method = Reader::as_string(f); break;
        case 3: req.payload = Reader::as_string(f); break;
        case 4:
            if (f.type != shimproto::WireType::Varint) throw shimproto::DecodeError("ttrpc request: timeout_nano must be a varint");
            req.timeout_nano = static_cast<int64_t>(f.varint);
            break;
        case 5: {
            std::pair<std::string, std::string> kv;
            const std::string entry = Reader::as_string(f);
            Reader kr(entry);
            Field kf;
            while (kr.next(kf)) {
                if (kf.number == 1) kv.first = Reader::as_string(kf);
                if (kf.number == 2) kv.second = Reader::as_string(kf);
            }
            req.metadata.push_back(std::move(kv));
            break;
        }
        default: break;
        }
    }
    return req;
}

std::string encode(const Request& request) {
    Writer w;
    w.bytes_field(1, request.service);
    w.bytes_field(2, request.method);
    w.bytes_field(3, request.payload);
    w.int64_field(4, request.timeout_nano);
    for (const auto& [key, value] : request.metadata) {
        Writer kv;
        kv.bytes_field(1, key);
        kv.bytes_field(2, value);
        w.message_field(5, kv.data());
    }
    return std::move(w).take();
}

std::string encode(const Response& response) {
    Writer w;
    // ttrpc always sends a status, even for success (code 0: an empty one).
    Writer status;
    status.int64_field(1, static_cast<int32_t>(response.status.code));
    status.bytes_field(2, response.status.message);
    w.message_field(1, status.data());
    w.bytes_field(2, response.payload);
    return std::move(w).take();
}

Response decode_response(std::string_view data) {
    Response response;
    Reader r(data);
    Field f;
    while (r.next(f)) {
        if (f.number == 2) response.payload = Reader::as_string(f);
        if (f.number != 1) continue;
        const std::string status = Reader::as_string(f);
        Reader sr(status);
        Field sf;
        while (sr.next(sf)) {
            if (sf.number == 1) response.status.code = static_cast<Code>(static_cast<int32_t>(Reader::as_uint32(sf)));
            if (sf.number == 2) response.status.message = Reader::as_string(sf);
        }
    }
    return response;
}

}  // namespace ttrpc
