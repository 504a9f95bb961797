#include "media_api.h"

#include <malloc.h>

#include <algorithm>
#include <stdexcept>

#include <chrono>

#include <agape/crypto.h>
#include <agape/db.h>
#include <agape/logger.h>
#include <agape/contract.h>
#include <agape/json.h>
#include <agape/problem.h>
#include <agape/roles.h>

#include "upload_form.h"

namespace agape::media {
namespace {

constexpr const char* kTag = "media";
// A pending record this old belongs to an upload that died.
constexpr long long kInterruptedAfterMs = 15 * 60 * 1000;

struct FolderQuery {
  std::optional<std::string> folder;
};
struct ListQuery {
  int page = 1;
  int limit = 20;
  std::optional<std::string> folder;
};
struct RemoveQuery {
  bool force = false;
};
// The query of a signed direct-upload URL (local provider).
struct SignedQuery {
  std::string folder;
  std::string uploader;
  long long expires = 0;
  std::string nonce;
  std::string signature;
};

Schema<MediaRecord> mediaSchema() {
  return Schema<MediaRecord>()
      .field("id", &MediaRecord::id)
      .field("publicId", &MediaRecord::publicId)
      .field("provider", &MediaRecord::provider, {.oneOf = {"local", "cloudinary"}})
      .field("url", &MediaRecord::url)
      .field("thumbnailUrl", &MediaRecord::thumbnailUrl)
      .field("thumbnails", &MediaRecord::thumbnails, {.description = "[{width, height, url}]"})
      .field("width", &MediaRecord::width)
      .field("height", &MediaRecord::height)
      .field("format", &MediaRecord::format, {.oneOf = {"jpg", "png", "webp"}})
      .field("bytes", &MediaRecord::bytes)
      .field("alt", &MediaRecord::alt)
      .field("folder", &MediaRecord::folder)
      .field("uploadedBy", &MediaRecord::uploadedBy)
      .field("createdAt", &MediaRecord::createdAt);
}

constexpr const char* kUploadDescription =
    "`multipart/form-data`: `file` (JPEG, PNG or WebP — told by its bytes, not its name), optional `alt` and "
    "`folder`. 415 `unsupported_media_type` for anything else; 413 over media.maxUploadBytes; 422 `image_too_large` "
    "when the header claims more than media.maxPixels (refused before decoding), `corrupt_image` for broken data, "
    "`upload_refused` when the provider refuses it; 503 when it cannot be reached. Nothing is kept of a refused "
    "upload. Audited.";

long long nowSeconds() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

}  // namespace

std::string MediaApi::folderOf(const std::string& given) const {
  if (given.empty()) return config_.defaultFolder;
  if (!isMediaFolder(given))
    throw Problem::validation({{"folder", "must be [a-z0-9_-] segments joined by '/', at most 64 characters"}});
  return given;
}

void MediaApi::registerRoutes(Routes& routes) {
  const std::vector<std::string> staff = {std::string(roles::admin), std::string(roles::merchant)};
  // The file and a little for the multipart framing and fields.
  const std::size_t bodyLimit = config_.maxUploadBytes + 64 * 1024;
  const auto media = mediaSchema();
  // Multipart bodies are read by the upload form, not by a JSON schema.
  routes.post("/v1/media/upload", Contract().returns(media),
              {.access = Access::Roles, .roles = staff, .bodyLimit = bodyLimit, .consumes = {"multipart/form-data"},
               .summary = "Uploads an image", .description = kUploadDescription, .tag = kTag, .successStatus = 201},
              [this](Call<>& call) {
                const Request& req = call.request;
                const UploadForm form =
                    readUploadForm(req.header("Content-Type").value_or(""), req.body, config_.maxUploadBytes);
                return accept(form.file, form.alt, folderOf(form.folder), call.principal().id);
              });
  routes.get("/v1/media/upload-url",
             Contract().query(Schema<FolderQuery>().field(
                 "folder", &FolderQuery::folder,
                 {.maxLength = 64, .description = "where the upload goes (default media.defaultFolder)"})),
             {.access = Access::Roles, .roles = staff,
              .summary = "Signed parameters for a direct upload from the browser",
              .description = "Cloudinary: {uploadUrl, apiKey, timestamp, signature, folder, eager} signed with the "
                             "API secret (good for an hour); the browser posts exactly these fields and `file`. "
                             "Local: a signed URL of this server, good for media.directUploadValidity and one upload.",
              .tag = kTag},
             [this](Call<None, FolderQuery>& call) {
               // The provider's own shape: Cloudinary's fields, or a URL of this server.
               const std::string folder = folderOf(call.query.folder.value_or(""));
               return jsonResponse(provider_.directUpload(folder, call.principal().id, nowSeconds()));
             });
  Schema<ListQuery> listQuery;
  withPages(listQuery).field("folder", &ListQuery::folder, {.maxLength = 64, .description = "one folder's images"});
  routes.get("/v1/media", Contract().query(listQuery).returns(pageSchema(media)),
             {.access = Access::Roles, .roles = staff, .summary = "Uploaded images, newest first", .tag = kTag},
             [this](Call<None, ListQuery>& call) {
               const auto& q = call.query;
               return ctx_.db().read([&](Tx& tx) { return book_.list(tx, q.page, q.limit, q.folder); });
             });
  routes.get("/v1/media/:id", Contract().returns(media),
             {.access = Access::Roles, .roles = staff, .summary = "One image, by id or (URL-encoded) public id",
              .tag = kTag},
             [this](Call<>& call) {
               const std::string key(call.param("id"));
               const auto record = ctx_.db().read([&](Tx& tx) { return book_.get(tx, key); });
               if (!record) throw Problem::notFound("No image with this id.");
               return *record;
             });
  routes.del("/v1/media/:publicId",
             Contract().query(Schema<RemoveQuery>().field(
                 "force", &RemoveQuery::force, {.optional = true, .description = "delete even if a product shows it"})),
             {.access = Access::Roles, .roles = staff,
              .summary = "Deletes an image: its files (or Cloudinary asset) and its record",
              .description = "By public id (URL-encode its '/') or id. 409 `in_use` while a product shows it, unless "
                             "`force=true`. 204; 503 when the provider cannot be reached (nothing deleted). Audited.",
              .tag = kTag},
             [this](Call<None, RemoveQuery>& call) {
               remove(std::string(call.param("publicId")), call.query.force, call.principal().id);
             });
  if (local_) {
    routes.post("/v1/media/upload/signed",
                Contract()
                    .query(Schema<SignedQuery>()
                               .field("folder", &SignedQuery::folder, {.optional = true, .maxLength = 64})
                               .field("uploader", &SignedQuery::uploader, {.optional = true, .maxLength = 100})
                               .field("expires", &SignedQuery::expires, {.optional = true, .min = 0, .max = 1LL << 40})
                               .field("nonce", &SignedQuery::nonce, {.optional = true, .maxLength = 64})
                               .field("signature", &SignedQuery::signature, {.optional = true, .maxLength = 64}))
                    .returns(media),
                {.bodyLimit = bodyLimit, .consumes = {"multipart/form-data"},
                 .summary = "A direct upload through a URL from GET /v1/media/upload-url (local provider)",
                 .description = std::string("The URL's signature stands for the staff member who asked for it; it "
                                            "works once, until it expires (401 otherwise). ") + kUploadDescription,
                 .tag = kTag, .successStatus = 201},
                [this](Call<None, SignedQuery>& call) {
                  const auto& q = call.query;
                  const LocalStorage::SignedUpload s{q.folder, q.uploader, q.nonce, q.expires, q.signature};
                  if (!local_->verify(s, nowSeconds()))
                    throw Problem::unauthorized("This upload URL is not valid (or has expired); ask for a new one.",
                                                "invalid_signature");
                  const Request& req = call.request;
                  const UploadForm form =
                      readUploadForm(req.header("Content-Type").value_or(""), req.body, config_.maxUploadBytes);
                  if (!form.folder.empty() && form.folder != s.folder)
                    throw Problem::validation({{"folder", "must be the folder the URL was signed for (" + s.folder + ")"}});
                  // Once: the nonce is taken before the work (a refused upload needs a new URL).
                  if (!ctx_.db().run([&](Tx& tx) { return book_.useNonce(tx, s.nonce); }))
                    throw Problem::unauthorized("This upload URL was used already; ask for a new one.", "invalid_signature");
                  return accept(form.file, form.alt, s.folder, s.uploader);
                });
    routes.get("/v1/media/files/:file", Contract(),
               {.rateLimitClass = "none", .summary = "A stored image or thumbnail (local provider)",
                .description = "Immutable: a name is never reused, so it is cached for a year. ETag; If-None-Match → 304.",
                .tag = kTag, .successContentType = "image/*"},
               [this](Call<>& call) { return file(call.request); });
  }
}

MediaRecord MediaApi::accept(std::string_view bytes, const std::string& alt, const std::string& folder,
                      const std::string& uploader, const std::string& name) {
  // A big upload frees tens of megabytes of buffers in whichever worker's
  // heap it ran; the kernel keeps up to 64 MiB free per heap for small
  // requests' speed, so hand them back (memory stays flat across uploads).
  // Not after small ones: trimming costs more than they do.
  struct TrimOnExit {
    bool big;
    ~TrimOnExit() {
      if (big) malloc_trim(0);
    }
  } trim{bytes.size() >= (std::size_t{4} << 20)};
  const ProbeResult probe = probeImage(bytes, ImageLimits{config_.maxPixels, config_.maxDimension});
  if (!probe.image) {
    switch (probe.failure) {
      case ProbeFailure::UnsupportedType: throw Problem(415, "unsupported_media_type", probe.detail);
      case ProbeFailure::TooLarge: throw Problem(422, "image_too_large", probe.detail);
      case ProbeFailure::Corrupt: throw Problem(422, "corrupt_image", probe.detail);
    }
  }
  const ProbedImage& image = *probe.image;
  const std::string publicId = folder + "/" + (name.empty() ? hexEncode(randomBytes(16)) : name);
  // 1. Recorded pending first: an upload cut short is found and cleaned up.
  const std::string id = ctx_.db().run([&](Tx& tx) {
    return book_.begin(tx, NewMedia{publicId, provider_.name(), image.width, image.height, image.format,
                                    static_cast<std::int64_t>(bytes.size()), alt, folder, uploader});
  });
  // 2. The provider, outside any transaction.
  StoredImage stored;
  try {
    stored = provider_.store({publicId, bytes, image.format, image.width, image.height});
  } catch (const MediaProviderError& e) {
    ctx_.logger().warn("media provider refused or failed", {{"publicId", publicId}, {"error", e.what()}});
    ctx_.db().run([&](Tx& tx) { book_.forget(tx, id); });
    if (e.unavailable()) throw Problem::unavailable("The media storage cannot be reached; try again shortly.");
    throw Problem(422, "upload_refused", "The media storage refused the image.");
  }
  // 3. Ready. Should that fail, the stored files go again (or the sweep finds the pending row).
  try {
    return ctx_.db().run([&](Tx& tx) { return book_.complete(tx, id, stored); });
  } catch (...) {
    try {
      provider_.remove(publicId, image.format);
      ctx_.db().run([&](Tx& tx) { book_.forget(tx, id); });
    } catch (const std::exception&) {
    }
    throw;
  }
}

void MediaApi::remove(const std::string& key, bool force, const std::string& actor) {
  const auto record = ctx_.db().read([&](Tx& tx) -> std::optional<MediaRecord> {
    auto r = book_.get(tx, key);
    if (r && !force) {
      const auto users = book_.usedBy(tx, r->id, 5);
      if (!users.empty()) {
        std::string list;
        for (const auto& u : users) list += (list.empty() ? "" : ", ") + u;
        throw Problem(409, "in_use", "The image is shown by " + list + "; remove it there first, or delete with force=true.");
      }
    }
    return r;
  });
  if (!record) throw Problem::notFound("No image with this id.");
  // The provider first: should it fail, the record stays and the delete can
  // be asked again.
  try {
    provider_.remove(record->publicId, record->format);
  } catch (const MediaProviderError& e) {
    ctx_.logger().warn("media provider could not delete", {{"publicId", record->publicId}, {"error", e.what()}});
    throw Problem::unavailable("The media storage cannot be reached; try again shortly.");
  }
  ctx_.db().run([&](Tx& tx) { book_.remove(tx, record->id, actor); });
}

Response MediaApi::file(const Request& req) {
  const std::string name(req.requireParam("file"));
  const auto f = local_->read(name);
  if (!f) throw Problem::notFound("No such file.");
  // A name is never reused, so the name is a strong validator.
  const std::string etag = "\"" + name + "\"";
  Response r = req.header("If-None-Match") == etag ? Response::withStatus(304) : Response::text(f->bytes, f->contentType);
  r.headers.set("ETag", etag);
  r.headers.set("Cache-Control", "public, max-age=31536000, immutable");
  // X-Content-Type-Options: nosniff comes with every answer (the kernel's security headers).
  return r;
}

void MediaApi::sweep() {
  const long long now = book_.nowMs();
  for (const auto& m : ctx_.db().read([&](Tx& tx) { return book_.interrupted(tx, now - kInterruptedAfterMs); })) {
    try {
      provider_.remove(m.publicId, m.format);
      ctx_.db().run([&](Tx& tx) { book_.forget(tx, m.id); });
    } catch (const MediaProviderError& e) {
      ctx_.logger().warn("media sweep: the provider could not remove an interrupted upload",
                         {{"publicId", m.publicId}, {"error", e.what()}});
    }
  }
  ctx_.db().run([&](Tx& tx) { book_.purgeNonces(tx, now - 24LL * 3600 * 1000); });
  if (local_) local_->sweepTemporaryFiles();
}

std::optional<MediaItem> MediaApi::find(Tx& tx, std::string_view idOrPublicId) const { return book_.item(tx, idOrPublicId); }

void MediaApi::setUsage(Tx& tx, const std::string& owner, const std::vector<std::string>& mediaIds) {
  book_.setUsage(tx, owner, mediaIds);
}

MediaItem MediaApi::demoPicture(const DemoPicture& p) {
  // The same key, the same public id: made once.
  const std::string name = hexEncode(sha256(p.key)).substr(0, 32);
  const std::string publicId = "demo/" + name;
  if (auto existing = ctx_.db().read([&](Tx& tx) { return book_.item(tx, publicId); })) return *existing;
  const std::string bytes = stripedPicture(p.colourA, p.colourB, 48, 600, 750);
  try {
    accept(bytes, p.alt, "demo", "system", name);
  } catch (const DbError& e) {
    // Made by a concurrent caller in the meantime.
    if (e.kind() != DbError::Kind::UniqueViolation) throw;
  }
  auto item = ctx_.db().read([&](Tx& tx) { return book_.item(tx, publicId); });
  if (!item) throw std::runtime_error("media: the demo picture " + p.key + " was not stored");
  return *item;
}

namespace {

// Segments of [a-z0-9._-], none empty or all dots, joined by '/': never a
// path out of the documents' place, whatever the provider.
const std::string& checkedKey(const std::string& key) {
  bool ok = !key.empty() && key.size() <= 200;
  std::size_t start = 0;
  while (ok) {
    const std::size_t end = std::min(key.find('/', start), key.size());
    const std::string_view segment = std::string_view(key).substr(start, end - start);
    ok = !segment.empty() && segment.find_first_not_of('.') != std::string_view::npos &&
         segment.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789._-") == std::string_view::npos;
    if (end == key.size()) break;
    start = end + 1;
  }
  if (!ok) throw std::invalid_argument("a document key is segments of [a-z0-9._-] joined by '/', not '" + key + "'");
  return key;
}

}  // namespace

void MediaApi::keepDocument(const std::string& key, std::string_view bytes) {
  provider_.keepPrivate(checkedKey(key), bytes);
}

std::optional<std::string> MediaApi::document(const std::string& key) {
  return provider_.readPrivate(checkedKey(key));
}

}  // namespace agape::media
