// ValueAnalysisService against a real MariaDB: background runs and their states,
// stored per-contact results and reports, the current run in ListContacts filters,
// the on-request analyses, every documented bad input, and two-tenant isolation of
// every RPC.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <random>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "storage/analysis_repository.h"
#include "storage/ids.h"
#include "storage/money.h"
#include "storage/row_codec.h"
#include "storage/transaction.h"
#include "tests/integration/crm_test_environment.h"

namespace crm::testing {
namespace {

using ::testing::HasSubstr;
using v1::AnalysisRun;

constexpr absl::Duration kDay = absl::Hours(24);

// A tenant with contacts, stores, purchases and survey scores.
struct Population {
  TestTenant tenant;
  std::vector<std::string> contacts;  // with purchases
  std::string prospect;               // no purchase
  std::string hand;                   // the hand-computed customer
};

class ValueAnalysisTest : public ::testing::Test {
 protected:
  void SetUp() override { stub_ = ValueAnalysis(); }

  static std::string NewContact(const TestTenant& tenant, const std::string& name, const std::string& store,
                                int birth_year) {
    v1::CreateContactRequest request;
    request.mutable_contact()->set_display_name(name);
    request.mutable_contact()->set_store_id(store);
    request.mutable_contact()->mutable_birthday()->set_year(birth_year);
    request.mutable_contact()->mutable_birthday()->set_month(6);
    request.mutable_contact()->mutable_birthday()->set_day(15);
    v1::Contact contact;
    grpc::Status status = Contacts()->CreateContact(WithKey(tenant.integration_key).get(), request, &contact);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return contact.name();
  }

  static v1::Purchase Sale(const std::string& contact, absl::Time when, double amount, const std::string& store,
                           const std::string& category, int quantity, const std::string& external_id) {
    v1::Purchase purchase;
    purchase.set_contact(contact);
    storage::ToProtoTimestamp(when, purchase.mutable_purchase_time());
    *purchase.mutable_amount() = Units(amount);
    *purchase.mutable_gross_margin() = Units(std::round(amount * 35) / 100);
    purchase.set_quantity(quantity);
    purchase.set_product_category(category);
    purchase.set_product(category + "-1");
    purchase.set_channel(v1::Purchase::CHANNEL_STORE);
    purchase.set_store_id(store);
    purchase.set_type(v1::Purchase::TYPE_PURCHASE);
    purchase.set_external_id(external_id);
    return purchase;
  }

  // `customers` buyers over the last two years at three stores, a prospect, a
  // hand-computed customer, and survey scores for every other buyer.
  static Population Populate(const std::string& prefix, int customers) {
    Population p;
    p.tenant = CreateTestTenant(prefix);
    std::mt19937 rng(7);
    const absl::Time now = absl::Now();
    std::vector<v1::Purchase> purchases;
    for (int i = 0; i < customers; ++i) {
      const std::string store = absl::StrCat("S", i % 3 + 1);
      const std::string contact = NewContact(p.tenant, absl::StrCat("Customer ", i), i % 4 == 0 ? "" : store,
                                             1960 + i % 40);
      p.contacts.push_back(contact);
      const int count = 1 + static_cast<int>(rng() % 8);
      for (int k = 0; k < count; ++k) {
        const absl::Time when = now - kDay * static_cast<double>(1 + rng() % 700) - absl::Minutes(5);
        const double amount = 20 + static_cast<double>(rng() % 38000) / 100;
        purchases.push_back(Sale(contact, when, amount, store, k % 2 ? "makeup" : "skincare", 1 + static_cast<int>(rng() % 3),
                                 absl::StrCat("p-", i, "-", k)));
      }
      if (i % 2 == 0) {
        v1::LogInteractionRequest survey;
        survey.mutable_interaction()->set_contact(contact);
        survey.mutable_interaction()->set_type(v1::Interaction::TYPE_SURVEY);
        survey.mutable_interaction()->set_direction(v1::Interaction::DIRECTION_INBOUND);
        survey.mutable_interaction()->set_satisfaction_score(static_cast<int>(rng() % 11));
        storage::ToProtoTimestamp(now - 5 * kDay, survey.mutable_interaction()->mutable_interaction_time());
        v1::Interaction logged;
        grpc::Status status =
            Interactions()->LogInteraction(WithKey(p.tenant.integration_key).get(), survey, &logged);
        EXPECT_TRUE(status.ok()) << status.error_message();
      }
    }
    p.hand = NewContact(p.tenant, "Hand Computed", "S1", 1980);
    purchases.push_back(Sale(p.hand, now - 100 * kDay, 50, "S1", "skincare", 1, "hand-1"));
    purchases.push_back(Sale(p.hand, now - 40 * kDay, 30, "S1", "skincare", 1, "hand-2"));
    purchases.push_back(Sale(p.hand, now - 10 * kDay, 20, "S1", "skincare", 1, "hand-3"));
    p.prospect = NewContact(p.tenant, "Prospect", "S2", 1990);
    ImportPurchasesOrFail(p.tenant.integration_key, purchases);
    return p;
  }

  grpc::Status Run(const TestTenant& tenant, const v1::RunAnalysisRequest& request, AnalysisRun* run,
                   const std::string& key = "") {
    return stub_->RunAnalysis(WithKey(key.empty() ? tenant.analyst_key : key).get(), request, run);
  }

