// A read-only view of one JSON value that knows its path in the document
// ("linux.namespaces[1].type"), so every type or range error can name the
// exact member. Internal to oci/: other modules use oci::parse_spec.
#pragma once

#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

namespace oci::detail {

class JsonNode {
public:
    JsonNode(const nlohmann::json& value, std::string path)
        : value_(&value), path_(std::move(path)) {}

    const std::string& path() const { return path_; }
    const nlohmann::json& raw() const { return *value_; }

    // Throws oci::ConfigError("<path>: <message>").
    [[noreturn]] void fail(std::string_view message) const;

    // Object members. JSON null counts as absent, as Go's decoder (and so
    // runc) treats it; configs written by Go tools sometimes carry nulls.
    std::optional<JsonNode> optional(std::string_view key) const;
    JsonNode required(std::string_view key) const;  // "<path>.<key>: required"

    // Array elements and object members, each with its own path.
    std::vector<JsonNode> elements() const;
    std::vector<std::pair<std::string, JsonNode>> members() const;

    void expect_object() const;
    std::string as_string() const;
    bool as_bool() const;
    std::vector<std::string> as_string_array() const;

    // Range-checked integers: the message names the exact type, e.g.
    // "must be an unsigned 32-bit integer". Floats are refused, as Go does.
    template <class T>
    T as_int() const {
        static_assert(std::is_integral_v<T> && !std::is_same_v<T, bool>);
        const auto& v = *value_;
        if (v.is_number_unsigned()) {
            const uint64_t u = v.get<uint64_t>();
            if (u <= static_cast<uint64_t>(std::numeric_limits<T>::max())) return static_cast<T>(u);
        } else if (v.is_number_integer()) {
            const int64_t i = v.get<int64_t>();
            if constexpr (std::is_signed_v<T>) {
                if (i >= std::numeric_limits<T>::min() && i <= std::numeric_limits<T>::max())
                    return static_cast<T>(i);
            } else {
                if (i >= 0 && static_cast<uint64_t>(i) <= std::numeric_limits<T>::max())
                    return static_cast<T>(i);
            }
        }
        fail(integer_type_name(std::is_signed_v<T>, sizeof(T) * 8));
    }

    // Convenience for optional members of simple types.
    template <class T>
    std::optional<T> optional_int(std::string_view key) const {
        if (auto n = optional(key)) return n->as_int<T>();
        return std::nullopt;
    }
    std::string optional_string(std::string_view key) const;  // "" when absent
    std::optional<bool> optional_bool(std::string_view key) const;
    std::vector<std::string> optional_string_array(std::string_view key) const;

private:
    static std::string integer_type_name(bool is_signed, std::size_t bits);
    std::string child_path(std::string_view key) const;

    const nlohmann::json* value_;
    std::string path_;
};

// Member path with a JSON-path-ish spelling: `a.b`, or `a["k.e.y"]` for keys
// that are not plain identifiers (sysctl names, annotations).
std::string member_path(const std::string& parent, std::string_view key);

}  // namespace oci::detail
