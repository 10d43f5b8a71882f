// state, list, ps: reading a container's state without changing it.
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <iostream>
#include <optional>
#include <set>
#include <sstream>

#include <nlohmann/json.hpp>

#include "common/error.hpp"
#include "common/file.hpp"
#include "common/users.hpp"
#include "oci/version.hpp"
#include "runtime/commands.hpp"
#include "runtime/container_ops.hpp"
#include "runtime/container_remains.hpp"
#include "runtime/logging.hpp"

namespace runtime {

int cmd_state(const GlobalOptions& g, const std::string& id) {
    Container c = open_container(StateStore(g.root), id);
    std::cout << c.state_json(c.status()) << std::endl;
    return 0;
}

namespace {

// Left-aligned columns, as runc's tabwriter prints them.
void print_table(const std::vector<std::vector<std::string>>& rows) {
    std::vector<size_t> width;
    for (const auto& row : rows) {
        for (size_t i = 0; i < row.size(); ++i) {
            if (width.size() <= i) width.push_back(0);
            width[i] = std::max(width[i], row[i].size());
        }
    }
    for (const auto& row : rows) {
        std::string line;
        for (size_t i = 0; i < row.size(); ++i) {
            line += row[i];
            if (i + 1 < row.size()) line += std::string(width[i] - row[i].size() + 3, ' ');
        }
        std::cout << line << "\n";
    }
}

// A container list cannot read: a row all the same, status "unknown", from
// what survives of its state.json, so that nothing the runtime made goes
// out of sight (delete --force removes it).
struct UnknownRow {
    std::string id;
    std::string reason;
    SalvagedState salvaged;
};

// The container `id` as list shows it: its record and cgroup, or why they
// cannot be read. nullopt for a directory a create is still working on.
std::optional<Container> read_for_list(const StateStore& store, const std::string& id,
                                       std::optional<UnknownRow>& unknown) {
    // Read without the lock: list must not wait for a create in progress
    // (save() renames a whole file into place, so no read sees half of one).
    const std::string path = store.root() + "/" + id;
    std::optional<std::string> text;
    try {
        text = common::read_file_if_exists(path + "/state.json");
    } catch (const common::Error& e) {
        unknown = UnknownRow{id, e.what(), {}};
        return std::nullopt;
    }
    if (!text) {
        // A create that has not saved yet holds the lock; one that died
        // before saving left its config.json copy and no lock. (Without
        // config.json it made nothing outside the directory yet.)
        struct stat st;
        if (::stat((path + "/config.json").c_str(), &st) == 0 && !store.busy(id))
            unknown = UnknownRow{id, "no state.json: its create did not finish", {}};
        return std::nullopt;
    }
    try {
        ContainerDir dir(path, common::UniqueFd());
        ContainerRecord record = parse_state(*text, id, path + "/state.json");
        std::unique_ptr<cgroups::Manager> cgroup = load_cgroup(dir, record);
        return Container{std::move(dir), std::move(record), std::move(cgroup)};
    } catch (const UnreadableState& e) {
        unknown = UnknownRow{id, e.reason(), salvage_state(*text, id)};
        return std::nullopt;
    }
}

// Who owns the container's state directory, as runc's list names it: the
// user name, or "#UID" for an id /etc/passwd does not know.
std::string owner_of(const std::string& dir) {
    struct stat st;
    if (::stat(dir.c_str(), &st) < 0) return "";
    std::string name = common::user_name(st.st_uid);
    return name.empty() ? "#" + std::to_string(st.st_uid) : name;
}

}  // namespace

int cmd_list(const GlobalOptions& g, const std::string& format, bool quiet) {
    if (format != "table" && format != "json") throw common::Error("--format: must be table or json");
    StateStore store(g.root);
    std::vector<std::vector<std::string>> rows{{"ID", "PID", "STATUS", "BUNDLE", "CREATED", "OWNER"}};
    nlohmann::json all = nlohmann::json::array();
    for (const auto& id : store.list_ids()) {
        std::optional<UnknownRow> unknown;
        std::optional<Container> c = read_for_list(store, id, unknown);
        if (unknown) {
            log_warn("list: container \"" + id + "\": unreadable state: " + unknown->reason + "; \"delete --force " +
                     id + "\" kills what is left of it and removes it");
            const SalvagedState& s = unknown->salvaged;
            if (quiet) {
                std::cout << id << "\n";
            } else if (format == "json") {
                nlohmann::json row;
                row["ociVersion"] = oci::kSpecVersion;
                row["id"] = id;
                row["pid"] = 0;
                row["status"] = "unknown";
                row["bundle"] = s.bundle;
                row["rootfs"] = s.rootfs;
                row["created"] = s.created;
                row["owner"] = owner_of(store.root() + "/" + id);
                all.push_back(row);
            } else {
                rows.push_back({id, "0", "unknown", s.bundle, s.created, owner_of(store.root() + "/" + id)});
            }
            continue;
        }
        if (!c) continue;
        oci::Status status = c->status();
        const std::string owner = owner_of(store.root() + "/" + id);
        if (quiet) {
            std::cout << id << "\n";
            continue;
        }
        if (format == "json") {
            nlohmann::json row = nlohmann::json::parse(c->state_json(status));
            row["owner"] = owner;
            all.push_back(std::move(row));
        } else {
            rows.push_back({id, std::to_string(status == oci::Status::stopped ? 0 : c->record.pid),
                            oci::to_string(status), c->record.bundle, c->record.created, owner});
        }
    }
    if (quiet) return 0;
    if (format == "json") {
        std::cout << all.dump() << std::endl;
    } else {
        print_table(rows);
    }
    return 0;
}

namespace {

std::string run_ps(const std::vector<std::string>& ps_args) {
    int pipefd[2];
    if (::pipe2(pipefd, O_CLOEXEC) < 0) common::throw_errno("pipe");
    common::UniqueFd read_end(pipefd[0]), write_end(pipefd[1]);
    std::vector<std::string> args{"ps"};
    args.insert(args.end(), ps_args.begin(), ps_args.end());
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    pid_t pid = ::fork();
    if (pid < 0) common::throw_errno("fork ps");
    if (pid == 0) {
        ::dup2(write_end.get(), 1);
        ::execvp("ps", argv.data());
        ::_exit(127);
    }
    write_end.reset();
    std::string out = common::read_fd(read_end.get());
    int status;
    ::waitpid(pid, &status, 0);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) throw common::Error("ps failed: is procps installed?");
    return out;
}

}  // namespace

