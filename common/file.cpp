#include "common/file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/error.hpp"

namespace common {

UniqueFd open_or_throw(const std::string& path, int flags, unsigned mode) {
    int fd = ::open(path.c_str(), flags | O_CLOEXEC, mode);
    if (fd < 0) throw_errno("open " + path);
    return UniqueFd(fd);
}

std::string read_fd(int fd) {
    std::string out;
    char buf[4096];
    for (;;) {
        ssize_t n = ::read(fd, buf, sizeof buf);
        if (n < 0) {
            if (errno == EINTR) continue;
            throw_errno("read");
        }
        if (n == 0) break;
        out.append(buf, static_cast<size_t>(n));
    }
    return out;
}

std::string read_file(const std::string& path) {
    UniqueFd fd = open_or_throw(path, O_RDONLY);
    try {
        return read_fd(fd.get());
    } catch (const Error& e) {
        throw_errno("read " + path, e.code());
    }
}

std::optional<std::string> read_file_if_exists(const std::string& path) {
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        if (errno == ENOENT) return std::nullopt;
        throw_errno("open " + path);
    }
    UniqueFd owner(fd);
    return read_fd(fd);
}

void write_fd(int fd, std::string_view content, const std::string& what) {
    while (!content.empty()) {
        ssize_t n = ::write(fd, content.data(), content.size());
        if (n < 0) {
            if (errno == EINTR) continue;
            throw_errno("write " + what);
        }
        content.remove_prefix(static_cast<size_t>(n));
    }
}

void write_file(const std::string& path, std::string_view content) {
    UniqueFd fd = open_or_throw(path, O_WRONLY | O_TRUNC);
    write_fd(fd.get(), content, path);
}

void write_file_at(int dirfd, const std::string& name, std::string_view content) {
    int fd = ::openat(dirfd, name.c_str(), O_WRONLY | O_TRUNC | O_CLOEXEC);
    if (fd < 0) throw_errno("open " + name);
    UniqueFd owner(fd);
    write_fd(fd, content, name);
}

void write_file_atomic(const std::string& path, std::string_view content, unsigned mode) {
    std::string tmp = path + ".tmp";
    {
        UniqueFd fd = open_or_throw(tmp, O_WRONLY | O_CREAT | O_TRUNC, mode);
        write_fd(fd.get(), content, tmp);
    }
    if (::rename(tmp.c_str(), path.c_str()) < 0) {
        int err = errno;
        ::unlink(tmp.c_str());
        throw_errno("rename " + tmp + " to " + path, err);
    }
}

}  // namespace common