  // Polls until the run leaves PENDING/RUNNING (at most a minute).
  AnalysisRun WaitFor(const TestTenant& tenant, const std::string& name) {
    AnalysisRun run;
    for (int i = 0; i < 600; ++i) {
      v1::GetAnalysisRunRequest request;
      request.set_name(name);
      grpc::Status status = stub_->GetAnalysisRun(WithKey(tenant.analyst_key).get(), request, &run);
      EXPECT_TRUE(status.ok()) << status.error_message();
      if (run.state() == AnalysisRun::STATE_SUCCEEDED || run.state() == AnalysisRun::STATE_FAILED) return run;
      absl::SleepFor(absl::Milliseconds(100));
    }
    ADD_FAILURE() << name << " did not finish: " << run.DebugString();
    return run;
  }

  AnalysisRun RunToEnd(const TestTenant& tenant, const v1::RunAnalysisRequest& request = {}) {
    AnalysisRun started;
    grpc::Status status = Run(tenant, request, &started);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return WaitFor(tenant, started.name());
  }

  std::vector<v1::CustomerValue> ListValues(const TestTenant& tenant, const std::string& filter,
                                            const std::string& order_by = "", int page_size = 7,
                                            grpc::Status* error = nullptr) {
    std::vector<v1::CustomerValue> all;
    v1::ListCustomerValuesRequest request;
    request.set_filter(filter);
    request.set_order_by(order_by);
    request.set_page_size(page_size);
    do {
      v1::ListCustomerValuesResponse response;
      grpc::Status status = stub_->ListCustomerValues(WithKey(tenant.analyst_key).get(), request, &response);
      if (error != nullptr) *error = status;
      if (!status.ok()) return all;
      all.insert(all.end(), response.customer_values().begin(), response.customer_values().end());
      request.set_page_token(response.next_page_token());
    } while (!request.page_token().empty());
    return all;
  }

  int CountContacts(const TestTenant& tenant, const std::string& filter, grpc::Status* error = nullptr) {
    int count = 0;
    v1::ListContactsRequest request;
    request.set_filter(filter);
    request.set_page_size(1000);
    v1::ListContactsResponse response;
    grpc::Status status = Contacts()->ListContacts(WithKey(tenant.integration_key).get(), request, &response);
    if (error != nullptr) *error = status;
    EXPECT_TRUE(error != nullptr || status.ok()) << status.error_message();
    count = response.contacts_size();
    return count;
  }

  // One populated tenant with a finished run, shared by the read tests (populating
  // takes a few seconds).
  static Population& Shared() {
    static Population* population = nullptr;
    if (population == nullptr) population = new Population(Populate("va", 90));
    return *population;
  }
  AnalysisRun SharedRun() {
    static AnalysisRun* run = nullptr;
    if (run == nullptr) run = new AnalysisRun(RunToEnd(Shared().tenant));
    return *run;
  }

