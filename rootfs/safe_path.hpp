// Resolving container paths inside the rootfs without ever leaving it.
// Every lookup goes through openat2(RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS)
// relative to a directory fd of the root: an absolute symlink or ".." in the
// image is clamped at that root instead of reaching the host
// (CVE-2021-30465 class). Callers mount onto the returned O_PATH fd, never
// onto a path string that the kernel would resolve a second time.
#pragma once

#include <fcntl.h>
#include <sys/types.h>

#include <string>
#include <string_view>
#include <utility>

#include "common/unique_fd.hpp"

namespace rootfs {

// openat2(root_fd, path, flags | O_CLOEXEC) with RESOLVE_IN_ROOT |
// RESOLVE_NO_MAGICLINKS (plus `extra_resolve`). `path` is a container path;
// a leading "/" is allowed. Returns -1 with errno set; retries EAGAIN (the
// kernel's answer to a concurrent rename) a few times.
int openat2_in_root(int root_fd, std::string_view path, int flags, unsigned long long extra_resolve = 0);

// Throwing wrapper, O_PATH by default; `what` prefixes the error message.
common::UniqueFd resolve_in_root(int root_fd, std::string_view path, const std::string& what,
                                 int flags = O_PATH);

// Like resolve_in_root, but ENOENT yields an invalid fd instead of an error.
common::UniqueFd resolve_in_root_if_exists(int root_fd, std::string_view path,
                                           const std::string& what, int flags = O_PATH);

// Creates every missing directory of `path` inside the root, one component
// at a time: mkdirat() in the directory fd resolved for the previous prefix,
// then the new prefix is resolved in root again. A symlink swapped in
// mid-way is therefore still clamped to the root. Returns an O_PATH
// O_DIRECTORY fd of the final directory. A dangling symlink on the way is
// followed in root and its target created there (as securejoin does:
// "/evil/x" with /evil -> /tmp/h makes <rootfs>/tmp/h/x).
common::UniqueFd mkdir_all_in_root(int root_fd, std::string_view path, mode_t mode,
                                   const std::string& what);

// A bind target for a non-directory source: resolves `path` in root
// (following in-root symlinks, as runc does); when nothing is there, creates
// the parents and an empty regular file (the target of a dangling symlink). Fails when the result is a
// directory. Returns an O_PATH fd.
common::UniqueFd ensure_file_in_root(int root_fd, std::string_view path, mode_t mode,
                                     const std::string& what);

// Splits a container path into (parent, last component); the last component
// is never empty, "." or ".." (those are errors: no name to create).
std::pair<std::string, std::string> split_last(std::string_view path, const std::string& what);

// Lexical clean-up of a container path: absolute, no "//", "." or "..",
// no trailing "/" ("/proc/../proc/" -> "/proc"). For policy checks only;
// the kernel resolves the real path.
std::string clean_path(std::string_view path);

// "/proc/self/fd/N" for APIs that have no fd form.
std::string fd_path(int fd);

}  // namespace rootfs
