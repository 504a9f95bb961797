#pragma once
// The SDK's randomness and digests (agape/crypto.h), under the names the
// auth plugin's code uses.
#include <agape/crypto.h>

namespace agape::auth {

using agape::constantTimeEquals;
using agape::hmacSha256;
using agape::newOpaqueToken;
using agape::randomBytes;
using agape::sha256;
using agape::sha256Hex;
using agape::uuidV7;

}  // namespace agape::auth
