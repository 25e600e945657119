#include "server/services/store_analyses.h"

#include <algorithm>
#include <cmath>
#include <map>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "server/analysis/brand_value.h"
#include "server/analysis/gap_analysis.h"
#include "server/analysis/reciprocity.h"
#include "server/analysis/store_clusters.h"
#include "storage/money.h"
#include "storage/row_codec.h"

namespace crm::server {
namespace {

constexpr absl::Duration kYear = absl::Hours(24 * 365);

// Dense indexes for the analysis library: contacts and stores by first appearance.
class Indexer {
 public:
  uint32_t Of(const std::string& key) {
    auto [it, inserted] = index_.try_emplace(key, static_cast<uint32_t>(keys_.size()));
    if (inserted) keys_.push_back(key);
    return it->second;
  }
  const std::vector<std::string>& keys() const { return keys_; }
  size_t size() const { return keys_.size(); }

 private:
  absl::flat_hash_map<std::string, uint32_t> index_;
  std::vector<std::string> keys_;
};

void SetMoney(double micros, const std::string& currency, v1::Money* out) {
  storage::MoneyFromMicros(static_cast<int64_t>(std::llround(micros)), out);
  out->set_currency_code(currency);
}

v1::GapFigures ToProto(const analysis::GapFigures& f, const std::string& currency) {
  v1::GapFigures out;
  out.set_active_customers(f.active_customers);
  out.set_new_customers(f.new_customers);
  out.set_old_customers(f.old_customers);
  out.set_transactions(f.transactions);
  SetMoney(static_cast<double>(f.sales_micros), currency, out.mutable_sales());
  out.set_purchases_per_customer(f.purchases_per_customer);
  SetMoney(f.average_order_value_micros, currency, out.mutable_average_order_value());
  out.set_new_repeat_rate(f.new_repeat_rate);
  out.set_old_repeat_rate(f.old_repeat_rate);
  out.set_new_purchase_frequency(f.new_purchase_frequency);
  out.set_old_purchase_frequency(f.old_purchase_frequency);
  out.set_managed_share(f.managed_share);
  out.set_managed_repeat_rate_at_own_store(f.managed_repeat_rate_at_own_store);
  SetMoney(f.aov_managed_new_micros, currency, out.mutable_aov_managed_new());
  SetMoney(f.aov_managed_old_micros, currency, out.mutable_aov_managed_old());
  SetMoney(f.aov_unmanaged_old_micros, currency, out.mutable_aov_unmanaged_old());
  return out;
}

v1::GapComparison ToProto(const analysis::GapComparison& c, const std::string& store_id, const std::string& currency) {
  v1::GapComparison out;
  out.set_store_id(store_id);
  *out.mutable_current() = ToProto(c.current, currency);
  *out.mutable_previous() = ToProto(c.previous, currency);
  out.set_recruitment_rate(c.recruitment_rate);
  out.set_old_retention_rate(c.old_retention_rate);
  out.set_new_retention_rate(c.new_retention_rate);
  return out;
}

// Age in whole years on `day`.
int AgeOn(const v1::Date& birthday, absl::CivilDay day) {
  int age = static_cast<int>(day.year()) - birthday.year();
  if (day.month() < birthday.month() || (day.month() == birthday.month() && day.day() < birthday.day())) --age;
  return age;
}

// What one store's buyers did over the year.
struct StoreYear {
  double sales_micros = 0;
  int64_t purchases = 0;
  absl::flat_hash_map<uint32_t, absl::flat_hash_set<int64_t>> days_by_customer;  // distinct purchase days
  std::map<std::string, double> sales_by_category;
};

double Share(double part, double whole) { return whole > 0 ? part / whole : 0; }

}  // namespace

absl::StatusOr<v1::GapAnalysis> ComputeGapAnalysis(storage::AnalysisSources& sources, const storage::TenantId& tenant,
                                                   v1::PeriodKind kind, absl::Time period_time, absl::TimeZone zone,
                                                   const std::string& currency, absl::Time deadline) {
  const analysis::PeriodKind period_kind = kind == v1::PERIOD_KIND_MONTH     ? analysis::PeriodKind::kMonth
                                           : kind == v1::PERIOD_KIND_QUARTER ? analysis::PeriodKind::kQuarter
                                                                             : analysis::PeriodKind::kYear;
  const auto [current, previous] = analysis::PeriodAndPrevious(period_time, period_kind, zone);
  Indexer contacts, stores;
  std::vector<analysis::StoreTransaction> transactions;
  absl::Status scanned = sources.ScanSales(
      tenant, previous.start, current.end, "",
      [&](const storage::AnalysisSources::Sale& sale) {
        const int32_t store = sale.store_id.empty() ? -1 : static_cast<int32_t>(stores.Of(sale.store_id));
        transactions.push_back({contacts.Of(sale.contact_id), store, sale.time, sale.amount_micros});
      },
      deadline);
  if (!scanned.ok()) return scanned;
  if (transactions.empty()) {
    return absl::FailedPreconditionError(absl::StrCat("no purchases between ", absl::FormatTime(previous.start, zone),
                                                      " and ", absl::FormatTime(current.end, zone),
                                                      ": record or import purchases first"));
  }
  // "New" means new to the brand: each buyer's first purchase ever, added before P - 1
  // where it came earlier (outside both periods it counts for nothing else).
  absl::StatusOr<absl::flat_hash_map<std::string, absl::Time>> first =
      sources.FirstPurchaseTimes(tenant, contacts.keys(), deadline);
  if (!first.ok()) return first.status();
  for (const auto& [contact_id, time] : *first) {
    if (time < previous.start) transactions.push_back({contacts.Of(contact_id), -1, time, 0});
  }
  absl::StatusOr<absl::flat_hash_map<std::string, storage::AnalysisSources::ContactProfile>> profiles =
      sources.ContactProfiles(tenant, contacts.keys(), deadline);
  if (!profiles.ok()) return profiles.status();
  std::vector<int32_t> managing_store(contacts.size(), -1);
  for (size_t i = 0; i < contacts.size(); ++i) {
    auto it = profiles->find(contacts.keys()[i]);
    if (it != profiles->end() && !it->second.store_id.empty()) {
      managing_store[i] = static_cast<int32_t>(stores.Of(it->second.store_id));
    }
  }
  const analysis::GapAnalysis gaps = analysis::AnalyzeGaps(transactions, managing_store, current, previous);
  v1::GapAnalysis out;
  storage::ToProtoTimestamp(current.start, out.mutable_period_start());
  storage::ToProtoTimestamp(current.end, out.mutable_period_end());
  storage::ToProtoTimestamp(previous.start, out.mutable_previous_start());
  *out.mutable_overall() = ToProto(gaps.overall, "", currency);
  std::vector<std::pair<std::string, const analysis::GapComparison*>> by_store;
  for (const auto& [store, comparison] : gaps.by_store) {
    if (store >= 0) by_store.emplace_back(stores.keys()[static_cast<size_t>(store)], &comparison);
  }
  std::sort(by_store.begin(), by_store.end());
  for (const auto& [store_id, comparison] : by_store) *out.add_stores() = ToProto(*comparison, store_id, currency);
  return out;
}

absl::StatusOr<v1::StoreClustering> ClusterTenantStores(storage::AnalysisSources& sources,
                                                        const storage::TenantId& tenant,
                                                        const v1::ClusterStoresRequest& request, absl::Time now,
                                                        absl::TimeZone zone, absl::Time deadline) {
  std::vector<v1::StoreFeature> features;
  for (int f : request.features()) features.push_back(static_cast<v1::StoreFeature>(f));
  if (features.empty()) {
    for (int f = v1::STORE_FEATURE_SALES; f <= v1::STORE_FEATURE_TOP_CATEGORY_SHARE; ++f) {
      features.push_back(static_cast<v1::StoreFeature>(f));
    }
  }
  Indexer contacts;
  std::map<std::string, StoreYear> stores;
  const absl::Time year_start = now - kYear;
  absl::Status scanned = sources.ScanSales(
      tenant, year_start, now, "",
      [&](const storage::AnalysisSources::Sale& sale) {
        if (sale.store_id.empty()) return;
        StoreYear& store = stores[sale.store_id];
        store.sales_micros += static_cast<double>(sale.amount_micros);
        ++store.purchases;
        store.days_by_customer[contacts.Of(sale.contact_id)].insert(
            (absl::ToCivilDay(sale.time, zone) - absl::CivilDay(1970, 1, 1)));
        store.sales_by_category[sale.product_category] += static_cast<double>(sale.amount_micros);
      },
      deadline);
  if (!scanned.ok()) return scanned;
  if (stores.empty()) {
    return absl::FailedPreconditionError(
        "no purchases with a store_id in the last 365 days: record purchases with their store first");
  }
  if (request.k() > static_cast<int>(stores.size())) {
    return absl::InvalidArgumentError(absl::StrCat("k: ", request.k(), " is more than the ", stores.size(),
                                                   " stores with purchases in the last 365 days"));
  }
  absl::StatusOr<absl::flat_hash_map<std::string, absl::Time>> first =
      sources.FirstPurchaseTimes(tenant, contacts.keys(), deadline);
  if (!first.ok()) return first.status();
  absl::StatusOr<absl::flat_hash_map<std::string, storage::AnalysisSources::ContactProfile>> profiles =
      sources.ContactProfiles(tenant, contacts.keys(), deadline);
  if (!profiles.ok()) return profiles.status();
  const absl::CivilDay today = absl::ToCivilDay(now, zone);

  std::vector<std::vector<double>> rows;
  for (const auto& [store_id, store] : stores) {
    const double customers = static_cast<double>(store.days_by_customer.size());
    double aged = 0, with_birthday = 0, tenured = 0, repeaters = 0, managed = 0;
    for (const auto& [customer, days] : store.days_by_customer) {
      const std::string& contact_id = contacts.keys()[customer];
      if (auto it = profiles->find(contact_id); it != profiles->end()) {
        if (it->second.birthday) {
          ++with_birthday;
          aged += AgeOn(*it->second.birthday, today) >= 35;
        }
        managed += it->second.store_id == store_id;
      }
      if (auto it = first->find(contact_id); it != first->end()) tenured += it->second < year_start;
      repeaters += days.size() >= 2;
    }
    double top_category = 0;
    for (const auto& [category, sales] : store.sales_by_category) top_category = std::max(top_category, sales);
    std::vector<double> row;
    for (v1::StoreFeature feature : features) {
      switch (feature) {
        case v1::STORE_FEATURE_SALES: row.push_back(store.sales_micros / 1e6); break;
        case v1::STORE_FEATURE_CUSTOMERS: row.push_back(customers); break;
        case v1::STORE_FEATURE_PURCHASE_FREQUENCY: row.push_back(Share(static_cast<double>(store.purchases), customers)); break;
        case v1::STORE_FEATURE_AVERAGE_ORDER_VALUE:
          row.push_back(Share(store.sales_micros / 1e6, static_cast<double>(store.purchases)));
          break;
        case v1::STORE_FEATURE_AGE_35_PLUS_SHARE: row.push_back(Share(aged, with_birthday)); break;
        case v1::STORE_FEATURE_TENURED_SHARE: row.push_back(Share(tenured, customers)); break;
        case v1::STORE_FEATURE_NEW_OLD_RATIO:
          // New per old customer; with no old customer, the count of new ones.
          row.push_back(tenured > 0 ? (customers - tenured) / tenured : customers);
          break;
        case v1::STORE_FEATURE_MANAGED_CUSTOMERS: row.push_back(managed); break;
        case v1::STORE_FEATURE_REPEAT_VISIT_RATE: row.push_back(Share(repeaters, customers)); break;
        case v1::STORE_FEATURE_TOP_CATEGORY_SHARE: row.push_back(Share(top_category, store.sales_micros)); break;
        default: row.push_back(0); break;
      }
    }
    rows.push_back(std::move(row));
  }
  absl::StatusOr<analysis::StoreClusters> clusters = analysis::ClusterStores(rows, request.k());
  if (!clusters.ok()) return clusters.status();
  v1::StoreClustering out;
  for (v1::StoreFeature feature : features) out.add_features(feature);
  size_t i = 0;
  std::vector<int> sizes(static_cast<size_t>(request.k()), 0);
  for (const auto& [store_id, store] : stores) {
    v1::StoreCluster* cluster = out.add_stores();
    cluster->set_store_id(store_id);
    cluster->set_cluster(clusters->cluster_of_store[i]);
    for (double value : rows[i]) cluster->add_values(value);
    ++sizes[static_cast<size_t>(clusters->cluster_of_store[i])];
    ++i;
  }
  for (size_t c = 0; c < clusters->centroids.size(); ++c) {
    v1::ClusterCentroid* centroid = out.add_centroids();
    centroid->set_cluster(static_cast<int32_t>(c));
    centroid->set_stores(sizes[c]);
    for (double value : clusters->centroids[c]) centroid->add_values(value);
  }
  for (double separation : clusters->separation) out.add_separation(separation);
  out.set_iterations(clusters->iterations);
  return out;
}

absl::StatusOr<v1::BrandValue> ComputeCategoryBrandValue(storage::AnalysisSources& sources,
                                                         const storage::TenantId& tenant,
                                                         const v1::ComputeBrandValueRequest& request, absl::Time now,
                                                         absl::Time deadline) {
  struct Buyer {
    double units = 0;
    double margin_micros = 0;
  };
  absl::flat_hash_map<std::string, Buyer> buyers;
  absl::Status scanned = sources.ScanSales(
      tenant, now - kYear, now, request.product_category(),
      [&](const storage::AnalysisSources::Sale& sale) {
        Buyer& buyer = buyers[sale.contact_id];
        buyer.units += static_cast<double>(sale.quantity);
        // Contribution: the margin where known, the amount otherwise (DOMAIN.md, ABC).
        buyer.margin_micros += static_cast<double>(sale.margin_micros.value_or(sale.amount_micros));
      },
      deadline);
  if (!scanned.ok()) return scanned;
  double units = 0, margin = 0;
  std::vector<double> buyer_units, buyer_unit_margin;
  for (const auto& [contact, buyer] : buyers) {
    units += buyer.units;
    margin += buyer.margin_micros / 1e6;
    buyer_units.push_back(buyer.units);
    buyer_unit_margin.push_back(buyer.units > 0 ? buyer.margin_micros / 1e6 / buyer.units : 0);
  }
  if (units <= 0 && (!request.has_contribution_margin() || !request.has_share_of_purchase())) {
    return absl::FailedPreconditionError(absl::StrCat(
        "no units of product_category \"", request.product_category(),
        "\" were bought in the last 365 days: give contribution_margin and share_of_purchase, or record purchases"));
  }
  analysis::BrandValueInputs inputs;
  inputs.category_customers = request.category_customers();
  inputs.our_customers = request.has_our_customers() ? request.our_customers() : static_cast<double>(buyers.size());
  if (inputs.our_customers > inputs.category_customers) {
    return absl::InvalidArgumentError(absl::StrCat("category_customers: ", inputs.category_customers,
                                                   " is fewer than our ", inputs.our_customers,
                                                   " buyers of the category: penetration would be above 1"));
  }
  inputs.buying_rate = request.buying_rate();
  inputs.contribution_margin = request.has_contribution_margin() ? request.contribution_margin() : margin / units;
  if (request.has_share_of_purchase()) {
    inputs.share_of_purchase = request.share_of_purchase();
  } else {
    const double units_per_buyer = buyers.empty() ? 0 : units / static_cast<double>(buyers.size());
    inputs.share_of_purchase = request.buying_rate() > 0 ? std::min(1.0, units_per_buyer / request.buying_rate()) : 0;
  }
  if (inputs.contribution_margin < 0) {
    // The data, not the request, is out of range.
    return absl::FailedPreconditionError(absl::StrCat(
        "the category's margin per unit over the last 365 days is negative (", inputs.contribution_margin,
        "): give contribution_margin in the request"));
  }
  absl::StatusOr<analysis::BrandValue> value = analysis::ComputeBrandValue(inputs);
  if (!value.ok()) return value.status();
  const analysis::UsageGroups groups = analysis::GroupByUsage(buyer_units, buyer_unit_margin);
  v1::BrandValue out;
  out.set_our_customers(inputs.our_customers);
  out.set_penetration(value->penetration);
  out.set_share_of_purchase(inputs.share_of_purchase);
  out.set_contribution_margin(inputs.contribution_margin);
  out.set_value_per_category_customer(value->value_per_category_customer);
  out.set_our_value_per_category_customer(value->our_value_per_category_customer);
  const auto set_group = [](const analysis::UsageGroup& g, v1::UsageGroupFigures* figures) {
    figures->set_buyers(g.buyers);
    figures->set_mean_units(g.mean_units);
    figures->set_mean_value(g.mean_value);
  };
  set_group(groups.heavy, out.mutable_heavy());
  set_group(groups.medium, out.mutable_medium());
  set_group(groups.light, out.mutable_light());
  return out;
}

absl::StatusOr<v1::ReciprocityMatrix> BuildReciprocityMatrix(storage::AnalysisRepository& runs,
                                                             storage::AnalysisSources& sources,
                                                             const storage::TenantId& tenant,
                                                             const std::string& run_id,
                                                             const v1::GetReciprocityMatrixRequest& request,
                                                             absl::Time deadline) {
  absl::StatusOr<absl::flat_hash_map<std::string, double>> fit = sources.MeanSatisfactionByContact(tenant, deadline);
  if (!fit.ok()) return fit.status();
  const bool by_clv = request.value() == v1::RECIPROCITY_VALUE_CLV;
  std::vector<double> values, fits;
  bool clv_missing = false;
  absl::Status scanned = runs.ScanValues(
      tenant, run_id,
      [&](const storage::CustomerValueRow& row) {
        auto it = fit->find(row.contact_id);
        if (it == fit->end()) return;
        if (by_clv && !row.clv_micros) {
          clv_missing = true;
          return;
        }
        values.push_back(static_cast<double>(by_clv ? *row.clv_micros : row.current_value_micros) / 1e6);
        fits.push_back(it->second);
      },
      deadline);
  if (!scanned.ok()) return scanned;
  if (by_clv && clv_missing && values.empty()) {
    return absl::FailedPreconditionError(
        "value: CLV is unavailable in this run (see GetModelFit); use RECIPROCITY_VALUE_UNSPECIFIED (current value)");
  }
  if (values.empty()) {
    return absl::FailedPreconditionError(
        "no customer of the run has a satisfaction score: record survey interactions or complaint follow-ups "
        "with satisfaction_score first");
  }
  const double tolerance = request.has_balance_tolerance() ? request.balance_tolerance() : 0.2;
  const std::vector<analysis::ReciprocityPosition> positions = analysis::PlaceOnReciprocityMatrix(values, fits, tolerance);
  struct Sum {
    int64_t n = 0;
    double value = 0, fit = 0;
  } sums[4];
  v1::ReciprocityMatrix out;
  out.set_run(absl::StrCat("analysisRuns/", run_id));
  out.set_scored_customers(static_cast<int64_t>(positions.size()));
  int64_t balanced = 0;
  for (size_t i = 0; i < positions.size(); ++i) {
    Sum& sum = sums[static_cast<int>(positions[i].quadrant)];
    ++sum.n;
    sum.value += values[i];
    sum.fit += fits[i];
    balanced += positions[i].balanced;
  }
  const auto set = [&](analysis::ReciprocityQuadrant q, v1::ReciprocityQuadrantFigures* figures) {
    const Sum& sum = sums[static_cast<int>(q)];
    figures->set_customers(sum.n);
    figures->set_mean_value(sum.n > 0 ? sum.value / static_cast<double>(sum.n) : 0);
    figures->set_mean_fit(sum.n > 0 ? sum.fit / static_cast<double>(sum.n) : 0);
  };
  set(analysis::ReciprocityQuadrant::kKeep, out.mutable_keep());
  set(analysis::ReciprocityQuadrant::kDevelop, out.mutable_develop());
  set(analysis::ReciprocityQuadrant::kFix, out.mutable_fix());
  set(analysis::ReciprocityQuadrant::kStop, out.mutable_stop());
  out.set_balanced_customers(balanced);
  return out;
}

}  // namespace crm::server
