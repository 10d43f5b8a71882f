// v1 blkio controller: weights (CFQ's blkio.weight or BFQ's
// blkio.bfq.weight, whichever the kernel has) and throttles.
#include "cgroups/v1_resources.hpp"

namespace cgroups::v1 {

namespace {
std::string dev(int64_t major, int64_t minor) { return std::to_string(major) + ":" + std::to_string(minor); }

// CFQ is gone since Linux 5.0; with BFQ the weights live in blkio.bfq.*.
// Pick the file that exists, naming the classic one when neither does.
std::string weight_file(const ControlDir& dir, const std::string& classic, const std::string& bfq) {
    if (dir.has(classic) || !dir.has(bfq)) return classic;
    return bfq;
}

void throttle(const ControlDir& dir, const char* field, const char* file,
              const std::vector<oci::ThrottleDevice>& devices) {
    // One device per write: the kernel parses a single "maj:min value".
    for (auto& d : devices) dir.write(field, file, dev(d.major, d.minor) + " " + std::to_string(d.rate));
}
}  // namespace

void apply_blkio(const ControlDir& dir, const oci::BlockIoResources& b) {
    if (b.weight)
        dir.write("blockIO.weight", weight_file(dir, "blkio.weight", "blkio.bfq.weight"), std::to_string(*b.weight));
    if (b.leafWeight) dir.write("blockIO.leafWeight", "blkio.leaf_weight", std::to_string(*b.leafWeight));
    for (auto& d : b.weightDevice) {
        if (d.weight)
            dir.write("blockIO.weightDevice",
                      weight_file(dir, "blkio.weight_device", "blkio.bfq.weight_device"),
                      dev(d.major, d.minor) + " " + std::to_string(*d.weight));
        if (d.leafWeight)
            dir.write("blockIO.weightDevice.leafWeight", "blkio.leaf_weight_device",
                      dev(d.major, d.minor) + " " + std::to_string(*d.leafWeight));
    }
    throttle(dir, "blockIO.throttleReadBpsDevice", "blkio.throttle.read_bps_device", b.throttleReadBpsDevice);
    throttle(dir, "blockIO.throttleWriteBpsDevice", "blkio.throttle.write_bps_device", b.throttleWriteBpsDevice);
    throttle(dir, "blockIO.throttleReadIOPSDevice", "blkio.throttle.read_iops_device", b.throttleReadIOPSDevice);
    throttle(dir, "blockIO.throttleWriteIOPSDevice", "blkio.throttle.write_iops_device", b.throttleWriteIOPSDevice);
}

}  // namespace cgroups::v1
