// update and events: changing and watching a container's cgroup.
#include "common/error.hpp"
#include "runtime/commands.hpp"

namespace runtime {

int cmd_update(const GlobalOptions&, const std::string&, const std::string&,
               const std::map<std::string, std::string>&) {
    throw common::Error("update: not supported yet");
}

int cmd_events(const GlobalOptions&, const std::string&, bool, const std::string&) {
    throw common::Error("events: not supported yet");
}

}  // namespace runtime
