#pragma once
// A small plugin that uses every part of the Context, for the testing kit's
// own tests: notes stored in its table, an event and a delayed job per note,
// a nightly schedule, an audit entry, a counter, a log line, a command, a
// streamed export, and a subscriber to other plugins' events.

#include <agape/plugin.h>

#include <memory>

namespace agape::sample {

std::unique_ptr<Plugin> makeSamplePlugin();

}  // namespace agape::sample
