#include "server/services/analysis_report.h"

#include <cmath>

#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "storage/money.h"

namespace crm::server {
namespace {

// The library's enums list their values in the API's order; tiers and stages have no
// "unspecified" value of their own, so they shift by one.
static_assert(static_cast<int>(analysis::RfmSegment::kGeneralWinBack) == v1::RFM_SEGMENT_GENERAL_WINBACK);
static_assert(static_cast<int>(analysis::AbcClass::kC) == v1::ABC_CLASS_C);
static_assert(static_cast<int>(analysis::ValueTier::kD) + 1 == v1::VALUE_TIER_D);
static_assert(static_cast<int>(analysis::LifecycleStage::kChurned) + 1 == v1::LIFECYCLE_STAGE_CHURNED);

int64_t RoundMicros(double micros) { return static_cast<int64_t>(std::llround(micros)); }

// Accumulates one breakdown of SegmentSummary.
class Breakdown {
 public:
  explicit Breakdown(int groups) : customers_(groups, 0), revenue_(groups, 0), margin_(groups, 0) {}

  void Add(int group, int64_t revenue, int64_t margin) {
    ++customers_[group];
    revenue_[group] += revenue;
    margin_[group] += margin;
  }

  // One entry per group with customers, named by `name(group)`.
  template <typename NameOf>
  void WriteTo(google::protobuf::RepeatedPtrField<v1::SegmentFigures>* out, const std::string& currency,
               NameOf name) const {
    int64_t all_customers = 0, all_revenue = 0, all_margin = 0;
    for (size_t g = 0; g < customers_.size(); ++g) {
      all_customers += customers_[g];
      all_revenue += revenue_[g];
      all_margin += margin_[g];
    }
    for (size_t g = 0; g < customers_.size(); ++g) {
      if (customers_[g] == 0) continue;
      v1::SegmentFigures* figures = out->Add();
      figures->set_group(name(static_cast<int>(g)));
      figures->set_customers(customers_[g]);
      storage::MoneyFromMicros(revenue_[g], figures->mutable_revenue());
      figures->mutable_revenue()->set_currency_code(currency);
      storage::MoneyFromMicros(margin_[g], figures->mutable_margin());
      figures->mutable_margin()->set_currency_code(currency);
      figures->set_customer_share(static_cast<double>(customers_[g]) / static_cast<double>(all_customers));
      figures->set_revenue_share(all_revenue > 0 ? static_cast<double>(revenue_[g]) / static_cast<double>(all_revenue) : 0);
      figures->set_margin_share(all_margin > 0 ? static_cast<double>(margin_[g]) / static_cast<double>(all_margin) : 0);
    }
  }

