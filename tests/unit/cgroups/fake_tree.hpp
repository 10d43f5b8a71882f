// A temporary directory standing in for /sys/fs/cgroup: control files are
// regular files the test creates, and what the code wrote is read back.
#pragma once

#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>

namespace fake {

class Tree {
public:
    Tree() {
        char tmpl[] = "/tmp/crunlite-cg-fake-XXXXXX";
        if (!::mkdtemp(tmpl)) throw std::runtime_error("mkdtemp failed");
        root_ = tmpl;
    }
    ~Tree() {
        std::error_code ec;
        std::filesystem::remove_all(root_, ec);
    }
    Tree(const Tree&) = delete;
    Tree& operator=(const Tree&) = delete;

    const std::string& root() const { return root_; }
    std::string path(const std::string& rel) const { return root_ + "/" + rel; }

    // Creates the file (and its directories) holding `content`.
    void put(const std::string& rel, const std::string& content = "") const {
        std::filesystem::create_directories(std::filesystem::path(path(rel)).parent_path());
        std::ofstream(path(rel), std::ios::trunc) << content;
    }
    std::string get(const std::string& rel) const {
        std::ifstream in(path(rel));
        std::stringstream ss;
        ss << in.rdbuf();
        return ss.str();
    }
    bool exists(const std::string& rel) const { return std::filesystem::exists(path(rel)); }
    void mkdir(const std::string& rel) const { std::filesystem::create_directories(path(rel)); }
    // Removes the regular files of a directory, as if the kernel's control
    // files vanished: a fake cgroup can then be rmdir'ed.
    void clear_files(const std::string& rel) const {
        for (auto& e : std::filesystem::recursive_directory_iterator(path(rel)))
            if (e.is_regular_file()) std::filesystem::remove(e.path());
    }

private:
    std::string root_;
};

}  // namespace fake
