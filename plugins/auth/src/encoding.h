#pragma once
// The SDK's byte encodings (agape/crypto.h), under the names the auth
// plugin's code uses.
#include <agape/crypto.h>

namespace agape::auth {

using agape::base64UrlDecode;
using agape::base64UrlEncode;
using agape::hexEncode;

}  // namespace agape::auth
