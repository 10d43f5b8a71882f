#include "runtime/cli_main.hpp"

int main(int argc, char** argv) { return runtime::cli_main(argc, argv); }
