#include "runtime/clone.hpp"

#include <signal.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "common/error.hpp"

namespace runtime {

namespace {

// The kernel ABI (include/uapi/linux/sched.h); glibc 2.36 has no wrapper and
// <linux/sched.h> clashes with <sched.h>.
struct CloneArgs {
    uint64_t flags;
    uint64_t pidfd;
    uint64_t child_tid;
    uint64_t parent_tid;
    uint64_t exit_signal;
    uint64_t stack;
    uint64_t stack_size;
    uint64_t tls;
    uint64_t set_tid;
    uint64_t set_tid_size;
    uint64_t cgroup;
};

constexpr uint64_t kCloneIntoCgroup = 0x200000000ULL;

}  // namespace

pid_t clone3_process(uint64_t flags, int cgroup_fd) {
    CloneArgs args{};
    args.flags = flags;
    args.exit_signal = SIGCHLD;
    if (cgroup_fd >= 0) {
        args.flags |= kCloneIntoCgroup;
        args.cgroup = static_cast<uint64_t>(cgroup_fd);
    }
    long pid = ::syscall(SYS_clone3, &args, sizeof args);
    if (pid < 0) common::throw_errno("clone3 the container process");
    return static_cast<pid_t>(pid);
}

}  // namespace runtime
