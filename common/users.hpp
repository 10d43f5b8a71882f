// Names from /etc/passwd, read by hand: the binary may be static, and
// getpwuid would load glibc's NSS modules at run time.
#pragma once

#include <sys/types.h>

#include <string>

namespace common {

// The name /etc/passwd gives `uid`, or "" when it has none.
std::string user_name(uid_t uid);

}  // namespace common
