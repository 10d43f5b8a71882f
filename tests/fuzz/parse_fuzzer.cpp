// libFuzzer entry: any byte string given to parse_spec must either parse or
// throw oci::ConfigError; a crash, a sanitizer report or any other
// exception is a bug. Seeds: tests/data/bad-configs and good-configs.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "oci/parse.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    try {
        oci::parse_spec(text);
    } catch (const oci::ConfigError&) {
        // Refusing malformed input is the expected outcome.
    }
    try {
        oci::parse_resources_spec(text);
    } catch (const oci::ConfigError&) {
    }
    return 0;
}
