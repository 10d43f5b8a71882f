#include "rootfs/copy_tree.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <vector>

#include "common/error.hpp"
#include "common/unique_fd.hpp"

namespace rootfs {

namespace {

void copy_file(int src_dir, int dst_dir, const char* name, const struct stat& st, const std::string& what) {
    common::UniqueFd in(::openat(src_dir, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC));
    if (!in) common::throw_errno(what + ": tmpcopyup: open " + name);
    common::UniqueFd out(::openat(dst_dir, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600));
    if (!out) common::throw_errno(what + ": tmpcopyup: create " + name);
    off_t left = st.st_size;
    while (left > 0) {
        ssize_t n = ::sendfile(out.get(), in.get(), nullptr, static_cast<size_t>(left));
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) common::throw_errno(what + ": tmpcopyup: copy " + name);
        if (n == 0) break;  // the file shrank meanwhile
        left -= n;
    }
}

}  // namespace

void copy_tree(int src_dir, int dst_dir, const std::string& what) {
    // A readable fd of its own: the directory stream owns and closes it.
    int raw = ::openat(src_dir, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (raw < 0) common::throw_errno(what + ": tmpcopyup: open directory");
    DIR* dir = ::fdopendir(raw);
    if (dir == nullptr) {
        ::close(raw);
        common::throw_errno(what + ": tmpcopyup: read directory");
    }
    std::vector<std::string> names;
    while (struct dirent* entry = ::readdir(dir)) {
        std::string name = entry->d_name;
        if (name != "." && name != "..") names.push_back(std::move(name));
    }
    ::closedir(dir);

    for (const std::string& name : names) {
        const char* n = name.c_str();
        struct stat st;
        if (::fstatat(src_dir, n, &st, AT_SYMLINK_NOFOLLOW) < 0) {
            if (errno == ENOENT) continue;  // removed meanwhile
            common::throw_errno(what + ": tmpcopyup: stat " + name);
        }
        if (S_ISDIR(st.st_mode)) {
            if (::mkdirat(dst_dir, n, 0700) < 0) common::throw_errno(what + ": tmpcopyup: mkdir " + name);
            common::UniqueFd sub_src(::openat(src_dir, n, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
            common::UniqueFd sub_dst(::openat(dst_dir, n, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
            if (!sub_src || !sub_dst) common::throw_errno(what + ": tmpcopyup: open " + name);
            copy_tree(sub_src.get(), sub_dst.get(), what);
        } else if (S_ISLNK(st.st_mode)) {
            std::vector<char> target(static_cast<size_t>(st.st_size) + 1 > 4096 ? st.st_size + 1 : 4096);
            ssize_t len = ::readlinkat(src_dir, n, target.data(), target.size() - 1);
            if (len < 0) common::throw_errno(what + ": tmpcopyup: readlink " + name);
            target[static_cast<size_t>(len)] = '\0';
            if (::symlinkat(target.data(), dst_dir, n) < 0) common::throw_errno(what + ": tmpcopyup: symlink " + name);
        } else if (S_ISREG(st.st_mode)) {
            copy_file(src_dir, dst_dir, n, st, what);
        } else {
            if (::mknodat(dst_dir, n, st.st_mode, st.st_rdev) < 0) common::throw_errno(what + ": tmpcopyup: mknod " + name);
        }
        if (::fchownat(dst_dir, n, st.st_uid, st.st_gid, AT_SYMLINK_NOFOLLOW) < 0)
            common::throw_errno(what + ": tmpcopyup: chown " + name);
        // Symlinks have no mode of their own; everything else gets the source's.
        if (!S_ISLNK(st.st_mode) && ::fchmodat(dst_dir, n, st.st_mode & 07777, 0) < 0)
            common::throw_errno(what + ": tmpcopyup: chmod " + name);
    }
}

}  // namespace rootfs
