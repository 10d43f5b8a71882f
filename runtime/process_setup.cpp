#include "runtime/process_setup.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/ioprio.h>
#include <sched.h>
#include <sys/capability.h>
#include <sys/personality.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <climits>
#include <cstdlib>
#include <cstring>
#include <fstream>

#include "common/error.hpp"
#include "oci/capabilities.hpp"
#include "oci/rlimits.hpp"

#ifndef CLOSE_RANGE_CLOEXEC
#define CLOSE_RANGE_CLOEXEC (1U << 2)
#endif

namespace runtime {

namespace {

bool lsm_enabled(const char* path) { return ::access(path, F_OK) == 0; }

struct SchedAttr {
    uint32_t size;
    uint32_t sched_policy;
    uint64_t sched_flags;
    int32_t sched_nice;
    uint32_t sched_priority;
    uint64_t sched_runtime;
    uint64_t sched_deadline;
    uint64_t sched_period;
};

int sched_policy_number(const std::string& name) {
    if (name == "SCHED_OTHER") return SCHED_OTHER;
    if (name == "SCHED_FIFO") return SCHED_FIFO;
    if (name == "SCHED_RR") return SCHED_RR;
    if (name == "SCHED_BATCH") return SCHED_BATCH;
    if (name == "SCHED_IDLE") return SCHED_IDLE;
    if (name == "SCHED_DEADLINE") return 6;
    if (name == "SCHED_ISO") return 4;
    throw common::Error("process.scheduler.policy: unknown policy " + name);
}

uint64_t sched_flag_number(const std::string& name) {
    if (name == "SCHED_FLAG_RESET_ON_FORK") return 0x01;
    if (name == "SCHED_FLAG_RECLAIM") return 0x02;
    if (name == "SCHED_FLAG_DL_OVERRUN") return 0x04;
    if (name == "SCHED_FLAG_KEEP_POLICY") return 0x08;
    if (name == "SCHED_FLAG_KEEP_PARAMS") return 0x10;
    if (name == "SCHED_FLAG_UTIL_CLAMP_MIN") return 0x20;
    if (name == "SCHED_FLAG_UTIL_CLAMP_MAX") return 0x40;
    throw common::Error("process.scheduler.flags: unknown flag " + name);
}

void apply_scheduler(const oci::Scheduler& s) {
    SchedAttr attr{};
    attr.size = sizeof attr;
    attr.sched_policy = static_cast<uint32_t>(sched_policy_number(s.policy));
    for (const auto& f : s.flags) attr.sched_flags |= sched_flag_number(f);
    attr.sched_nice = s.nice.value_or(0);
    attr.sched_priority = static_cast<uint32_t>(s.priority.value_or(0));
    attr.sched_runtime = s.runtime.value_or(0);
    attr.sched_deadline = s.deadline.value_or(0);
    attr.sched_period = s.period.value_or(0);
    if (::syscall(SYS_sched_setattr, 0, &attr, 0) < 0) common::throw_errno("process.scheduler: sched_setattr");
}

void apply_io_priority(const oci::IoPriority& io) {
    int cls = io.ioClass == "IOPRIO_CLASS_RT"   ? IOPRIO_CLASS_RT
              : io.ioClass == "IOPRIO_CLASS_BE" ? IOPRIO_CLASS_BE
                                                : IOPRIO_CLASS_IDLE;
    if (::syscall(SYS_ioprio_set, IOPRIO_WHO_PROCESS, 0, IOPRIO_PRIO_VALUE(cls, io.priority)) < 0) {
        common::throw_errno("process.ioPriority: ioprio_set");
    }
}

}  // namespace

void apply_personality(const oci::Personality& p) {
    unsigned long persona = p.domain == "LINUX32" ? PER_LINUX32 : PER_LINUX;
    if (::personality(persona) < 0) common::throw_errno("linux.personality: personality");
}

namespace {

// Owns a libcap state.
struct CapState {
    cap_t caps = cap_init();
    ~CapState() { cap_free(caps); }
};

std::vector<cap_value_t> capability_values(const std::vector<std::string>& names) {
    std::vector<cap_value_t> values;
    const int last = static_cast<int>(cap_max_bits()) - 1;
    for (const auto& name : names) {
        auto number = oci::capability_number(name);
        // Validation rejected unknown names; a cap this kernel lacks is
        // skipped, as runc does.
        if (number && *number <= last) values.push_back(static_cast<cap_value_t>(*number));
    }
    return values;
}

void drop_bounding_set(const std::vector<cap_value_t>& keep) {
    const int last = static_cast<int>(cap_max_bits()) - 1;
    for (int cap = 0; cap <= last; ++cap) {
        if (std::find(keep.begin(), keep.end(), cap) != keep.end()) continue;
        if (::prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) < 0 && errno != EINVAL) {
            common::throw_errno(std::string("drop ") + oci::capability_name(cap) + " from the bounding set");
        }
    }
}

void set_capability_sets(const oci::Capabilities& c, bool keep_sys_admin) {
    CapState state;
    auto set = [&](const std::vector<std::string>& names, cap_flag_t flag) {
        auto values = capability_values(names);
        if (!values.empty() &&
            cap_set_flag(state.caps, flag, static_cast<int>(values.size()), values.data(), CAP_SET) < 0) {
            common::throw_errno("cap_set_flag");
        }
    };
    set(c.effective, CAP_EFFECTIVE);
    set(c.permitted, CAP_PERMITTED);
    set(c.inheritable, CAP_INHERITABLE);
    if (keep_sys_admin) {
        cap_value_t admin = CAP_SYS_ADMIN;
        cap_set_flag(state.caps, CAP_EFFECTIVE, 1, &admin, CAP_SET);
        cap_set_flag(state.caps, CAP_PERMITTED, 1, &admin, CAP_SET);
    }
    if (cap_set_proc(state.caps) < 0) common::throw_errno("process.capabilities: cap_set_proc");
    // Ambient capabilities need the inheritable bit; like runc, a cap that
    // cannot be raised is skipped rather than failing the container.
    for (cap_value_t cap : capability_values(c.ambient)) {
        ::prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, cap, 0, 0);
    }
}

}  // namespace

