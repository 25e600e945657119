// The columns of a purchases CSV file and how a row becomes a crm.v1.Purchase.
#ifndef CRM_CLIENTS_CRMCTL_IMPORT_PURCHASE_ROW_H_
#define CRM_CLIENTS_CRMCTL_IMPORT_PURCHASE_ROW_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "clients/crmctl/import_layout.h"
#include "crm/v1/purchase.pb.h"

namespace crm::crmctl {

enum PurchaseColumnId : int {
  kPurchaseExternalId,
  kPurchaseContact,            // contacts/{contact}
  kPurchaseContactExternalId,  // the contact's external_id, looked up
  kPurchaseTime,
  kPurchaseAmount,
  kPurchaseGrossMargin,
  kPurchaseQuantity,
  kPurchaseCategory,
  kPurchaseProduct,
  kPurchaseChannel,
  kPurchaseStoreId,
  kPurchaseType,
  kPurchaseCurrency,
};

// The accepted columns (product_category is an alias of category).
const std::vector<ColumnSpec>& PurchaseColumns();

// One mapped row. When the file names the contact by its external id, `purchase`
// has no contact yet: the caller resolves `contact_external_id` (LookupContact).
struct PurchaseRow {
  v1::Purchase purchase;
  std::string contact_external_id;
};

class PurchaseRowMapper {
 public:
  // INVALID_ARGUMENT (a usage error) for unknown or repeated columns, or without
  // purchase_time, amount, or one of contact / contact_external_id.
  static absl::StatusOr<PurchaseRowMapper> FromHeader(const std::vector<std::string>& header);

  // The purchase of one record, or false with what is wrong and in which column.
  // `contact` wins over `contact_external_id` when a row has both.
  bool Map(const std::vector<std::string>& fields, PurchaseRow* row, RowProblem* problem) const;

  // The column a server error's field path refers to: "amount.units" → "amount",
  // "amount.currency_code" → "currency", "product_category" → "category".
  std::string ColumnForField(absl::string_view field_path) const;

  // The column that names the contact (for a failed lookup).
  std::string ContactColumn() const;

 private:
  explicit PurchaseRowMapper(ImportLayout layout) : layout_(std::move(layout)) {}

  ImportLayout layout_;
};

}  // namespace crm::crmctl

#endif  // CRM_CLIENTS_CRMCTL_IMPORT_PURCHASE_ROW_H_
