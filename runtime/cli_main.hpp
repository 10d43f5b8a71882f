// crun-lite's command line as a function: the crun-lite binary's main, and
// the shim's in-process runtime calls (a forked child runs it and exits
// with its status), share it, so both parse, log and fail alike.
#pragma once

namespace runtime {

// argv[0] is the program's name; returns the exit status.
int cli_main(int argc, char** argv);

}  // namespace runtime
