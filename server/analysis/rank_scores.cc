#include "server/analysis/rank_scores.h"

#include <algorithm>
#include <numeric>

namespace crm::analysis {

std::vector<int64_t> CountStrictlySmaller(const std::vector<double>& values) {
  std::vector<size_t> order(values.size());
  std::iota(order.begin(), order.end(), size_t{0});
  std::sort(order.begin(), order.end(), [&](size_t a, size_t b) { return values[a] < values[b]; });
  std::vector<int64_t> smaller(values.size(), 0);
  for (size_t i = 0; i < order.size(); ++i) {
    // The first of a run of equal values sets the count for the whole run.
    if (i > 0 && values[order[i]] == values[order[i - 1]]) {
      smaller[order[i]] = smaller[order[i - 1]];
    } else {
      smaller[order[i]] = static_cast<int64_t>(i);
    }
  }
  return smaller;
}

std::vector<int> QuantileScores(const std::vector<double>& values, int buckets) {
  const std::vector<int64_t> smaller = CountStrictlySmaller(values);
  const auto n = static_cast<int64_t>(values.size());
  std::vector<int> scores(values.size());
  for (size_t i = 0; i < values.size(); ++i) {
    scores[i] = 1 + static_cast<int>(buckets * smaller[i] / n);
  }
  return scores;
}

double Median(std::vector<double> values) {
  if (values.empty()) return 0;
  const size_t middle = values.size() / 2;
  std::nth_element(values.begin(), values.begin() + static_cast<std::ptrdiff_t>(middle), values.end());
  double median = values[middle];
  if (values.size() % 2 == 0) {
    median = (median + *std::max_element(values.begin(), values.begin() + static_cast<std::ptrdiff_t>(middle))) / 2;
  }
  return median;
}

}  // namespace crm::analysis