  std::unique_ptr<v1::ValueAnalysisService::Stub> stub_;
};

TEST_F(ValueAnalysisTest, RunSucceedsWithProgressTimingsAndBecomesCurrent) {
  const AnalysisRun run = SharedRun();
  ASSERT_EQ(run.state(), AnalysisRun::STATE_SUCCEEDED) << run.DebugString();
  EXPECT_TRUE(run.current());
  EXPECT_DOUBLE_EQ(run.progress(), 1.0);
  EXPECT_EQ(run.stage(), "done");
  EXPECT_EQ(run.customers(), 91);  // 90 + the hand-computed customer; not the prospect
  EXPECT_GT(run.purchases(), 91);
  ASSERT_EQ(run.timings_size(), 3);
  EXPECT_EQ(run.timings(0).stage(), "reading purchases");
  EXPECT_EQ(run.timings(2).stage(), "writing results");
  EXPECT_TRUE(run.has_start_time() && run.has_end_time());
  EXPECT_EQ(run.window().seconds(), 365 * 86400);
  EXPECT_TRUE(run.unavailable().empty()) << run.DebugString();

  v1::ListAnalysisRunsRequest list;
  v1::ListAnalysisRunsResponse runs;
  ASSERT_TRUE(stub_->ListAnalysisRuns(WithKey(Shared().tenant.integration_key).get(), list, &runs).ok());
  ASSERT_GE(runs.analysis_runs_size(), 1);
  EXPECT_EQ(runs.analysis_runs(0).name(), run.name());  // newest first
}

TEST_F(ValueAnalysisTest, HandComputedCustomerMatchesTheFormulas) {
  ASSERT_EQ(SharedRun().state(), AnalysisRun::STATE_SUCCEEDED);
  v1::GetCustomerValueRequest request;
  request.set_contact(Shared().hand);
  v1::CustomerValue value;
  grpc::Status status = stub_->GetCustomerValue(WithKey(Shared().tenant.analyst_key).get(), request, &value);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(value.run(), SharedRun().name());
  EXPECT_EQ(value.frequency(), 3);
  EXPECT_DOUBLE_EQ(UnitsOf(value.monetary()), 100.0);
  EXPECT_EQ(value.recency_days(), 10);
  EXPECT_EQ(value.repeat_purchases(), 2);     // x: distinct days - 1
  EXPECT_EQ(value.days_first_to_last(), 90);  // t_x
  EXPECT_EQ(value.days_since_first(), 100);   // T
  // All three purchases fall in the default 365-day current period: CV = margin 35.
  EXPECT_DOUBLE_EQ(UnitsOf(value.current_value()), 35.0);
  EXPECT_DOUBLE_EQ(UnitsOf(value.historical_value()), 0.0);
  ASSERT_TRUE(value.has_clv() && value.has_p_alive());
  EXPECT_GT(value.p_alive(), 0.0);
  EXPECT_LE(value.p_alive(), 1.0);
  // EV = CB + AV × P = CV + CLV.
  EXPECT_NEAR(UnitsOf(value.expected_value()), UnitsOf(value.current_value()) + UnitsOf(value.clv()), 1e-5);
  EXPECT_NEAR(UnitsOf(value.additional_value()) * value.p_alive(), UnitsOf(value.clv()), 1e-3);
  EXPECT_GE(value.recency_score(), 1);
  EXPECT_NE(value.rfm_segment(), v1::RFM_SEGMENT_UNSPECIFIED);
  EXPECT_FALSE(value.lifecycle_rule().empty());

  // The prospect has no results.
  request.set_contact(Shared().prospect);
  status = stub_->GetCustomerValue(WithKey(Shared().tenant.analyst_key).get(), request, &value);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::NOT_FOUND) << status.error_message();
}

TEST_F(ValueAnalysisTest, ListCustomerValuesFiltersOrdersAndPages) {
  ASSERT_EQ(SharedRun().state(), AnalysisRun::STATE_SUCCEEDED);
  const std::vector<v1::CustomerValue> all = ListValues(Shared().tenant, "");
  EXPECT_EQ(all.size(), 91u);
  const std::vector<v1::CustomerValue> by_clv = ListValues(Shared().tenant, "", "clv desc");
  ASSERT_EQ(by_clv.size(), 91u);
  for (size_t i = 1; i < by_clv.size(); ++i) {
    EXPECT_GE(storage::MoneyToMicros(by_clv[i - 1].clv()), storage::MoneyToMicros(by_clv[i].clv()));
  }
  // Tiers: A is the top 15 % by EV (ties share a tier).
  const std::vector<v1::CustomerValue> tier_a = ListValues(Shared().tenant, "value_tier = A");
  EXPECT_NEAR(static_cast<double>(tier_a.size()), 0.15 * 91, 2);
  for (const v1::CustomerValue& v : tier_a) EXPECT_EQ(v.value_tier(), v1::VALUE_TIER_A);
  const std::vector<v1::CustomerValue> likely = ListValues(Shared().tenant, "p_alive >= 0.5 AND clv > 1");
  for (const v1::CustomerValue& v : likely) EXPECT_GE(v.p_alive(), 0.5);

  grpc::Status error;
  ListValues(Shared().tenant, "", "monetary desc", 7, &error);
  EXPECT_EQ(error.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  ListValues(Shared().tenant, "no_such_field = 1", "", 7, &error);
  EXPECT_EQ(error.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(error.error_message(), HasSubstr("no_such_field"));
}

TEST_F(ValueAnalysisTest, ListContactsFiltersOnTheCurrentRun) {
  ASSERT_EQ(SharedRun().state(), AnalysisRun::STATE_SUCCEEDED);
  for (const std::string filter :
       {"rfm_segment = \"IMPORTANT_WINBACK\" AND p_alive < 0.5", "rfm_segment = RFM_SEGMENT_GENERAL_DEVELOP",
        "value_tier = A", "abc_class = A OR abc_class = B", "clv > 10", "lifecycle_stage = CHURNED"}) {
    const int contacts = CountContacts(Shared().tenant, filter);
    const size_t values = ListValues(Shared().tenant, filter).size();
    EXPECT_EQ(static_cast<size_t>(contacts), values) << filter;
  }
  // Prospects are tier D and PROSPECT.
  EXPECT_EQ(CountContacts(Shared().tenant, "value_tier = D"), 1);
  v1::GetContactRequest get;
  get.set_name(Shared().prospect);
  v1::Contact contact;
  ASSERT_TRUE(Contacts()->GetContact(WithKey(Shared().tenant.integration_key).get(), get, &contact).ok());
  EXPECT_EQ(contact.lifecycle_stage(), v1::LIFECYCLE_STAGE_PROSPECT);
  // A customer's lifecycle stage is the current run's.
  get.set_name(Shared().hand);
  ASSERT_TRUE(Contacts()->GetContact(WithKey(Shared().tenant.integration_key).get(), get, &contact).ok());
  v1::GetCustomerValueRequest value_request;
  value_request.set_contact(Shared().hand);
  v1::CustomerValue value;
  ASSERT_TRUE(stub_->GetCustomerValue(WithKey(Shared().tenant.analyst_key).get(), value_request, &value).ok());
  EXPECT_EQ(contact.lifecycle_stage(), value.lifecycle_stage());

  grpc::Status error;
  CountContacts(Shared().tenant, "rfm_segment = \"BEST\"", &error);
  EXPECT_EQ(error.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
}

TEST_F(ValueAnalysisTest, ReportsAddUp) {
  ASSERT_EQ(SharedRun().state(), AnalysisRun::STATE_SUCCEEDED);
  const std::string& key = Shared().tenant.analyst_key;
  v1::GetSegmentSummaryRequest summary_request;
  v1::SegmentSummary summary;
  ASSERT_TRUE(stub_->GetSegmentSummary(WithKey(key).get(), summary_request, &summary).ok());
  EXPECT_EQ(summary.run(), SharedRun().name());
  for (const auto* breakdown : {&summary.rfm_segments(), &summary.value_tiers(), &summary.abc_classes(),
                                &summary.lifecycle_stages()}) {
    int64_t customers = 0;
    double share = 0;
    for (const v1::SegmentFigures& group : *breakdown) {
      customers += group.customers();
      share += group.revenue_share();
    }
    EXPECT_EQ(customers, 91);
    EXPECT_NEAR(share, 1.0, 1e-9);
  }
  EXPECT_GT(summary.average_frequency(), 0);

  v1::GetParetoCurveRequest pareto_request;
  v1::ParetoCurve pareto;
  ASSERT_TRUE(stub_->GetParetoCurve(WithKey(key).get(), pareto_request, &pareto).ok());
  ASSERT_EQ(pareto.points_size(), 100);
  EXPECT_NEAR(pareto.points(99).contribution_share(), 1.0, 1e-9);
  for (int i = 1; i < 100; ++i) {
    EXPECT_GE(pareto.points(i).contribution_share(), pareto.points(i - 1).contribution_share());
  }
  EXPECT_DOUBLE_EQ(pareto.abc_a_share(), 0.8);

  v1::GetModelFitRequest fit_request;
  v1::ModelFit fit;
  ASSERT_TRUE(stub_->GetModelFit(WithKey(key).get(), fit_request, &fit).ok());
  EXPECT_TRUE(fit.bgnbd_error().empty()) << fit.bgnbd_error();
  EXPECT_GT(fit.bgnbd().r(), 0);
  EXPECT_GT(fit.bgnbd().alpha(), 0);
  EXPECT_EQ(fit.bgnbd_fit().customers(), 91);
  EXPECT_GT(fit.bgnbd_fit().iterations(), 0);
  EXPECT_LT(fit.bgnbd_fit().log_likelihood(), 0);
  EXPECT_GT(fit.gamma_gamma().p(), 0);
}

TEST_F(ValueAnalysisTest, GapAnalysisDecomposesSalesExactly) {
  ASSERT_EQ(SharedRun().state(), AnalysisRun::STATE_SUCCEEDED);
  v1::ComputeGapAnalysisRequest request;
  request.set_period(v1::PERIOD_KIND_YEAR);
  v1::GapAnalysis gaps;
  grpc::Status status = stub_->ComputeGapAnalysis(WithKey(Shared().tenant.analyst_key).get(), request, &gaps);
  ASSERT_TRUE(status.ok()) << status.error_message();
  for (const v1::GapComparison* scope : {&gaps.overall(), &gaps.stores(0)}) {
    for (const v1::GapFigures* f : {&scope->current(), &scope->previous()}) {
      if (f->active_customers() == 0) continue;
      EXPECT_NEAR(static_cast<double>(f->active_customers()) * f->purchases_per_customer() *
                      UnitsOf(f->average_order_value()),
                  UnitsOf(f->sales()), 1e-3);
      EXPECT_EQ(f->new_customers() + f->old_customers(), f->active_customers());
    }
  }
  ASSERT_EQ(gaps.stores_size(), 3);
  EXPECT_EQ(gaps.stores(0).store_id(), "S1");
  EXPECT_GT(gaps.overall().previous().active_customers(), 0);

  request.set_period(v1::PERIOD_KIND_UNSPECIFIED);
  status = stub_->ComputeGapAnalysis(WithKey(Shared().tenant.analyst_key).get(), request, &gaps);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(), HasSubstr("period"));
  request.set_period(v1::PERIOD_KIND_MONTH);
  storage::ToProtoTimestamp(absl::Now() + 40 * kDay, request.mutable_period_time());
  status = stub_->ComputeGapAnalysis(WithKey(Shared().tenant.analyst_key).get(), request, &gaps);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(), HasSubstr("period_time"));
}

TEST_F(ValueAnalysisTest, ClusterStoresAndItsBadK) {
  ASSERT_EQ(SharedRun().state(), AnalysisRun::STATE_SUCCEEDED);
  v1::ClusterStoresRequest request;
  request.set_k(2);
  v1::StoreClustering clusters;
  grpc::Status status = stub_->ClusterStores(WithKey(Shared().tenant.analyst_key).get(), request, &clusters);
  ASSERT_TRUE(status.ok()) << status.error_message();
  ASSERT_EQ(clusters.stores_size(), 3);
  EXPECT_EQ(clusters.features_size(), 10);
  EXPECT_EQ(clusters.centroids_size(), 2);
  EXPECT_EQ(clusters.centroids(0).stores() + clusters.centroids(1).stores(), 3);
  EXPECT_EQ(clusters.stores(0).values_size(), 10);

  request.set_k(4);
  status = stub_->ClusterStores(WithKey(Shared().tenant.analyst_key).get(), request, &clusters);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(), HasSubstr("k: 4"));
  request.set_k(0);
  status = stub_->ClusterStores(WithKey(Shared().tenant.analyst_key).get(), request, &clusters);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  request.set_k(2);
  request.add_features(v1::STORE_FEATURE_SALES);
  request.add_features(v1::STORE_FEATURE_SALES);
  status = stub_->ClusterStores(WithKey(Shared().tenant.analyst_key).get(), request, &clusters);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(), HasSubstr("features"));
}

