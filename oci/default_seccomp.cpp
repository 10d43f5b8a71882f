// The default seccomp profile. Policy:
//  - defaultAction SCMP_ACT_ERRNO with ENOSYS: a syscall this list does not
//    know (a newer kernel's) looks unimplemented, so libc falls back to an
//    older one it can filter. clone3 is the case in point: its flags sit
//    behind a pointer that seccomp cannot read, so it gets ENOSYS and glibc
//    uses clone, whose flags argument is filtered below.
//  - what ordinary programs need is allowed (files, memory, processes,
//    signals, time, sockets, IPC, polling, self-sandboxing);
//  - kernel-wide or escape-class syscalls answer EPERM explicitly: module
//    loading, kexec, bpf, perf, keyrings, mounts and pivot_root, setns,
//    ptrace and cross-process memory, open_by_handle_at (the "shocker"
//    escape), userfaultfd, time setting, swap, reboot, raw I/O ports;
//  - new user namespaces are refused on clone and unshare (arguments
//    filtered): they are the door to most unprivileged kernel exploits.
// Names this libseccomp does not know are skipped by the runtime, so the
// list may name syscalls of other architectures and newer kernels.
#include "oci/default_seccomp.hpp"

#include <cerrno>
#include <initializer_list>
#include <span>
#include <string>
#include <vector>