 private:
  std::vector<int64_t> customers_, revenue_, margin_;
};

v1::FitDiagnostics Diagnostics(const analysis::ModelFit& fit, int64_t customers) {
  v1::FitDiagnostics out;
  out.set_log_likelihood(fit.log_likelihood);
  out.set_iterations(fit.iterations);
  out.set_converged(fit.converged);
  out.set_optimizer_result(fit.optimizer_result);
  out.set_customers(customers);
  return out;
}

}  // namespace

v1::RfmSegment ToProto(analysis::RfmSegment segment) { return static_cast<v1::RfmSegment>(segment); }
v1::AbcClass ToProto(analysis::AbcClass abc) { return static_cast<v1::AbcClass>(abc); }
v1::ValueTier ToProto(analysis::ValueTier tier) { return static_cast<v1::ValueTier>(static_cast<int>(tier) + 1); }
v1::LifecycleStage ToProto(analysis::LifecycleStage stage) {
  return static_cast<v1::LifecycleStage>(static_cast<int>(stage) + 1);
}

std::vector<storage::CustomerValueRow> CustomerValueRows(const analysis::ValueAnalysis& result,
                                                         const std::vector<std::string>& contact_ids) {
  std::vector<storage::CustomerValueRow> rows;
  rows.reserve(result.customers.size());
  for (size_t i = 0; i < result.customers.size(); ++i) {
    const analysis::CustomerValue& c = result.customers[i];
    if (!c.history.active) continue;  // refunds only: not a customer yet
    storage::CustomerValueRow row;
    row.contact_id = contact_ids[i];
    row.recency_days = c.history.recency_days;
    row.frequency = c.window.frequency;
    row.monetary_micros = c.window.monetary_micros;
    row.recency_score = c.rfm.r;
    row.frequency_score = c.rfm.f;
    row.monetary_score = c.rfm.m;
    row.rfm_segment = ToProto(c.rfm.segment);
    row.abc_class = ToProto(c.abc);
    row.value_tier = ToProto(c.tier);
    row.expected_value_micros = RoundMicros(c.expected_value_micros);
    row.historical_value_micros = RoundMicros(c.historical_value_micros);
    row.current_value_micros = RoundMicros(c.current_value_micros);
    if (c.clv_micros) row.clv_micros = RoundMicros(*c.clv_micros);
    if (c.additional_value_micros) row.additional_value_micros = RoundMicros(*c.additional_value_micros);
    row.p_alive = c.p_alive;
    row.expected_purchases = c.expected_purchases;
    row.lifecycle_stage = ToProto(c.lifecycle.stage);
    row.lifecycle_rule = c.lifecycle.rule.substr(0, 200);
    row.repeat_purchases = c.history.x;
    row.days_first_to_last = c.history.t_x;
    row.days_since_first = c.history.T;
    rows.push_back(std::move(row));
  }
  return rows;
}

v1::SegmentSummary BuildSegmentSummary(const analysis::ValueAnalysis& result, const std::string& currency) {
  Breakdown rfm(9), tiers(5), abc(4), stages(7);
  for (const analysis::CustomerValue& c : result.customers) {
    if (!c.history.active) continue;
    const int64_t revenue = c.window.monetary_micros;
    const int64_t margin = c.window.contribution_micros;
    rfm.Add(ToProto(c.rfm.segment), revenue, margin);
    tiers.Add(ToProto(c.tier), revenue, margin);
    abc.Add(ToProto(c.abc), revenue, margin);
    stages.Add(ToProto(c.lifecycle.stage), revenue, margin);
  }
  v1::SegmentSummary out;
  rfm.WriteTo(out.mutable_rfm_segments(), currency,
              [](int g) { return v1::RfmSegment_Name(static_cast<v1::RfmSegment>(g)); });
  tiers.WriteTo(out.mutable_value_tiers(), currency,
                [](int g) { return v1::ValueTier_Name(static_cast<v1::ValueTier>(g)); });
  abc.WriteTo(out.mutable_abc_classes(), currency,
              [](int g) { return v1::AbcClass_Name(static_cast<v1::AbcClass>(g)); });
  stages.WriteTo(out.mutable_lifecycle_stages(), currency,
                 [](int g) { return v1::LifecycleStage_Name(static_cast<v1::LifecycleStage>(g)); });
  out.set_average_recency_days(result.rfm_averages.recency_days);
  out.set_average_frequency(result.rfm_averages.frequency);
  storage::MoneyFromMicros(RoundMicros(result.rfm_averages.monetary_micros), out.mutable_average_monetary());
  out.mutable_average_monetary()->set_currency_code(currency);
  return out;
}

v1::ParetoCurve BuildParetoCurve(const analysis::ValueAnalysis& result, const analysis::AbcThresholds& abc) {
  std::vector<analysis::CustomerSummary> window;
  window.reserve(result.customers.size());
  for (const analysis::CustomerValue& c : result.customers) window.push_back(c.window);
  v1::ParetoCurve out;
  for (const analysis::ParetoPoint& point : analysis::ParetoCurve(window, 100)) {
    v1::ParetoPoint* p = out.add_points();
    p->set_customer_share(point.customer_share);
    p->set_contribution_share(point.contribution_share);
  }
  out.set_abc_a_share(abc.a);
  out.set_abc_b_share(abc.b);
  return out;
}

v1::ModelFit BuildModelFit(const analysis::ValueAnalysis& result) {
  int64_t bgnbd_customers = 0, gamma_gamma_customers = 0;
  for (const analysis::CustomerValue& c : result.customers) {
    if (!c.history.active) continue;
    ++bgnbd_customers;
    if (c.history.x > 0 && c.history.mean_repeat_margin_micros > 0) ++gamma_gamma_customers;
  }
  v1::ModelFit out;
  if (result.bgnbd.ok()) {
    const analysis::BgNbdParameters& p = result.bgnbd->params;
    out.mutable_bgnbd()->set_r(p.r);
    out.mutable_bgnbd()->set_alpha(p.alpha);
    out.mutable_bgnbd()->set_a(p.a);
    out.mutable_bgnbd()->set_b(p.b);
    *out.mutable_bgnbd_fit() = Diagnostics(result.bgnbd->fit, bgnbd_customers);
  } else {
    out.set_bgnbd_error(std::string(result.bgnbd.status().message()));
  }
  if (result.gamma_gamma.ok()) {
    const analysis::GammaGammaParameters& p = result.gamma_gamma->params;
    out.mutable_gamma_gamma()->set_p(p.p);
    out.mutable_gamma_gamma()->set_q(p.q);
    out.mutable_gamma_gamma()->set_gamma(p.gamma);
    *out.mutable_gamma_gamma_fit() = Diagnostics(result.gamma_gamma->fit, gamma_gamma_customers);
  } else {
    out.set_gamma_gamma_error(std::string(result.gamma_gamma.status().message()));
  }
  return out;
}

std::vector<v1::UnavailableResult> UnavailableResults(const analysis::ValueAnalysis& result) {
  // The library lists each as "field, field (note): reason".
  std::vector<v1::UnavailableResult> out;
  for (const std::string& entry : result.unavailable) {
    v1::UnavailableResult unavailable;
    const size_t colon = entry.find(": ");
    std::string fields = entry.substr(0, colon);
    if (const size_t note = fields.find(" ("); note != std::string::npos) fields.resize(note);
    for (absl::string_view field : absl::StrSplit(fields, ", ")) {
      unavailable.add_fields(std::string(absl::StripAsciiWhitespace(field)));
    }
    unavailable.set_reason(colon == std::string::npos ? entry : entry.substr(colon + 2));
    out.push_back(std::move(unavailable));
  }
  return out;
}

}  // namespace crm::server
