#pragma once
// Expansion of ${VAR} and ${VAR:-default} inside configuration scalars.
// Values taken from the environment are treated as secrets: callers learn
// which variables a value used so that error messages can name the variable
// instead of repeating the value.

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace agape::kernel {

// Looks up one environment variable; nullopt when it is not set.
using EnvLookup = std::function<std::optional<std::string>(const std::string&)>;

// The process environment (getenv).
EnvLookup processEnv();

struct EnvExpansion {
  std::string value;
  // Variables whose value went into `value` (not those that fell back to
  // their default): when non-empty, `value` must never appear in a message.
  std::vector<std::string> usedVariables;
  // Set when expansion failed; `value` is then meaningless.
  std::optional<std::string> error;
};

// Expands every ${NAME} and ${NAME:-default} in `text`; "$$" is a literal
// dollar and a "$" before anything else is kept as is. ${NAME:-default}
// takes the default when NAME is unset or empty, like the shell. An unset
// NAME without a default is an error.
EnvExpansion expandEnv(std::string_view text, const EnvLookup& env);

// "(value from ${A})" or "(value from ${A}, ${B})", or "" for no variables.
std::string valueFromNote(const std::vector<std::string>& variables);

}  // namespace agape::kernel
