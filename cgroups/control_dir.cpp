#include "cgroups/control_dir.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>

#include "cgroups/convert.hpp"
#include "common/error.hpp"
#include "common/file.hpp"
#include "common/unique_fd.hpp"

namespace cgroups {

std::string field_name(std::string_view field) { return "linux.resources." + std::string(field); }

void not_supported(std::string_view field, std::string_view what) {
    throw common::Error(field_name(field) + ": not supported by this host (no " + std::string(what) + ")",
                        ENOTSUP);
}

bool ControlDir::has(std::string_view name) const {
    return ::access(file(name).c_str(), F_OK) == 0;
}

std::optional<std::string> ControlDir::read(std::string_view name) const {
    return common::read_file_if_exists(file(name));
}

std::string ControlDir::read_value(std::string_view name) const { return trim(common::read_file(file(name))); }

namespace {
std::vector<WriteRecord>* g_write_log = nullptr;
}

void record_writes(std::vector<WriteRecord>* log) { g_write_log = log; }

int ControlDir::try_write(std::string_view name, std::string_view value) const {
    // O_TRUNC is ignored by cgroupfs but keeps a fake tree's regular files
    // holding exactly the last value.
    common::UniqueFd fd(::open(file(name).c_str(), O_WRONLY | O_TRUNC | O_CLOEXEC));
    if (!fd) return errno;
    // One write: a cgroup file takes the value in a single call, and a short
    // write would be a kernel bug, not something to continue.
    for (;;) {
        ssize_t n = ::write(fd.get(), value.data(), value.size());
        if (n >= 0) break;
        if (errno != EINTR) return errno;
    }
    if (g_write_log) g_write_log->push_back({file(name), std::string(value)});
    return 0;
}

void ControlDir::write(std::string_view field, std::string_view name, std::string_view value) const {
    int err = try_write(name, value);
    if (err == 0) return;
    if (err == ENOENT) not_supported(field, name);
    common::throw_errno(field_name(field) + ": write \"" + std::string(value) + "\" to " + file(name), err);
}

}  // namespace cgroups
