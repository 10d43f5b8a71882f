#include "common/users.hpp"

#include <sstream>

#include "common/file.hpp"

namespace common {

std::string user_name(uid_t uid) {
    std::istringstream lines(read_file_if_exists("/etc/passwd").value_or(""));
    const std::string wanted = std::to_string(uid);
    for (std::string line; std::getline(lines, line);) {
        // name:password:uid:...
        const auto a = line.find(':');
        const auto b = a == std::string::npos ? a : line.find(':', a + 1);
        const auto c = b == std::string::npos ? b : line.find(':', b + 1);
        if (c != std::string::npos && line.compare(b + 1, c - b - 1, wanted) == 0) return line.substr(0, a);
    }
    return "";
}

}  // namespace common
