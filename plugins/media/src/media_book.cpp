#include "media_book.h"

#include <agape/crypto.h>
#include <agape/json.h>

namespace agape::media {
namespace {

constexpr const char* kColumns =
    "SELECT id, public_id, provider, url, thumbnail_url, thumbnails, width, height, format, bytes, alt, folder, "
    "uploaded_by, created_at FROM media_media ";

MediaRecord recordOf(const Row& r) {
  const std::string thumbnails = r.text("thumbnails");
  return {r.text("id"),
          r.text("public_id"),
          r.text("provider"),
          r.text("url"),
          r.text("thumbnail_url"),
          JsonText{Json::accept(thumbnails) ? thumbnails : "[]"},
          r.integer("width"),
          r.integer("height"),
          r.text("format"),
          r.integer("bytes"),
          r.text("alt"),
          r.text("folder"),
          r.text("uploaded_by"),
          Timestamp{r.integer("created_at")}};
}

// An id is a UUID; anything with a '/' or of another shape is a public id.
const char* keyColumn(std::string_view idOrPublicId) {
  return idOrPublicId.size() == 36 && idOrPublicId.find('/') == std::string_view::npos ? "id" : "public_id";
}

}  // namespace

std::string MediaBook::begin(Tx& tx, const NewMedia& m) const {
  const long long now = nowMs();
  const std::string id = uuidV7(now);
  tx.exec("INSERT INTO media_media (id, public_id, provider, status, width, height, format, bytes, alt, folder, "
          "uploaded_by, created_at, updated_at) VALUES (:id, :public, :provider, 'pending', :w, :h, :format, :bytes, "
          ":alt, :folder, :by, :now, :now)",
          {{"id", id}, {"public", m.publicId}, {"provider", m.provider}, {"w", m.width}, {"h", m.height},
           {"format", m.format}, {"bytes", m.bytes}, {"alt", m.alt}, {"folder", m.folder},
           {"by", m.uploadedBy}, {"now", now}});
  return id;
}

MediaRecord MediaBook::complete(Tx& tx, const std::string& id, const StoredImage& s) const {
  Json thumbs = Json::array();
  for (const auto& t : s.thumbnails) thumbs.push_back({{"width", t.width}, {"height", t.height}, {"url", t.url}});
  tx.exec("UPDATE media_media SET status = 'ready', url = :url, thumbnail_url = :thumb, thumbnails = :thumbs, "
          "extra = :extra, updated_at = :now WHERE id = :id",
          {{"url", s.url}, {"thumb", s.thumbnails.empty() ? s.url : s.thumbnails.front().url},
           {"thumbs", thumbs.dump()}, {"extra", s.extra.dump()}, {"now", nowMs()}, {"id", id}});
  MediaRecord record = *get(tx, id);
  audit_.record(record.uploadedBy, "media.upload", "media", id,
                Json{{"publicId", record.publicId}, {"bytes", record.bytes}, {"format", record.format}}.dump(), tx);
  return record;
}

void MediaBook::forget(Tx& tx, const std::string& id) const {
  tx.exec("DELETE FROM media_usages WHERE media_id = :id", {{"id", id}});
  tx.exec("DELETE FROM media_media WHERE id = :id", {{"id", id}});
}

std::optional<Row> MediaBook::ready(Tx& tx, std::string_view key) const {
  return tx.one(std::string(kColumns) + "WHERE " + keyColumn(key) + " = :key AND status = 'ready'",
                {{"key", std::string(key)}});
}

std::optional<MediaRecord> MediaBook::get(Tx& tx, std::string_view key) const {
  const auto r = ready(tx, key);
  if (!r) return std::nullopt;
  return recordOf(*r);
}

std::optional<MediaItem> MediaBook::item(Tx& tx, std::string_view key) const {
  const auto r = ready(tx, key);
  if (!r) return std::nullopt;
  return MediaItem{r->text("id"), r->text("public_id"), r->text("url"), r->text("thumbnail_url"),
                   static_cast<int>(r->integer("width")), static_cast<int>(r->integer("height")), r->text("format"),
                   r->integer("bytes"), r->text("alt")};
}

Page<MediaRecord> MediaBook::list(Tx& tx, int page, int limit, const std::optional<std::string>& folder) const {
  std::string where = "WHERE status = 'ready'";
  Params params;
  if (folder) {
    where += " AND folder = :folder";
    params.emplace_back("folder", *folder);
  }
  const long long total = tx.one("SELECT COUNT(*) AS n FROM media_media " + where, params)->integer("n");
  params.emplace_back("limit", static_cast<long long>(limit));
  params.emplace_back("offset", static_cast<long long>(page - 1) * limit);
  std::vector<MediaRecord> data;
  for (const auto& r :
       tx.query(std::string(kColumns) + where + " ORDER BY created_at DESC, id DESC LIMIT :limit OFFSET :offset", params))
    data.push_back(recordOf(r));
  return {std::move(data), page, limit, total};
}

std::vector<std::string> MediaBook::usedBy(Tx& tx, const std::string& id, int limit) const {
  std::vector<std::string> out;
  for (const auto& r : tx.query("SELECT owner FROM media_usages WHERE media_id = :id ORDER BY owner LIMIT :n",
                                {{"id", id}, {"n", static_cast<long long>(limit)}}))
    out.push_back(r.text("owner"));
  return out;
}

void MediaBook::setUsage(Tx& tx, const std::string& owner, const std::vector<std::string>& mediaIds) const {
  tx.exec("DELETE FROM media_usages WHERE owner = :owner", {{"owner", owner}});
  for (const auto& id : mediaIds)
    tx.exec("INSERT INTO media_usages (media_id, owner) SELECT id, :owner FROM media_media WHERE id = :id "
            "ON CONFLICT DO NOTHING",
            {{"owner", owner}, {"id", id}});
}

void MediaBook::remove(Tx& tx, const std::string& id, const std::string& actor) const {
  const auto r = tx.one("SELECT public_id, bytes FROM media_media WHERE id = :id", {{"id", id}});
  forget(tx, id);
  if (r)
    audit_.record(actor, "media.delete", "media", id, Json{{"publicId", r->text("public_id")}}.dump(), tx);
}

std::vector<MediaBook::Interrupted> MediaBook::interrupted(Tx& tx, long long beforeMs) const {
  std::vector<Interrupted> out;
  for (const auto& r : tx.query("SELECT id, public_id, format FROM media_media WHERE status = 'pending' "
                                "AND created_at < :before ORDER BY created_at LIMIT 200",
                                {{"before", beforeMs}}))
    out.push_back({r.text("id"), r.text("public_id"), r.text("format")});
  return out;
}

bool MediaBook::useNonce(Tx& tx, const std::string& nonce) const {
  return tx.exec("INSERT INTO media_upload_nonces (nonce, used_at) VALUES (:nonce, :now) ON CONFLICT DO NOTHING",
                 {{"nonce", nonce}, {"now", nowMs()}}) > 0;
}

long long MediaBook::purgeNonces(Tx& tx, long long beforeMs) const {
  return tx.exec("DELETE FROM media_upload_nonces WHERE used_at < :before", {{"before", beforeMs}});
}

}  // namespace agape::media
