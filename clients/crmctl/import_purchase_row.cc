#include "clients/crmctl/import_purchase_row.h"

#include <optional>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "clients/crmctl/csv_values.h"

namespace crm::crmctl {

const std::vector<ColumnSpec>& PurchaseColumns() {
  static const auto* columns = new std::vector<ColumnSpec>{
      {"external_id", kPurchaseExternalId},
      {"contact", kPurchaseContact},
      {"contact_external_id", kPurchaseContactExternalId},
      {"purchase_time", kPurchaseTime},
      {"amount", kPurchaseAmount},
      {"gross_margin", kPurchaseGrossMargin},
      {"quantity", kPurchaseQuantity},
      {"category", kPurchaseCategory},
      {"product_category", kPurchaseCategory},
      {"product", kPurchaseProduct},
      {"channel", kPurchaseChannel},
      {"store_id", kPurchaseStoreId},
      {"type", kPurchaseType},
      {"currency", kPurchaseCurrency},
  };
  return *columns;
}

absl::StatusOr<PurchaseRowMapper> PurchaseRowMapper::FromHeader(
    const std::vector<std::string>& header) {
  absl::StatusOr<ImportLayout> layout = ImportLayout::FromHeader(header, PurchaseColumns());
  if (!layout.ok()) return layout.status();
  std::vector<std::string> missing;
  if (!layout->Has(kPurchaseContact) && !layout->Has(kPurchaseContactExternalId)) {
    missing.push_back("contact or contact_external_id");
  }
  if (!layout->Has(kPurchaseTime)) missing.push_back("purchase_time");
  if (!layout->Has(kPurchaseAmount)) missing.push_back("amount");
  if (!missing.empty()) {
    std::string list;
    for (const std::string& column : missing) absl::StrAppend(&list, list.empty() ? "" : ", ", column);
    return absl::InvalidArgumentError(
        absl::StrCat("a purchases file needs the columns ", list, " (every purchase has them)"));
  }
  return PurchaseRowMapper(*std::move(layout));
}

bool PurchaseRowMapper::Map(const std::vector<std::string>& fields, PurchaseRow* row,
                            RowProblem* problem) const {
  row->purchase.Clear();
  row->contact_external_id.clear();
  if (std::optional<RowProblem> count = layout_.CheckFieldCount(fields.size())) {
    *problem = *std::move(count);
    return false;
  }
  v1::Purchase& purchase = row->purchase;
  std::string currency;
  for (size_t i = 0; i < fields.size(); ++i) {
    const std::string value(absl::StripAsciiWhitespace(fields[i]));
    const std::string& column = layout_.name(i);
    const int id = layout_.id(i);
    if (value.empty()) {
      if (id == kPurchaseTime || id == kPurchaseAmount) return RejectRow(problem, column, "required");
      continue;
    }
    switch (id) {
      case kPurchaseExternalId: purchase.set_external_id(value); break;
      case kPurchaseContact: purchase.set_contact(value); break;
      case kPurchaseContactExternalId: row->contact_external_id = value; break;
      case kPurchaseCategory: purchase.set_product_category(value); break;
      case kPurchaseProduct: purchase.set_product(value); break;
      case kPurchaseStoreId: purchase.set_store_id(value); break;
      case kPurchaseCurrency: currency = absl::AsciiStrToUpper(value); break;
      case kPurchaseTime: {
        absl::StatusOr<google::protobuf::Timestamp> time = ParseTimestampText(value);
        if (!time.ok()) return RejectRow(problem, column, std::string(time.status().message()));
        *purchase.mutable_purchase_time() = *time;
        break;
      }
      case kPurchaseAmount:
      case kPurchaseGrossMargin: {
        absl::StatusOr<v1::Money> money = ParseMoney(value);
        if (!money.ok()) return RejectRow(problem, column, std::string(money.status().message()));
        *(id == kPurchaseAmount ? purchase.mutable_amount() : purchase.mutable_gross_margin()) =
            *money;
        break;
      }
      case kPurchaseQuantity: {
        absl::StatusOr<int64_t> quantity = ParseWholeNumber(value);
        if (!quantity.ok()) return RejectRow(problem, column, std::string(quantity.status().message()));
        purchase.set_quantity(*quantity);
        break;
      }
      case kPurchaseChannel: {
        absl::StatusOr<int> channel = ParseEnumText(v1::Purchase::Channel_descriptor(), value);
        if (!channel.ok()) return RejectRow(problem, column, std::string(channel.status().message()));
        purchase.set_channel(static_cast<v1::Purchase::Channel>(*channel));
        break;
      }
      case kPurchaseType: {
        absl::StatusOr<int> type = ParseEnumText(v1::Purchase::Type_descriptor(), value);
        if (!type.ok()) return RejectRow(problem, column, std::string(type.status().message()));
        purchase.set_type(static_cast<v1::Purchase::Type>(*type));
        break;
      }
      default:
        break;
    }
  }
  if (!purchase.contact().empty()) row->contact_external_id.clear();
  if (purchase.contact().empty() && row->contact_external_id.empty()) {
    return RejectRow(problem, ContactColumn(),
                  "required: the contact (contacts/…) or the contact's external id");
  }
  if (!currency.empty()) {
    purchase.mutable_amount()->set_currency_code(currency);
    if (purchase.has_gross_margin()) purchase.mutable_gross_margin()->set_currency_code(currency);
  }
  return true;
}

std::string PurchaseRowMapper::ContactColumn() const {
  return layout_.Has(kPurchaseContactExternalId) && !layout_.Has(kPurchaseContact)
             ? "contact_external_id"
             : "contact";
}

std::string PurchaseRowMapper::ColumnForField(absl::string_view field_path) const {
  if (absl::EndsWith(field_path, ".currency_code")) return "currency";
  const absl::string_view head = field_path.substr(0, field_path.find_first_of("[."));
  if (head == "contact") return ContactColumn();
  if (head == "product_category") {
    const std::string written = layout_.NameOf(kPurchaseCategory);
    return written.empty() ? "category" : written;
  }
  for (const ColumnSpec& column : PurchaseColumns()) {
    if (column.name == head) return std::string(head);
  }
  return std::string(field_path);
}

}  // namespace crm::crmctl
