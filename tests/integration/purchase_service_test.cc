// PurchaseService against a real MariaDB: recording, listing, deleting and streaming
// imports, with every bad input the API documents.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "server/analysis_input.h"
#include "storage/purchase_repository.h"
#include "storage/row_codec.h"
#include "storage/transaction.h"
#include "tests/integration/crm_test_environment.h"

namespace crm::testing {
namespace {

using ::testing::HasSubstr;

class PurchaseServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    tenant_ = CreateTestTenant("pu", "CNY");
    contact_ = NewContact("Mei");
  }

  std::string NewContact(const std::string& name) {
    v1::CreateContactRequest request;
    request.mutable_contact()->set_display_name(name);
    v1::Contact contact;
    EXPECT_TRUE(Contacts()->CreateContact(WithKey(tenant_.integration_key).get(), request, &contact).ok());
    return contact.name();
  }

  v1::Purchase Sale(int64_t units, absl::Time when, const std::string& external_id = "") {
    v1::Purchase purchase;
    purchase.set_contact(contact_);
    storage::ToProtoTimestamp(when, purchase.mutable_purchase_time());
    purchase.mutable_amount()->set_units(units);
    purchase.mutable_gross_margin()->set_units(units / 3);
    purchase.set_product_category("skin-care/anti-ageing");
    purchase.set_product("serum-50ml");
    purchase.set_channel(v1::Purchase::CHANNEL_STORE);
    purchase.set_store_id("store-sh-01");
    purchase.set_external_id(external_id);
    return purchase;
  }

  grpc::Status Record(const v1::Purchase& purchase, v1::Purchase* out, const std::string& request_id = "") {
    v1::RecordPurchaseRequest request;
    *request.mutable_purchase() = purchase;
    request.set_request_id(request_id);
    return stub_->RecordPurchase(WithKey(tenant_.integration_key).get(), request, out);
  }

  void ExpectRejected(const v1::Purchase& purchase, grpc::StatusCode code, const std::string& field) {
    v1::Purchase out;
    grpc::Status status = Record(purchase, &out);
    EXPECT_EQ(status.error_code(), code) << status.error_message();
    EXPECT_THAT(status.error_message(), HasSubstr(field));
    EXPECT_EQ(CountRows("purchases", tenant_.id), 0);
  }

  v1::ImportPurchasesResponse Import(const std::vector<v1::ImportPurchasesRequest>& batches,
                                     grpc::Status* status) {
    auto context = WithKey(tenant_.integration_key);
    v1::ImportPurchasesResponse response;
    auto writer = stub_->ImportPurchases(context.get(), &response);
    for (const auto& batch : batches) {
      if (!writer->Write(batch)) break;
    }
    writer->WritesDone();
    *status = writer->Finish();
    return response;
  }

  TestTenant tenant_;
  std::string contact_;
  std::unique_ptr<v1::PurchaseService::Stub> stub_ = Purchases();
  const absl::Time yesterday_ = absl::Now() - absl::Hours(24);
};

