#pragma once
// Command-line commands a plugin adds to the `agape` executable, e.g.
// `agape users create` (auth) or `agape seed demo` (catalog). A command runs
// after provision with the database open and migrated, without HTTP and
// without starting plugins.

#include <functional>
#include <iosfwd>
#include <string>
#include <vector>

namespace agape {

struct CommandIo {
  const std::vector<std::string>& args;  // the words after the command name
  std::istream& in;
  std::ostream& out;
  std::ostream& err;
};

// Returns the exit status: 0 ok, 1 runtime failure, 2 usage error.
using CommandHandler = std::function<int(const CommandIo&)>;

class Commands {
 public:
  virtual ~Commands() = default;
  // Provision only. `name` is one or two lowercase words ("users create");
  // `help` is printed by `agape <name> --help` and should start with a
  // "Usage: agape <name> ..." line. A name taken by the kernel or another
  // plugin is refused at start-up.
  virtual void add(std::string name, std::string help, CommandHandler handler) = 0;
};

}  // namespace agape
