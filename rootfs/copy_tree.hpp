// Copying a directory's content into a fresh tmpfs ("tmpcopyup").
#pragma once

#include <string>

namespace rootfs {

// Copies everything below the directory `src_dir` (any fd of it, O_PATH is
// fine) into the directory `dst_dir`: files with their content, dirs,
// symlinks (as links, never followed), device nodes and fifos, keeping
// mode and owner. `what` names the mount in errors.
void copy_tree(int src_dir, int dst_dir, const std::string& what);

}  // namespace rootfs
