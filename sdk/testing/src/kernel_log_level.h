#pragma once
// The kernel pieces inside the kit log as they would in a server (a line
// per pool opened, per cron tick). In tests that is noise, so they log
// warnings and errors only, unless AGAPE_TEST_LOG_LEVEL (debug, info, warn
// or error) says otherwise. A plugin's own lines go to TestContext::logs().

namespace agape::testing {

// Sets the level once per process; cheap to call again.
void applyKernelLogLevel();

}  // namespace agape::testing
