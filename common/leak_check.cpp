#include "common/leak_check.hpp"

// Defined by the LeakSanitizer runtime when it is linked in (ASan builds);
// null otherwise.
extern "C" void __lsan_do_leak_check() __attribute__((weak));

namespace common {

void leak_check_now() {
    if (__lsan_do_leak_check) __lsan_do_leak_check();
}

}  // namespace common
