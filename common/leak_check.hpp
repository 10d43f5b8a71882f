// LeakSanitizer's end-of-process check, run early. LSan stops the world
// with a helper it clones, which ptrace-attaches to the process. A rootless
// exec stays in the container's pid namespace for its children (it cannot
// go back): a helper born there cannot see, let alone attach to, its
// parent, and the exit would hang. A sanitized build checks before that
// step instead; other builds do nothing.
#pragma once

namespace common {

// Reports leaks now, as the check at exit would (which then does not run).
void leak_check_now();

}  // namespace common
