#include "runtime/update_request.hpp"

#include <cctype>
#include <charconv>
#include <cmath>
#include <limits>

#include "common/error.hpp"

namespace runtime {

namespace {

[[noreturn]] void bad_value(const std::string& flag, const std::string& text, const std::string& why) {
    throw common::Error("--" + flag + ": invalid value \"" + text + "\": " + why);
}

template <typename T>
T parse_integer(const std::string& text, const std::string& flag) {
    T v{};
    auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
    if (text.empty() || ec != std::errc() || p != text.data() + text.size())
        bad_value(flag, text, ec == std::errc::result_out_of_range ? "out of range" : "not an integer");
    return v;
}

}  // namespace

int64_t parse_memory_size(const std::string& text, const std::string& flag) {
    if (text == "-1") return -1;
    // <number>[.<fraction>][ ]<k|m|g|t|p>[i][b]
    size_t i = 0;
    while (i < text.size() && (std::isdigit(static_cast<unsigned char>(text[i])) || text[i] == '.')) ++i;
    const std::string number = text.substr(0, i);
    if (number.empty() || number.front() == '.' || number.back() == '.' ||
        number.find('.') != number.rfind('.'))
        bad_value(flag, text, "not a size (e.g. 1048576, 512k, 100m, 1g)");
    std::string unit;
    for (size_t j = i; j < text.size(); ++j) {
        if (j == i && text[j] == ' ') continue;
        unit += static_cast<char>(std::tolower(static_cast<unsigned char>(text[j])));
    }
    double multiplier = 1;
    if (!unit.empty() && unit != "b") {
        static const std::string units = "kmgtp";
        auto pos = units.find(unit[0]);
        const std::string rest = unit.substr(1);
        if (pos == std::string::npos || !(rest.empty() || rest == "b" || rest == "i" || rest == "ib"))
            bad_value(flag, text, "unknown unit \"" + unit + "\" (use k, m, g, t or p)");
        multiplier = std::pow(1024.0, static_cast<double>(pos + 1));
    }
    const double value = std::stod(number) * multiplier;
    if (value >= static_cast<double>(std::numeric_limits<int64_t>::max())) bad_value(flag, text, "too large");
    return static_cast<int64_t>(value);
}

nlohmann::json resources_patch_from_flags(const std::map<std::string, std::string>& flags) {
    nlohmann::json patch = nlohmann::json::object();
    for (auto& [flag, value] : flags) {
        if (flag == "memory") {
            patch["memory"]["limit"] = parse_memory_size(value, flag);
        } else if (flag == "memory-swap") {
            patch["memory"]["swap"] = parse_memory_size(value, flag);
        } else if (flag == "memory-reservation") {
            patch["memory"]["reservation"] = parse_memory_size(value, flag);
        } else if (flag == "kernel-memory") {
            patch["memory"]["kernel"] = parse_memory_size(value, flag);
        } else if (flag == "kernel-memory-tcp") {
            patch["memory"]["kernelTCP"] = parse_memory_size(value, flag);
        } else if (flag == "cpu-shares") {
            patch["cpu"]["shares"] = parse_integer<uint64_t>(value, flag);
        } else if (flag == "cpu-quota") {
            patch["cpu"]["quota"] = parse_integer<int64_t>(value, flag);
        } else if (flag == "cpu-period") {
            patch["cpu"]["period"] = parse_integer<uint64_t>(value, flag);
        } else if (flag == "cpu-rt-period") {
            patch["cpu"]["realtimePeriod"] = parse_integer<uint64_t>(value, flag);
        } else if (flag == "cpu-rt-runtime") {
            patch["cpu"]["realtimeRuntime"] = parse_integer<int64_t>(value, flag);
        } else if (flag == "cpuset-cpus") {
            patch["cpu"]["cpus"] = value;
        } else if (flag == "cpuset-mems") {
            patch["cpu"]["mems"] = value;
        } else if (flag == "pids-limit") {
            // runc: 0 leaves the limit as it is, -1 lifts it.
            const auto limit = parse_integer<int64_t>(value, flag);
            if (limit != 0) patch["pids"]["limit"] = limit;
        } else if (flag == "blkio-weight") {
            const auto weight = parse_integer<uint64_t>(value, flag);
            if (weight > 1000) bad_value(flag, value, "must be in [10, 1000] (0 leaves it unchanged)");
            if (weight != 0) patch["blockIO"]["weight"] = weight;
        } else if (flag == "cpu-idle") {
            const auto idle = parse_integer<int64_t>(value, flag);
            if (idle != 0 && idle != 1) bad_value(flag, value, "must be 0 or 1");
            patch["cpu"]["idle"] = idle;
        } else if (flag == "l3-cache-schema" || flag == "mem-bw-schema") {
            throw common::Error("--" + flag + ": not supported (crun-lite has no Intel RDT support)", ENOTSUP);
        } else {
            throw common::Error("--" + flag + ": unknown update flag");
        }
    }
    return patch;
}

void drop_unchanged(nlohmann::json& patch) {
    static const std::pair<const char*, const char*> zero_is_unchanged[] = {
        {"memory", "limit"}, {"memory", "reservation"}, {"memory", "swap"}, {"memory", "kernel"},
        {"memory", "kernelTCP"}, {"cpu", "shares"}, {"cpu", "quota"}, {"cpu", "period"},
        {"cpu", "realtimeRuntime"}, {"cpu", "realtimePeriod"}, {"blockIO", "weight"}, {"blockIO", "leafWeight"},
        {"pids", "limit"},
    };
    auto drop_if = [&patch](const char* section, const char* field, auto unchanged) {
        auto s = patch.find(section);
        if (s == patch.end() || !s->is_object()) return;
        auto f = s->find(field);
        if (f != s->end() && unchanged(*f)) s->erase(f);
        if (s->empty()) patch.erase(section);
    };
    for (auto& [section, field] : zero_is_unchanged)
        drop_if(section, field, [](const nlohmann::json& v) { return v.is_number() && v == 0; });
    for (const char* field : {"cpus", "mems"})
        drop_if("cpu", field, [](const nlohmann::json& v) { return v.is_string() && v.get<std::string>().empty(); });
}

std::chrono::nanoseconds parse_duration(const std::string& text) {
    static const std::pair<const char*, double> units[] = {
        {"ns", 1}, {"us", 1e3}, {"\xC2\xB5s", 1e3}, {"ms", 1e6}, {"s", 1e9}, {"m", 60e9}, {"h", 3600e9}};
    auto fail = [&](const std::string& why) -> std::chrono::nanoseconds {
        throw common::Error("--interval: invalid duration \"" + text + "\": " + why);
    };
    if (text.empty()) return fail("empty");
    double total = 0;
    size_t i = 0;
    while (i < text.size()) {
        size_t start = i;
        while (i < text.size() && (std::isdigit(static_cast<unsigned char>(text[i])) || text[i] == '.')) ++i;
        if (i == start) return fail("expected a number");
        const double number = std::stod(text.substr(start, i - start));
        size_t ustart = i;
        while (i < text.size() && !std::isdigit(static_cast<unsigned char>(text[i])) && text[i] != '.') ++i;
        const std::string unit = text.substr(ustart, i - ustart);
        double scale = 0;
        for (auto& [name, ns] : units)
            if (unit == name) scale = ns;
        if (scale == 0) return fail(unit.empty() ? "missing unit (e.g. 5s, 500ms, 1m)" : "unknown unit \"" + unit + "\"");
        total += number * scale;
    }
    if (total < 1) return fail("must be positive");
    if (total > 1e18) return fail("too large");
    return std::chrono::nanoseconds(static_cast<int64_t>(total));
}

}  // namespace runtime