TEST_F(ValueAnalysisTest, BrandValueReproducesThePrinterExampleAndRejectsBadInputs) {
  ASSERT_EQ(SharedRun().state(), AnalysisRun::STATE_SUCCEEDED);
  const std::string& key = Shared().tenant.analyst_key;
  v1::ComputeBrandValueRequest request;
  request.set_product_category("skincare");
  request.set_category_customers(100000);
  request.set_our_customers(40000);
  request.set_buying_rate(24);
  request.set_share_of_purchase(0.65);
  request.set_contribution_margin(6.5);
  v1::BrandValue value;
  grpc::Status status = stub_->ComputeBrandValue(WithKey(key).get(), request, &value);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_NEAR(value.value_per_category_customer(), 156.0, 1e-9);
  EXPECT_NEAR(value.our_value_per_category_customer(), 40.56, 1e-9);
  EXPECT_DOUBLE_EQ(value.penetration(), 0.4);
  EXPECT_GT(value.heavy().buyers() + value.medium().buyers() + value.light().buyers(), 0);

  // Derived from the data: our buyers, margin per unit and share of purchase.
  v1::ComputeBrandValueRequest derived;
  derived.set_product_category("skincare");
  derived.set_category_customers(1000);
  derived.set_buying_rate(12);
  status = stub_->ComputeBrandValue(WithKey(key).get(), derived, &value);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_GT(value.our_customers(), 0);
  EXPECT_GT(value.contribution_margin(), 0);

  struct Bad {
    std::function<void(v1::ComputeBrandValueRequest&)> change;
    std::string field;
  };
  for (const Bad& bad : std::vector<Bad>{
           {[](auto& r) { r.set_our_customers(150000); }, "our_customers"},
           {[](auto& r) { r.set_contribution_margin(-1); }, "contribution_margin"},
           {[](auto& r) { r.set_share_of_purchase(1.5); }, "share_of_purchase"},
           {[](auto& r) { r.set_category_customers(0); }, "category_customers"},
           {[](auto& r) { r.set_buying_rate(-2); }, "buying_rate"},
           {[](auto& r) { r.clear_product_category(); }, "product_category"},
       }) {
    v1::ComputeBrandValueRequest wrong = request;
    bad.change(wrong);
    status = stub_->ComputeBrandValue(WithKey(key).get(), wrong, &value);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << bad.field;
    EXPECT_THAT(status.error_message(), HasSubstr(bad.field));
  }
  // Penetration above 1 from the data: more buyers than category customers.
  derived.set_category_customers(5);
  status = stub_->ComputeBrandValue(WithKey(key).get(), derived, &value);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(), HasSubstr("category_customers"));
}

