#include "key_store.h"

#include <algorithm>
#include <ctime>
#include <fcntl.h>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <sys/stat.h>
#include <unistd.h>

namespace agape::auth {
namespace fs = std::filesystem;

namespace {

bool isPublicOnlyName(const fs::path& p) {
  std::string name = p.filename().string();
  return name.size() > 8 && name.ends_with(".pub.pem");
}

std::string stemOf(const fs::path& p) {
  std::string name = p.filename().string();
  return name.substr(0, name.size() - (isPublicOnlyName(p) ? 8 : 4));
}

std::string readFile(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  if (!in) throw std::runtime_error("auth: cannot read key file " + p.string());
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

std::vector<KeyFile> scan(const fs::path& dir) {
  std::vector<KeyFile> out;
  if (!fs::is_directory(dir)) return out;
  for (const auto& entry : fs::directory_iterator(dir)) {
    if (!entry.is_regular_file() || entry.path().extension() != ".pem") continue;
    try {
      RsaKey key = RsaKey::fromPem(readFile(entry.path()));
      out.push_back(KeyFile{entry.path(), entry.last_write_time(), std::move(key)});
    } catch (const std::runtime_error& e) {
      throw std::runtime_error("auth: key file " + entry.path().string() + " is not usable: " + e.what());
    }
  }
  // Oldest first; equal times by name, so the order never depends on the directory listing.
  std::sort(out.begin(), out.end(), [](const KeyFile& a, const KeyFile& b) {
    return a.modified != b.modified ? a.modified < b.modified : a.path.filename() < b.path.filename();
  });
  return out;
}

std::string utcStamp() {
  std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y%m%dT%H%M%SZ", &tm);
  return buf;
}

}  // namespace

KeySet::KeySet(std::vector<KeyFile> files, std::size_t activeIndex) : files_(std::move(files)), active_(activeIndex) {
  jwks_ = {{"keys", nlohmann::json::array()}};
  jwks_["keys"].push_back(files_[active_].key.publicJwk());
  for (std::size_t i = 0; i < files_.size(); ++i) {
    bool duplicate = false;
    for (const auto& k : jwks_["keys"]) duplicate = duplicate || k["kid"] == files_[i].key.kid();
    if (!duplicate) jwks_["keys"].push_back(files_[i].key.publicJwk());
  }
  jwksText_ = jwks_.dump();
}

const RsaKey* KeySet::find(std::string_view kid) const {
  for (const auto& f : files_)
    if (f.key.kid() == kid) return &f.key;
  return nullptr;
}

std::shared_ptr<const KeySet> loadKeySet(const KeyStoreOptions& options) {
  std::vector<KeyFile> files = scan(options.dir);
  bool anyPrivate = std::any_of(files.begin(), files.end(), [](const KeyFile& f) { return f.key.hasPrivate(); });
  if (!anyPrivate) {
    if (!options.generateIfMissing)
      throw std::runtime_error("auth: no private signing key in " + options.dir.string() +
                               "; put an RSA private key (PEM, mode 0600) there, or set auth.generateKeys: true "
                               "in development (see docs/auth.md)");
    writeNewSigningKey(options.dir, options.generatedBits);
    files = scan(options.dir);
  }
  std::optional<std::size_t> active;
  if (!options.activeKey.empty()) {
    for (std::size_t i = 0; i < files.size(); ++i)
      if (stemOf(files[i].path) == options.activeKey || files[i].key.kid() == options.activeKey) active = i;
    if (!active) throw std::runtime_error("auth.activeKey: no key file or kid \"" + options.activeKey + "\" in " +
                                          options.dir.string());
    if (!files[*active].key.hasPrivate())
      throw std::runtime_error("auth.activeKey: " + files[*active].path.string() + " holds no private key");
  } else {
    // The newest private key that has been published long enough, else the
    // oldest (a first key, or every key newer than the delay).
    const auto ripe = fs::file_time_type::clock::now() - options.activationDelay;
    std::optional<std::size_t> oldest;
    for (std::size_t i = 0; i < files.size(); ++i) {
      if (!files[i].key.hasPrivate()) continue;
      if (!oldest) oldest = i;
      if (files[i].modified <= ripe) active = i;
    }
    if (!active) active = oldest;
  }
  if (files[*active].key.bits() < 2048)
    throw std::runtime_error("auth: signing key " + files[*active].path.string() + " is shorter than 2048 bits");
  return std::make_shared<const KeySet>(std::move(files), *active);
}

std::string KeySet::fingerprint() const {
  std::string out = active().kid();
  for (const auto& f : files_) out += "," + f.key.kid();
  return out;
}

bool KeyRing::reload() {
  KeyStoreOptions options = options_;
  options.generateIfMissing = false;
  auto next = loadKeySet(options);
  if (next->fingerprint() == current()->fingerprint()) return false;
  current_.store(std::move(next));
  return true;
}

fs::path writeNewSigningKey(const fs::path& dir, int bits) {
  fs::create_directories(dir);
  fs::permissions(dir, fs::perms::owner_all, fs::perm_options::replace);
  RsaKey key = RsaKey::generate(bits);
  std::string pem = key.privatePem();
  fs::path path = dir / (utcStamp() + ".pem");
  for (int n = 2; fs::exists(path); ++n) path = dir / (utcStamp() + "-" + std::to_string(n) + ".pem");
  // Created 0600 from the start: the private key is never readable by others, not even briefly.
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) throw std::runtime_error("auth: cannot create key file " + path.string());
  std::size_t written = 0;
  while (written < pem.size()) {
    ssize_t w = ::write(fd, pem.data() + written, pem.size() - written);
    if (w <= 0) {
      ::close(fd);
      fs::remove(path);
      throw std::runtime_error("auth: cannot write key file " + path.string());
    }
    written += static_cast<std::size_t>(w);
  }
  if (::fsync(fd) != 0 || ::close(fd) != 0) throw std::runtime_error("auth: cannot write key file " + path.string());
  return path;
}

std::vector<fs::path> pruneRetiredKeys(const fs::path& dir, std::chrono::seconds keepFor) {
  std::vector<KeyFile> files = scan(dir);
  std::vector<fs::path> removed;
  const auto now = fs::file_time_type::clock::now();
  std::optional<fs::file_time_type> successorSince;  // when the next newer private key appeared
  for (auto it = files.rbegin(); it != files.rend(); ++it) {
    if (!it->key.hasPrivate()) continue;
    if (successorSince && *successorSince + keepFor < now) {
      fs::remove(it->path);
      removed.push_back(it->path);
    }
    successorSince = it->modified;
  }
  return removed;
}

}  // namespace agape::auth
