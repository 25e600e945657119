#include "clients/crmctl/import_purchase_row.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace crm::crmctl {
namespace {

using ::testing::HasSubstr;

PurchaseRowMapper MapperFor(const std::vector<std::string>& header) {
  absl::StatusOr<PurchaseRowMapper> mapper = PurchaseRowMapper::FromHeader(header);
  EXPECT_TRUE(mapper.ok()) << mapper.status();
  return *std::move(mapper);
}

const std::vector<std::string> kFullHeader = {
    "external_id", "contact_external_id", "purchase_time", "amount", "gross_margin", "quantity",
    "category", "product", "channel", "store_id", "type", "currency"};

TEST(PurchaseLayoutTest, NeedsAContactATimeAndAnAmount) {
  const absl::StatusOr<PurchaseRowMapper> bare = PurchaseRowMapper::FromHeader({"external_id"});
  ASSERT_FALSE(bare.ok());
  EXPECT_THAT(std::string(bare.status().message()),
              HasSubstr("contact or contact_external_id, purchase_time, amount"));
  EXPECT_TRUE(PurchaseRowMapper::FromHeader({"contact", "purchase_time", "amount"}).ok());
  EXPECT_TRUE(PurchaseRowMapper::FromHeader(kFullHeader).ok());
}

TEST(PurchaseLayoutTest, UnknownAndAliasedColumns) {
  const auto unknown =
      PurchaseRowMapper::FromHeader({"contact", "purchase_time", "amount", "price"});
  ASSERT_FALSE(unknown.ok());
  EXPECT_THAT(std::string(unknown.status().message()), HasSubstr("unknown column \"price\" (column 4)"));
  // product_category is another name of category: both at once is a repeat.
  const auto both = PurchaseRowMapper::FromHeader(
      {"contact", "purchase_time", "amount", "category", "product_category"});
  ASSERT_FALSE(both.ok());
  EXPECT_THAT(std::string(both.status().message()), HasSubstr("repeats column 4"));
}

TEST(PurchaseRowTest, MapsEveryColumnWithExactMoney) {
  const PurchaseRowMapper mapper = MapperFor(kFullHeader);
  PurchaseRow row;
  RowProblem problem;
  ASSERT_TRUE(mapper.Map({"R-1001", "C-7", "2024-03-01T10:15:00+01:00", "1234.56", "-0.10", "3",
                          "skin-care/serum", "SKU-9", "store", "S-01", "refund", "eur"},
                         &row, &problem))
      << problem.column << ": " << problem.message;
  const v1::Purchase& purchase = row.purchase;
  EXPECT_EQ(row.contact_external_id, "C-7");
  EXPECT_EQ(purchase.contact(), "");  // resolved later (LookupContact)
  EXPECT_EQ(purchase.external_id(), "R-1001");
  EXPECT_EQ(purchase.purchase_time().seconds(), 1709284500);
  EXPECT_EQ(purchase.amount().units(), 1234);
  EXPECT_EQ(purchase.amount().nanos(), 560'000'000);
  EXPECT_EQ(purchase.amount().currency_code(), "EUR");
  EXPECT_EQ(purchase.gross_margin().units(), 0);
  EXPECT_EQ(purchase.gross_margin().nanos(), -100'000'000);
  EXPECT_EQ(purchase.gross_margin().currency_code(), "EUR");
  EXPECT_EQ(purchase.quantity(), 3);
  EXPECT_EQ(purchase.product_category(), "skin-care/serum");
  EXPECT_EQ(purchase.product(), "SKU-9");
  EXPECT_EQ(purchase.channel(), v1::Purchase::CHANNEL_STORE);
  EXPECT_EQ(purchase.store_id(), "S-01");
  EXPECT_EQ(purchase.type(), v1::Purchase::TYPE_REFUND);
}

TEST(PurchaseRowTest, AContactNameWinsOverAnExternalId) {
  const PurchaseRowMapper mapper =
      MapperFor({"contact", "contact_external_id", "purchase_time", "amount"});
  PurchaseRow row;
  RowProblem problem;
  ASSERT_TRUE(mapper.Map({"contacts/0190ff", "C-7", "2024-03-01T10:15:00Z", "5"}, &row, &problem));
  EXPECT_EQ(row.purchase.contact(), "contacts/0190ff");
  EXPECT_EQ(row.contact_external_id, "");
  EXPECT_FALSE(row.purchase.has_gross_margin());
  EXPECT_EQ(row.purchase.amount().currency_code(), "");  // the tenant's
}

struct BadRow {
  std::vector<std::string> fields;
  std::string column;
  std::string message_part;
};

TEST(PurchaseRowTest, BadValuesNameTheirColumn) {
  const PurchaseRowMapper mapper = MapperFor(
      {"contact_external_id", "purchase_time", "amount", "gross_margin", "quantity", "channel",
       "type"});
  const std::string time = "2024-03-01T10:15:00Z";
  for (const BadRow& bad : std::vector<BadRow>{
           {{"", time, "1", "", "", "", ""}, "contact_external_id", "required"},
           {{"C", "", "1", "", "", "", ""}, "purchase_time", "required"},
           {{"C", "01/03/2024", "1", "", "", "", ""}, "purchase_time", "RFC 3339"},
           {{"C", time, "", "", "", "", ""}, "amount", "required"},
           {{"C", time, "12,50", "", "", "", ""}, "amount", "not an amount"},
           {{"C", time, "1.1234567", "", "", "", ""}, "amount", "at most 6 decimals"},
           {{"C", time, "1", "abc", "", "", ""}, "gross_margin", "not an amount"},
           {{"C", time, "1", "", "2.5", "", ""}, "quantity", "not a whole number"},
           {{"C", time, "1", "", "", "mail", ""}, "channel", "not one of STORE, ONLINE, PHONE, OTHER"},
           {{"C", time, "1", "", "", "", "sale"}, "type", "not one of PURCHASE, REFUND"},
           {{"C", time}, "amount", "the row has 2 fields, the header 7"},
       }) {
    PurchaseRow row;
    RowProblem problem;
    EXPECT_FALSE(mapper.Map(bad.fields, &row, &problem)) << bad.message_part;
    EXPECT_EQ(problem.column, bad.column) << bad.message_part;
    EXPECT_THAT(problem.message, HasSubstr(bad.message_part));
  }
}

TEST(PurchaseRowTest, ServerFieldPathsMapToColumns) {
  const PurchaseRowMapper by_id =
      MapperFor({"contact_external_id", "purchase_time", "amount", "product_category"});
  EXPECT_EQ(by_id.ColumnForField("amount.units"), "amount");
  EXPECT_EQ(by_id.ColumnForField("amount.currency_code"), "currency");
  EXPECT_EQ(by_id.ColumnForField("gross_margin"), "gross_margin");
  EXPECT_EQ(by_id.ColumnForField("product_category"), "product_category");
  EXPECT_EQ(by_id.ColumnForField("contact"), "contact_external_id");
  EXPECT_EQ(by_id.ColumnForField("quantity"), "quantity");
  const PurchaseRowMapper by_name = MapperFor({"contact", "purchase_time", "amount"});
  EXPECT_EQ(by_name.ColumnForField("contact"), "contact");
  EXPECT_EQ(by_name.ColumnForField("product_category"), "category");
}

}  // namespace
}  // namespace crm::crmctl
