// The container directories under the state root (default /run/crun-lite):
//   <root>/<id>/state.json   ContainerRecord, replaced atomically
//   <root>/<id>/config.json  the config as created (hooks, exec defaults)
//   <root>/<id>/exec.fifo    exists from create until start
//   <root>/<id>/overlay/     the --overlay writable layer
// Each command holds flock() on the container directory while it works, so
// concurrent commands on one id are serialised.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "common/error.hpp"
#include "common/unique_fd.hpp"
#include "runtime/container_record.hpp"

namespace runtime {

// <root>/<id>/state.json cannot be read as the container's record: missing
// (a create killed before it saved one), empty, cut short, not JSON, a
// member missing or of the wrong type, or naming another container. Every
// command on the container reports it; list shows the container as
// "unknown"; delete --force tears down what it can still find
// (container_remains.hpp).
class UnreadableState : public common::Error {
public:
    UnreadableState(const std::string& id, const std::string& path, const std::string& reason);
    const std::string& id() const { return id_; }
    // What is wrong, e.g. "state.json is empty", without the id or path.
    const std::string& reason() const { return reason_; }

private:
    std::string id_;
    std::string reason_;
};

// The record in `text`, the content of container `id`'s state file at
// `path`; throws UnreadableState saying what is wrong with it.
ContainerRecord parse_state(const std::string& text, const std::string& id, const std::string& path);

// runc's rule: [a-zA-Z0-9_+-][a-zA-Z0-9_+.-]*, at most 1024 characters;
// which also keeps ids from naming anything outside the state root.
void validate_container_id(const std::string& id);

class ContainerDir {
public:
    ContainerDir(std::string path, common::UniqueFd fd) : path_(std::move(path)), fd_(std::move(fd)) {}
    const std::string& path() const { return path_; }
    // The locked directory fd: a child that outlives this command must close
    // its copy, or the lock would stay held until it execs.
    int lock_fd() const { return fd_.get(); }
    // Lets other commands in while this one only waits (run in the foreground).
    void unlock() const;
    std::string file(const std::string& name) const { return path_ + "/" + name; }

    // Throws UnreadableState when state.json is missing or damaged.
    ContainerRecord load() const;
    // Atomic: a temporary file renamed over state.json, so a reader, or a
    // runtime killed at any moment, sees the old record or the new one,
    // never part of one. Not fsync'ed: that only matters when the machine
    // itself crashes, which takes every container with it, and it would
    // cost each save about 0.25 ms where the root is on disk (/run is,
    // on some hosts); the empty file such a crash can leave is handled as
    // any damaged state (UnreadableState).
    void save(const ContainerRecord& record) const;

private:
    std::string path_;
    common::UniqueFd fd_;  // holds the flock
};

class StateStore {
public:
    explicit StateStore(std::string root) : root_(std::move(root)) {}
    const std::string& root() const { return root_; }

    // Creates and locks <root>/<id>; "already exists" if it is taken.
    ContainerDir claim(const std::string& id) const;
    // Opens and locks an existing container; "does not exist" otherwise.
    ContainerDir open(const std::string& id) const;
    std::optional<ContainerDir> open_if_exists(const std::string& id) const;
    // Removes <root>/<id> and everything in it.
    void remove(const std::string& id) const;
    std::vector<std::string> list_ids() const;
    bool exists(const std::string& id) const;
    // Whether another command holds <root>/<id>'s lock right now (a create
    // still working on it); a probe that never waits.
    bool busy(const std::string& id) const;

private:
    std::string root_;
};

// Removes a directory tree without following symlinks; a missing path is fine.
void remove_tree(const std::string& path);

}  // namespace runtime