TEST_F(ValueAnalysisTest, ReciprocityMatrixPlacesScoredCustomers) {
  ASSERT_EQ(SharedRun().state(), AnalysisRun::STATE_SUCCEEDED);
  v1::GetReciprocityMatrixRequest request;
  v1::ReciprocityMatrix matrix;
  grpc::Status status = stub_->GetReciprocityMatrix(WithKey(Shared().tenant.analyst_key).get(), request, &matrix);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(matrix.scored_customers(), 45);  // every other buyer answered a survey
  EXPECT_EQ(matrix.keep().customers() + matrix.develop().customers() + matrix.fix().customers() +
                matrix.stop().customers(),
            45);
  request.set_value(v1::RECIPROCITY_VALUE_CLV);
  ASSERT_TRUE(stub_->GetReciprocityMatrix(WithKey(Shared().tenant.analyst_key).get(), request, &matrix).ok());
  EXPECT_EQ(matrix.scored_customers(), 45);
  request.set_balance_tolerance(2);
  status = stub_->GetReciprocityMatrix(WithKey(Shared().tenant.analyst_key).get(), request, &matrix);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(), HasSubstr("balance_tolerance"));
}

TEST_F(ValueAnalysisTest, BadRunRequestsAreInvalidArgumentAndWriteNothing) {
  const TestTenant tenant = CreateTestTenant("vb");
  const std::string contact = NewContact(tenant, "Only", "S1", 1980);
  ImportPurchasesOrFail(tenant.integration_key,
                        {Sale(contact, absl::Now() - 3 * kDay, 10, "S1", "skincare", 1, "o-1")});
  struct Bad {
    std::function<void(v1::RunAnalysisRequest&)> change;
    std::string field;
  };
  for (const Bad& bad : std::vector<Bad>{
           {[](auto& r) { storage::ToProtoTimestamp(absl::Now() + kDay, r.mutable_as_of()); }, "as_of"},
           {[](auto& r) { r.mutable_window()->set_seconds(0); }, "window"},
           {[](auto& r) { r.mutable_window()->set_seconds(-86400); }, "window"},
           {[](auto& r) { r.mutable_window()->set_seconds(3600); }, "window"},
           {[](auto& r) { r.mutable_settings()->set_abc_a_share(1.5); }, "settings.abc_a_share"},
           {[](auto& r) { r.mutable_settings()->set_abc_b_share(0.5); }, "settings.abc_b_share"},
           {[](auto& r) { r.mutable_settings()->set_tier_b_share(0.9); }, "settings.tier_b_share"},
           {[](auto& r) { r.mutable_settings()->set_clv_horizon_months(0); }, "settings.clv_horizon_months"},
           {[](auto& r) { r.mutable_settings()->set_monthly_discount_rate(-0.1); }, "settings.monthly_discount_rate"},
           {[](auto& r) { r.mutable_settings()->mutable_current_period()->set_seconds(100); }, "settings.current_period"},
           {[](auto& r) { r.mutable_settings()->set_min_fit_customers(1); }, "settings.min_fit_customers"},
           // Alone, but against the other's default (b 0.95, tier b 0.20, decline 0.5).
           {[](auto& r) { r.mutable_settings()->set_abc_a_share(0.97); }, "settings.abc_a_share"},
           {[](auto& r) { r.mutable_settings()->set_tier_a_share(0.9); }, "settings.tier_a_share"},
           {[](auto& r) { r.mutable_settings()->set_churn_p_alive(0.7); }, "settings.churn_p_alive"},
           {[](auto& r) {
              // A field a newer client knows: number 99 on the wire.
              v1::AnalysisSettings* settings = r.mutable_settings();
              settings->GetReflection()->MutableUnknownFields(settings)->AddVarint(99, 1);
            },
            "settings"},
           {[](auto& r) { r.set_request_id("not a uuid!"); }, "request_id"},
       }) {
    v1::RunAnalysisRequest request;
    bad.change(request);
    AnalysisRun run;
    grpc::Status status = Run(tenant, request, &run);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << bad.field << ": " << status.error_message();
    EXPECT_THAT(status.error_message(), HasSubstr(bad.field + ":"));
  }
  EXPECT_EQ(CountRows("analysis_runs", tenant.id), 0);
}

