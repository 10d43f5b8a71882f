// bench/timer: the measuring helper of bench/run.sh.
//
//   timer ERRLOG < requests > replies
//
// Reads one request per line: the fields are separated by TABs, the first
// is where the child's stdout goes ("-" for /dev/null), the rest are argv.
// Spawns it (posix_spawn, stdin from /dev/null, stderr appended to ERRLOG),
// waits for it and replies "<status> <ns> <maxrss_kib> <cpu_us>": the exit status
// (128+N when killed by signal N, 127 when it could not be spawned), the
// wall time from just before the spawn to just after wait4 returned on
// CLOCK_MONOTONIC, and wait4's ru_maxrss (the child and the descendants it
// reaped, as /usr/bin/time %M), and its user + system CPU time in
// microseconds (the same processes): less disturbed than wall time when
// other work competes for the CPUs.
//
// bench/run.sh keeps one of these on the host and one inside crun's private
// mount namespace, so every runtime is started the same way with no wrapper
// inside the timed interval.
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <fcntl.h>
#include <iostream>
#include <spawn.h>
#include <string>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>
#include <vector>

extern char** environ;

int main(int argc, char** argv) {
    const char* errlog = argc > 1 ? argv[1] : "/dev/null";
    std::string line;
    while (std::getline(std::cin, line)) {
        std::vector<std::string> fields;
        size_t pos = 0;
        for (;;) {
            size_t tab = line.find('\t', pos);
            fields.push_back(line.substr(pos, tab == std::string::npos ? std::string::npos : tab - pos));
            if (tab == std::string::npos) break;
            pos = tab + 1;
        }
        if (fields.size() < 2) {
            std::printf("127 0 0 0\n");
            std::fflush(stdout);
            continue;
        }
        const std::string& out = fields[0];
        std::vector<char*> args;
        for (size_t i = 1; i < fields.size(); ++i) args.push_back(fields[i].data());
        args.push_back(nullptr);

        posix_spawn_file_actions_t fa;
        posix_spawn_file_actions_init(&fa);
        posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
        posix_spawn_file_actions_addopen(&fa, 1, out == "-" ? "/dev/null" : out.c_str(),
                                         O_WRONLY | O_CREAT | O_TRUNC, 0644);
        posix_spawn_file_actions_addopen(&fa, 2, errlog, O_WRONLY | O_CREAT | O_APPEND, 0644);

        timespec t0{}, t1{};
        clock_gettime(CLOCK_MONOTONIC, &t0);
        pid_t pid = -1;
        int rc = posix_spawnp(&pid, args[0], &fa, nullptr, args.data(), environ);
        int status = 0;
        rusage ru{};
        if (rc == 0) {
            while (wait4(pid, &status, 0, &ru) < 0 && errno == EINTR) {
            }
        }
        clock_gettime(CLOCK_MONOTONIC, &t1);
        posix_spawn_file_actions_destroy(&fa);

        if (rc != 0) std::fprintf(stderr, "timer: %s: %s\n", args[0], std::strerror(rc));
        int code = 127;
        if (rc == 0) code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
        long long ns = (t1.tv_sec - t0.tv_sec) * 1000000000LL + (t1.tv_nsec - t0.tv_nsec);
        long long cpu_us = (ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1000000LL + ru.ru_utime.tv_usec + ru.ru_stime.tv_usec;
        std::printf("%d %lld %ld %lld\n", code, ns, ru.ru_maxrss, cpu_us);
        std::fflush(stdout);
    }
    return 0;
}