namespace oci {

namespace {

using json = nlohmann::ordered_json;

constexpr unsigned long long kCloneNewUser = 0x10000000ULL;  // CLONE_NEWUSER
constexpr unsigned long long kAfVsock = 40;                   // AF_VSOCK

// Files and directories.
constexpr const char* kFiles[] = {
    "read", "write", "readv", "writev", "pread64", "pwrite64", "preadv", "pwritev", "preadv2", "pwritev2",
    "open", "openat", "openat2", "creat", "close", "close_range", "lseek", "_llseek",
    "dup", "dup2", "dup3", "fcntl", "fcntl64", "ioctl", "flock",
    "fsync", "fdatasync", "sync", "syncfs", "sync_file_range", "sync_file_range2", "arm_sync_file_range",
    "sendfile", "sendfile64", "splice", "tee", "vmsplice", "copy_file_range",
    "fallocate", "ftruncate", "ftruncate64", "truncate", "truncate64", "readahead",
    "fadvise64", "fadvise64_64", "arm_fadvise64_64",
    "stat", "stat64", "fstat", "fstat64", "lstat", "lstat64", "newfstatat", "fstatat64", "statx",
    "statfs", "statfs64", "fstatfs", "fstatfs64",
    "access", "faccessat", "faccessat2",
    "chmod", "fchmod", "fchmodat", "fchmodat2",
    "chown", "chown32", "fchown", "fchown32", "fchownat", "lchown", "lchown32",
    "utime", "utimes", "utimensat", "utimensat_time64", "futimesat",
    "getdents", "getdents64", "readlink", "readlinkat", "getcwd", "chdir", "fchdir", "chroot",
    "mkdir", "mkdirat", "rmdir", "rename", "renameat", "renameat2",
    "link", "linkat", "symlink", "symlinkat", "unlink", "unlinkat", "mknod", "mknodat", "umask",
    "getxattr", "lgetxattr", "fgetxattr", "getxattrat", "setxattr", "lsetxattr", "fsetxattr", "setxattrat",
    "listxattr", "llistxattr", "flistxattr", "listxattrat",
    "removexattr", "lremovexattr", "fremovexattr", "removexattrat",
    "inotify_init", "inotify_init1", "inotify_add_watch", "inotify_rm_watch", "fanotify_mark",
    "pipe", "pipe2", "memfd_create", "cachestat",
};

// Memory.
constexpr const char* kMemory[] = {
    "brk", "mmap", "mmap2", "munmap", "mremap", "mprotect", "madvise", "mincore", "msync",
    "mlock", "mlock2", "munlock", "mlockall", "munlockall", "remap_file_pages",
    "membarrier", "pkey_alloc", "pkey_free", "pkey_mprotect", "map_shadow_stack", "mseal",
    "get_mempolicy",
};

// Processes, threads, identity, scheduling.
constexpr const char* kProcesses[] = {
    "execve", "execveat", "exit", "exit_group", "fork", "vfork",
    "wait4", "waitid", "waitpid",
    "futex", "futex_time64", "futex_waitv", "futex_wake", "futex_wait", "futex_requeue",
    "set_robust_list", "get_robust_list", "set_tid_address", "rseq", "restart_syscall",
    "arch_prctl", "set_thread_area", "get_thread_area", "set_tls", "cacheflush", "breakpoint",
    "riscv_flush_icache", "prctl", "capget", "capset",
    "getpid", "getppid", "gettid", "getpgid", "getpgrp", "getsid", "setsid", "setpgid",
    "getuid", "getuid32", "geteuid", "geteuid32", "getgid", "getgid32", "getegid", "getegid32",
    "getresuid", "getresuid32", "getresgid", "getresgid32", "getgroups", "getgroups32",
    "setuid", "setuid32", "setgid", "setgid32", "setreuid", "setreuid32", "setregid", "setregid32",
    "setresuid", "setresuid32", "setresgid", "setresgid32", "setgroups", "setgroups32",
    "setfsuid", "setfsuid32", "setfsgid", "setfsgid32",
    "getrlimit", "ugetrlimit", "setrlimit", "prlimit64", "getrusage", "times",
    "getpriority", "setpriority", "nice", "sched_yield", "sched_getaffinity", "sched_setaffinity",
    "sched_getparam", "sched_setparam", "sched_getscheduler", "sched_setscheduler",
    "sched_get_priority_max", "sched_get_priority_min", "sched_rr_get_interval",
    "sched_rr_get_interval_time64", "sched_getattr", "sched_setattr", "ioprio_get", "ioprio_set",
    "uname", "olduname", "sysinfo", "getcpu", "getrandom",
    "pidfd_open", "pidfd_send_signal", "process_mrelease",
    "landlock_create_ruleset", "landlock_add_rule", "landlock_restrict_self", "seccomp",
};

// Signals.
constexpr const char* kSignals[] = {
    "kill", "tkill", "tgkill", "rt_sigaction", "rt_sigprocmask", "rt_sigreturn", "rt_sigsuspend",
    "rt_sigpending", "rt_sigtimedwait", "rt_sigtimedwait_time64", "rt_sigqueueinfo", "rt_tgsigqueueinfo",
    "sigaltstack", "sigaction", "sigprocmask", "sigreturn", "sigsuspend", "sigpending", "signal",
    "signalfd", "signalfd4", "pause",
};

// Clocks and timers (reading; setting the clock is refused below).
constexpr const char* kTime[] = {
    "clock_gettime", "clock_gettime64", "clock_getres", "clock_getres_time64",
    "clock_nanosleep", "clock_nanosleep_time64", "gettimeofday", "time", "nanosleep", "alarm",
    "getitimer", "setitimer", "timer_create", "timer_delete", "timer_getoverrun",
    "timer_gettime", "timer_gettime64", "timer_settime", "timer_settime64",
    "timerfd_create", "timerfd_gettime", "timerfd_gettime64", "timerfd_settime", "timerfd_settime64",
};

// Waiting for events, async I/O.
constexpr const char* kEvents[] = {
    "select", "_newselect", "pselect6", "pselect6_time64", "poll", "ppoll", "ppoll_time64",
    "epoll_create", "epoll_create1", "epoll_ctl", "epoll_ctl_old", "epoll_wait", "epoll_wait_old",
    "epoll_pwait", "epoll_pwait2", "eventfd", "eventfd2",
    "io_setup", "io_destroy", "io_getevents", "io_pgetevents", "io_pgetevents_time64", "io_submit", "io_cancel",
};

// Sockets (socket itself is argument-filtered) and System V / POSIX IPC.
constexpr const char* kNetworkIpc[] = {
    "socketpair", "bind", "connect", "listen", "accept", "accept4", "getsockname", "getpeername",
    "sendto", "recvfrom", "send", "recv", "sendmsg", "recvmsg", "sendmmsg", "recvmmsg", "recvmmsg_time64",
    "setsockopt", "getsockopt", "shutdown", "socketcall",
    "shmget", "shmat", "shmdt", "shmctl", "semget", "semop", "semtimedop", "semtimedop_time64", "semctl",
    "msgget", "msgsnd", "msgrcv", "msgctl", "ipc",
    "mq_open", "mq_unlink", "mq_timedsend", "mq_timedsend_time64", "mq_timedreceive",
    "mq_timedreceive_time64", "mq_notify", "mq_getsetattr",
};

// Refused with EPERM: the kernel's own state, other processes' memory,
// escapes out of the mount namespace or through file handles.
constexpr const char* kRefused[] = {
    // kernel code and reboot
    "kexec_load", "kexec_file_load", "init_module", "finit_module", "delete_module", "create_module",
    "reboot", "bpf", "perf_event_open", "lookup_dcookie", "uselib", "_sysctl", "sysfs", "ustat",
    "nfsservctl", "get_kernel_syms", "query_module",
    // keyrings (not namespaced)
    "keyctl", "add_key", "request_key",
    // mounts, namespaces
    "mount", "umount", "umount2", "pivot_root", "setns", "fsopen", "fsconfig", "fsmount", "fspick",
    "move_mount", "open_tree", "open_tree_attr", "mount_setattr", "statmount", "listmount",
    // other processes
    "ptrace", "process_vm_readv", "process_vm_writev", "kcmp", "pidfd_getfd", "process_madvise",
    // file handles (CVE class: open_by_handle_at reads any file of the mount)
    "open_by_handle_at", "name_to_handle_at", "fanotify_init",
    // clocks, accounting, swap, quotas, syslog, hardware
    "settimeofday", "stime", "clock_settime", "clock_settime64", "clock_adjtime", "clock_adjtime64",
    "adjtimex", "acct", "swapon", "swapoff", "quotactl", "quotactl_fd", "syslog", "vhangup",
    "iopl", "ioperm", "modify_ldt", "vm86", "vm86old",
    // memory policy of other processes, page-fault handling by user space
    "mbind", "set_mempolicy", "set_mempolicy_home_node", "move_pages", "migrate_pages", "userfaultfd",
    // io_uring bypasses this filter for the operations it performs
    "io_uring_setup", "io_uring_enter", "io_uring_register",
};

json names(std::initializer_list<std::span<const char* const>> groups) {
    json out = json::array();
    for (auto group : groups) {
        for (const char* name : group) out.push_back(name);
    }
    return out;
}

json arg(unsigned index, unsigned long long value, unsigned long long value_two, const char* op) {
    json a;
    a["index"] = index;
    a["value"] = value;
    a["valueTwo"] = value_two;
    a["op"] = op;
    return a;
}

json rule(json syscall_names, const char* action, json args = json::array(), int errno_ret = 0) {
    json r;
    r["names"] = std::move(syscall_names);
    r["action"] = action;
    if (errno_ret) r["errnoRet"] = errno_ret;
    if (!args.empty()) r["args"] = std::move(args);
    return r;
}

json architectures() {
#if defined(__x86_64__)
    return {"SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32"};
#elif defined(__aarch64__)
    return {"SCMP_ARCH_AARCH64", "SCMP_ARCH_ARM"};
#elif defined(__i386__)
    return {"SCMP_ARCH_X86"};
#elif defined(__powerpc64__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    return {"SCMP_ARCH_PPC64LE"};
#elif defined(__s390x__)
    return {"SCMP_ARCH_S390X", "SCMP_ARCH_S390"};
#elif defined(__riscv) && __riscv_xlen == 64
    return {"SCMP_ARCH_RISCV64"};
#else
    return json::array();  // the native architecture only
#endif
}

// clone's flags are its first argument, except on s390 where the stack
// pointer comes first.
constexpr unsigned kCloneFlagsIndex =
#if defined(__s390x__) || defined(__s390__)
    1;
#else
    0;
#endif

}  // namespace

json default_seccomp_profile() {
    json s;
    s["defaultAction"] = "SCMP_ACT_ERRNO";
    s["defaultErrnoRet"] = ENOSYS;
    s["architectures"] = architectures();
    json rules = json::array();
    rules.push_back(rule(names({kFiles, kMemory, kProcesses, kSignals, kTime, kEvents, kNetworkIpc}),
                         "SCMP_ACT_ALLOW"));
    // clone and unshare without CLONE_NEWUSER; with it, EPERM. The other
    // namespace flags need CAP_SYS_ADMIN, which the kernel checks.
    for (const char* name : {"clone", "unshare"}) {
        unsigned index = std::string(name) == "clone" ? kCloneFlagsIndex : 0;
        rules.push_back(rule(json::array({name}), "SCMP_ACT_ALLOW",
                             json::array({arg(index, kCloneNewUser, 0, "SCMP_CMP_MASKED_EQ")})));
        rules.push_back(rule(json::array({name}), "SCMP_ACT_ERRNO",
                             json::array({arg(index, kCloneNewUser, kCloneNewUser, "SCMP_CMP_MASKED_EQ")}), EPERM));
    }
    // personality: the Linux domains (with and without UNAME26) and the
    // query; one rule each, as two comparisons of one argument in one rule
    // would be an AND for some runtimes.
    for (unsigned long long v : {0x0ULL, 0x8ULL, 0x20000ULL, 0x20008ULL, 0xffffffffULL}) {
        rules.push_back(rule(json::array({"personality"}), "SCMP_ACT_ALLOW", json::array({arg(0, v, 0, "SCMP_CMP_EQ")})));
    }
    // Sockets of any family but vsock, which reaches the hypervisor host.
    rules.push_back(rule(json::array({"socket"}), "SCMP_ACT_ALLOW", json::array({arg(0, kAfVsock, 0, "SCMP_CMP_NE")})));
    rules.push_back(rule(json::array({"socket"}), "SCMP_ACT_ERRNO", json::array({arg(0, kAfVsock, 0, "SCMP_CMP_EQ")}),
                         EAFNOSUPPORT));
    rules.push_back(rule(names({kRefused}), "SCMP_ACT_ERRNO", json::array(), EPERM));
    s["syscalls"] = std::move(rules);
    return s;
}

}  // namespace oci
