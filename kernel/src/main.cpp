#include "cli/cli.h"

int main(int argc, char** argv) { return agape::kernel::runCli(argc, argv); }
