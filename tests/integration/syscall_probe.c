/* Calls one system call with integer arguments inside a container and
 * prints the errno it got (0 on success):
 *
 *   syscall_probe NAME [ARG...]
 *
 * Built static by the test scripts (cc -static) and copied into the busybox
 * rootfs, so that a seccomp profile can be checked syscall by syscall. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef SYS_clone3
#define SYS_clone3 435
#endif

static const struct {
    const char *name;
    long nr;
} table[] = {
    {"getpgid", SYS_getpgid}, {"getsid", SYS_getsid}, {"kill", SYS_kill}, {"setpgid", SYS_setpgid},
    {"sched_getscheduler", SYS_sched_getscheduler}, {"getpriority", SYS_getpriority},
    {"ioprio_get", SYS_ioprio_get}, {"getppid", SYS_getppid}, {"mkdir", SYS_mkdir},
    {"keyctl", SYS_keyctl}, {"add_key", SYS_add_key}, {"request_key", SYS_request_key},
    {"bpf", SYS_bpf}, {"perf_event_open", SYS_perf_event_open}, {"kexec_load", SYS_kexec_load},
    {"init_module", SYS_init_module}, {"finit_module", SYS_finit_module},
    {"delete_module", SYS_delete_module}, {"open_by_handle_at", SYS_open_by_handle_at},
    {"ptrace", SYS_ptrace}, {"mount", SYS_mount}, {"umount2", SYS_umount2},
    {"pivot_root", SYS_pivot_root}, {"setns", SYS_setns}, {"unshare", SYS_unshare},
    {"clone", SYS_clone}, {"clone3", SYS_clone3}, {"userfaultfd", SYS_userfaultfd},
    {"socket", SYS_socket}, {"personality", SYS_personality}, {"getcwd", SYS_getcwd},
};

int main(int argc, char **argv) {
    if (argc < 2) {
        fprintf(stderr, "usage: syscall_probe NAME [ARG...]\n");
        return 2;
    }
    long nr = -1;
    for (size_t i = 0; i < sizeof table / sizeof table[0]; ++i) {
        if (strcmp(table[i].name, argv[1]) == 0) nr = table[i].nr;
    }
    if (nr < 0) {
        fprintf(stderr, "syscall_probe: unknown syscall %s\n", argv[1]);
        return 2;
    }
    long a[6] = {0};
    for (int i = 0; i < 6 && i + 2 < argc; ++i) a[i] = (long)strtoull(argv[i + 2], NULL, 0);
    long r = syscall(nr, a[0], a[1], a[2], a[3], a[4], a[5]);
    int err = r < 0 ? errno : 0;
    if (nr == SYS_clone && r == 0) _exit(0); /* the child of a clone that went through */
    if (nr == SYS_clone && r > 0) waitpid((pid_t)r, NULL, __WALL);
    printf("%d\n", err);
    return 0;
}
