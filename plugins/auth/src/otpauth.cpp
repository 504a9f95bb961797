#include "otpauth.h"

#include <memory>
#include <stdexcept>

#include <qrencode.h>

namespace agape::auth {
namespace {

struct QrDeleter {
  void operator()(QRcode* q) const noexcept { QRcode_free(q); }
};

}  // namespace

std::string uriComponent(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : text) {
    bool keep = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.' ||
                c == '_' || c == '~' || c == '@';
    if (keep) {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

std::string otpauthUri(std::string_view issuer, std::string_view account, std::string_view secret) {
  // The label's colon separates issuer and account, so a colon inside either is encoded (%3A).
  std::string i = uriComponent(issuer);
  return "otpauth://totp/" + i + ":" + uriComponent(account) + "?secret=" + std::string(secret) + "&issuer=" + i +
         "&algorithm=SHA1&digits=6&period=30";
}

std::string qrSvg(std::string_view text) {
  std::string input(text);
  std::unique_ptr<QRcode, QrDeleter> qr(QRcode_encodeString(input.c_str(), 0, QR_ECLEVEL_M, QR_MODE_8, 1));
  if (!qr) throw std::runtime_error("cannot encode the QR code");
  const int quiet = 4;
  const int width = qr->width;
  const int size = width + 2 * quiet;
  std::string path;
  for (int y = 0; y < width; ++y) {
    for (int x = 0; x < width; ++x) {
      // Bit 0 of each byte is the module colour (1 = dark); the other bits describe its role.
      if (qr->data[y * width + x] & 1) {
        path += 'M';
        path += std::to_string(x + quiet);
        path += ',';
        path += std::to_string(y + quiet);
        path += "h1v1h-1z";
      }
    }
  }
  std::string s = std::to_string(size);
  return "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 " + s + " " + s +
         "\" shape-rendering=\"crispEdges\"><rect width=\"" + s + "\" height=\"" + s +
         "\" fill=\"#fff\"/><path fill=\"#000\" d=\"" + path + "\"/></svg>";
}

}  // namespace agape::auth
