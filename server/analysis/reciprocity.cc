#include "server/analysis/reciprocity.h"

#include <algorithm>
#include <cmath>

#include "server/analysis/rank_scores.h"

namespace crm::analysis {

std::vector<ReciprocityPosition> PlaceOnReciprocityMatrix(const std::vector<double>& value,
                                                          const std::vector<double>& fit,
                                                          double balance_tolerance) {
  const size_t n = std::min(value.size(), fit.size());
  const std::vector<double> values(value.begin(), value.begin() + static_cast<std::ptrdiff_t>(n));
  const std::vector<double> fits(fit.begin(), fit.begin() + static_cast<std::ptrdiff_t>(n));
  const std::vector<int64_t> value_below = CountStrictlySmaller(values);
  const std::vector<int64_t> fit_below = CountStrictlySmaller(fits);
  const double value_median = Median(values);
  const double fit_median = Median(fits);
  std::vector<ReciprocityPosition> positions(n);
  for (size_t i = 0; i < n; ++i) {
    ReciprocityPosition& p = positions[i];
    p.value_percentile = static_cast<double>(value_below[i]) / static_cast<double>(n);
    p.fit_percentile = static_cast<double>(fit_below[i]) / static_cast<double>(n);
    const bool high_value = values[i] >= value_median;
    const bool high_fit = fits[i] >= fit_median;
    p.quadrant = high_fit ? (high_value ? ReciprocityQuadrant::kKeep : ReciprocityQuadrant::kDevelop)
                          : (high_value ? ReciprocityQuadrant::kFix : ReciprocityQuadrant::kStop);
    p.balanced = std::abs(p.value_percentile - p.fit_percentile) <= balance_tolerance;
  }
  return positions;
}

}  // namespace crm::analysis