void check_process_supported(const oci::Process& process) {
    if (!process.apparmorProfile.empty() && !lsm_enabled("/sys/kernel/security/apparmor")) {
        throw common::Error("process.apparmorProfile: AppArmor is not enabled on this host");
    }
    if (!process.selinuxLabel.empty() && !lsm_enabled("/sys/fs/selinux/enforce")) {
        throw common::Error("process.selinuxLabel: SELinux is not enabled on this host");
    }
    if (process.execCPUAffinity) {
        throw common::Error("process.execCPUAffinity: not supported yet");
    }
}

void apply_limits(const oci::Process& process) {
    for (const auto& limit : process.rlimits) {
        auto resource = oci::rlimit_number(limit.type);
        if (!resource) throw common::Error("process.rlimits: unknown type " + limit.type);
        struct rlimit value { limit.soft, limit.hard };
        if (::setrlimit(*resource, &value) < 0) {
            common::throw_errno("process.rlimits " + limit.type + " (soft " + std::to_string(limit.soft) +
                                ", hard " + std::to_string(limit.hard) + ")");
        }
    }
    if (process.ioPriority) apply_io_priority(*process.ioPriority);
    if (process.scheduler) apply_scheduler(*process.scheduler);
    ::umask(process.user.umask.value_or(022));
}

void apply_identity(const oci::Process& process, bool keep_sys_admin) {
    const oci::User& user = process.user;
    if (!process.apparmorProfile.empty()) {
        // Takes effect at execve, like runc's "exec" profile change.
        int fd = ::open("/proc/self/attr/apparmor/exec", O_WRONLY | O_CLOEXEC);
        if (fd < 0) common::throw_errno("process.apparmorProfile: open /proc/self/attr/apparmor/exec");
        std::string cmd = "exec " + process.apparmorProfile;
        ssize_t n = ::write(fd, cmd.data(), cmd.size());
        ::close(fd);
        if (n < 0) common::throw_errno("process.apparmorProfile " + process.apparmorProfile);
    }
    oci::Capabilities caps = process.capabilities.value_or(oci::Capabilities{});
    auto bounding = capability_values(caps.bounding);
    if (::prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) < 0) common::throw_errno("prctl PR_SET_KEEPCAPS");
    drop_bounding_set(bounding);

    std::vector<gid_t> groups(user.additionalGids.begin(), user.additionalGids.end());
    if (::setgroups(groups.size(), groups.data()) < 0 && !(errno == EPERM && groups.empty())) {
        common::throw_errno("process.user.additionalGids: setgroups");
    }
    if (::setresgid(user.gid, user.gid, user.gid) < 0) {
        common::throw_errno("process.user.gid: setresgid " + std::to_string(user.gid));
    }
    if (::setresuid(user.uid, user.uid, user.uid) < 0) {
        common::throw_errno("process.user.uid: setresuid " + std::to_string(user.uid));
    }
    if (::prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0) < 0) common::throw_errno("prctl PR_SET_KEEPCAPS");
    set_capability_sets(caps, keep_sys_admin);
    if (process.noNewPrivileges && ::prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0) {
        common::throw_errno("process.noNewPrivileges: prctl");
    }
}

