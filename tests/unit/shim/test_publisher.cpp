// The event publisher's two paths: containerd's ttrpc events Forward (a
// fake containerd events service here) and the publish binary (a script
// that records its arguments and stdin), in order.
#include <doctest/doctest.h>

#include <sys/stat.h>
#include <unistd.h>

#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "common/file.hpp"
#include "shim/cli/socket.hpp"
#include "shim/proto/events.hpp"
#include "shim/proto/wire.hpp"
#include "shim/service/publisher.hpp"
#include "shim/ttrpc/server.hpp"

using namespace shimproto;

namespace {

struct TempDir {
    std::string path;
    TempDir() {
        char tmpl[] = "/tmp/shim-publisher.XXXXXX";
        REQUIRE(mkdtemp(tmpl));
        path = tmpl;
    }
    ~TempDir() { REQUIRE(system(("rm -rf " + path).c_str()) == 0); }
};

// Envelope {timestamp = 1, namespace = 2, topic = 3, event = 4}
struct Envelope {
    std::string ns, topic;
    Any event;
};

Envelope decode_forward(std::string_view request) {
    Envelope out;
    Reader r(request);
    Field f;
    while (r.next(f)) {
        if (f.number != 1) continue;
        Reader e(f.bytes);
        Field ef;
        while (e.next(ef)) {
            if (ef.number == 2) out.ns = Reader::as_string(ef);
            if (ef.number == 3) out.topic = Reader::as_string(ef);
            if (ef.number == 4) out.event = decode_any(ef.bytes);
        }
    }
    return out;
}

}  // namespace

TEST_CASE("events go to containerd's ttrpc events service, in order, with the namespace") {
    TempDir dir;
    const std::string path = dir.path + "/containerd.sock.ttrpc";
    ttrpc::EventLoop loop;
    std::vector<Envelope> received;
    std::vector<std::string> namespaces;
    ttrpc::Server server(loop, shim::listen_unix(path), [&](const ttrpc::Request& request, const ttrpc::Responder& responder) {
        if (request.method == "Stop") {
            responder.ok({});
            return loop.stop();
        }
        CHECK(request.service == "containerd.services.events.ttrpc.v1.Events");
        CHECK(request.method == "Forward");
        for (const auto& [key, value] : request.metadata)
            if (key == "containerd-namespace-ttrpc") namespaces.push_back(value);
        received.push_back(decode_forward(request.payload));
        responder.ok({});
    });
    std::thread serving([&] { loop.run(); });
    {
        shim::Publisher publisher("", "/unused", "ns1", "unix://" + path);
        publisher.publish(task_start("c1", 42));
        publisher.publish(task_exit("c1", "c1", 42, 0, {}));
        publisher.flush();
    }
    ttrpc::Client(path, 1000).call("x", "Stop", "");
    serving.join();
    REQUIRE(received.size() == 2);
    CHECK(received[0].ns == "ns1");
    CHECK(received[0].topic == "/tasks/start");
    CHECK(received[0].event.type_url == "containerd.events.TaskStart");
    CHECK(received[1].topic == "/tasks/exit");
    CHECK(namespaces == std::vector<std::string>{"ns1", "ns1"});
}

TEST_CASE("without a ttrpc address the publish binary gets each event, in order") {
    TempDir dir;
    const std::string script = dir.path + "/publish";
    common::write_file_atomic(script,
                              "#!/bin/sh\n"
                              "n=$(ls " + dir.path + " | grep -c 'args$')\n"
                              "echo \"$@\" > " + dir.path + "/event$n.args\n"
                              "cat > " + dir.path + "/event$n.bin\n",
                              0755);
    {
        shim::Publisher publisher(script, "/run/containerd.sock", "ns1", "");
        publisher.publish(task_paused("c1"));
        publisher.publish(task_resumed("c1"));
        publisher.flush();
    }
    CHECK(common::read_file(dir.path + "/event0.args") ==
          "--address /run/containerd.sock publish --topic /tasks/paused --namespace ns1\n");
    CHECK(common::read_file(dir.path + "/event1.args") ==
          "--address /run/containerd.sock publish --topic /tasks/resumed --namespace ns1\n");
    const Any any = decode_any(common::read_file(dir.path + "/event1.bin"));
    CHECK(any.type_url == "containerd.events.TaskResumed");
}

TEST_CASE("an unreachable ttrpc address falls back to the publish binary") {
    TempDir dir;
    const std::string script = dir.path + "/publish";
    common::write_file_atomic(script, "#!/bin/sh\ncat > " + dir.path + "/event.bin\n", 0755);
    {
        shim::Publisher publisher(script, "/run/containerd.sock", "ns1", dir.path + "/no-such.sock");
        publisher.publish(task_oom("c1"));
        publisher.flush();
    }
    CHECK(decode_any(common::read_file(dir.path + "/event.bin")).type_url == "containerd.events.TaskOOM");
}
