#include "rootfs/safe_path.hpp"

#include <linux/openat2.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <deque>
#include <optional>
#include <vector>

#include "common/error.hpp"

namespace rootfs {

namespace {

// Components of a container path; empty and "." components carry no meaning.
std::vector<std::string> components(std::string_view path) {
    std::vector<std::string> out;
    size_t pos = 0;
    while (pos <= path.size()) {
        size_t next = path.find('/', pos);
        if (next == std::string_view::npos) next = path.size();
        std::string_view part = path.substr(pos, next - pos);
        if (!part.empty() && part != ".") out.emplace_back(part);
        pos = next + 1;
    }
    return out;
}

}  // namespace

int openat2_in_root(int root_fd, std::string_view path, int flags, unsigned long long extra_resolve) {
    // RESOLVE_IN_ROOT treats a leading "/" as the root itself; strip it anyway
    // so that the empty path means the root directory.
    std::string rel(path);
    while (!rel.empty() && rel.front() == '/') rel.erase(0, 1);
    if (rel.empty()) rel = ".";
    struct open_how how = {};
    how.flags = static_cast<unsigned long long>(flags | O_CLOEXEC);
    how.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS | extra_resolve;
    for (int attempt = 0;; ++attempt) {
        long fd = ::syscall(SYS_openat2, root_fd, rel.c_str(), &how, sizeof how);
        if (fd >= 0) return static_cast<int>(fd);
        // EAGAIN: a rename raced with the ".." check; the lookup is safe to retry.
        if ((errno != EAGAIN && errno != EINTR) || attempt >= 32) return -1;
    }
}

common::UniqueFd resolve_in_root(int root_fd, std::string_view path, const std::string& what, int flags) {
    int fd = openat2_in_root(root_fd, path, flags);
    if (fd < 0) common::throw_errno(what + ": resolve in rootfs");
    return common::UniqueFd(fd);
}

common::UniqueFd resolve_in_root_if_exists(int root_fd, std::string_view path, const std::string& what,
                                           int flags) {
    int fd = openat2_in_root(root_fd, path, flags);
    if (fd < 0) {
        if (errno == ENOENT) return {};
        common::throw_errno(what + ": resolve in rootfs");
    }
    return common::UniqueFd(fd);
}

namespace {

constexpr int kMaxSymlinks = 40;  // as the kernel's own ELOOP limit

// The target of the symlink `name` in `dir`, or nullopt when it is not one.
std::optional<std::string> symlink_target(int dir, const std::string& name, const std::string& what) {
    struct stat st;
    if (::fstatat(dir, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) < 0 || !S_ISLNK(st.st_mode)) return std::nullopt;
    std::string buf(PATH_MAX, '\0');
    ssize_t n = ::readlinkat(dir, name.c_str(), buf.data(), buf.size());
    if (n < 0) common::throw_errno(what + ": readlink " + name);
    buf.resize(static_cast<size_t>(n));
    return buf;
}

}  // namespace

common::UniqueFd mkdir_all_in_root(int root_fd, std::string_view path, mode_t mode, const std::string& what) {
    std::deque<std::string> todo;
    for (std::string& part : components(path)) todo.push_back(std::move(part));
    common::UniqueFd current = resolve_in_root(root_fd, "/", what, O_PATH | O_DIRECTORY);
    std::string prefix;  // the walked path; `current` is its directory
    int links = 0;
    while (!todo.empty()) {
        std::string part = std::move(todo.front());
        todo.pop_front();
        std::string candidate = prefix + "/" + part;
        // Resolve the whole prefix from the root every time, so that ".." and
        // symlinks met on the way are interpreted (and clamped) by the kernel.
        int fd = openat2_in_root(root_fd, candidate, O_PATH | O_DIRECTORY);
        if (fd < 0 && errno == ENOENT && part != "..") {
            // `current` is the in-root directory of the previous prefix, so a
            // missing plain name is created right there.
            if (::mkdirat(current.get(), part.c_str(), mode) < 0) {
                if (errno != EEXIST) common::throw_errno(what + ": mkdir " + candidate);
                // A dangling symlink: walk on into its target, which is then
                // created inside the root (an absolute target starts over at
                // the root), as the kernel itself would resolve it in root.
                if (std::optional<std::string> target = symlink_target(current.get(), part, what)) {
                    if (++links > kMaxSymlinks) common::throw_errno(what + ": " + std::string(path), ELOOP);
                    std::vector<std::string> spliced = components(*target);
                    todo.insert(todo.begin(), spliced.begin(), spliced.end());
                    if (!target->empty() && target->front() == '/') {
                        prefix.clear();
                        current = resolve_in_root(root_fd, "/", what, O_PATH | O_DIRECTORY);
                    }
                    continue;
                }
            }
            fd = openat2_in_root(root_fd, candidate, O_PATH | O_DIRECTORY);
        }
        if (fd < 0) common::throw_errno(what + ": open " + candidate);
        current.reset(fd);
        prefix = std::move(candidate);
    }
    return current;
}

std::pair<std::string, std::string> split_last(std::string_view path, const std::string& what) {
    std::vector<std::string> parts = components(path);
    if (parts.empty() || parts.back() == "..")
        throw common::Error(what + ": path has no final name");
    std::string parent;
    for (size_t i = 0; i + 1 < parts.size(); ++i) parent += "/" + parts[i];
    if (parent.empty()) parent = "/";
    return {parent, parts.back()};
}

common::UniqueFd ensure_file_in_root(int root_fd, std::string_view path, mode_t mode, const std::string& what) {
    std::string current(path);
    common::UniqueFd fd;
    for (int links = 0; !fd; ++links) {
        fd = resolve_in_root_if_exists(root_fd, current, what);
        if (fd) break;
        auto [parent, name] = split_last(current, what);
        common::UniqueFd dir = mkdir_all_in_root(root_fd, parent, 0755, what);
        // mknodat(S_IFREG) creates an empty file without opening it and fails
        // with EEXIST on anything already there, symlinks included.
        if (::mknodat(dir.get(), name.c_str(), S_IFREG | (mode & 07777), 0) < 0) {
            if (errno != EEXIST) common::throw_errno(what + ": create " + current);
            // A dangling symlink (/etc/resolv.conf -> ../run/...): create its
            // target instead, inside the root.
            if (std::optional<std::string> target = symlink_target(dir.get(), name, what)) {
                if (links >= kMaxSymlinks) common::throw_errno(what + ": " + std::string(path), ELOOP);
                current = (!target->empty() && target->front() == '/') ? *target : parent + "/" + *target;
                continue;
            }
        }
        fd = resolve_in_root(root_fd, current, what);
    }
    struct stat st;
    if (::fstat(fd.get(), &st) < 0) common::throw_errno(what + ": stat");
    if (S_ISDIR(st.st_mode))
        throw common::Error(what + ": " + std::string(path) + " is a directory, the source is not", EISDIR);
    return fd;
}

std::string clean_path(std::string_view path) {
    std::vector<std::string> out;
    for (std::string& part : components(path)) {
        if (part == "..") {
            if (!out.empty()) out.pop_back();
        } else {
            out.push_back(std::move(part));
        }
    }
    std::string joined;
    for (const std::string& part : out) joined += "/" + part;
    return joined.empty() ? "/" : joined;
}

std::string fd_path(int fd) { return "/proc/self/fd/" + std::to_string(fd); }

}  // namespace rootfs
