#include "upload_form.h"

#include <algorithm>

#include <Poco/Exception.h>
#include <Poco/MemoryStream.h>
#include <Poco/Net/MediaType.h>
#include <Poco/Net/MessageHeader.h>
#include <Poco/Net/MultipartReader.h>
#include <Poco/Net/NameValueCollection.h>

#include <agape/problem.h>
#include <agape/text.h>

namespace agape::media {
namespace {

constexpr std::size_t kMaxFieldBytes = 1000;

// At most `limit` bytes of a part; one more means it is too long. `expected`
// (what is left of the body) is reserved at once: growing a 10 MiB string
// by doubling would hold 8 and 16 MiB together.
std::string readPart(std::istream& in, std::size_t limit, std::size_t expected) {
  std::string out;
  out.reserve(std::min(limit + 1, expected));
  char chunk[64 * 1024];
  while (in) {
    in.read(chunk, sizeof chunk);
    out.append(chunk, static_cast<std::size_t>(in.gcount()));
    if (out.size() > limit) break;
  }
  return out;
}

}  // namespace

UploadForm readUploadForm(std::string_view contentType, std::string_view body, std::size_t maxFileBytes) {
  std::string boundary;
  try {
    const Poco::Net::MediaType type{std::string(contentType)};
    if (!type.matches("multipart", "form-data")) throw Poco::Exception("not multipart/form-data");
    if (type.hasParameter("boundary")) boundary = type.getParameter("boundary");
  } catch (const Poco::Exception&) {
  }
  if (boundary.empty() || boundary.size() > 70)
    throw Problem(400, "malformed_multipart", "An upload is multipart/form-data with a boundary (1 to 70 characters).");
  // The closing delimiter must be there: a body cut short is refused, not
  // taken for a smaller file.
  const std::string closing = "--" + boundary + "--";
  const auto last = body.rfind(closing);
  if (last == std::string_view::npos || body.find_first_not_of("\r\n", last + closing.size()) != std::string_view::npos)
    throw Problem(400, "malformed_multipart", "The multipart body is truncated: its closing boundary is missing.");

  UploadForm form;
  bool haveFile = false, haveAlt = false, haveFolder = false;
  try {
    Poco::MemoryInputStream in(body.data(), body.size());
    Poco::Net::MultipartReader reader(in, boundary);
    while (reader.hasNextPart()) {
      Poco::Net::MessageHeader header;
      reader.nextPart(header);
      std::string disposition;
      Poco::Net::NameValueCollection params;
      Poco::Net::MessageHeader::splitParameters(header.get("Content-Disposition", ""), disposition, params);
      const std::string name = params.get("name", "");
      if (disposition != "form-data" || name.empty())
        throw Problem::validation({{"body", "every part needs Content-Disposition: form-data; name=\"...\""}});
      if (name == "file") {
        if (haveFile) throw Problem::validation({{"file", "only one file per upload"}});
        haveFile = true;
        form.file = readPart(reader.stream(), maxFileBytes, body.size());
        if (form.file.size() > maxFileBytes)
          throw Problem(413, "payload_too_large",
                        "The file is larger than " + std::to_string(maxFileBytes) + " bytes (media.maxUploadBytes).");
      } else if (name == "alt" || name == "folder") {
        bool& seen = name == "alt" ? haveAlt : haveFolder;
        if (seen) throw Problem::validation({{name, "is given twice"}});
        seen = true;
        (name == "alt" ? form.alt : form.folder) = readPart(reader.stream(), kMaxFieldBytes, 0);
      } else {
        throw Problem::validation({{cleanText(name), "is not a known field (file, alt, folder)"}});
      }
    }
  } catch (const Poco::Exception& e) {
    throw Problem(400, "malformed_multipart", "The multipart body is malformed: " + e.message());
  }
  if (!haveFile) throw Problem::validation({{"file", "is required"}});
  if (form.file.empty()) throw Problem::validation({{"file", "is empty"}});
  if (form.alt.size() > 300) throw Problem::validation({{"alt", "must be at most 300 characters"}});
  if (!isCleanText(form.alt)) throw Problem::validation({{"alt", "must be valid UTF-8 without NUL characters"}});
  return form;
}

}  // namespace agape::media
