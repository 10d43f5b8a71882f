// spec and features: documents about the runtime, no container involved.
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include <iostream>

#include <linux/magic.h>

#include "common/error.hpp"
#include "common/file.hpp"
#include "oci/default_spec.hpp"
#include "oci/features.hpp"
#include "runtime/commands.hpp"
#include "runtime/seccomp.hpp"

namespace runtime {

namespace {

bool cgroup2_at(const char* path) {
    struct statfs fs;
    return ::statfs(path, &fs) == 0 && fs.f_type == CGROUP2_SUPER_MAGIC;
}

}  // namespace

int cmd_spec(const std::string& bundle, bool rootless) {
    std::string path = bundle + "/config.json";
    struct stat st;
    if (::stat(path.c_str(), &st) == 0) throw common::Error("File " + path + " exists. Remove it first");
    oci::DefaultSpecOptions options;
    options.rootless = rootless;
    options.host_uid = ::geteuid();
    options.host_gid = ::getegid();
    options.cgroup_namespace = cgroup2_at("/sys/fs/cgroup");
    common::UniqueFd fd = common::open_or_throw(path, O_WRONLY | O_CREAT | O_EXCL, 0666);
    common::write_fd(fd.get(), oci::default_spec_json(options), path);
    return 0;
}

int cmd_features() {
    oci::Features f = oci::default_features();
    // Every cgroup driver is built in (systemd's loads libsystemd when
    // used). Its user-instance path (a rootless caller) is untested: not
    // claimed yet.
    f.linux.cgroup.v1 = true;
    f.linux.cgroup.v2 = true;
    f.linux.cgroup.systemd = true;
    f.linux.apparmorEnabled = ::access("/sys/kernel/security/apparmor", F_OK) == 0;
    f.linux.selinuxEnabled = ::access("/sys/fs/selinux/enforce", F_OK) == 0;
    fill_seccomp_features(f.linux.seccomp);
    std::cout << oci::to_json(f) << std::endl;
    return 0;
}

}  // namespace runtime
