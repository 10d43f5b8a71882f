#include "cgroups/systemd_props.hpp"

#include <type_traits>

namespace cgroups::systemd {

const char* signature_of(const Value& value) {
    static const char* const sigs[] = {"b", "s", "t", "u", "ay", "au", "as", "a(ss)", "a(st)"};
    static_assert(std::variant_size_v<Value> == sizeof(sigs) / sizeof(sigs[0]));
    return sigs[value.index()];
}

std::string to_string(const Property& p) {
    std::string out = p.name + "=";
    std::visit(
        [&](const auto& v) {
            using T = std::decay_t<decltype(v)>;
            if constexpr (std::is_same_v<T, bool>) {
                out += v ? "yes" : "no";
            } else if constexpr (std::is_same_v<T, std::string>) {
                out += v;
            } else if constexpr (std::is_same_v<T, uint64_t>) {
                out += v == UINT64_MAX ? std::string("infinity") : std::to_string(v);
            } else if constexpr (std::is_same_v<T, uint32_t>) {
                out += std::to_string(v);
            } else if constexpr (std::is_same_v<T, std::vector<uint8_t>>) {
                static const char hex[] = "0123456789abcdef";
                out += "0x";
                for (auto it = v.rbegin(); it != v.rend(); ++it) {
                    out += hex[*it >> 4];
                    out += hex[*it & 15];
                }
            } else {
                out += "[";
                bool first = true;
                for (const auto& e : v) {
                    if (!first) out += ", ";
                    first = false;
                    if constexpr (std::is_same_v<T, std::vector<uint32_t>> || std::is_same_v<T, std::vector<std::string>>) {
                        if constexpr (std::is_same_v<T, std::vector<uint32_t>>)
                            out += std::to_string(e);
                        else
                            out += e;
                    } else if constexpr (std::is_same_v<T, std::vector<std::pair<std::string, std::string>>>) {
                        out += e.first + " " + e.second;
                    } else {
                        out += e.first + " " + (e.second == UINT64_MAX ? std::string("infinity") : std::to_string(e.second));
                    }
                }
                out += "]";
            }
        },
        p.value);
    return out;
}

std::string to_string(const Properties& properties) {
    std::string out;
    for (const auto& p : properties) out += (out.empty() ? "" : " ") + to_string(p);
    return out;
}

}  // namespace cgroups::systemd
