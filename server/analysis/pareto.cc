#include "server/analysis/pareto.h"

#include <algorithm>
#include <cmath>

namespace crm::analysis {
namespace {

// Positive contributions of active customers, largest first, with their indexes.
std::vector<std::pair<int64_t, size_t>> RankedContributions(const std::vector<CustomerSummary>& summaries) {
  std::vector<std::pair<int64_t, size_t>> ranked;
  for (size_t i = 0; i < summaries.size(); ++i) {
    if (summaries[i].active) ranked.emplace_back(summaries[i].contribution_micros, i);
  }
  std::sort(ranked.begin(), ranked.end(), [](const auto& a, const auto& b) { return a.first > b.first; });
  return ranked;
}

}  // namespace

std::vector<AbcClass> ClassifyAbc(const std::vector<CustomerSummary>& summaries,
                                  const AbcThresholds& thresholds) {
  std::vector<AbcClass> classes(summaries.size(), AbcClass::kNone);
  const auto ranked = RankedContributions(summaries);
  double total = 0;
  for (const auto& [contribution, index] : ranked) total += static_cast<double>(std::max<int64_t>(contribution, 0));
  double before = 0;  // positive contribution of strictly larger contributors
  for (size_t i = 0; i < ranked.size();) {
    size_t end = i;
    while (end < ranked.size() && ranked[end].first == ranked[i].first) ++end;
    const int64_t contribution = ranked[i].first;
    AbcClass cls = AbcClass::kC;
    if (contribution > 0 && total > 0) {
      const double share = before / total;
      cls = share < thresholds.a ? AbcClass::kA : share < thresholds.b ? AbcClass::kB : AbcClass::kC;
    }
    for (size_t k = i; k < end; ++k) {
      classes[ranked[k].second] = cls;
      before += static_cast<double>(std::max<int64_t>(contribution, 0));
    }
    i = end;
  }
  return classes;
}

std::vector<ParetoPoint> ParetoCurve(const std::vector<CustomerSummary>& summaries, int points) {
  const auto ranked = RankedContributions(summaries);
  std::vector<ParetoPoint> curve;
  if (ranked.empty() || points <= 0) return curve;
  std::vector<double> cumulative(ranked.size());
  double running = 0;
  for (size_t i = 0; i < ranked.size(); ++i) {
    running += static_cast<double>(std::max<int64_t>(ranked[i].first, 0));
    cumulative[i] = running;
  }
  const double total = running;
  const auto n = static_cast<double>(ranked.size());
  for (int p = 1; p <= points; ++p) {
    const double share = static_cast<double>(p) / points;
    const auto count = static_cast<size_t>(std::ceil(share * n - 1e-9));
    const double held = count == 0 ? 0 : cumulative[std::min(count, ranked.size()) - 1];
    curve.push_back({share, total > 0 ? held / total : 0});
  }
  return curve;
}

}  // namespace crm::analysis
