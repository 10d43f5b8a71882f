#include "runtime/process_info.hpp"

#include <string>

#include "common/file.hpp"

namespace runtime {

std::optional<ProcessStat> read_process_stat(pid_t pid) {
    std::optional<std::string> text;
    try {
        text = common::read_file_if_exists("/proc/" + std::to_string(pid) + "/stat");
    } catch (...) {
        return std::nullopt;  // ESRCH while reading: it just exited
    }
    if (!text) return std::nullopt;
    // The command name (field 2) may hold spaces and parentheses: parse from
    // the last ')'.
    auto close = text->rfind(')');
    if (close == std::string::npos || close + 2 >= text->size()) return std::nullopt;
    ProcessStat st;
    st.state = (*text)[close + 2];
    // Fields after ')' start at field 3 (state); start_time is field 22.
    size_t pos = close + 2;
    for (int field = 3; field < 22; ++field) {
        pos = text->find(' ', pos);
        if (pos == std::string::npos) return std::nullopt;
        ++pos;
    }
    st.start_time = std::stoull(text->substr(pos, text->find(' ', pos) - pos));
    return st;
}

bool process_alive(pid_t pid, uint64_t start_time) {
    if (pid <= 0) return false;
    auto st = read_process_stat(pid);
    if (!st || st->state == 'Z' || st->state == 'X') return false;
    return start_time == 0 || st->start_time == start_time;
}

}  // namespace runtime
