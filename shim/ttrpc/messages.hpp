// ttrpc's own messages (its request.proto): Request {service = 1,
// method = 2, payload = 3, timeout_nano = 4, metadata = 5 (key, value)},
// Response {status = 1 (google.rpc.Status), payload = 2}, and the gRPC
// status codes containerd maps back to its errdefs (NotFound, ...).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace ttrpc {

enum class Code : int32_t {
    Ok = 0,
    Unknown = 2,
    InvalidArgument = 3,
    DeadlineExceeded = 4,
    NotFound = 5,
    AlreadyExists = 6,
    FailedPrecondition = 9,
    ResourceExhausted = 8,
    Unimplemented = 12,
    Internal = 13,
    Unavailable = 14,
};

struct Request {
    std::string service, method, payload;
    int64_t timeout_nano = 0;
    std::vector<std::pair<std::string, std::string>> metadata;
};
Request decode_request(std::string_view data);  // throws shimproto::DecodeError
std::string encode(const Request& request);

struct Status {
    Code code = Code::Ok;
    std::string message;
};

struct Response {
    Status status;
    std::string payload;
};
std::string encode(const Response& response);
Response decode_response(std::string_view data);

}  // namespace ttrpc
