#pragma once
// The request bodies of the catalogue's writes: what each field may hold,
// checked before the writers run (they check what needs the database).
#include <agape/schema.h>

#include "category_store.h"
#include "product_writer.h"

namespace agape::catalog {

Schema<NewProduct> newProductSchema();
Schema<ProductChanges> productChangesSchema();
Schema<NewVariant> newVariantSchema();
Schema<VariantChanges> variantChangesSchema();
Schema<NewCategory> newCategorySchema();
Schema<CategoryChanges> categoryChangesSchema();

}  // namespace agape::catalog
