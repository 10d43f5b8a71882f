// Helpers shared by the oci/ unit tests.
#pragma once

#include <doctest/doctest.h>

#include <fstream>
#include <sstream>
#include <string>

#include <nlohmann/json.hpp>

#include "oci/parse.hpp"

namespace oci_test {

inline std::string slurp(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    REQUIRE_MESSAGE(in.good(), "cannot open " << path);
    std::ostringstream out;
    out << in.rdbuf();
    return out.str();
}

// A runnable bundle config (tests/data/good-configs/runnable.json); each
// rule test breaks it in one way.
inline nlohmann::json base_config() {
    return nlohmann::json::parse(slurp(std::string(CRUNLITE_TEST_DATA_DIR) + "/good-configs/runnable.json"));
}

// The message parse_spec throws, or "" when the config is accepted.
inline std::string parse_error(const std::string& text) {
    try {
        oci::parse_spec(text);
    } catch (const oci::ConfigError& e) {
        return e.what();
    }
    return "";
}

inline std::string parse_error(const nlohmann::json& config) { return parse_error(config.dump()); }
inline std::string parse_error(const char* text) { return parse_error(std::string(text)); }

}  // namespace oci_test

// Checks that `config` is refused with a message containing `expected`.
#define CHECK_REFUSED(config, expected)                                        \
    do {                                                                       \
        const std::string message_ = oci_test::parse_error(config);            \
        INFO("message: " << message_);                                         \
        CHECK_MESSAGE(!message_.empty(), "config was accepted");               \
        CHECK(message_.find(expected) != std::string::npos);                   \
    } while (0)
