#include "server/analysis/value_analysis.h"

#include "absl/strings/str_cat.h"
#include "server/analysis/clv.h"

namespace crm::analysis {
namespace {

// Spend (amounts, refunds subtracted) per customer in [start, end).
std::vector<double> SpendIn(const std::vector<PurchaseRecord>& purchases, size_t n, absl::Time start,
                            absl::Time end) {
  std::vector<double> spend(n, 0);
  for (const PurchaseRecord& p : purchases) {
    if (p.customer >= n || p.time < start || p.time >= end) continue;
    spend[p.customer] += static_cast<double>(p.refund ? -p.amount_micros : p.amount_micros);
  }
  return spend;
}

}  // namespace

absl::StatusOr<ValueAnalysis> AnalyzeCustomerValue(const std::vector<PurchaseRecord>& purchases,
                                                   size_t customer_count,
                                                   const ValueAnalysisSettings& s) {
  const std::vector<CustomerSummary> window =
      SummarizeCustomers(purchases, customer_count, {s.as_of, s.as_of - s.window, s.zone});
  ValueAnalysis out;
  for (const CustomerSummary& summary : window) out.customers_with_purchases += summary.active;
  if (out.customers_with_purchases == 0) {
    return absl::FailedPreconditionError(absl::StrCat(
        "no purchases in the window (", absl::FormatTime(s.as_of - s.window), " to ",
        absl::FormatTime(s.as_of), "): record or import purchases first"));
  }
  const std::vector<CustomerSummary> history =
      SummarizeCustomers(purchases, customer_count, {s.as_of, absl::InfinitePast(), s.zone});
  const std::vector<RfmScore> rfm = ScoreRfm(window, &out.rfm_averages);
  const std::vector<AbcClass> abc = ClassifyAbc(window, s.abc);
  const std::vector<PeriodValues> values =
      ValuesByPeriod(purchases, customer_count, s.as_of - s.current_period, s.as_of);
  const std::vector<double> current_spend = SpendIn(purchases, customer_count, s.as_of - s.current_period, s.as_of);
  const std::vector<double> previous_spend =
      SpendIn(purchases, customer_count, s.as_of - 2 * s.current_period, s.as_of - s.current_period);

  // The models, on everyone who bought before as_of.
  std::vector<RepeatHistory> repeat;
  std::vector<SpendHistory> spend;
  for (const CustomerSummary& h : history) {
    if (!h.active) continue;
    repeat.push_back({static_cast<double>(h.x), static_cast<double>(h.t_x), static_cast<double>(h.T)});
    // Margins in currency units keep the optimiser's scale sensible.
    if (h.x > 0 && h.mean_repeat_margin_micros > 0) spend.push_back({static_cast<double>(h.x), h.mean_repeat_margin_micros / 1e6});
  }
  out.bgnbd = FitBgNbd(repeat, s.min_fit_customers);
  out.gamma_gamma = FitGammaGamma(spend, s.min_fit_customers);
  if (!out.bgnbd.ok()) {
    out.unavailable.push_back(absl::StrCat("p_alive, expected_purchases: ", out.bgnbd.status().message()));
  }
  if (!out.bgnbd.ok() || !out.gamma_gamma.ok()) {
    const absl::Status& why = out.bgnbd.ok() ? out.gamma_gamma.status() : out.bgnbd.status();
    out.unavailable.push_back(absl::StrCat("clv, additional_value (expected_value = current value): ", why.message()));
  }

  out.customers.resize(customer_count);
  std::vector<double> expected_values(customer_count, 0);
  std::vector<bool> is_customer(customer_count, false);
  const double horizon_days = s.clv_horizon_months * kDaysPerMonth;
  for (size_t i = 0; i < customer_count; ++i) {
    CustomerValue& c = out.customers[i];
    c.window = window[i];
    c.history = history[i];
    c.rfm = rfm[i];
    c.abc = abc[i];
    c.current_value_micros = static_cast<double>(values[i].current_micros);
    c.historical_value_micros = static_cast<double>(values[i].historical_micros);
    c.expected_value_micros = c.current_value_micros;
    is_customer[i] = history[i].active;
    if (history[i].active && out.bgnbd.ok()) {
      const RepeatHistory h{static_cast<double>(history[i].x), static_cast<double>(history[i].t_x),
                            static_cast<double>(history[i].T)};
      c.p_alive = BgNbdProbabilityAlive(out.bgnbd->params, h);
      c.expected_purchases = BgNbdExpectedPurchases(out.bgnbd->params, h, horizon_days);
      if (out.gamma_gamma.ok()) {
        const double value = GammaGammaExpectedValue(out.gamma_gamma->params, static_cast<double>(history[i].x),
                                                     history[i].mean_repeat_margin_micros / 1e6) * 1e6;
        c.clv_micros = DiscountedClv(out.bgnbd->params, h, value, s.clv_horizon_months, s.monthly_discount_rate);
        if (*c.p_alive > 0) c.additional_value_micros = *c.clv_micros / *c.p_alive;
        c.expected_value_micros = c.current_value_micros + *c.clv_micros;
      }
    }
    expected_values[i] = c.expected_value_micros;
    LifecycleInputs inputs;
    inputs.has_purchase = history[i].active;
    inputs.purchase_days = history[i].active ? history[i].x + 1 : 0;
    inputs.days_since_first = history[i].T;
    inputs.recency_days = history[i].recency_days;
    inputs.usual_interval_days =
        history[i].x > 0 ? static_cast<double>(history[i].t_x) / static_cast<double>(history[i].x) : 0;
    inputs.p_alive = c.p_alive;
    inputs.current_spend = current_spend[i];
    inputs.previous_spend = previous_spend[i];
    c.lifecycle = AssignLifecycleStage(inputs, s.lifecycle);
  }
  const std::vector<ValueTier> tiers = AssignValueTiers(expected_values, is_customer, s.tiers);
  for (size_t i = 0; i < customer_count; ++i) out.customers[i].tier = tiers[i];
  return out;
}

}  // namespace crm::analysis
