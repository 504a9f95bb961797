#include "account_import_impl.h"

#include <agape/db.h>
#include <agape/crypto.h>

namespace agape::auth {

bool AccountImportImpl::add(Tx& tx, const ImportedAccount& a) const {
  // "!" is no bcrypt hash: nobody signs in with it. Auth keeps seconds.
  const long long created = a.createdAtMs / 1000;
  return tx.exec("INSERT INTO auth_users (id, email, password_hash, first_name, last_name, phone, roles, "
                 "email_verified_at, created_at, updated_at) VALUES (:id, :email, '!', :first, :last, NULL, "
                 "'customer', :created, :created, :created) ON CONFLICT (email) DO NOTHING",
                 {{"id", uuidV7(a.createdAtMs)}, {"email", a.email}, {"first", a.firstName}, {"last", a.lastName},
                  {"created", created}}) > 0;
}

}  // namespace agape::auth
