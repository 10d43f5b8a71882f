// Reads and writes the control files of one cgroup directory, turning a
// missing file into "not supported by this host" for the spec field that
// asked for it and every other failure into an error naming the file.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace cgroups {

// "linux.resources.<field>", the prefix of every apply() error.
std::string field_name(std::string_view field);

// Throws "<field>: not supported by this host (no <what>)".
[[noreturn]] void not_supported(std::string_view field, std::string_view what);

class ControlDir {
public:
    ControlDir() = default;
    explicit ControlDir(std::string path) : path_(std::move(path)) {}

    const std::string& path() const { return path_; }
    std::string file(std::string_view name) const { return path_ + "/" + std::string(name); }

    bool has(std::string_view name) const;
    // nullopt when the file does not exist.
    std::optional<std::string> read(std::string_view name) const;
    // The value with surrounding whitespace trimmed; throws if absent.
    std::string read_value(std::string_view name) const;

    // Writes one value with a single write(2) (the kernel parses each write
    // on its own). `field` is the spec field the value comes from, e.g.
    // "memory.limit" (prefixed with linux.resources.).
    void write(std::string_view field, std::string_view name, std::string_view value) const;
    // The same, returning the errno instead of throwing, for callers that
    // retry in another order (0 on success; ENOENT for a missing file).
    int try_write(std::string_view name, std::string_view value) const;

private:
    std::string path_;
};

// Test seam: while set, every successful ControlDir write is appended here
// as (full path, value), so tests on a fake tree can check what was written
// and in which order (a regular file keeps only the last value).
struct WriteRecord {
    std::string path;
    std::string value;
};
void record_writes(std::vector<WriteRecord>* log);

}  // namespace cgroups
