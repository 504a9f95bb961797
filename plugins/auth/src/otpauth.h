#pragma once
// The otpauth:// Key URI authenticator apps scan, and the QR code of it as SVG.

#include <string>
#include <string_view>

namespace agape::auth {

// otpauth://totp/<issuer>:<account>?secret=<base32>&issuer=<issuer>&algorithm=SHA1&digits=6&period=30
std::string otpauthUri(std::string_view issuer, std::string_view account, std::string_view base32Secret);
// Percent-encoding of everything but RFC 3986 unreserved characters and '@'.
std::string uriComponent(std::string_view text);

// A standalone SVG (black modules on white, 4-module quiet zone); throws
// std::runtime_error when the text does not fit a QR code.
std::string qrSvg(std::string_view text);

}  // namespace agape::auth
