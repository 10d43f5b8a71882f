#include "cgroups/systemd_client.hpp"

#include <sys/stat.h>
#include <time.h>

#include <cstdlib>
#include <type_traits>

#include "common/error.hpp"

namespace cgroups::systemd {

namespace {

constexpr const char* kService = "org.freedesktop.systemd1";
constexpr const char* kManagerPath = "/org/freedesktop/systemd1";
constexpr const char* kManager = "org.freedesktop.systemd1.Manager";
// runc waits as long for a unit's job; systemd's own default job timeout
// for a scope is far longer, but a scope that takes this long is stuck.
constexpr uint64_t kJobTimeoutUs = 30ULL * 1000 * 1000;

const SdBusLib& lib() { return sd_bus_lib(); }

[[noreturn]] void fail(const std::string& what, int r) { throw common::Error(what + ": " + BusError().text(r), -r); }

void check(int r, const std::string& what) {
    if (r < 0) fail(what, r);
}

uint64_t now_us() {
    struct timespec ts;
    ::clock_gettime(CLOCK_MONOTONIC, &ts);
    return static_cast<uint64_t>(ts.tv_sec) * 1000000 + static_cast<uint64_t>(ts.tv_nsec) / 1000;
}

// One value, as the variant's contents (the caller opened the 'v').
void append_value(sd_bus_message* m, const Value& value, const std::string& name) {
    const std::string what = "systemd: marshalling property " + name;
    std::visit(
        [&](const auto& v) {
            using T = std::decay_t<decltype(v)>;
            if constexpr (std::is_same_v<T, bool>) {
                int b = v ? 1 : 0;
                check(lib().sd_bus_message_append_basic(m, 'b', &b), what);
            } else if constexpr (std::is_same_v<T, std::string>) {
                check(lib().sd_bus_message_append_basic(m, 's', v.c_str()), what);
            } else if constexpr (std::is_same_v<T, uint64_t>) {
                check(lib().sd_bus_message_append_basic(m, 't', &v), what);
            } else if constexpr (std::is_same_v<T, uint32_t>) {
                check(lib().sd_bus_message_append_basic(m, 'u', &v), what);
            } else if constexpr (std::is_same_v<T, std::vector<uint8_t>>) {
                check(lib().sd_bus_message_append_array(m, 'y', v.data(), v.size()), what);
            } else if constexpr (std::is_same_v<T, std::vector<uint32_t>>) {
                check(lib().sd_bus_message_append_array(m, 'u', v.data(), v.size() * sizeof(uint32_t)), what);
            } else if constexpr (std::is_same_v<T, std::vector<std::string>>) {
                check(lib().sd_bus_message_open_container(m, 'a', "s"), what);
                for (const auto& s : v) check(lib().sd_bus_message_append_basic(m, 's', s.c_str()), what);
                check(lib().sd_bus_message_close_container(m), what);
            } else {
                constexpr bool pairs_of_strings = std::is_same_v<T, std::vector<std::pair<std::string, std::string>>>;
                const char* inner = pairs_of_strings ? "ss" : "st";
                check(lib().sd_bus_message_open_container(m, 'a', pairs_of_strings ? "(ss)" : "(st)"), what);
                for (const auto& [k, x] : v) {
                    check(lib().sd_bus_message_open_container(m, 'r', inner), what);
                    check(lib().sd_bus_message_append_basic(m, 's', k.c_str()), what);
                    if constexpr (pairs_of_strings)
                        check(lib().sd_bus_message_append_basic(m, 's', x.c_str()), what);
                    else
                        check(lib().sd_bus_message_append_basic(m, 't', &x), what);
                    check(lib().sd_bus_message_close_container(m), what);
                }
                check(lib().sd_bus_message_close_container(m), what);
            }
        },
        value);
}

// a(sv)
void append_properties(sd_bus_message* m, const Properties& props) {
    check(lib().sd_bus_message_open_container(m, 'a', "(sv)"), "systemd: marshalling properties");
    for (const auto& p : props) {
        const std::string what = "systemd: marshalling property " + p.name;
        check(lib().sd_bus_message_open_container(m, 'r', "sv"), what);
        check(lib().sd_bus_message_append_basic(m, 's', p.name.c_str()), what);
        check(lib().sd_bus_message_open_container(m, 'v', signature_of(p.value)), what);
        append_value(m, p.value, p.name);
        check(lib().sd_bus_message_close_container(m), what);
        check(lib().sd_bus_message_close_container(m), what);
    }
    check(lib().sd_bus_message_close_container(m), "systemd: marshalling properties");
}

void append_string(sd_bus_message* m, const std::string& s) {
    check(lib().sd_bus_message_append_basic(m, 's', s.c_str()), "systemd: marshalling \"" + s + "\"");
}

// A string or object path read from `m`; the bytes belong to the message.
std::string read_string(sd_bus_message* m, char type, const std::string& what) {
    const char* s = nullptr;
    const int r = lib().sd_bus_message_read_basic(m, type, &s);
    if (r <= 0) fail("systemd: reading the reply to " + what, r == 0 ? -EBADMSG : r);
    return s ? s : "";
}

}  // namespace

bool booted() {
    struct stat st;
    return ::lstat("/run/systemd/system", &st) == 0 && S_ISDIR(st.st_mode);
}

namespace {

// systemd's private socket, which it serves without a bus daemon (a
// minimal host, or dbus stopped); only root may use it.
BusPtr open_private(int& r) {
    const SdBusLib& l = lib();
    sd_bus* raw = nullptr;
    r = l.sd_bus_new(&raw);
    if (r < 0) return nullptr;
    BusPtr bus(raw);
    r = l.sd_bus_set_address(raw, "unix:path=/run/systemd/private");
    if (r >= 0) r = l.sd_bus_start(raw);
    return r < 0 ? nullptr : std::move(bus);
}

}  // namespace

std::unique_ptr<Client> Client::connect(bool user) {
    const SdBusLib& l = lib();
    sd_bus* raw = nullptr;
    const int r = user ? l.sd_bus_open_user(&raw) : l.sd_bus_open_system(&raw);
    if (r >= 0) return std::make_unique<Client>(Token{}, BusPtr(raw), user);
    if (!user) {
        int pr = 0;
        if (BusPtr direct = open_private(pr)) return std::make_unique<Client>(Token{}, std::move(direct), user, true);
        throw common::Error("cannot connect to systemd: system bus: " + BusError().text(r) +
                                "; /run/systemd/private: " + BusError().text(pr),
                            -r);
    }
    fail("cannot connect to the user's systemd (session bus)", r);
}

int Client::on_job_removed(sd_bus_message* m, void* self, sd_bus_error*) {
    // JobRemoved(u id, o job, s unit, s result)
    uint32_t id = 0;
    const char *job = nullptr, *unit = nullptr, *result = nullptr;
    if (lib().sd_bus_message_read_basic(m, 'u', &id) <= 0 || lib().sd_bus_message_read_basic(m, 'o', &job) <= 0 ||
        lib().sd_bus_message_read_basic(m, 's', &unit) <= 0 || lib().sd_bus_message_read_basic(m, 's', &result) <= 0)
        return 0;
    static_cast<Client*>(self)->jobs_done_[job] = result;
    return 0;
}

void Client::watch_jobs() {
    if (job_match_) return;
    sd_bus_slot* slot = nullptr;
    const int r = lib().sd_bus_match_signal(bus_.get(), &slot, kService, kManagerPath, kManager, "JobRemoved",
                                            &Client::on_job_removed, this);
    check(r, std::string("cannot subscribe to ") + instance() + "'s JobRemoved signal");
    job_match_.reset(slot);
    // Through the bus daemon systemd sends a job's signals to the client
    // that queued it; on its own socket, only to subscribers.
    if (direct_) call(new_manager_call("Subscribe"), "Subscribe");
}

MessagePtr Client::new_manager_call(const char* member) {
    sd_bus_message* raw = nullptr;
    check(lib().sd_bus_message_new_method_call(bus_.get(), &raw, kService, kManagerPath, kManager, member),
          std::string("systemd: building the ") + member + " call");
    return MessagePtr(raw);
}

MessagePtr Client::call(MessagePtr m, const std::string& what, BusError* error) {
    BusError local;
    BusError& err = error ? *error : local;
    sd_bus_message* reply = nullptr;
    const int r = lib().sd_bus_call(bus_.get(), m.get(), 0, &err.e, &reply);
    if (r < 0) {
        if (error && err.e.name) return nullptr;
        throw common::Error(std::string(instance()) + ": " + what + ": " + err.text(r), -r);
    }
    return MessagePtr(reply);
}

std::string Client::wait_job(const std::string& job, const std::string& unit) {
    const uint64_t deadline = now_us() + kJobTimeoutUs;
    for (;;) {
        if (auto it = jobs_done_.find(job); it != jobs_done_.end()) {
            std::string result = it->second;
            jobs_done_.erase(it);
            return result;
        }
        const int r = lib().sd_bus_process(bus_.get(), nullptr);
        if (r < 0) fail(std::string("waiting for ") + instance() + "'s job for " + unit, r);
        if (r > 0) continue;  // more may be queued
        const uint64_t now = now_us();
        if (now >= deadline)
            throw common::Error(std::string(instance()) + ": no end of job " + job + " for " + unit + " after 30 s");
        const int w = lib().sd_bus_wait(bus_.get(), deadline - now);
        if (w < 0 && w != -EINTR) fail(std::string("waiting for ") + instance() + "'s job for " + unit, w);
    }
}

bool Client::start_transient_unit(const std::string& name, const Properties& props) {
    watch_jobs();
    std::string job;
    for (int attempt = 0;; ++attempt) {
        MessagePtr m = new_manager_call("StartTransientUnit");
        append_string(m.get(), name);
        append_string(m.get(), "replace");
        append_properties(m.get(), props);
        // a(sa(sv)): no auxiliary units.
        check(lib().sd_bus_message_open_container(m.get(), 'a', "(sa(sv))"), "systemd: marshalling aux units");
        check(lib().sd_bus_message_close_container(m.get()), "systemd: marshalling aux units");
        BusError err;
        MessagePtr reply = call(std::move(m), "StartTransientUnit " + name, &err);
        if (reply) {
            job = read_string(reply.get(), 'o', "StartTransientUnit " + name);
            break;
        }
        if (!err.is("org.freedesktop.systemd1.UnitExists"))
            throw common::Error(std::string(instance()) + ": StartTransientUnit " + name + " (" + to_string(props) +
                                "): " + err.text(0));
        if (attempt > 0) return false;
        // A unit of that name that failed earlier (a container killed
        // before its delete) blocks the name until it is reset.
        reset_failed_unit(name);
    }
    const std::string result = wait_job(job, name);
    if (result != "done") {
        reset_failed_unit(name);
        throw common::Error(std::string(instance()) + " could not start unit " + name + ": job " + result +
                            " (journalctl -u " + name + " may say why)");
    }
    return true;
}

bool Client::stop_unit(const std::string& name) {
    watch_jobs();
    MessagePtr m = new_manager_call("StopUnit");
    append_string(m.get(), name);
    append_string(m.get(), "replace");
    BusError err;
    MessagePtr reply = call(std::move(m), "StopUnit " + name, &err);
    if (!reply) {
        if (err.is("org.freedesktop.systemd1.NoSuchUnit")) return false;
        throw common::Error(std::string(instance()) + ": StopUnit " + name + ": " + err.text(0));
    }
    const std::string job = read_string(reply.get(), 'o', "StopUnit " + name);
    wait_job(job, name);
    reset_failed_unit(name);
    return true;
}

void Client::reset_failed_unit(const std::string& name) {
    MessagePtr m = new_manager_call("ResetFailedUnit");
    append_string(m.get(), name);
    BusError ignored;
    call(std::move(m), "ResetFailedUnit " + name, &ignored);
}

void Client::set_unit_properties(const std::string& name, const Properties& props) {
    MessagePtr m = new_manager_call("SetUnitProperties");
    append_string(m.get(), name);
    int runtime = 1;
    check(lib().sd_bus_message_append_basic(m.get(), 'b', &runtime), "systemd: marshalling SetUnitProperties");
    append_properties(m.get(), props);
    call(std::move(m), "SetUnitProperties " + name + " (" + to_string(props) + ")");
}

std::string Client::get_string(const std::string& path, const std::string& interface, const std::string& property) {
    sd_bus_message* raw = nullptr;
    check(lib().sd_bus_message_new_method_call(bus_.get(), &raw, kService, path.c_str(),
                                               "org.freedesktop.DBus.Properties", "Get"),
          "systemd: building a property Get");
    MessagePtr m(raw);
    append_string(m.get(), interface);
    append_string(m.get(), property);
    const std::string what = "reading " + property + " of " + path;
    MessagePtr reply = call(std::move(m), what);
    check(lib().sd_bus_message_enter_container(reply.get(), 'v', "s"), "systemd: " + what + ": not a string");
    return read_string(reply.get(), 's', what);
}

std::optional<std::string> Client::active_state(const std::string& name) {
    MessagePtr m = new_manager_call("GetUnit");
    append_string(m.get(), name);
    BusError err;
    MessagePtr reply = call(std::move(m), "GetUnit " + name, &err);
    if (!reply) {
        if (err.is("org.freedesktop.systemd1.NoSuchUnit")) return std::nullopt;
        throw common::Error(std::string(instance()) + ": GetUnit " + name + ": " + err.text(0));
    }
    const std::string path = read_string(reply.get(), 'o', "GetUnit " + name);
    return get_string(path, "org.freedesktop.systemd1.Unit", "ActiveState");
}

std::string Client::unit_string(const std::string& name, const std::string& interface, const std::string& property) {
    MessagePtr m = new_manager_call("GetUnit");
    append_string(m.get(), name);
    MessagePtr reply = call(std::move(m), "GetUnit " + name);
    return get_string(read_string(reply.get(), 'o', "GetUnit " + name), interface, property);
}

std::string Client::manager_string(const std::string& property) { return get_string(kManagerPath, kManager, property); }

int Client::version() {
    if (version_ >= 0) return version_;
    version_ = 0;
    try {
        const std::string v = manager_string("Version");
        const size_t i = v.find_first_of("0123456789");
        if (i != std::string::npos) version_ = std::atoi(v.c_str() + i);
    } catch (const common::Error&) {
    }
    return version_;
}

}  // namespace cgroups::systemd
