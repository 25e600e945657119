#include "server/analysis/gap_analysis.h"

#include <algorithm>
#include <limits>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"

namespace crm::analysis {
namespace {

double Ratio(double numerator, double denominator) { return denominator > 0 ? numerator / denominator : 0; }

// What one customer did in one period within one scope.
struct Activity {
  int64_t purchases = 0;
  int64_t sales = 0;
  int64_t at_own_store = 0;  // purchases at the customer's managing store
};

struct PeriodData {
  absl::flat_hash_map<uint32_t, Activity> customers;
  int64_t unrecorded_transactions = 0;
  int64_t unrecorded_sales = 0;
};

// `scope_store`: -1 for all stores (managed = managed by any store), else the store
// whose managed customers count as managed.
GapFigures Figures(const PeriodData& data, const std::vector<absl::Time>& first_purchase,
                   const std::vector<int32_t>& managing_store, const PeriodRange& period, int32_t scope_store) {
  GapFigures f;
  int64_t new_purchases = 0, old_purchases = 0, new_repeaters = 0, old_repeaters = 0;
  int64_t managed = 0, managed_repeaters = 0;
  int64_t recorded_transactions = 0, recorded_sales = 0;
  struct Sum {
    int64_t sales = 0, transactions = 0;
  } managed_new, managed_old, unmanaged_old;
  for (const auto& [customer, activity] : data.customers) {
    const bool is_new = first_purchase[customer] >= period.start;
    const int32_t manager = customer < managing_store.size() ? managing_store[customer] : -1;
    const bool is_managed = scope_store < 0 ? manager >= 0 : manager == scope_store;
    ++f.active_customers;
    recorded_transactions += activity.purchases;
    recorded_sales += activity.sales;
    if (is_new) {
      ++f.new_customers;
      new_purchases += activity.purchases;
      new_repeaters += activity.purchases >= 2;
    } else {
      ++f.old_customers;
      old_purchases += activity.purchases;
      old_repeaters += activity.purchases >= 2;
    }
    if (is_managed) {
      ++managed;
      managed_repeaters += activity.at_own_store >= 2;
      Sum& sum = is_new ? managed_new : managed_old;
      sum.sales += activity.sales;
      sum.transactions += activity.purchases;
    } else if (!is_new) {
      unmanaged_old.sales += activity.sales;
      unmanaged_old.transactions += activity.purchases;
    }
  }
  f.unrecorded_transactions = data.unrecorded_transactions;
  f.unrecorded_sales_micros = data.unrecorded_sales;
  f.transactions = recorded_transactions + data.unrecorded_transactions;
  f.sales_micros = recorded_sales + data.unrecorded_sales;
  f.purchases_per_customer = Ratio(static_cast<double>(recorded_transactions), static_cast<double>(f.active_customers));
  f.average_order_value_micros = Ratio(static_cast<double>(recorded_sales), static_cast<double>(recorded_transactions));
  f.new_repeat_rate = Ratio(static_cast<double>(new_repeaters), static_cast<double>(f.new_customers));
  f.old_repeat_rate = Ratio(static_cast<double>(old_repeaters), static_cast<double>(f.old_customers));
  f.new_purchase_frequency = Ratio(static_cast<double>(new_purchases), static_cast<double>(f.new_customers));
  f.old_purchase_frequency = Ratio(static_cast<double>(old_purchases), static_cast<double>(f.old_customers));
  f.managed_share = Ratio(static_cast<double>(managed), static_cast<double>(f.active_customers));
  f.managed_repeat_rate_at_own_store = Ratio(static_cast<double>(managed_repeaters), static_cast<double>(managed));
  const auto aov = [](const Sum& s) { return Ratio(static_cast<double>(s.sales), static_cast<double>(s.transactions)); };
  f.aov_managed_new_micros = aov(managed_new);
  f.aov_managed_old_micros = aov(managed_old);
  f.aov_unmanaged_old_micros = aov(unmanaged_old);
  f.aov_unrecorded_micros =
      Ratio(static_cast<double>(data.unrecorded_sales), static_cast<double>(data.unrecorded_transactions));
  return f;
}

GapComparison Compare(const PeriodData& current, const PeriodData& previous,
                      const std::vector<absl::Time>& first_purchase, const std::vector<int32_t>& managing_store,
                      const PeriodRange& current_range, const PeriodRange& previous_range, int32_t scope_store) {
  GapComparison c;
  c.current = Figures(current, first_purchase, managing_store, current_range, scope_store);
  c.previous = Figures(previous, first_purchase, managing_store, previous_range, scope_store);
  int64_t old_kept = 0, new_kept = 0;
  for (const auto& [customer, activity] : previous.customers) {
    if (!current.customers.contains(customer)) continue;
    (first_purchase[customer] >= previous_range.start ? new_kept : old_kept) += 1;
  }
  c.recruitment_rate = Ratio(static_cast<double>(c.current.new_customers), static_cast<double>(c.previous.active_customers));
  c.old_retention_rate = Ratio(static_cast<double>(old_kept), static_cast<double>(c.previous.old_customers));
  c.new_retention_rate = Ratio(static_cast<double>(new_kept), static_cast<double>(c.previous.new_customers));
  return c;
}

}  // namespace

std::pair<PeriodRange, PeriodRange> PeriodAndPrevious(absl::Time anchor, PeriodKind kind, absl::TimeZone zone) {
  const absl::CivilMonth month = absl::ToCivilMonth(anchor, zone);
  absl::CivilMonth start = month;
  int length = 1;
  if (kind == PeriodKind::kQuarter) {
    start = absl::CivilMonth(month.year(), (month.month() - 1) / 3 * 3 + 1);
    length = 3;
  } else if (kind == PeriodKind::kYear) {
    start = absl::CivilMonth(month.year(), 1);
    length = 12;
  }
  const auto at = [&](absl::CivilMonth m) { return absl::FromCivil(m, zone); };
  return {PeriodRange{at(start), at(start + length)}, PeriodRange{at(start - length), at(start)}};
}

GapAnalysis AnalyzeGaps(const std::vector<StoreTransaction>& transactions,
                        const std::vector<int32_t>& managing_store, const PeriodRange& current,
                        const PeriodRange& previous) {
  // First purchase ever per customer (any store), over the history given.
  uint32_t customers = 0;
  for (const StoreTransaction& t : transactions) {
    if (t.customer) customers = std::max(customers, *t.customer + 1);
  }
  std::vector<absl::Time> first_purchase(customers, absl::InfiniteFuture());
  for (const StoreTransaction& t : transactions) {
    if (t.customer && t.time < current.end) first_purchase[*t.customer] = std::min(first_purchase[*t.customer], t.time);
  }
  PeriodData overall[2];
  std::map<int32_t, PeriodData[2]> stores;
  for (const StoreTransaction& t : transactions) {
    int period = -1;
    if (t.time >= current.start && t.time < current.end) period = 0;
    if (t.time >= previous.start && t.time < previous.end) period = 1;
    if (period < 0) continue;
    for (PeriodData* data : {&overall[period], &stores[t.store][period]}) {
      if (!t.customer) {
        ++data->unrecorded_transactions;
        data->unrecorded_sales += t.amount_micros;
        continue;
      }
      Activity& activity = data->customers[*t.customer];
      ++activity.purchases;
      activity.sales += t.amount_micros;
      const bool own_store = *t.customer < managing_store.size() && managing_store[*t.customer] >= 0 &&
                             managing_store[*t.customer] == t.store;
      activity.at_own_store += own_store;
    }
  }
  GapAnalysis analysis;
  analysis.overall = Compare(overall[0], overall[1], first_purchase, managing_store, current, previous, -1);
  for (auto& [store, data] : stores) {
    analysis.by_store[store] = Compare(data[0], data[1], first_purchase, managing_store, current, previous, store);
  }
  return analysis;
}

}  // namespace crm::analysis
