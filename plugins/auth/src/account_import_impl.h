#pragma once
#include <agape/auth/account_import.h>

namespace agape::auth {

class AccountImportImpl final : public AccountImport {
 public:
  bool add(Tx& tx, const ImportedAccount& account) const override;
};

}  // namespace agape::auth
