#include "shim/service/stdio.hpp"

#include <fcntl.h>
#include <sys/stat.h>

#include "common/error.hpp"

namespace shim {
namespace {

std::string fifo_path(const std::string& uri) {
    if (uri.rfind("binary://", 0) == 0 || uri.rfind("file://", 0) == 0)
        throw common::Error("stdio " + uri + ": binary:// and file:// log URIs are not supported yet");
    if (uri.rfind("fifo://", 0) == 0) return uri.substr(7);
    return uri;
}

common::UniqueFd open_path(const std::string& path, int flags) {
    common::UniqueFd fd(open(path.c_str(), flags | O_CLOEXEC));
    if (!fd) common::throw_errno("open stdio " + path);
    return fd;
}

// A writer for the container, after a reader of our own: with a reader
// present the writer's open never blocks, whether or not containerd has
// opened its end yet.
void open_output(const std::string& uri, common::UniqueFd& keep, common::UniqueFd& out) {
    if (uri.empty()) return;
    const std::string path = fifo_path(uri);
    keep = open_path(path, O_RDONLY | O_NONBLOCK);
    out = open_path(path, O_WRONLY);
}

}  // namespace

ProcessIo open_process_io(const std::string& stdin_path, const std::string& stdout_path, const std::string& stderr_path) {
    ProcessIo io;
    if (!stdin_path.empty()) {
        // O_NONBLOCK only so the open does not wait for containerd's writer;
        // the container gets a blocking descriptor.
        io.in = open_path(fifo_path(stdin_path), O_RDONLY | O_NONBLOCK);
        const int flags = fcntl(io.in.get(), F_GETFL);
        if (flags < 0 || fcntl(io.in.get(), F_SETFL, flags & ~O_NONBLOCK) != 0) common::throw_errno("fcntl stdin " + stdin_path);
    }
    open_output(stdout_path, io.keep_out, io.out);
    if (!stderr_path.empty() && stderr_path == stdout_path) {
        io.err.reset(fcntl(io.out.get(), F_DUPFD_CLOEXEC, 3));
        if (!io.err) common::throw_errno("dup stdout for stderr");
    } else {
        open_output(stderr_path, io.keep_err, io.err);
    }
    return io;
}

}  // namespace shim