TEST_F(ValueAnalysisTest, TenantWithoutPurchasesIsFailedPrecondition) {
  const TestTenant tenant = CreateTestTenant("vn");
  NewContact(tenant, "No purchases", "S1", 1980);
  v1::RunAnalysisRequest request;
  AnalysisRun run;
  grpc::Status status = Run(tenant, request, &run);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_THAT(status.error_message(), HasSubstr("no purchases"));
  EXPECT_EQ(CountRows("analysis_runs", tenant.id), 0);
  // Nothing to read yet either.
  v1::GetSegmentSummaryRequest summary_request;
  v1::SegmentSummary summary;
  status = stub_->GetSegmentSummary(WithKey(tenant.analyst_key).get(), summary_request, &summary);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_THAT(status.error_message(), HasSubstr("RunAnalysis"));
  v1::ComputeGapAnalysisRequest gaps_request;
  gaps_request.set_period(v1::PERIOD_KIND_MONTH);
  v1::GapAnalysis gaps;
  status = stub_->ComputeGapAnalysis(WithKey(tenant.analyst_key).get(), gaps_request, &gaps);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  v1::ClusterStoresRequest clusters_request;
  clusters_request.set_k(1);
  v1::StoreClustering clusters;
  status = stub_->ClusterStores(WithKey(tenant.analyst_key).get(), clusters_request, &clusters);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
}

TEST_F(ValueAnalysisTest, FailedFitLeavesTheRestUsable) {
  // Five customers: too few for either model (default minimum 30).
  const TestTenant tenant = CreateTestTenant("vf");
  std::vector<v1::Purchase> purchases;
  for (int i = 0; i < 5; ++i) {
    const std::string contact = NewContact(tenant, absl::StrCat("Few ", i), "S1", 1980);
    purchases.push_back(Sale(contact, absl::Now() - (10 + i) * kDay, 10 + i, "S1", "skincare", 1, absl::StrCat("f", i)));
    purchases.push_back(Sale(contact, absl::Now() - (50 + i) * kDay, 20, "S1", "skincare", 1, absl::StrCat("g", i)));
  }
  ImportPurchasesOrFail(tenant.integration_key, purchases);
  const AnalysisRun run = RunToEnd(tenant);
  ASSERT_EQ(run.state(), AnalysisRun::STATE_SUCCEEDED) << run.DebugString();
  ASSERT_EQ(run.unavailable_size(), 2);
  EXPECT_THAT(run.unavailable(0).fields(), ::testing::ElementsAre("p_alive", "expected_purchases"));
  EXPECT_THAT(run.unavailable(0).reason(), HasSubstr("30"));
  v1::GetModelFitRequest fit_request;
  v1::ModelFit fit;
  ASSERT_TRUE(stub_->GetModelFit(WithKey(tenant.analyst_key).get(), fit_request, &fit).ok());
  EXPECT_FALSE(fit.bgnbd_error().empty());
  EXPECT_FALSE(fit.has_bgnbd());
  const std::vector<v1::CustomerValue> values = ListValues(tenant, "");
  ASSERT_EQ(values.size(), 5u);
  for (const v1::CustomerValue& v : values) {
    EXPECT_FALSE(v.has_clv());
    EXPECT_FALSE(v.has_p_alive());
    EXPECT_GE(v.recency_score(), 1);
    EXPECT_EQ(storage::MoneyToMicros(v.expected_value()), storage::MoneyToMicros(v.current_value()));
  }
  EXPECT_TRUE(ListValues(tenant, "", "clv desc").empty());
  EXPECT_EQ(CountContacts(tenant, "p_alive < 0.5"), 0);
  EXPECT_EQ(CountContacts(tenant, "value_tier = A OR value_tier = B OR value_tier = C"), 5);
}

TEST_F(ValueAnalysisTest, OneRunPerTenantReplayAndRoles) {
  const Population p = Populate("vo", 12);
  v1::RunAnalysisRequest request;
  request.set_request_id("6f1c7d0e-8a7b-4d5e-9c3b-2a1f0e9d8c7b");
  AnalysisRun first, second, replay;
  ASSERT_TRUE(Run(p.tenant, request, &first).ok());
  grpc::Status status = Run(p.tenant, v1::RunAnalysisRequest(), &second);
  // The first may already have finished on a fast machine; otherwise the second waits.
  if (!status.ok()) {
    EXPECT_EQ(status.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
    EXPECT_THAT(status.error_message(), HasSubstr(first.name()));
  } else {
    WaitFor(p.tenant, second.name());
  }
  ASSERT_TRUE(Run(p.tenant, request, &replay).ok());
  EXPECT_EQ(replay.name(), first.name());
  WaitFor(p.tenant, first.name());

  // Eight simultaneous starts: the unique active slot lets one through at a time;
  // the others are FAILED_PRECONDITION, never an error of another kind.
  std::vector<std::thread> starters;
  std::vector<grpc::Status> results(8);
  std::vector<AnalysisRun> runs(8);
  for (int i = 0; i < 8; ++i) {
    starters.emplace_back([&, i] { results[i] = Run(p.tenant, v1::RunAnalysisRequest(), &runs[i]); });
  }
  for (std::thread& starter : starters) starter.join();
  int refused = 0;
  for (int i = 0; i < 8; ++i) {
    if (results[i].ok()) {
      WaitFor(p.tenant, runs[i].name());
    } else {
      EXPECT_EQ(results[i].error_code(), grpc::StatusCode::FAILED_PRECONDITION) << results[i].error_message();
      ++refused;
    }
  }
  EXPECT_GE(refused, 1);

  status = Run(p.tenant, v1::RunAnalysisRequest(), &second, p.tenant.scheduler_key);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  status = Run(p.tenant, v1::RunAnalysisRequest(), &second, p.tenant.integration_key);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::PERMISSION_DENIED);
}

