// The runtime-spec v1.3 configuration as plain C++ values (Linux parts).
// Parsing and validation live in oci/parse.*; nothing here makes a syscall.
// Optional JSON members are std::optional (or empty containers) so that
// "absent" and "zero" stay distinguishable where the spec cares.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

// GNU mode predefines `linux` as 1; the spec names a member after it.
#ifdef linux
#undef linux
#endif

namespace oci {

struct ConsoleSize {
    uint32_t height = 0;
    uint32_t width = 0;
};

struct User {
    uint32_t uid = 0;
    uint32_t gid = 0;
    std::optional<uint32_t> umask;
    std::vector<uint32_t> additionalGids;
    std::string username;  // Windows only; kept for round-trips
};

struct Capabilities {
    // A set that is absent in JSON is left unchanged-empty; the runtime
    // treats every absent set as empty, as runc does.
    std::vector<std::string> bounding, effective, inheritable, permitted, ambient;
};

struct Rlimit {
    std::string type;  // "RLIMIT_NOFILE", ...
    uint64_t hard = 0;
    uint64_t soft = 0;
};

struct IoPriority {
    std::string ioClass;  // IOPRIO_CLASS_RT | IOPRIO_CLASS_BE | IOPRIO_CLASS_IDLE
    int32_t priority = 0;
};

struct Scheduler {
    std::string policy;  // SCHED_OTHER, SCHED_FIFO, ...
    std::optional<int32_t> nice;
    std::optional<int32_t> priority;
    std::vector<std::string> flags;
    std::optional<uint64_t> runtime, deadline, period;
};

struct ExecCpuAffinity {
    std::string initial;
    std::string final;
};

struct Process {
    bool terminal = false;
    std::optional<ConsoleSize> consoleSize;
    User user;
    std::vector<std::string> args;
    std::string commandLine;  // Windows only
    std::vector<std::string> env;
    std::string cwd;
    std::optional<Capabilities> capabilities;
    std::vector<Rlimit> rlimits;
    bool noNewPrivileges = false;
    std::string apparmorProfile;
    std::optional<int32_t> oomScoreAdj;
    std::string selinuxLabel;
    std::optional<IoPriority> ioPriority;
    std::optional<Scheduler> scheduler;
    std::optional<ExecCpuAffinity> execCPUAffinity;
};

struct Root {
    std::string path;
    bool readonly = false;
};

struct IdMapping {
    uint32_t containerID = 0;
    uint32_t hostID = 0;
    uint32_t size = 0;
};

struct Mount {
    std::string destination;
    std::string source;
    std::string type;
    std::vector<std::string> options;
    std::vector<IdMapping> uidMappings, gidMappings;
};

struct Hook {
    std::string path;
    std::vector<std::string> args;
    std::vector<std::string> env;
    std::optional<int32_t> timeout;  // seconds, > 0
};

struct Hooks {
    std::vector<Hook> prestart, createRuntime, createContainer, startContainer, poststart, poststop;
};

enum class NamespaceType { pid, network, mount, ipc, uts, user, cgroup, time };

struct Namespace {
    NamespaceType type = NamespaceType::pid;
    std::string path;  // empty: create a new one
};

struct TimeOffset {
    int64_t secs = 0;
    uint32_t nanosecs = 0;
};

struct Device {
    std::string path;
    std::string type;  // "c", "b", "u" or "p"
    int64_t major = 0;
    int64_t minor = 0;
    std::optional<uint32_t> fileMode;
    std::optional<uint32_t> uid;
    std::optional<uint32_t> gid;
};

struct DeviceCgroupRule {
    bool allow = false;
    std::string type;               // "a", "c" or "b"; empty means "a"
    std::optional<int64_t> major;   // absent means "*"
    std::optional<int64_t> minor;
    std::string access;             // subset of "rwm"; empty means "rwm"
};

struct MemoryResources {
    std::optional<int64_t> limit, reservation, swap, kernel, kernelTCP;
    std::optional<uint64_t> swappiness;
    std::optional<bool> disableOOMKiller, useHierarchy, checkBeforeUpdate;
};

struct CpuResources {
    std::optional<uint64_t> shares;
    std::optional<int64_t> quota;
    std::optional<uint64_t> burst;
    std::optional<uint64_t> period;
    std::optional<int64_t> realtimeRuntime;
    std::optional<uint64_t> realtimePeriod;
    std::string cpus;
    std::string mems;
    std::optional<bool> idle;
};

struct PidsResources {
    int64_t limit = 0;  // <= 0 means unlimited
};

struct WeightDevice {
    int64_t major = 0;
    int64_t minor = 0;
    std::optional<uint16_t> weight, leafWeight;
};

struct ThrottleDevice {
    int64_t major = 0;
    int64_t minor = 0;
    uint64_t rate = 0;
};

struct BlockIoResources {
    std::optional<uint16_t> weight, leafWeight;
    std::vector<WeightDevice> weightDevice;
    std::vector<ThrottleDevice> throttleReadBpsDevice, throttleWriteBpsDevice,
        throttleReadIOPSDevice, throttleWriteIOPSDevice;
};

struct HugepageLimit {
    std::string pageSize;  // "2MB", "1GB", ...
    uint64_t limit = 0;
};

struct NetPriority {
    std::string name;
    uint32_t priority = 0;
};

struct NetworkResources {
    std::optional<uint32_t> classID;
    std::vector<NetPriority> priorities;
};

struct RdmaLimit {
    std::optional<uint32_t> hcaHandles, hcaObjects;
};

struct Resources {
    std::vector<DeviceCgroupRule> devices;
    std::optional<MemoryResources> memory;
    std::optional<CpuResources> cpu;
    std::optional<PidsResources> pids;
    std::optional<BlockIoResources> blockIO;
    std::vector<HugepageLimit> hugepageLimits;
    std::optional<NetworkResources> network;
    std::map<std::string, RdmaLimit> rdma;
    std::map<std::string, std::string> unified;
};

struct SeccompArg {
    uint32_t index = 0;
    uint64_t value = 0;
    uint64_t valueTwo = 0;
    std::string op;  // SCMP_CMP_NE, ...
};

struct SeccompSyscall {
    std::vector<std::string> names;
    std::string action;
    std::optional<uint32_t> errnoRet;
    std::vector<SeccompArg> args;
};

struct Seccomp {
    std::string defaultAction;
    std::optional<uint32_t> defaultErrnoRet;
    std::vector<std::string> architectures;
    std::vector<std::string> flags;
    std::string listenerPath;
    std::string listenerMetadata;
    std::vector<SeccompSyscall> syscalls;
};

struct Personality {
    std::string domain;  // LINUX | LINUX32
    std::vector<std::string> flags;
};

struct NetDevice {
    std::string name;
};

struct Linux {
    std::vector<Namespace> namespaces;
    std::vector<IdMapping> uidMappings, gidMappings;
    std::map<std::string, TimeOffset> timeOffsets;  // "monotonic", "boottime"
    std::vector<Device> devices;
    std::optional<std::string> cgroupsPath;
    std::optional<Resources> resources;
    std::string rootfsPropagation;
    std::optional<Seccomp> seccomp;
    std::map<std::string, std::string> sysctl;
    std::vector<std::string> maskedPaths, readonlyPaths;
    std::string mountLabel;
    std::optional<Personality> personality;
    std::map<std::string, NetDevice> netDevices;
    // Present in JSON but not implemented by this runtime; the runtime
    // refuses a config that sets them instead of ignoring them silently.
    bool hasIntelRdt = false;
    bool hasMemoryPolicy = false;
};

struct Spec {
    std::string ociVersion;
    std::optional<Process> process;
    Root root;
    std::string hostname;
    std::string domainname;
    std::vector<Mount> mounts;
    std::optional<Hooks> hooks;
    std::map<std::string, std::string> annotations;
    std::optional<Linux> linux;
};

const char* to_string(NamespaceType type);

// Finds the namespace entry of `type`, or nullptr when the config has none.
const Namespace* find_namespace(const Linux& linux, NamespaceType type);

}  // namespace oci
