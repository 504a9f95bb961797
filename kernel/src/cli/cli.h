#pragma once

namespace agape::kernel {

// The `agape` command line. Exit codes: 0 ok, 1 runtime failure, 2 usage or
// configuration error.
int runCli(int argc, char** argv);

}  // namespace agape::kernel