// A run another server left RUNNING blocks new runs while its heartbeat is fresh, and
// is failed (ABORTED, "abandoned") once it is stale.
TEST_F(ValueAnalysisTest, AbandonedRunIsFailedAfterItsHeartbeatGoesStale) {
  const Population p = Populate("vs", 5);
  const auto tenant = storage::TenantId::Make(p.tenant.id);
  ASSERT_TRUE(tenant.ok());
  const std::string orphan = storage::NewResourceId();
  auto insert_orphan = [&](absl::Time heartbeat) {
    ASSERT_TRUE(storage::RunTransaction(CrmTestEnvironment::Get().pool(), *tenant, absl::Now() + absl::Seconds(10),
                                        [&](storage::Transaction& tx) -> absl::Status {
                                          tx.Execute("DELETE FROM analysis_runs WHERE tenant_id = ? AND run_id = ?",
                                                     {p.tenant.id, orphan});
                                          tx.Execute(
                                              "INSERT INTO analysis_runs (tenant_id, run_id, state, as_of, "
                                              "window_seconds, settings, progress, stage, details, create_time, "
                                              "heartbeat_time, error_code, error_message, customers, "
                                              "active_customers, purchases, results_pruned, active_slot) VALUES "
                                              "(?, ?, 2, ?, 31536000, '', 0.5, 'computing', '', ?, ?, '', '', 0, "
                                              "0, 0, 0, 1)",
                                              {p.tenant.id, orphan, storage::ToSqlDatetime(absl::Now()),
                                               storage::ToSqlDatetime(heartbeat), storage::ToSqlDatetime(heartbeat)});
                                          return absl::OkStatus();
                                        })
                    .ok());
  };
  insert_orphan(absl::Now() - absl::Minutes(1));
  AnalysisRun run;
  grpc::Status status = Run(p.tenant, v1::RunAnalysisRequest(), &run);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_THAT(status.error_message(), HasSubstr("analysisRuns/" + orphan + " is still RUNNING"));

  insert_orphan(absl::Now() - absl::Minutes(11));
  ASSERT_TRUE(Run(p.tenant, v1::RunAnalysisRequest(), &run).ok());
  EXPECT_EQ(WaitFor(p.tenant, run.name()).state(), AnalysisRun::STATE_SUCCEEDED);
  v1::GetAnalysisRunRequest get;
  get.set_name("analysisRuns/" + orphan);
  AnalysisRun abandoned;
  ASSERT_TRUE(stub_->GetAnalysisRun(WithKey(p.tenant.analyst_key).get(), get, &abandoned).ok());
  EXPECT_EQ(abandoned.state(), AnalysisRun::STATE_FAILED);
  EXPECT_EQ(abandoned.error_code(), "ABORTED");
  EXPECT_THAT(abandoned.error_message(), HasSubstr("abandoned"));
}

