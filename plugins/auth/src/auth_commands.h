#pragma once
// The auth plugin's command-line commands: `agape users create` (the first
// admin) and `agape keys rotate|prune` (signing-key rotation).

#include <agape/commands.h>

#include "auth_runtime.h"

namespace agape::auth {

void addAuthCommands(Commands& commands, AuthRuntime& runtime);

}  // namespace agape::auth
