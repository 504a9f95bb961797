#pragma once
// A small plugin that uses every part of the Context, for the testing kit's
// own tests: notes stored in its table, an event and a delayed job per note,
// a nightly schedule, an audit entry, a counter, a log line, a command, a
// streamed export, and a subscriber to other plugins' events.

#include <agape/events.h>
#include <agape/plugin.h>
#include <agape/schema.h>

#include <memory>
#include <string>
#include <string_view>

namespace agape::sample {

// "sample.noted": a note was written (version 2: the kit keeps versions).
struct NoteWritten {
  static constexpr std::string_view topic = "sample.noted";
  static constexpr int schemaVersion = 2;
  static const Schema<NoteWritten>& schema() {
    static const auto s = Schema<NoteWritten>().field("id", &NoteWritten::id);
    return s;
  }
  std::string id;
};

std::unique_ptr<Plugin> makeSamplePlugin();

}  // namespace agape::sample
