// Small whole-file helpers whose errors name the path.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "common/unique_fd.hpp"

namespace common {

std::string read_file(const std::string& path);
// nullopt when the file does not exist; other errors throw.
std::optional<std::string> read_file_if_exists(const std::string& path);
std::string read_fd(int fd);

// Writes the whole content with one write(2) where possible (cgroup and
// /proc files need each value in a single write). No O_CREAT.
void write_file(const std::string& path, std::string_view content);
// Same, relative to a directory fd; `what` names the file in errors.
void write_file_at(int dirfd, const std::string& name, std::string_view content);
void write_fd(int fd, std::string_view content, const std::string& what);

// Creates or replaces `path` atomically (temporary file + rename).
void write_file_atomic(const std::string& path, std::string_view content, unsigned mode = 0600);

UniqueFd open_or_throw(const std::string& path, int flags, unsigned mode = 0);

}  // namespace common
