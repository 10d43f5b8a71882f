#include "cgroups/convert.hpp"

#include <charconv>
#include <cctype>
#include <cmath>

#include "common/error.hpp"

namespace cgroups {

namespace {
constexpr uint64_t kMaxShares = 262144;   // kernel MAX_SHARES (1 << 18)
constexpr uint64_t kMaxWeight = 10000;    // CGROUP_WEIGHT_MAX
// v1 memory "unlimited" reads back as PAGE_COUNTER_MAX * PAGE_SIZE, just
// under 2^63; anything this large is not a real limit.
constexpr uint64_t kUnlimitedThreshold = uint64_t{1} << 62;
}  // namespace

uint64_t cpu_shares_to_weight(uint64_t shares) {
    if (shares == 0) return 0;
    if (shares <= 2) return 1;
    if (shares >= kMaxShares) return kMaxWeight;
    // A quadratic in log2(shares) through (1, 1), (10, 100) and (18, 10000)
    // in (log2 shares, log10 weight) space.
    const double l = std::log2(static_cast<double>(shares));
    const double exponent = (l * l + 125.0 * l) / 612.0 - 7.0 / 34.0;
    const double weight = std::pow(10.0, exponent);
    // Round values that are integers up to floating noise (1024 -> 100,
    // not 101), otherwise round up as the reference implementations do.
    const double nearest = std::round(weight);
    if (std::fabs(weight - nearest) < 1e-6) return static_cast<uint64_t>(nearest);
    return static_cast<uint64_t>(std::ceil(weight));
}

uint64_t blkio_weight_to_io_weight(uint64_t weight) {
    if (weight == 0) return 0;
    if (weight < 10) weight = 10;  // below blkio's range: clamp, don't underflow
    return 1 + (weight - 10) * 9999 / 990;
}

std::optional<int64_t> swap_to_v2(std::optional<int64_t> swap, std::optional<int64_t> limit) {
    const int64_t s = swap.value_or(0);
    const int64_t m = limit.value_or(0);
    // Unlimited memory with swap unspecified means "both unlimited", as the
    // v1 controller (where memsw follows memory) would behave.
    if (m == -1 && s == 0) return -1;
    if (s == -1) return -1;
    if (s == 0) return std::nullopt;
    if (m == 0 || m == -1)
        throw common::Error("linux.resources.memory.swap: cannot set a swap limit without a memory limit");
    if (m < 0) throw common::Error("linux.resources.memory.limit: invalid value " + std::to_string(m));
    if (s < m)
        throw common::Error("linux.resources.memory.swap: memory+swap (" + std::to_string(s) +
                            ") must be >= memory.limit (" + std::to_string(m) + ")");
    return s - m;
}

std::string limit_or_max(int64_t value) { return value < 0 ? "max" : std::to_string(value); }

std::string pids_max(int64_t limit) { return limit <= 0 ? "max" : std::to_string(limit); }

std::string cpu_max_line(std::optional<int64_t> quota, std::optional<uint64_t> period,
                         std::string_view current_quota) {
    std::string q;
    if (quota)
        q = *quota < 0 ? "max" : std::to_string(*quota);
    else
        q = current_quota.empty() ? "max" : std::string(current_quota);
    if (period) q += " " + std::to_string(*period);
    return q;
}

std::string device_number(std::optional<int64_t> major, std::optional<int64_t> minor) {
    auto part = [](std::optional<int64_t> n) { return n && *n >= 0 ? std::to_string(*n) : std::string("*"); };
    return part(major) + ":" + part(minor);
}

std::string trim(std::string_view text) {
    const char* ws = " \t\r\n";
    auto b = text.find_first_not_of(ws);
    if (b == std::string_view::npos) return {};
    auto e = text.find_last_not_of(ws);
    return std::string(text.substr(b, e - b + 1));
}

std::optional<uint64_t> parse_u64(std::string_view text) {
    std::string t = trim(text);
    uint64_t v = 0;
    auto [p, ec] = std::from_chars(t.data(), t.data() + t.size(), v);
    if (ec != std::errc() || p != t.data() + t.size() || t.empty()) return std::nullopt;
    return v;
}

uint64_t parse_limit(std::string_view text) {
    std::string t = trim(text);
    if (t == "max" || t == "-1") return 0;
    auto v = parse_u64(t);
    if (!v || *v >= kUnlimitedThreshold) return 0;
    return *v;
}

std::map<std::string, uint64_t> parse_flat_keyed(std::string_view text) {
    std::map<std::string, uint64_t> out;
    while (!text.empty()) {
        auto nl = text.find('\n');
        std::string_view line = text.substr(0, nl);
        text = nl == std::string_view::npos ? std::string_view{} : text.substr(nl + 1);
        auto sp = line.find(' ');
        if (sp == std::string_view::npos) continue;
        if (auto v = parse_u64(line.substr(sp + 1))) out[std::string(line.substr(0, sp))] = *v;
    }
    return out;
}

std::vector<uint64_t> parse_u64_list(std::string_view text) {
    std::vector<uint64_t> out;
    size_t i = 0;
    while (i < text.size()) {
        while (i < text.size() && std::isspace(static_cast<unsigned char>(text[i]))) ++i;
        size_t j = i;
        while (j < text.size() && !std::isspace(static_cast<unsigned char>(text[j]))) ++j;
        if (j > i) {
            if (auto v = parse_u64(text.substr(i, j - i))) out.push_back(*v);
        }
        i = j;
    }
    return out;
}

namespace {

// "8:16" -> (8, 16).
bool parse_device(std::string_view text, uint64_t& major, uint64_t& minor) {
    auto colon = text.find(':');
    if (colon == std::string_view::npos) return false;
    auto a = parse_u64(text.substr(0, colon));
    auto b = parse_u64(text.substr(colon + 1));
    if (!a || !b) return false;
    major = *a;
    minor = *b;
    return true;
}

std::vector<std::string_view> fields_of(std::string_view line) {
    std::vector<std::string_view> out;
    size_t i = 0;
    while (i < line.size()) {
        while (i < line.size() && std::isspace(static_cast<unsigned char>(line[i]))) ++i;
        size_t j = i;
        while (j < line.size() && !std::isspace(static_cast<unsigned char>(line[j]))) ++j;
        if (j > i) out.push_back(line.substr(i, j - i));
        i = j;
    }
    return out;
}

template <typename F>
void for_each_line(std::string_view text, F f) {
    while (!text.empty()) {
        auto nl = text.find('\n');
        f(text.substr(0, nl));
        text = nl == std::string_view::npos ? std::string_view{} : text.substr(nl + 1);
    }
}

}  // namespace

std::vector<DeviceStat> parse_blkio_lines(std::string_view text) {
    std::vector<DeviceStat> out;
    for_each_line(text, [&](std::string_view line) {
        auto f = fields_of(line);
        DeviceStat s;
        if (f.size() != 3 || !parse_device(f[0], s.major, s.minor)) return;
        auto v = parse_u64(f[2]);
        if (!v) return;
        s.op = std::string(f[1]);
        s.value = *v;
        out.push_back(std::move(s));
    });
    return out;
}

void parse_io_stat(std::string_view text, std::vector<DeviceStat>& bytes, std::vector<DeviceStat>& ios) {
    for_each_line(text, [&](std::string_view line) {
        auto f = fields_of(line);
        uint64_t major = 0, minor = 0;
        if (f.empty() || !parse_device(f[0], major, minor)) return;
        std::map<std::string, uint64_t> kv;
        for (size_t i = 1; i < f.size(); ++i) {
            auto eq = f[i].find('=');
            if (eq == std::string_view::npos) continue;
            if (auto v = parse_u64(f[i].substr(eq + 1))) kv[std::string(f[i].substr(0, eq))] = *v;
        }
        auto add = [&](std::vector<DeviceStat>& to, const char* r, const char* w, const char* d) {
            uint64_t total = 0;
            for (auto [key, op] : {std::pair{r, "Read"}, std::pair{w, "Write"}, std::pair{d, "Discard"}}) {
                auto it = kv.find(key);
                if (it == kv.end()) continue;
                to.push_back({major, minor, op, it->second});
                total += it->second;
            }
            to.push_back({major, minor, "Total", total});
        };
        add(bytes, "rbytes", "wbytes", "dbytes");
        add(ios, "rios", "wios", "dios");
    });
}

}  // namespace cgroups
