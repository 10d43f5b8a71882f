#include "cgroups/dirs.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <string_view>

#include "cgroups/control_dir.hpp"
#include "cgroups/convert.hpp"
#include "cgroups/manager.hpp"
#include "common/error.hpp"
#include "common/file.hpp"

namespace cgroups {

namespace {
void sleep_ms(long ms) {
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000 * 1000};
    ::nanosleep(&ts, nullptr);
}

// cgroup.procs: one pid per line.
std::vector<pid_t> parse_pids(const std::string& text) {
    std::vector<pid_t> pids;
    size_t start = 0;
    while (start < text.size()) {
        size_t end = text.find('\n', start);
        if (end == std::string::npos) end = text.size();
        if (auto v = parse_u64(std::string_view(text).substr(start, end - start)))
            pids.push_back(static_cast<pid_t>(*v));
        start = end + 1;
    }
    return pids;
}
}  // namespace

namespace {
bool make_dirs_once(const std::string& base, const std::string& dir, std::vector<std::string>& created);
}  // namespace

void make_dirs(const std::string& base, const std::string& dir, std::vector<std::string>& created) {
    if (dir.compare(0, base.size(), base) != 0)
        throw common::Error("cgroups: " + dir + " is not below " + base);
    // A shared parent may vanish between our mkdirs (another container's
    // destroy removed it while empty): start again from the top.
    for (int attempt = 0; attempt < 3; ++attempt)
        if (make_dirs_once(base, dir, created)) return;
    common::throw_errno("mkdir " + dir, ENOENT);
}

std::vector<std::string> missing_dirs(const std::string& base, const std::string& dir) {
    std::vector<std::string> missing;
    if (dir.compare(0, base.size(), base) != 0) return missing;
    std::string path = base;
    std::string_view rest(dir);
    rest.remove_prefix(base.size());
    while (!rest.empty()) {
        while (!rest.empty() && rest.front() == '/') rest.remove_prefix(1);
        if (rest.empty()) break;
        auto slash = rest.find('/');
        path += "/" + std::string(rest.substr(0, slash));
        rest = slash == std::string_view::npos ? std::string_view{} : rest.substr(slash);
        struct stat st;
        // Once one is missing, every one below it is too.
        if (!missing.empty() || ::stat(path.c_str(), &st) < 0) missing.push_back(path);
    }
    return missing;
}

void share_parent(const std::string& leaf, std::vector<std::string>& created) {
    const std::string parent = leaf.substr(0, leaf.rfind('/'));
    if (std::find(created.begin(), created.end(), parent) == created.end()) created.insert(created.begin(), parent);
}

namespace {
bool make_dirs_once(const std::string& base, const std::string& dir, std::vector<std::string>& created) {
    std::string path = base;
    std::string_view rest(dir);
    rest.remove_prefix(base.size());
    while (!rest.empty()) {
        while (!rest.empty() && rest.front() == '/') rest.remove_prefix(1);
        if (rest.empty()) break;
        auto slash = rest.find('/');
        path += "/" + std::string(rest.substr(0, slash));
        rest = slash == std::string_view::npos ? std::string_view{} : rest.substr(slash);
        if (::mkdir(path.c_str(), 0755) == 0) {
            if (std::find(created.begin(), created.end(), path) == created.end()) created.push_back(path);
        } else if (errno == ENOENT) {
            return false;
        } else if (errno != EEXIST) {
            common::throw_errno("mkdir " + path);
        }
    }
    return true;
}
}  // namespace

namespace {
// rmdir, retried while the kernel answers EBUSY: a task that has exited
// still counts until it is reaped. 0, or the errno of the last attempt.
int rmdir_retrying(const std::string& dir) {
    int err = 0;
    for (int attempt = 0; attempt < 6; ++attempt) {
        if (::rmdir(dir.c_str()) == 0 || errno == ENOENT) return 0;
        err = errno;
        if (err != EBUSY) break;
        sleep_ms(10L << attempt);  // 10, 20, ... 320 ms: about 0.6 s in all
    }
    return err;
}

void collect_descendants(const std::string& dir, std::vector<std::string>& out) {
    DIR* d = ::opendir(dir.c_str());
    if (!d) {
        if (errno == ENOENT) return;  // removed meanwhile
        common::throw_errno("open directory " + dir);
    }
    std::vector<std::string> children;
    while (struct dirent* e = ::readdir(d)) {
        const std::string_view name(e->d_name);
        if (name == "." || name == "..") continue;
        bool is_dir = e->d_type == DT_DIR;
        if (e->d_type == DT_UNKNOWN) {
            struct stat st;
            is_dir = ::fstatat(::dirfd(d), e->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISDIR(st.st_mode);
        }
        if (is_dir) children.push_back(dir + "/" + std::string(name));
    }
    ::closedir(d);
    for (auto& child : children) {
        collect_descendants(child, out);
        out.push_back(child);
    }
}
}  // namespace

void remove_dirs(const std::vector<std::string>& created, const std::string& leaf) {
    std::string first_error;
    int first_errno = 0;
    for (auto it = created.rbegin(); it != created.rend(); ++it) {
        const std::string& dir = *it;
        const bool ours = dir == leaf;
        const int err = ours ? rmdir_retrying(dir) : (remove_now(dir) ? 0 : errno);
        if (err == 0) continue;
        // An ancestor we made may since hold another container's cgroup.
        if (!ours && (err == EBUSY || err == ENOTEMPTY)) continue;
        if (first_error.empty()) {
            first_error = "rmdir " + dir;
            first_errno = err;
        }
    }
    if (!first_error.empty()) common::throw_errno(first_error, first_errno);
}

bool remove_now(const std::string& dir) { return ::rmdir(dir.c_str()) == 0 || errno == ENOENT; }

std::vector<std::string> descendants(const std::string& dir) {
    std::vector<std::string> out;
    collect_descendants(dir, out);
    return out;
}

void remove_descendants(const std::string& dir, const std::function<void(const std::string&)>& evict) {
    for (auto& sub : descendants(dir)) {
        if (evict) evict(sub);
        if (int err = rmdir_retrying(sub)) common::throw_errno("rmdir " + sub, err);
    }
}

std::vector<pid_t> read_pids_below(const std::string& dir) {
    std::vector<pid_t> pids = read_pids(dir);
    for (auto& sub : descendants(dir)) {
        std::optional<std::string> text;
        try {
            text = common::read_file_if_exists(sub + "/cgroup.procs");
        } catch (const common::Error& e) {
            if (e.code() != ENODEV) throw;  // ENODEV: removed while being read
        }
        if (!text) continue;
        auto more = parse_pids(*text);
        pids.insert(pids.end(), more.begin(), more.end());
    }
    return pids;
}

std::vector<pid_t> read_pids(const std::string& dir) { return parse_pids(common::read_file(dir + "/cgroup.procs")); }

void write_pid(const std::string& dir, pid_t pid) {
    ControlDir d(dir);
    const std::string value = std::to_string(pid);
    int err = 0;
    for (int attempt = 0; attempt < 5; ++attempt) {
        err = d.try_write("cgroup.procs", value);
        if (err != EINVAL) break;
        sleep_ms(30);
    }
    if (err != 0) common::throw_errno("add pid " + value + " to " + d.file("cgroup.procs"), err);
}

void join_self(const std::vector<std::string>& tasks_files) {
    for (const auto& file : tasks_files) {
        try {
            common::write_file(file, "0");
        } catch (const common::Error& e) {
            throw common::Error(std::string("cgroups: join the container's cgroup: ") + e.what(), e.code());
        }
    }
}

}  // namespace cgroups
