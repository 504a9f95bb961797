#include "agape/json.h"

namespace agape {

Response jsonResponse(const Json& body, int status) {
  return Response::json(body.dump(-1, ' ', false, Json::error_handler_t::replace), status);
}

}  // namespace agape
