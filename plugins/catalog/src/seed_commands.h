#pragma once
// `agape seed demo` and `agape seed bench --products N`.
#include <agape/commands.h>
#include <agape/db.h>
#include <agape/logger.h>

namespace agape::catalog {

void addSeedCommands(Commands& commands, Database& db);

}  // namespace agape::catalog
