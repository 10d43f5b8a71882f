// The small v1 controllers: pids, hugetlb, rdma, net_cls, net_prio, devices.
#include <cctype>

#include "cgroups/convert.hpp"
#include "cgroups/device_rules.hpp"
#include "cgroups/v1_resources.hpp"
#include "common/error.hpp"

namespace cgroups::v1 {

void apply_pids(const ControlDir& dir, const oci::PidsResources& pids) {
    dir.write("pids.limit", "pids.max", pids_max(pids.limit));
}

std::string hugetlb_prefix(const std::string& page_size, size_t index) {
    // "<digits><K|M|G|...>B": the kernel's own names for its page sizes.
    size_t i = 0;
    while (i < page_size.size() && std::isdigit(static_cast<unsigned char>(page_size[i]))) ++i;
    const bool ok = i > 0 && page_size.size() == i + 2 && std::isupper(static_cast<unsigned char>(page_size[i])) &&
                    page_size[i + 1] == 'B';
    if (!ok)
        throw common::Error("linux.resources.hugepageLimits[" + std::to_string(index) + "].pageSize: \"" + page_size +
                            "\" is not a page size like \"2MB\"");
    return "hugetlb." + page_size;
}

void apply_hugetlb(const ControlDir& dir, const std::vector<oci::HugepageLimit>& limits) {
    for (size_t i = 0; i < limits.size(); ++i) {
        const std::string prefix = hugetlb_prefix(limits[i].pageSize, i);
        const std::string value = std::to_string(limits[i].limit);
        const std::string field = "hugepageLimits[" + limits[i].pageSize + "]";
        dir.write(field, prefix + ".limit_in_bytes", value);
        // Reservations (Linux 5.7+) are limited too where the kernel has
        // them, or a reservation could exceed the fault limit.
        if (dir.has(prefix + ".rsvd.limit_in_bytes")) dir.write(field, prefix + ".rsvd.limit_in_bytes", value);
    }
}

std::string rdma_line(const std::string& device, const oci::RdmaLimit& limit) {
    std::string line;
    if (limit.hcaHandles) line += " hca_handle=" + std::to_string(*limit.hcaHandles);
    if (limit.hcaObjects) line += " hca_object=" + std::to_string(*limit.hcaObjects);
    return line.empty() ? line : device + line;
}

void apply_rdma(const ControlDir& dir, const std::map<std::string, oci::RdmaLimit>& rdma) {
    for (auto& [device, limit] : rdma) {
        if (device.empty() || device.find_first_of(" \n=") != std::string::npos)
            throw common::Error("linux.resources.rdma: invalid device name \"" + device + "\"");
        auto line = rdma_line(device, limit);
        if (!line.empty()) dir.write("rdma[" + device + "]", "rdma.max", line);
    }
}

void apply_net_cls(const ControlDir& dir, const oci::NetworkResources& network) {
    if (network.classID) dir.write("network.classID", "net_cls.classid", std::to_string(*network.classID));
}

void apply_net_prio(const ControlDir& dir, const oci::NetworkResources& network) {
    for (auto& p : network.priorities)
        dir.write("network.priorities", "net_prio.ifpriomap", p.name + " " + std::to_string(p.priority));
}

void apply_devices(const ControlDir& dir, const std::vector<oci::DeviceCgroupRule>& rules, bool fresh) {
    const DeviceState target = device_state(rules);
    // A cgroup create() has just made holds no task yet: starting with the
    // reset, as from an allow-all cgroup whose exceptions are unknown, is
    // right whatever it inherited, and spares the start a devices.list read.
    // Any other (an update, a joined cgroup) moves from what it holds.
    const DeviceState current = fresh ? DeviceState{true, {}} : parse_devices_list(dir.read_value("devices.list"));
    for (auto& w : device_transition(current, target)) dir.write("devices", w.file, w.line);
}

}  // namespace cgroups::v1
