#include "runtime/state_store.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <string_view>

#include <nlohmann/json.hpp>

#include "common/error.hpp"
#include "common/file.hpp"

namespace runtime {

UnreadableState::UnreadableState(const std::string& id, const std::string& path, const std::string& reason)
    : common::Error("container \"" + id + "\": unreadable state: " + reason + " (" + path + "); \"delete --force " +
                    id + "\" kills what is left of it and removes it"),
      id_(id),
      reason_(reason) {}

namespace {

// The parser's messages start with "[json.exception.type_error.302] ".
std::string without_exception_tag(std::string message) {
    auto tag = message.find("[json.exception.");
    auto end = tag == std::string::npos ? tag : message.find("] ", tag);
    if (end != std::string::npos) message.erase(tag, end + 2 - tag);
    return message;
}

std::string describe_byte(unsigned char c) {
    if (c >= 0x20 && c < 0x7f) return std::string("'") + static_cast<char>(c) + "'";
    char hex[8];
    std::snprintf(hex, sizeof hex, "0x%02x", c);
    return hex;
}

// What is wrong with a state file the record parser refused, in words: the
// parser's own message quotes the bytes it choked on, which may be
// anything. "" when the text is a JSON object with the required members:
// the parser's message (a member of the wrong type) says it best then.
std::string describe_damage(const std::string& text) {
    if (text.find_first_not_of(" \t\r\n") == std::string::npos)
        return text.empty() ? "state.json is empty" : "state.json holds only whitespace";
    nlohmann::json j;
    try {
        j = nlohmann::json::parse(text);
    } catch (const nlohmann::json::parse_error& e) {
        // e.byte is 1-based; past the end means the input stopped early.
        if (e.byte > text.size())
            return "state.json is cut short: its JSON stops unfinished after " + std::to_string(text.size()) +
                   " bytes";
        return "state.json is not valid JSON: unexpected " + describe_byte(text[e.byte - 1]) + " at byte " +
               std::to_string(e.byte) + " of " + std::to_string(text.size());
    }
    if (!j.is_object()) return std::string("state.json holds a JSON ") + j.type_name() + ", not an object";
    for (const char* member : {"id", "bundle"})
        if (!j.contains(member)) return std::string("state.json has no \"") + member + "\" member";
    return "";
}

}  // namespace

ContainerRecord parse_state(const std::string& text, const std::string& id, const std::string& path) {
    ContainerRecord record;
    try {
        record = record_from_json(text, path);
    } catch (const common::Error& e) {
        std::string reason = describe_damage(text);
        if (reason.empty()) {
            // record_from_json's message: "<where>: corrupt container state: <parser's>".
            constexpr std::string_view kPrefix = ": corrupt container state: ";
            std::string message = e.what();
            auto at = message.find(kPrefix);
            if (at != std::string::npos) message = message.substr(at + kPrefix.size());
            reason = "state.json: " + without_exception_tag(message);
        }
        throw UnreadableState(id, path, reason);
    }
    // A file copied or renamed from another container's directory would
    // make every command act on that one's processes.
    if (record.id != id) throw UnreadableState(id, path, "state.json names another container, \"" + record.id + "\"");
    return record;
}

void validate_container_id(const std::string& id) {
    auto ok_first = [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
               c == '_' || c == '+' || c == '-';
    };
    if (id.empty()) throw common::Error("container id: must not be empty");
    if (id.size() > 1024) throw common::Error("container id: longer than 1024 characters");
    for (size_t i = 0; i < id.size(); ++i) {
        if (!(ok_first(id[i]) || (i > 0 && id[i] == '.'))) {
            throw common::Error("invalid container id \"" + id +
                                "\": must match [a-zA-Z0-9_+-][a-zA-Z0-9_+.-]*");
        }
    }
}

namespace {

common::UniqueFd open_locked_dir(const std::string& path) {
    int fd = ::open(path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0) common::throw_errno("open container directory " + path);
    common::UniqueFd owner(fd);
    while (::flock(fd, LOCK_EX) < 0) {
        if (errno != EINTR) common::throw_errno("lock " + path);
    }
    return owner;
}

void mkdir_p(const std::string& path, mode_t mode) {
    if (::mkdir(path.c_str(), mode) == 0 || errno == EEXIST) return;
    if (errno != ENOENT) common::throw_errno("mkdir " + path);
    auto slash = path.rfind('/');
    if (slash == std::string::npos || slash == 0) common::throw_errno("mkdir " + path);
    mkdir_p(path.substr(0, slash), mode);
    if (::mkdir(path.c_str(), mode) < 0 && errno != EEXIST) common::throw_errno("mkdir " + path);
}

}  // namespace

ContainerRecord ContainerDir::load() const {
    const std::string path = file("state.json");
    const std::string id = path_.substr(path_.rfind('/') + 1);
    std::optional<std::string> text;
    try {
        text = common::read_file_if_exists(path);
    } catch (const common::Error& e) {
        throw UnreadableState(id, path, e.what());
    }
    // The directory is ours and locked: no create is working on it, so it
    // is one that stopped before its first save.
    if (!text) throw UnreadableState(id, path, "no state.json: its create did not finish");
    return parse_state(*text, id, path);
}

void ContainerDir::unlock() const {
    if (fd_) ::flock(fd_.get(), LOCK_UN);
}

void ContainerDir::save(const ContainerRecord& record) const {
    common::write_file_atomic(file("state.json"), to_json(record));
}

ContainerDir StateStore::claim(const std::string& id) const {
    validate_container_id(id);
    mkdir_p(root_, 0700);
    std::string path = root_ + "/" + id;
    if (::mkdir(path.c_str(), 0711) < 0) {
        if (errno == EEXIST) throw common::Error("container with id \"" + id + "\" already exists");
        common::throw_errno("mkdir " + path);
    }
    try {
        return ContainerDir(path, open_locked_dir(path));
    } catch (...) {
        ::rmdir(path.c_str());
        throw;
    }
}

std::optional<ContainerDir> StateStore::open_if_exists(const std::string& id) const {
    validate_container_id(id);
    std::string path = root_ + "/" + id;
    int fd = ::open(path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0) {
        if (errno == ENOENT) return std::nullopt;
        common::throw_errno("open container directory " + path);
    }
    common::UniqueFd owner(fd);
    while (::flock(fd, LOCK_EX) < 0) {
        if (errno != EINTR) common::throw_errno("lock " + path);
    }
    // A concurrent delete may have removed it while we waited for the lock.
    struct stat st;
    if (::stat(path.c_str(), &st) < 0) return std::nullopt;
    return ContainerDir(path, std::move(owner));
}

ContainerDir StateStore::open(const std::string& id) const {
    auto dir = open_if_exists(id);
    if (!dir) throw common::Error("container \"" + id + "\" does not exist");
    return std::move(*dir);
}

bool StateStore::exists(const std::string& id) const {
    struct stat st;
    return ::stat((root_ + "/" + id).c_str(), &st) == 0;
}

bool StateStore::busy(const std::string& id) const {
    int fd = ::open((root_ + "/" + id).c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0) return false;
    common::UniqueFd owner(fd);
    // flock locks belong to the open file: ours is released with the fd.
    if (::flock(fd, LOCK_EX | LOCK_NB) == 0) return false;
    return errno == EWOULDBLOCK;
}

void StateStore::remove(const std::string& id) const { remove_tree(root_ + "/" + id); }

std::vector<std::string> StateStore::list_ids() const {
    std::vector<std::string> ids;
    DIR* dir = ::opendir(root_.c_str());
    if (!dir) {
        if (errno == ENOENT) return ids;
        common::throw_errno("open state root " + root_);
    }
    while (struct dirent* entry = ::readdir(dir)) {
        std::string name = entry->d_name;
        if (name == "." || name == ".." || entry->d_type != DT_DIR) continue;
        ids.push_back(name);
    }
    ::closedir(dir);
    std::sort(ids.begin(), ids.end());
    return ids;
}

namespace {

void remove_tree_at(int parent, const char* name) {
    int fd = ::openat(parent, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    // overlayfs leaves its work/work directory with mode 0; as root that
    // does not matter, as its owner (rootless) we open it up first.
    if (fd < 0 && errno == EACCES && ::fchmodat(parent, name, 0700, 0) == 0) {
        fd = ::openat(parent, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    }
    if (fd >= 0) {
        DIR* dir = ::fdopendir(fd);
        if (!dir) {
            ::close(fd);
            common::throw_errno(std::string("open ") + name);
        }
        while (struct dirent* entry = ::readdir(dir)) {
            std::string child = entry->d_name;
            if (child == "." || child == "..") continue;
            remove_tree_at(fd, child.c_str());
        }
        ::closedir(dir);
        if (::unlinkat(parent, name, AT_REMOVEDIR) < 0 && errno != ENOENT) {
            common::throw_errno(std::string("remove directory ") + name);
        }
        return;
    }
    if (errno == ENOENT) return;
    if (::unlinkat(parent, name, 0) < 0 && errno != ENOENT) {
        common::throw_errno(std::string("remove ") + name);
    }
}

}  // namespace

void remove_tree(const std::string& path) { remove_tree_at(AT_FDCWD, path.c_str()); }

}  // namespace runtime
