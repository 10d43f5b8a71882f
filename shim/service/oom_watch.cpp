#include "shim/service/oom_watch.hpp"

#include <fcntl.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/inotify.h>
#include <unistd.h>

#include <sstream>

#include "common/error.hpp"
#include "common/file.hpp"

namespace shim {
namespace {

// The cgroup path of pid for a v1 controller ("memory"), or the v2 one
// when controller is empty.
std::string cgroup_of(pid_t pid, const std::string& controller) {
    std::istringstream lines(common::read_file("/proc/" + std::to_string(pid) + "/cgroup"));
    std::string line;
    while (std::getline(lines, line)) {
        const auto first = line.find(':');
        const auto second = line.find(':', first + 1);
        if (first == std::string::npos || second == std::string::npos) continue;
        const std::string controllers = line.substr(first + 1, second - first - 1);
        const std::string path = line.substr(second + 1);
        if (controller.empty() && line.compare(0, 3, "0::") == 0) return path;
        if (!controller.empty()) {
            std::istringstream names(controllers);
            std::string name;
            while (std::getline(names, name, ','))
                if (name == controller) return path;
        }
    }
    return {};
}

}  // namespace

OomWatch::OomWatch(ttrpc::EventLoop& loop, pid_t pid, std::function<void()> on_oom)
    : loop_(loop), on_oom_(std::move(on_oom)) {
    if (const std::string v1 = cgroup_of(pid, "memory"); !v1.empty()) {
        dir_ = "/sys/fs/cgroup/memory" + v1;
        fd_.reset(eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK));
        if (!fd_) common::throw_errno("eventfd");
        oom_control_ = common::open_or_throw(dir_ + "/memory.oom_control", O_RDONLY | O_CLOEXEC);
        common::write_file(dir_ + "/cgroup.event_control",
                           std::to_string(fd_.get()) + " " + std::to_string(oom_control_.get()));
    } else if (const std::string v2 = cgroup_of(pid, ""); !v2.empty() && access("/sys/fs/cgroup/cgroup.controllers", F_OK) == 0) {
        v2_ = true;
        dir_ = "/sys/fs/cgroup" + v2;
        fd_.reset(inotify_init1(IN_CLOEXEC | IN_NONBLOCK));
        if (!fd_) common::throw_errno("inotify_init1");
        if (inotify_add_watch(fd_.get(), (dir_ + "/memory.events").c_str(), IN_MODIFY) < 0)
            common::throw_errno("inotify " + dir_ + "/memory.events");
        kills_ = oom_kills();
    } else {
        throw common::Error("no memory cgroup to watch for pid " + std::to_string(pid));
    }
    loop_.add(fd_.get(), EPOLLIN, [this](uint32_t) { ready(); });
}

OomWatch::~OomWatch() { loop_.remove(fd_.get()); }

uint64_t OomWatch::oom_kills() const {
    const auto text = common::read_file_if_exists(dir_ + "/memory.events");
    if (!text) return kills_;
    const auto pos = text->find("oom_kill ");
    return pos == std::string::npos ? 0 : std::stoull(text->substr(pos + 9));
}

void OomWatch::ready() {
    char buffer[4096];
    while (read(fd_.get(), buffer, sizeof buffer) > 0) {
    }
    // v1 signals the eventfd also when the cgroup is removed.
    if (access(dir_.c_str(), F_OK) != 0) return;
    if (v2_) {
        const uint64_t now = oom_kills();
        if (now <= kills_) return;
        kills_ = now;
    }
    on_oom_();
}

}  // namespace shim
