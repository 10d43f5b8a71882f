#include "shim/cli/flags.hpp"

#include "common/error.hpp"

namespace shim {

Flags parse_flags(const std::vector<std::string>& args) {
    Flags flags;
    std::string* const string_flags[] = {&flags.ns, &flags.address, &flags.publish_binary, &flags.id, &flags.bundle,
                                         &flags.socket};
    const char* const string_names[] = {"namespace", "address", "publish-binary", "id", "bundle", "socket"};
    for (size_t i = 0; i < args.size(); ++i) {
        const std::string& arg = args[i];
        if (arg.size() < 2 || arg[0] != '-') {
            if (!flags.action.empty()) throw common::Error("unexpected argument " + arg);
            flags.action = arg;
            continue;
        }
        std::string name = arg.substr(arg[1] == '-' ? 2 : 1);
        std::string value;
        bool has_value = false;
        if (auto eq = name.find('='); eq != std::string::npos) {
            value = name.substr(eq + 1);
            name = name.substr(0, eq);
            has_value = true;
        }
        if (name == "debug" || name == "v") {
            (name == "debug" ? flags.debug : flags.version) = !has_value || value == "true" || value == "1";
            continue;
        }
        bool known = false;
        for (size_t k = 0; k < std::size(string_names); ++k) {
            if (name != string_names[k]) continue;
            known = true;
            if (!has_value) {
                if (i + 1 >= args.size()) throw common::Error("flag needs an argument: -" + name);
                value = args[++i];
            }
            *string_flags[k] = value;
        }
        if (!known) throw common::Error("flag provided but not defined: -" + name);
    }
    if (!flags.action.empty() && flags.action != "start" && flags.action != "delete")
        throw common::Error("unknown action " + flags.action + " (start, delete, or none for the daemon)");
    return flags;
}

}  // namespace shim
