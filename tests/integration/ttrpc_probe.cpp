// Talks ttrpc to a running shim for test_containerd_shim.sh:
//   ttrpc_probe SOCKET malformed ID   bad frames and requests on live
//                                     connections, then a State of ID;
//                                     one line per answer: "<code> <message>"
//   ttrpc_probe SOCKET update ID      Update with LinuxResources JSON on stdin
//   ttrpc_probe SOCKET state ID       "<status> <pid>" of ID's init
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <iostream>
#include <iterator>
#include <string>

#include "common/unique_fd.hpp"
#include "shim/proto/task_messages.hpp"
#include "shim/proto/wire.hpp"
#include "shim/ttrpc/client.hpp"
#include "shim/ttrpc/frame.hpp"
#include "shim/ttrpc/messages.hpp"

namespace {

const char* kTask = "containerd.task.v2.Task";

common::UniqueFd connect_to(const std::string& path) {
    common::UniqueFd fd(socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    std::strncpy(addr.sun_path, path.c_str(), sizeof addr.sun_path - 1);
    if (connect(fd.get(), reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
        std::perror("connect");
        std::exit(2);
    }
    return fd;
}

void send_all(int fd, const std::string& bytes) {
    for (size_t done = 0; done < bytes.size();) {
        const ssize_t n = write(fd, bytes.data() + done, bytes.size() - done);
        if (n <= 0) {
            std::perror("write");
            std::exit(2);
        }
        done += static_cast<size_t>(n);
    }
}

// Reads one response frame; prints "<code> <message>".
void print_answer(int fd, ttrpc::FrameDecoder& decoder) {
    for (;;) {
        if (auto frame = decoder.next()) {
            const auto response = ttrpc::decode_response(frame->payload);
            std::printf("%d %s\n", static_cast<int>(response.status.code), response.status.message.c_str());
            return;
        }
        char buffer[4096];
        const ssize_t n = read(fd, buffer, sizeof buffer);
        if (n <= 0) {
            std::printf("closed\n");
            return;
        }
        decoder.feed(std::string_view(buffer, static_cast<size_t>(n)));
    }
}

std::string task_ref(const std::string& id) {
    shimproto::Writer w;
    w.bytes_field(1, id);
    return std::move(w).take();
}

int malformed(const std::string& path, const std::string& id) {
    using ttrpc::MessageType;
    {  // a frame cut short, then the connection closed: nothing to answer
        auto fd = connect_to(path);
        send_all(fd.get(), ttrpc::encode_frame(1, MessageType::Request, "abcdef").substr(0, 12));
    }
    {  // a header claiming 4 GiB, then closed mid-payload
        auto fd = connect_to(path);
        send_all(fd.get(), ttrpc::encode_header({0xffffffffu, 1, 1, 0}) + std::string(1000, 'x'));
    }
    auto fd = connect_to(path);
    ttrpc::FrameDecoder decoder;
    // longer than ttrpc's 4 MiB limit, sent whole: ResourceExhausted
    send_all(fd.get(), ttrpc::encode_header({ttrpc::kMaxMessageLength + 1, 1, 1, 0}) +
                           std::string(ttrpc::kMaxMessageLength + 1, 'x'));
    print_answer(fd.get(), decoder);
    // not protobuf: InvalidArgument
    send_all(fd.get(), ttrpc::encode_frame(3, MessageType::Request, "\xff\xff\xff"));
    print_answer(fd.get(), decoder);
    // a request whose payload is not the method's message: InvalidArgument
    send_all(fd.get(), ttrpc::encode_frame(5, MessageType::Request,
                                           ttrpc::encode(ttrpc::Request{kTask, "State", "\x08\x01"})));
    print_answer(fd.get(), decoder);
    // unknown service and method: Unimplemented
    send_all(fd.get(), ttrpc::encode_frame(7, MessageType::Request, ttrpc::encode(ttrpc::Request{"no.Such", "State", ""})));
    print_answer(fd.get(), decoder);
    send_all(fd.get(), ttrpc::encode_frame(9, MessageType::Request, ttrpc::encode(ttrpc::Request{kTask, "Nope", ""})));
    print_answer(fd.get(), decoder);
    // an even stream id: InvalidArgument
    send_all(fd.get(), ttrpc::encode_frame(10, MessageType::Request, ttrpc::encode(ttrpc::Request{kTask, "State", task_ref(id)})));
    print_answer(fd.get(), decoder);
    // Checkpoint: not supported
    send_all(fd.get(), ttrpc::encode_frame(11, MessageType::Request, ttrpc::encode(ttrpc::Request{kTask, "Checkpoint", task_ref(id)})));
    print_answer(fd.get(), decoder);
    // an exec id that would name a file outside the bundle: InvalidArgument
    shimproto::Writer exec;
    exec.bytes_field(1, id);
    exec.bytes_field(2, "../../escape");
    send_all(fd.get(), ttrpc::encode_frame(15, MessageType::Request, ttrpc::encode(ttrpc::Request{kTask, "Exec", exec.data()})));
    print_answer(fd.get(), decoder);
    // and the connection still serves
    send_all(fd.get(), ttrpc::encode_frame(17, MessageType::Request, ttrpc::encode(ttrpc::Request{kTask, "State", task_ref(id)})));
    print_answer(fd.get(), decoder);
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc != 4) {
        std::fprintf(stderr, "usage: ttrpc_probe SOCKET malformed|update|state ID\n");
        return 2;
    }
    const std::string path = argv[1], command = argv[2], id = argv[3];
    try {
        if (command == "malformed") return malformed(path, id);
        ttrpc::Client client(path, 5000);
        if (command == "update") {
            const std::string json((std::istreambuf_iterator<char>(std::cin)), std::istreambuf_iterator<char>());
            shimproto::Writer any;
            any.bytes_field(1, "types.containerd.io/opencontainers/runtime-spec/1/LinuxResources");
            any.bytes_field(2, json);
            shimproto::Writer w;
            w.bytes_field(1, id);
            w.message_field(2, any.data());
            const auto response = client.call(kTask, "Update", w.data());
            std::printf("%d %s\n", static_cast<int>(response.status.code), response.status.message.c_str());
            return response.status.code == ttrpc::Code::Ok ? 0 : 1;
        }
        if (command == "state") {
            const auto response = client.call(kTask, "State", task_ref(id));
            shimproto::Reader r(response.payload);
            shimproto::Field f;
            uint64_t status = 0, pid = 0;
            while (r.next(f)) {
                if (f.number == 3) pid = f.varint;
                if (f.number == 4) status = f.varint;
            }
            std::printf("%llu %llu\n", static_cast<unsigned long long>(status), static_cast<unsigned long long>(pid));
            return response.status.code == ttrpc::Code::Ok ? 0 : 1;
        }
    } catch (const std::exception& e) {
        std::fprintf(stderr, "ttrpc_probe: %s\n", e.what());
        return 1;
    }
    return 2;
}