int cmd_ps(const GlobalOptions& g, const std::string& id, const std::string& format,
           const std::vector<std::string>& ps_args) {
    if (format != "table" && format != "json") throw common::Error("--format: must be table or json");
    Container c = open_container(StateStore(g.root), id);
    std::vector<pid_t> pids;
    if (c.status() != oci::Status::stopped) pids = container_processes(c);
    if (format == "json") {
        std::cout << nlohmann::json(pids).dump() << std::endl;
        return 0;
    }
    std::istringstream lines(run_ps(ps_args.empty() ? std::vector<std::string>{"-ef"} : ps_args));
    std::string header;
    std::getline(lines, header);
    // The PID column is where the header says it is.
    std::istringstream hs(header);
    std::string col;
    int pid_col = -1;
    for (int i = 0; hs >> col; ++i) {
        if (col == "PID") pid_col = i;
    }
    if (pid_col < 0) throw common::Error("ps output has no PID column");
    std::set<pid_t> wanted(pids.begin(), pids.end());
    std::cout << header << "\n";
    std::string line;
    while (std::getline(lines, line)) {
        std::istringstream ls(line);
        std::string field;
        for (int i = 0; i <= pid_col; ++i) ls >> field;
        try {
            if (wanted.count(std::stoi(field))) std::cout << line << "\n";
        } catch (...) {
        }
    }
    return 0;
}

}  // namespace runtime