TEST_F(PurchaseServiceTest, RecordGetListDelete) {
  v1::Purchase recorded;
  v1::Purchase sale = Sale(1280, yesterday_, "receipt-1");
  sale.mutable_amount()->set_nanos(500000000);
  sale.set_quantity(2);
  ASSERT_TRUE(Record(sale, &recorded).ok());
  EXPECT_THAT(recorded.name(), ::testing::StartsWith("purchases/"));
  EXPECT_EQ(recorded.amount().currency_code(), "CNY");
  EXPECT_EQ(recorded.amount().units(), 1280);
  EXPECT_EQ(recorded.amount().nanos(), 500000000);
  EXPECT_EQ(recorded.gross_margin().units(), 426);
  EXPECT_EQ(recorded.type(), v1::Purchase::TYPE_PURCHASE);
  EXPECT_EQ(recorded.quantity(), 2);

  v1::GetPurchaseRequest get;
  get.set_name(recorded.name());
  v1::Purchase fetched;
  ASSERT_TRUE(stub_->GetPurchase(WithKey(tenant_.analyst_key).get(), get, &fetched).ok());
  EXPECT_EQ(fetched.DebugString(), recorded.DebugString());

  // Newest first by default; filter by contact and time range.
  v1::Purchase older, refund;
  ASSERT_TRUE(Record(Sale(100, yesterday_ - absl::Hours(48)), &older).ok());
  v1::Purchase refund_row = Sale(50, yesterday_ + absl::Hours(1));
  refund_row.set_type(v1::Purchase::TYPE_REFUND);
  ASSERT_TRUE(Record(refund_row, &refund).ok());
  const std::string other_contact = NewContact("Lei");
  v1::Purchase other = Sale(999, yesterday_);
  other.set_contact(other_contact);
  ASSERT_TRUE(Record(other, &other).ok());

  v1::ListPurchasesRequest list;
  list.set_filter(absl::StrCat("contact = \"", contact_, "\""));
  list.set_page_size(2);
  std::vector<std::string> seen;
  do {
    v1::ListPurchasesResponse page;
    grpc::Status status = stub_->ListPurchases(WithKey(tenant_.analyst_key).get(), list, &page);
    ASSERT_TRUE(status.ok()) << status.error_message();
    for (const auto& p : page.purchases()) seen.push_back(p.name());
    list.set_page_token(page.next_page_token());
  } while (!list.page_token().empty());
  EXPECT_THAT(seen, ::testing::ElementsAre(refund.name(), recorded.name(), older.name()));

  list.Clear();
  list.set_filter("type = TYPE_REFUND OR (amount >= 999 AND amount < 1000)");
  list.set_order_by("purchase_time asc");
  v1::ListPurchasesResponse page;
  ASSERT_TRUE(stub_->ListPurchases(WithKey(tenant_.analyst_key).get(), list, &page).ok());
  ASSERT_EQ(page.purchases_size(), 2);
  EXPECT_EQ(page.purchases(0).name(), other.name());
  EXPECT_EQ(page.purchases(1).name(), refund.name());

  v1::DeletePurchaseRequest del;
  del.set_name(older.name());
  google::protobuf::Empty empty;
  ASSERT_TRUE(stub_->DeletePurchase(WithKey(tenant_.integration_key).get(), del, &empty).ok());
  EXPECT_EQ(stub_->DeletePurchase(WithKey(tenant_.integration_key).get(), del, &empty).error_code(),
            grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(CountRows("purchases", tenant_.id), 3);

  // Deleting the contact erases its purchases in the same transaction.
  v1::DeleteContactRequest delete_contact;
  delete_contact.set_name(contact_);
  ASSERT_TRUE(Contacts()->DeleteContact(WithKey(tenant_.integration_key).get(), delete_contact, &empty).ok());
  EXPECT_EQ(CountRows("purchases", tenant_.id), 1);
}

TEST_F(PurchaseServiceTest, BadInputIsRejectedAndWritesNothing) {
  v1::Purchase p = Sale(10, yesterday_);
  p.clear_contact();
  ExpectRejected(p, grpc::StatusCode::INVALID_ARGUMENT, "contact");
  p = Sale(10, yesterday_);
  p.set_contact("contacts/not-an-id");
  ExpectRejected(p, grpc::StatusCode::INVALID_ARGUMENT, "contact");
  p = Sale(10, yesterday_);
  p.set_contact("contacts/01jbq0x4w2y5k3m8n9p7r6s5t4");
  ExpectRejected(p, grpc::StatusCode::NOT_FOUND, "contact");
  p = Sale(10, yesterday_);
  p.set_quantity(-1);
  ExpectRejected(p, grpc::StatusCode::INVALID_ARGUMENT, "quantity");
  p = Sale(10, yesterday_);
  p.mutable_amount()->set_currency_code("USD");
  ExpectRejected(p, grpc::StatusCode::INVALID_ARGUMENT, "amount.currency_code");
  p = Sale(-10, yesterday_);
  ExpectRejected(p, grpc::StatusCode::INVALID_ARGUMENT, "amount");
  p = Sale(10, yesterday_);
  p.clear_amount();
  ExpectRejected(p, grpc::StatusCode::INVALID_ARGUMENT, "amount");
  p = Sale(10, absl::Now() + absl::Hours(1));
  ExpectRejected(p, grpc::StatusCode::INVALID_ARGUMENT, "purchase_time");
  p = Sale(10, yesterday_);
  p.clear_purchase_time();
  ExpectRejected(p, grpc::StatusCode::INVALID_ARGUMENT, "purchase_time");
  p = Sale(10, yesterday_);
  p.set_type(static_cast<v1::Purchase::Type>(7));
  ExpectRejected(p, grpc::StatusCode::INVALID_ARGUMENT, "type");
  p = Sale(10, yesterday_);
  p.set_product(std::string(201, 'p'));
  ExpectRejected(p, grpc::StatusCode::INVALID_ARGUMENT, "product");

  // A margin may be negative (sold below cost); the amount may not.
  p = Sale(10, yesterday_);
  p.mutable_gross_margin()->set_units(-4);
  v1::Purchase recorded;
  EXPECT_TRUE(Record(p, &recorded).ok());
}

TEST_F(PurchaseServiceTest, ExternalIdAndRequestIdPreventDuplicates) {
  v1::Purchase first, again;
  ASSERT_TRUE(Record(Sale(10, yesterday_, "r-1"), &first).ok());
  grpc::Status status = Record(Sale(10, yesterday_, "r-1"), &again);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::ALREADY_EXISTS);
  EXPECT_THAT(status.error_message(), HasSubstr("external_id"));
  ASSERT_TRUE(Record(Sale(20, yesterday_), &first, "0b9f4a6e-1f7e-4d0c-8a59-2d3c4b5a6e7f").ok());
  ASSERT_TRUE(Record(Sale(20, yesterday_), &again, "0b9f4a6e-1f7e-4d0c-8a59-2d3c4b5a6e7f").ok());
  EXPECT_EQ(first.name(), again.name());
  EXPECT_EQ(CountRows("purchases", tenant_.id), 2);
}

