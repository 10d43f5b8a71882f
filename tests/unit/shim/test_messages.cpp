// The task API's messages with the field numbers of containerd's
// shim.proto and events/task.proto, built and read field by field.
#include <doctest/doctest.h>

#include <map>
#include <string>

#include "shim/proto/events.hpp"
#include "shim/proto/task_messages.hpp"
#include "shim/proto/wire.hpp"

using namespace shimproto;

// field number -> every value of it, as bytes or as a varint's decimal text
static std::multimap<uint32_t, std::string> fields(std::string_view data) {
    std::multimap<uint32_t, std::string> out;
    Reader r(data);
    Field f;
    while (r.next(f)) out.emplace(f.number, f.type == WireType::Varint ? std::to_string(f.varint) : std::string(f.bytes));
    return out;
}

TEST_CASE("CreateTaskRequest: every field, repeated mounts, options Any, an unknown field") {
    Writer mount;
    mount.bytes_field(1, "overlay");
    mount.bytes_field(2, "overlay");
    mount.message_field(4, "lowerdir=/a");
    mount.message_field(4, "upperdir=/b");
    Writer any;
    any.bytes_field(1, "containerd.runc.v1.Options");
    any.bytes_field(2, "\x3a\x03/rr");
    Writer w;
    w.bytes_field(1, "c1");
    w.bytes_field(2, "/b/c1");
    w.message_field(3, mount.data());
    w.bool_field(4, true);
    w.bytes_field(5, "/f/in");
    w.bytes_field(6, "/f/out");
    w.bytes_field(7, "/f/err");
    w.message_field(10, any.data());
    w.varint_field(99, 1);  // from a newer containerd: skipped
    const CreateTaskRequest req = decode_create(w.data());
    CHECK(req.id == "c1");
    CHECK(req.bundle == "/b/c1");
    REQUIRE(req.rootfs.size() == 1);
    CHECK(req.rootfs[0].type == "overlay");
    CHECK(req.rootfs[0].options == std::vector<std::string>{"lowerdir=/a", "upperdir=/b"});
    CHECK(req.terminal);
    CHECK(req.stdin_path == "/f/in");
    CHECK(req.stdout_path == "/f/out");
    CHECK(req.stderr_path == "/f/err");
    REQUIRE(req.options);
    CHECK(req.options->type_url == "containerd.runc.v1.Options");
}

TEST_CASE("a string field sent as a varint is refused") {
    Writer w;
    w.varint_field(1, 7);
    CHECK_THROWS_AS(decode_task_ref(w.data()), DecodeError);
}

TEST_CASE("KillRequest, ExecProcessRequest, UpdateTaskRequest's map, ShutdownRequest") {
    Writer k;
    k.bytes_field(1, "c1");
    k.bytes_field(2, "e1");
    k.varint_field(3, 9);
    k.bool_field(4, true);
    const KillRequest kill = decode_kill(k.data());
    CHECK(kill.exec_id == "e1");
    CHECK(kill.signal == 9);
    CHECK(kill.all);

    Writer spec;
    spec.bytes_field(2, "{\"args\":[\"sh\"]}");
    Writer e;
    e.bytes_field(1, "c1");
    e.bytes_field(2, "e1");
    e.message_field(7, spec.data());
    const ExecProcessRequest exec = decode_exec(e.data());
    REQUIRE(exec.spec);
    CHECK(exec.spec->value == "{\"args\":[\"sh\"]}");

    Writer entry;
    entry.bytes_field(1, "k");
    entry.bytes_field(2, "v");
    Writer u;
    u.bytes_field(1, "c1");
    u.message_field(3, entry.data());
    CHECK(decode_update(u.data()).annotations.at("k") == "v");

    Writer s;
    s.bool_field(2, true);
    CHECK(decode_shutdown(s.data()).now);
}

TEST_CASE("StateResponse and DeleteResponse field numbers") {
    StateResponse st;
    st.id = "c1";
    st.pid = 42;
    st.status = TaskStatus::Stopped;
    st.exit_status = 3;
    st.exited_at = {1700000000, 5};
    st.exec_id = "e1";
    const auto f = fields(encode(st));
    CHECK(f.find(1)->second == "c1");
    CHECK(f.find(3)->second == "42");
    CHECK(f.find(4)->second == "3");
    CHECK(f.find(9)->second == "3");
    CHECK(decode_timestamp(f.find(10)->second) == Timestamp{1700000000, 5});
    CHECK(f.find(11)->second == "e1");

    const DeleteResponse d{7, 137, {12, 34}};
    const DeleteResponse back = decode_delete_response(encode(d));
    CHECK(back.pid == 7);
    CHECK(back.exit_status == 137);
    CHECK(back.exited_at == Timestamp{12, 34});
    // exited_at is non-nullable in containerd's Go types: always present.
    CHECK(fields(encode(DeleteResponse{})).count(3) == 1);
}

TEST_CASE("events: topic, type URL and fields of TaskExit and TaskCreate") {
    const Event exit = task_exit("c1", "c1", 42, 3, {10, 0});
    CHECK(exit.topic == "/tasks/exit");
    CHECK(exit.payload.type_url == "containerd.events.TaskExit");
    const auto f = fields(exit.payload.value);
    CHECK(f.find(1)->second == "c1");
    CHECK(f.find(3)->second == "42");
    CHECK(f.find(4)->second == "3");
    CHECK(decode_timestamp(f.find(5)->second).seconds == 10);

    const Event create = task_create("c1", "/b", {{"bind", "/src", "", {"rbind"}}}, {"/in", "/out", "/err", false}, 9);
    CHECK(create.topic == "/tasks/create");
    const auto c = fields(create.payload.value);
    CHECK(decode_mount(c.find(3)->second).source == "/src");
    CHECK(fields(c.find(4)->second).find(2)->second == "/out");
    CHECK(c.find(6)->second == "9");
    const Any any = decode_any(encode(create.payload));
    CHECK(any.type_url == "containerd.events.TaskCreate");
    CHECK(any.value == create.payload.value);
}