TEST_F(ValueAnalysisTest, OlderRunsArePrunedAndErasureRemovesResults) {
  const Population p = Populate("vp", 10);
  std::vector<AnalysisRun> runs;
  for (int i = 0; i < 4; ++i) runs.push_back(RunToEnd(p.tenant));
  v1::GetAnalysisRunRequest get;
  get.set_name(runs[0].name());
  AnalysisRun oldest;
  ASSERT_TRUE(stub_->GetAnalysisRun(WithKey(p.tenant.analyst_key).get(), get, &oldest).ok());
  EXPECT_TRUE(oldest.results_pruned());
  EXPECT_FALSE(oldest.current());
  v1::ListCustomerValuesRequest list;
  list.set_run(runs[0].name());
  v1::ListCustomerValuesResponse response;
  grpc::Status status = stub_->ListCustomerValues(WithKey(p.tenant.analyst_key).get(), list, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_THAT(status.error_message(), HasSubstr("pruned"));
  list.set_run(runs[1].name());
  ASSERT_TRUE(stub_->ListCustomerValues(WithKey(p.tenant.analyst_key).get(), list, &response).ok());
  EXPECT_EQ(response.customer_values_size(), 11);

  // A run that read the purchases before a contact was erased does not write the
  // erased contact's results back.
  {
    const auto tenant = storage::TenantId::Make(p.tenant.id);
    ASSERT_TRUE(tenant.ok());
    storage::AnalysisRepository repository(CrmTestEnvironment::Get().pool());
    v1::DeleteContactRequest erase_first;
    erase_first.set_name(p.contacts[0]);
    google::protobuf::Empty none;
    ASSERT_TRUE(Contacts()->DeleteContact(WithKey(p.tenant.integration_key).get(), erase_first, &none).ok());
    storage::CustomerValueRow gone, kept;
    gone.contact_id = p.contacts[0].substr(p.contacts[0].find('/') + 1);
    kept.contact_id = p.contacts[1].substr(p.contacts[1].find('/') + 1);
    const std::string tenant_id = p.tenant.id;
    const int64_t rows_before = CountRows("customer_values", tenant_id);
    // Into a scratch run id: the repository writes whatever run it is given.
    const std::string scratch = storage::NewResourceId();
    const std::vector<storage::CustomerValueRow> rows = {gone, kept};
    ASSERT_TRUE(repository.WriteValues(*tenant, scratch, rows, absl::Now() + absl::Seconds(10)).ok());
    EXPECT_EQ(CountRows("customer_values", tenant_id), rows_before + 1);
  }

  // Deleting a contact erases its results in every run.
  const std::string tenant_id = p.tenant.id;
  const int64_t before = CountRows("customer_values", tenant_id);
  v1::DeleteContactRequest erase;
  erase.set_name(p.hand);
  google::protobuf::Empty empty;
  ASSERT_TRUE(Contacts()->DeleteContact(WithKey(p.tenant.integration_key).get(), erase, &empty).ok());
  EXPECT_EQ(CountRows("customer_values", tenant_id), before - 3);  // the three runs that keep results
}

TEST_F(ValueAnalysisTest, EveryRpcIsIsolatedBetweenTenants) {
  ASSERT_EQ(SharedRun().state(), AnalysisRun::STATE_SUCCEEDED);
  const Population other = Populate("vi", 6);
  const std::string& key = other.tenant.analyst_key;
  grpc::Status status;

  // Runs and results of the shared tenant are NOT_FOUND for the other one.
  v1::GetAnalysisRunRequest get;
  get.set_name(SharedRun().name());
  AnalysisRun run;
  status = stub_->GetAnalysisRun(WithKey(key).get(), get, &run);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::NOT_FOUND);
  v1::ListAnalysisRunsRequest list_runs;
  v1::ListAnalysisRunsResponse runs;
  ASSERT_TRUE(stub_->ListAnalysisRuns(WithKey(key).get(), list_runs, &runs).ok());
  EXPECT_EQ(runs.analysis_runs_size(), 0);
  for (const std::string& run_name : {SharedRun().name(), std::string()}) {
    v1::GetCustomerValueRequest value_request;
    value_request.set_contact(Shared().hand);
    value_request.set_run(run_name);
    v1::CustomerValue value;
    status = stub_->GetCustomerValue(WithKey(key).get(), value_request, &value);
    EXPECT_TRUE(status.error_code() == grpc::StatusCode::NOT_FOUND ||
                status.error_code() == grpc::StatusCode::FAILED_PRECONDITION)
        << status.error_message();
    v1::ListCustomerValuesRequest list;
    list.set_run(run_name);
    v1::ListCustomerValuesResponse values;
    status = stub_->ListCustomerValues(WithKey(key).get(), list, &values);
    EXPECT_FALSE(status.ok());
    v1::GetSegmentSummaryRequest summary_request;
    summary_request.set_run(run_name);
    v1::SegmentSummary summary;
    EXPECT_FALSE(stub_->GetSegmentSummary(WithKey(key).get(), summary_request, &summary).ok());
    v1::GetParetoCurveRequest pareto_request;
    pareto_request.set_run(run_name);
    v1::ParetoCurve pareto;
    EXPECT_FALSE(stub_->GetParetoCurve(WithKey(key).get(), pareto_request, &pareto).ok());
    v1::GetModelFitRequest fit_request;
    fit_request.set_run(run_name);
    v1::ModelFit fit;
    EXPECT_FALSE(stub_->GetModelFit(WithKey(key).get(), fit_request, &fit).ok());
    v1::GetReciprocityMatrixRequest matrix_request;
    matrix_request.set_run(run_name);
    v1::ReciprocityMatrix matrix;
    EXPECT_FALSE(stub_->GetReciprocityMatrix(WithKey(key).get(), matrix_request, &matrix).ok());
  }

  // The other tenant's own run sees only its own customers, and the shared tenant's
  // run is unchanged by it.
  const AnalysisRun own = RunToEnd(other.tenant);
  ASSERT_EQ(own.state(), AnalysisRun::STATE_SUCCEEDED);
  EXPECT_EQ(own.customers(), 7);
  EXPECT_EQ(ListValues(other.tenant, "").size(), 7u);
  EXPECT_EQ(ListValues(Shared().tenant, "").size(), 91u);
  EXPECT_EQ(CountContacts(other.tenant, "value_tier = A OR value_tier = B OR value_tier = C"), 7);
  v1::ClusterStoresRequest clusters_request;
  clusters_request.set_k(3);
  v1::StoreClustering clusters;
  ASSERT_TRUE(stub_->ClusterStores(WithKey(key).get(), clusters_request, &clusters).ok());
  for (const v1::StoreCluster& store : clusters.stores()) EXPECT_LE(store.values(1), 7);  // its own customers
  v1::ComputeGapAnalysisRequest gaps_request;
  gaps_request.set_period(v1::PERIOD_KIND_YEAR);
  v1::GapAnalysis own_gaps, shared_gaps;
  ASSERT_TRUE(stub_->ComputeGapAnalysis(WithKey(key).get(), gaps_request, &own_gaps).ok());
  ASSERT_TRUE(stub_->ComputeGapAnalysis(WithKey(Shared().tenant.analyst_key).get(), gaps_request, &shared_gaps).ok());
  EXPECT_LE(own_gaps.overall().current().active_customers() + own_gaps.overall().previous().active_customers(), 14);
  v1::ComputeBrandValueRequest brand;
  brand.set_product_category("skincare");
  brand.set_category_customers(1000);
  brand.set_buying_rate(10);
  v1::BrandValue own_brand;
  ASSERT_TRUE(stub_->ComputeBrandValue(WithKey(key).get(), brand, &own_brand).ok());
  EXPECT_LE(own_brand.our_customers(), 7);
  v1::GetReciprocityMatrixRequest matrix_request;
  v1::ReciprocityMatrix matrix;
  ASSERT_TRUE(stub_->GetReciprocityMatrix(WithKey(key).get(), matrix_request, &matrix).ok());
  EXPECT_EQ(matrix.scored_customers(), 3);
}

}  // namespace
}  // namespace crm::testing