TEST_F(PurchaseServiceTest, ImportReportsBadRowsLandsGoodOnesAndIsSafeToResend) {
  const std::string second_contact = NewContact("Na");
  v1::ImportPurchasesRequest batch_one, batch_two;
  for (int i = 0; i < 300; ++i) {
    v1::Purchase row = Sale(10 + i, yesterday_ - absl::Minutes(i), absl::StrCat("imp-", i));
    if (i % 2 == 1) row.set_contact(second_contact);
    *batch_one.add_purchases() = row;
  }
  // Batch two: row 0 unknown contact, row 1 duplicate external id in the batch,
  // row 2 negative quantity, row 3 good.
  v1::Purchase unknown = Sale(1, yesterday_, "imp-bad-0");
  unknown.set_contact("contacts/01jbq0x4w2y5k3m8n9p7r6s5t4");
  *batch_two.add_purchases() = unknown;
  *batch_two.add_purchases() = Sale(1, yesterday_, "imp-0");  // also stored already
  batch_two.mutable_purchases(1)->set_external_id("dup-in-batch");
  *batch_two.add_purchases() = Sale(1, yesterday_, "dup-in-batch");
  batch_two.mutable_purchases(2)->set_quantity(-3);
  *batch_two.add_purchases() = Sale(1, yesterday_, "imp-good");
  *batch_two.add_purchases() = Sale(1, yesterday_, "dup-in-batch");

  grpc::Status status;
  v1::ImportPurchasesResponse response = Import({batch_one, batch_two}, &status);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(response.imported_count(), 302);
  EXPECT_EQ(response.skipped_count(), 0);
  EXPECT_EQ(response.error_count(), 3);
  ASSERT_EQ(response.errors_size(), 3);
  EXPECT_EQ(response.errors(0).index(), 302);
  EXPECT_EQ(response.errors(0).code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(response.errors(0).message(), HasSubstr("quantity"));
  EXPECT_EQ(response.errors(1).index(), 304);
  EXPECT_THAT(response.errors(1).message(), HasSubstr("twice"));
  EXPECT_EQ(response.errors(2).index(), 300);
  EXPECT_EQ(response.errors(2).code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(CountRows("purchases", tenant_.id), 302);

  // Re-sending the whole stream after a "crash" adds nothing.
  response = Import({batch_one, batch_two}, &status);
  ASSERT_TRUE(status.ok());
  EXPECT_EQ(response.imported_count(), 0);
  EXPECT_EQ(response.skipped_count(), 302);
  EXPECT_EQ(CountRows("purchases", tenant_.id), 302);
}

TEST_F(PurchaseServiceTest, AllOrNothingRejectsTheWholeBatchOnly) {
  v1::ImportPurchasesRequest good, mixed;
  *good.add_purchases() = Sale(5, yesterday_, "aon-1");
  mixed.set_all_or_nothing(true);
  *mixed.add_purchases() = Sale(5, yesterday_, "aon-2");
  v1::Purchase unknown = Sale(5, yesterday_, "aon-3");
  unknown.set_contact("contacts/01jbq0x4w2y5k3m8n9p7r6s5t4");
  *mixed.add_purchases() = unknown;
  grpc::Status status;
  v1::ImportPurchasesResponse response = Import({good, mixed}, &status);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(response.imported_count(), 1);
  EXPECT_EQ(response.error_count(), 1);
  EXPECT_EQ(CountRows("purchases", tenant_.id), 1);

  mixed.mutable_purchases(1)->set_quantity(-1);  // a validation failure, same rule
  response = Import({mixed}, &status);
  EXPECT_EQ(response.imported_count(), 0);
  EXPECT_EQ(CountRows("purchases", tenant_.id), 1);
}

TEST_F(PurchaseServiceTest, OversizedBatchEndsTheStreamButKeepsCommittedBatches) {
  v1::ImportPurchasesRequest first, huge;
  *first.add_purchases() = Sale(5, yesterday_, "big-0");
  for (int i = 0; i < 1001; ++i) *huge.add_purchases() = Sale(5, yesterday_, absl::StrCat("big-", i + 1));
  grpc::Status status;
  Import({first, huge}, &status);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(), HasSubstr("at most 1000"));
  EXPECT_EQ(CountRows("purchases", tenant_.id), 1);
}

TEST_F(PurchaseServiceTest, CancelledStreamLeavesOnlyCommittedBatches) {
  auto context = WithKey(tenant_.integration_key);
  v1::ImportPurchasesResponse response;
  auto writer = stub_->ImportPurchases(context.get(), &response);
  v1::ImportPurchasesRequest batch;
  for (int i = 0; i < 10; ++i) *batch.add_purchases() = Sale(5, yesterday_, absl::StrCat("c-", i));
  ASSERT_TRUE(writer->Write(batch));
  // Wait until the first batch is committed, then cancel mid-stream.
  for (int i = 0; i < 100 && CountRows("purchases", tenant_.id) < 10; ++i) {
    absl::SleepFor(absl::Milliseconds(20));
  }
  context->TryCancel();
  EXPECT_EQ(writer->Finish().error_code(), grpc::StatusCode::CANCELLED);
  EXPECT_EQ(CountRows("purchases", tenant_.id), 10);
}

TEST_F(PurchaseServiceTest, ContactFilterUsesTheContactIndex) {
  v1::Purchase recorded;
  ASSERT_TRUE(Record(Sale(10, yesterday_), &recorded).ok());
  // EXPLAIN of the statement ListPurchases runs for one contact.
  std::string key;
  absl::Status status = storage::RunGlobalTransaction(
      CrmTestEnvironment::Get().pool(), absl::Now() + absl::Seconds(10),
      [&](storage::Transaction& tx) -> absl::Status {
        auto rows = tx.Query(
            "EXPLAIN SELECT purchase_id FROM purchases WHERE tenant_id = ? AND (contact_id = ?) "
            "ORDER BY purchase_time DESC, purchase_id DESC LIMIT 51",
            {tenant_.id, contact_.substr(9)});
        if (rows->next()) key = rows->getString("key");
        return absl::OkStatus();
      });
  ASSERT_TRUE(status.ok()) << status;
  EXPECT_EQ(key, "purchases_by_contact");
}

TEST_F(PurchaseServiceTest, AnalysisInputReadsOnlyThisTenantInChunks) {
  // Five purchases of two contacts here, one refund, one after the cut-off; one in
  // another tenant.
  const std::string second = NewContact("Second");
  const absl::Time base = absl::Now() - absl::Hours(48);
  for (int i = 0; i < 4; ++i) {
    v1::Purchase p = Sale(10 + i, base + absl::Minutes(i), absl::StrCat("scan-", i));
    if (i == 3) p.set_contact(second);
    if (i == 2) p.set_type(v1::Purchase::TYPE_REFUND);
    v1::Purchase out;
    ASSERT_TRUE(Record(p, &out).ok());
  }
  v1::Purchase late;
  ASSERT_TRUE(Record(Sale(99, absl::Now() - absl::Minutes(1), "scan-late"), &late).ok());
  TestTenant other = CreateTestTenant("scan-o");
  v1::CreateContactRequest contact;
  contact.mutable_contact()->set_display_name("Other");
  v1::Contact other_contact;
  ASSERT_TRUE(Contacts()->CreateContact(WithKey(other.integration_key).get(), contact, &other_contact).ok());
  v1::RecordPurchaseRequest theirs;
  *theirs.mutable_purchase() = Sale(500, base, "scan-theirs");
  theirs.mutable_purchase()->set_contact(other_contact.name());
  v1::Purchase out;
  ASSERT_TRUE(stub_->RecordPurchase(WithKey(other.integration_key).get(), theirs, &out).ok());

  storage::PurchaseRepository repository(CrmTestEnvironment::Get().pool());
  const auto tenant = storage::TenantId::Make(tenant_.id);
  ASSERT_TRUE(tenant.ok());
  std::vector<int64_t> amounts;
  int refunds = 0;
  ASSERT_TRUE(repository
                  .ScanFacts(*tenant, absl::Now() - absl::Hours(1),
                             [&](const storage::PurchaseRepository::Fact& fact) {
                               amounts.push_back(fact.amount_micros / 1'000'000);
                               refunds += fact.refund;
                             },
                             absl::Now() + absl::Seconds(10), /*chunk_rows=*/2)
                  .ok());
  EXPECT_THAT(amounts, ::testing::ElementsAre(10, 11, 12, 13)) << "ids are time-ordered: creation order";
  EXPECT_EQ(refunds, 1);

  absl::StatusOr<server::TenantPurchases> input =
      server::LoadTenantPurchases(repository, *tenant, absl::Now(), absl::Now() + absl::Seconds(10));
  ASSERT_TRUE(input.ok()) << input.status();
  EXPECT_EQ(input->records.size(), 5u);
  ASSERT_EQ(input->contact_ids.size(), 2u);
  EXPECT_EQ(absl::StrCat("contacts/", input->contact_ids[input->records[3].customer]), second);
  EXPECT_EQ(input->records[0].margin_micros, 3'000'000) << "gross margin 10 / 3 units";
}

}  // namespace
}  // namespace crm::testing