std::vector<std::string> container_environment(const oci::Process& process) {
    std::vector<std::string> env = process.env;
    for (const auto& e : env) {
        if (e.rfind("HOME=", 0) == 0) return env;
    }
    std::string home = "/";
    std::ifstream passwd("/etc/passwd");
    std::string line;
    while (std::getline(passwd, line)) {
        // name:pw:uid:gid:gecos:home:shell
        size_t fields[6];
        size_t pos = 0;
        int found = 0;
        for (; found < 6; ++found) {
            pos = line.find(':', pos);
            if (pos == std::string::npos) break;
            fields[found] = pos++;
        }
        if (found < 6) continue;
        std::string uid = line.substr(fields[1] + 1, fields[2] - fields[1] - 1);
        if (uid == std::to_string(process.user.uid)) {
            home = line.substr(fields[4] + 1, fields[5] - fields[4] - 1);
            break;
        }
    }
    env.push_back("HOME=" + home);
    return env;
}

namespace {

// 0 when `path` is an executable regular file for us, else the errno.
int check_executable(const std::string& path) {
    struct stat st;
    if (::stat(path.c_str(), &st) < 0) return errno;
    if (S_ISDIR(st.st_mode)) return EACCES;
    if (::access(path.c_str(), X_OK) < 0) return errno;
    return 0;
}

}  // namespace

std::string find_executable(const std::string& name, const std::vector<std::string>& env) {
    if (name.find('/') != std::string::npos) {
        int err = check_executable(name);
        if (err == 0) return name;
        if (err == ENOENT) throw common::Error("exec: \"" + name + "\": stat " + name + ": no such file or directory", err);
        throw common::Error("exec: \"" + name + "\": permission denied", err);
    }
    std::string path = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
    for (const auto& e : env) {
        if (e.rfind("PATH=", 0) == 0) path = e.substr(5);
    }
    bool denied = false;
    size_t start = 0;
    while (start <= path.size()) {
        size_t end = path.find(':', start);
        if (end == std::string::npos) end = path.size();
        std::string dir = path.substr(start, end - start);
        if (dir.empty()) dir = ".";
        std::string candidate = dir + "/" + name;
        int err = check_executable(candidate);
        if (err == 0) return candidate;
        if (err == EACCES) denied = true;
        start = end + 1;
    }
    if (denied) throw common::Error("exec: \"" + name + "\": permission denied", EACCES);
    throw common::Error("exec: \"" + name + "\": executable file not found in $PATH", ENOENT);
}

void enter_cwd(const std::string& cwd) {
    if (::chdir(cwd.c_str()) < 0) common::throw_errno("process.cwd " + cwd);
    // The kernel answers "(unreachable)/..." for a directory outside our
    // root, which glibc turns into ENOENT.
    std::string buf(PATH_MAX, '\0');
    if (::getcwd(buf.data(), buf.size()) == nullptr || buf[0] != '/') {
        throw common::Error("process.cwd " + cwd + ": outside the container's root filesystem");
    }
}

void close_stray_fds(int preserve_fds) {
    const int first = 3 + preserve_fds;
    if (::syscall(SYS_close_range, static_cast<unsigned>(first), ~0U, CLOSE_RANGE_CLOEXEC) == 0) return;
    // Kernels before 5.11 lack CLOSE_RANGE_CLOEXEC: mark them one by one.
    if (errno != ENOSYS && errno != EINVAL) common::throw_errno("close_range");
    DIR* dir = ::opendir("/proc/self/fd");
    if (!dir) common::throw_errno("close stray fds: open /proc/self/fd");
    const int own = ::dirfd(dir);
    while (struct dirent* entry = ::readdir(dir)) {
        int fd = std::atoi(entry->d_name);
        if (fd >= first && fd != own) ::fcntl(fd, F_SETFD, FD_CLOEXEC);
    }
    ::closedir(dir);
}

}  // namespace runtime
