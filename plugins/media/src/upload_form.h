#pragma once
// An upload's multipart/form-data body, read with Poco's MultipartReader
// (never by hand): the one `file` part and the optional `alt` and `folder`
// fields. No boundary, a truncated or garbled body: 400
// `malformed_multipart`; two files, an empty file, an unknown field: 400
// `validation_failed` naming it; a file over `maxFileBytes`: 413.
#include <cstddef>
#include <string>
#include <string_view>

namespace agape::media {

struct UploadForm {
  std::string file;  // the bytes
  std::string alt;
  std::string folder;  // "" when not given
};

UploadForm readUploadForm(std::string_view contentType, std::string_view body, std::size_t maxFileBytes);

}  // namespace agape::media
