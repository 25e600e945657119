#include "server/analysis/value_tiers.h"

#include "server/analysis/rank_scores.h"

namespace crm::analysis {

std::vector<ValueTier> AssignValueTiers(const std::vector<double>& expected_values,
                                        const std::vector<bool>& is_customer, const TierShares& shares) {
  std::vector<ValueTier> tiers(expected_values.size(), ValueTier::kD);
  std::vector<size_t> customers;
  std::vector<double> negated;  // larger EV first: count strictly larger = strictly smaller negation
  for (size_t i = 0; i < expected_values.size(); ++i) {
    if (i < is_customer.size() && is_customer[i]) {
      customers.push_back(i);
      negated.push_back(-expected_values[i]);
    }
  }
  const std::vector<int64_t> larger = CountStrictlySmaller(negated);
  const auto n = static_cast<double>(customers.size());
  for (size_t k = 0; k < customers.size(); ++k) {
    const double share = static_cast<double>(larger[k]) / n;
    tiers[customers[k]] = share < shares.a ? ValueTier::kA
                          : share < shares.a + shares.b ? ValueTier::kB
                                                         : ValueTier::kC;
  }
  return tiers;
}

std::vector<PeriodValues> ValuesByPeriod(const std::vector<PurchaseRecord>& purchases,
                                         size_t customer_count, absl::Time current_start,
                                         absl::Time as_of) {
  std::vector<PeriodValues> values(customer_count);
  for (const PurchaseRecord& record : purchases) {
    if (record.customer >= customer_count || record.time >= as_of) continue;
    const int64_t margin = record.margin_micros.value_or(record.amount_micros) * (record.refund ? -1 : 1);
    PeriodValues& value = values[record.customer];
    (record.time < current_start ? value.historical_micros : value.current_micros) += margin;
  }
  return values;
}

}  // namespace crm::analysis
