#include "shim/service/stdio.hpp"

#include <fcntl.h>
#include <poll.h>
#include <sys/stat.h>
#include <unistd.h>

#include <utility>
#include <vector>

#include "common/error.hpp"
#include "shim/service/spawn.hpp"

namespace shim {
namespace {

struct Uri {
    std::string scheme, path;
    std::vector<std::pair<std::string, std::string>> query;
};

std::string percent_decode(const std::string& text, bool plus_is_space) {
    std::string out;
    for (size_t i = 0; i < text.size(); ++i) {
        if (text[i] == '%' && i + 2 < text.size() && isxdigit(text[i + 1]) && isxdigit(text[i + 2])) {
            out.push_back(static_cast<char>(std::stoi(text.substr(i + 1, 2), nullptr, 16)));
            i += 2;
        } else {
            out.push_back(plus_is_space && text[i] == '+' ? ' ' : text[i]);
        }
    }
    return out;
}

// "scheme://[host]/path?k=v&k2=v2"; a plain path has no scheme.
Uri parse_uri(const std::string& text) {
    Uri uri;
    const auto sep = text.find("://");
    if (sep == std::string::npos || text[0] == '/') {
        uri.path = text;
        return uri;
    }
    uri.scheme = text.substr(0, sep);
    std::string rest = text.substr(sep + 3);
    const auto q = rest.find('?');
    std::string query = q == std::string::npos ? "" : rest.substr(q + 1);
    rest = rest.substr(0, q);
    const auto slash = rest.find('/');  // skip an authority ("host")
    uri.path = percent_decode(slash == std::string::npos ? "" : rest.substr(slash), false);
    size_t start = 0;
    while (start < query.size()) {
        size_t end = query.find('&', start);
        if (end == std::string::npos) end = query.size();
        const std::string pair = query.substr(start, end - start);
        const auto eq = pair.find('=');
        if (!pair.empty())
            uri.query.emplace_back(percent_decode(pair.substr(0, eq), true),
                                   eq == std::string::npos ? "" : percent_decode(pair.substr(eq + 1), true));
        start = end + 1;
    }
    return uri;
}

common::UniqueFd open_path(const std::string& path, int flags, mode_t mode = 0) {
    common::UniqueFd fd(open(path.c_str(), flags | O_CLOEXEC, mode));
    if (!fd) common::throw_errno("open stdio " + path);
    return fd;
}

struct Pipe {
    common::UniqueFd read, write;
    Pipe() {
        int fds[2];
        if (pipe2(fds, O_CLOEXEC) != 0) common::throw_errno("pipe2");
        read.reset(fds[0]);
        write.reset(fds[1]);
    }
};

void start_logging_binary(const Uri& uri, const LogContext& context, ProcessIo& io) {
    Pipe out, err, ready;
    SpawnSpec spec{uri.path, {uri.path}};
    for (const auto& [key, value] : uri.query) {
        spec.args.push_back(key);
        if (!value.empty()) spec.args.push_back(value);
    }
    spec.extra_fds = {out.read.get(), err.read.get(), ready.write.get()};
    spec.extra_env = {"CONTAINER_ID=" + context.id, "CONTAINER_NAMESPACE=" + context.ns};
    spec.clear_env = true;
    // Not waited for here: it ends at the EOF of the container's output and
    // the shim's reaper collects it.
    spawn(spec);
    ready.write.reset();
    pollfd pfd{ready.read.get(), POLLIN, 0};
    char byte;
    if (poll(&pfd, 1, 10000) != 1 || read(ready.read.get(), &byte, 1) < 0)
        throw common::Error("logging binary " + uri.path + " did not get ready");
    io.out = std::move(out.write);
    io.err = std::move(err.write);
}

// A writer for the container, after a reader of our own: with a reader
// present the writer's open never blocks, whether or not containerd has
// opened its end yet.
void open_fifo_output(const std::string& path, common::UniqueFd& keep, common::UniqueFd& out) {
    if (path.empty()) return;
    keep = open_path(path, O_RDONLY | O_NONBLOCK);
    out = open_path(path, O_WRONLY);
}

}  // namespace

ProcessIo open_process_io(const std::string& stdin_path, const std::string& stdout_uri, const std::string& stderr_uri,
                          const LogContext& context) {
    ProcessIo io;
    if (!stdin_path.empty()) {
        // O_NONBLOCK only so the open does not wait for containerd's writer;
        // the container gets a blocking descriptor.
        io.in = open_path(parse_uri(stdin_path).path, O_RDONLY | O_NONBLOCK);
        const int flags = fcntl(io.in.get(), F_GETFL);
        if (flags < 0 || fcntl(io.in.get(), F_SETFL, flags & ~O_NONBLOCK) != 0) common::throw_errno("fcntl stdin " + stdin_path);
    }
    const Uri out = parse_uri(stdout_uri);
    if (out.scheme == "binary") {
        start_logging_binary(out, context, io);
        return io;
    }
    if (out.scheme == "file") {
        const std::string dir = out.path.substr(0, out.path.rfind('/'));
        if (!dir.empty()) mkdir(dir.c_str(), 0755);
        io.out = open_path(out.path, O_WRONLY | O_CREAT | O_APPEND, 0644);
        io.err.reset(fcntl(io.out.get(), F_DUPFD_CLOEXEC, 3));
        if (!io.err) common::throw_errno("dup the log file for stderr");
        return io;
    }
    if (!out.scheme.empty() && out.scheme != "fifo") throw common::Error("stdout " + stdout_uri + ": unsupported scheme " + out.scheme);
    open_fifo_output(out.path, io.keep_out, io.out);
    const std::string err_path = parse_uri(stderr_uri).path;
    if (!err_path.empty() && err_path == out.path) {
        io.err.reset(fcntl(io.out.get(), F_DUPFD_CLOEXEC, 3));
        if (!io.err) common::throw_errno("dup stdout for stderr");
    } else {
        open_fifo_output(err_path, io.keep_err, io.err);
    }
    return io;
}

}  // namespace shim
