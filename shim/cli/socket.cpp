#include "shim/cli/socket.hpp"

#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>

#include "common/error.hpp"

namespace shim {
namespace {

sockaddr_un address_of(const std::string& path) {
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    if (path.size() >= sizeof addr.sun_path) throw common::Error("socket path too long: " + path);
    std::memcpy(addr.sun_path, path.c_str(), path.size() + 1);
    return addr;
}

// FNV-1a, twice with different offsets, for 128 bits: a name, not a
// security boundary (the directory is root's).
uint64_t fnv1a(const std::string& text, uint64_t hash) {
    for (unsigned char c : text) {
        hash ^= c;
        hash *= 0x100000001b3ULL;
    }
    return hash;
}

}  // namespace

std::string socket_path(const std::string& containerd_address, const std::string& ns, const std::string& group) {
    const std::string key = containerd_address + "/" + ns + "/" + group;
    char name[64];
    std::snprintf(name, sizeof name, "crun-lite-%016llx%016llx",
                  static_cast<unsigned long long>(fnv1a(key, 0xcbf29ce484222325ULL)),
                  static_cast<unsigned long long>(fnv1a(key, 0x84222325cbf29ce4ULL)));
    return std::string("/run/containerd/s/") + name;
}

common::UniqueFd listen_unix(const std::string& path) {
    const std::string dir = path.substr(0, path.rfind('/'));
    const std::string parent = dir.substr(0, dir.rfind('/'));
    mkdir(parent.c_str(), 0711);
    mkdir(dir.c_str(), 0700);
    common::UniqueFd fd(socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
    if (!fd) common::throw_errno("socket");
    const sockaddr_un addr = address_of(path);
    if (bind(fd.get(), reinterpret_cast<const sockaddr*>(&addr), sizeof addr) != 0) common::throw_errno("bind " + path);
    if (listen(fd.get(), 64) != 0) common::throw_errno("listen " + path);
    return fd;
}

bool can_connect(const std::string& path) {
    common::UniqueFd fd(socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
    if (!fd) return false;
    const sockaddr_un addr = address_of(path);
    return connect(fd.get(), reinterpret_cast<const sockaddr*>(&addr), sizeof addr) == 0;
}

std::string strip_unix_scheme(const std::string& address) {
    return address.rfind("unix://", 0) == 0 ? address.substr(7) : address;
}

}  // namespace shim
