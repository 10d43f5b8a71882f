#include "oci/json_reader.hpp"

#include <cctype>

#include "oci/parse.hpp"

namespace oci::detail {

namespace {

bool is_identifier(std::string_view key) {
    if (key.empty()) return false;
    for (char c : key) {
        if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_') return false;
    }
    return true;
}

const char* type_name(const nlohmann::json& v) {
    // Named the way the spec names types, not the way nlohmann does.
    switch (v.type()) {
        case nlohmann::json::value_t::null: return "null";
        case nlohmann::json::value_t::object: return "an object";
        case nlohmann::json::value_t::array: return "an array";
        case nlohmann::json::value_t::string: return "a string";
        case nlohmann::json::value_t::boolean: return "a boolean";
        case nlohmann::json::value_t::number_float: return "a float";
        default: return "a number";
    }
}

}  // namespace

std::string member_path(const std::string& parent, std::string_view key) {
    if (is_identifier(key)) return parent.empty() ? std::string(key) : parent + "." + std::string(key);
    return parent + "[" + nlohmann::json(std::string(key)).dump() + "]";
}

std::string JsonNode::child_path(std::string_view key) const { return member_path(path_, key); }

void JsonNode::fail(std::string_view message) const {
    throw ConfigError((path_.empty() ? std::string("config.json") : path_) + ": " + std::string(message));
}

void JsonNode::expect_object() const {
    if (!value_->is_object()) fail(std::string("must be an object, not ") + type_name(*value_));
}

std::optional<JsonNode> JsonNode::optional(std::string_view key) const {
    expect_object();
    auto it = value_->find(key);
    if (it == value_->end() || it->is_null()) return std::nullopt;
    return JsonNode(*it, child_path(key));
}

JsonNode JsonNode::required(std::string_view key) const {
    if (auto n = optional(key)) return *n;
    throw ConfigError(child_path(key) + ": required");
}

std::vector<JsonNode> JsonNode::elements() const {
    if (!value_->is_array()) fail(std::string("must be an array, not ") + type_name(*value_));
    std::vector<JsonNode> out;
    out.reserve(value_->size());
    for (std::size_t i = 0; i < value_->size(); ++i)
        out.emplace_back((*value_)[i], path_ + "[" + std::to_string(i) + "]");
    return out;
}

std::vector<std::pair<std::string, JsonNode>> JsonNode::members() const {
    expect_object();
    std::vector<std::pair<std::string, JsonNode>> out;
    for (auto it = value_->begin(); it != value_->end(); ++it)
        out.emplace_back(it.key(), JsonNode(it.value(), child_path(it.key())));
    return out;
}

std::string JsonNode::as_string() const {
    if (!value_->is_string()) fail(std::string("must be a string, not ") + type_name(*value_));
    return value_->get<std::string>();
}

bool JsonNode::as_bool() const {
    if (!value_->is_boolean()) fail(std::string("must be a boolean, not ") + type_name(*value_));
    return value_->get<bool>();
}

std::vector<std::string> JsonNode::as_string_array() const {
    std::vector<std::string> out;
    for (const auto& e : elements()) out.push_back(e.as_string());
    return out;
}

std::string JsonNode::optional_string(std::string_view key) const {
    if (auto n = optional(key)) return n->as_string();
    return {};
}

std::optional<bool> JsonNode::optional_bool(std::string_view key) const {
    if (auto n = optional(key)) return n->as_bool();
    return std::nullopt;
}

std::vector<std::string> JsonNode::optional_string_array(std::string_view key) const {
    if (auto n = optional(key)) return n->as_string_array();
    return {};
}

std::string JsonNode::integer_type_name(bool is_signed, std::size_t bits) {
    return std::string(is_signed ? "must be a " : "must be an unsigned ") + std::to_string(bits) +
           "-bit integer";
}

}  // namespace oci::detail
