#include "server/analysis/store_clusters.h"

#include <cmath>
#include <limits>
#include <random>

#include "absl/strings/str_cat.h"

namespace crm::analysis {
namespace {

double SquaredDistance(const std::vector<double>& a, const std::vector<double>& b) {
  double sum = 0;
  for (size_t i = 0; i < a.size(); ++i) sum += (a[i] - b[i]) * (a[i] - b[i]);
  return sum;
}

}  // namespace

absl::StatusOr<StoreClusters> ClusterStores(const std::vector<std::vector<double>>& features, int k,
                                            uint64_t seed, int max_iterations) {
  const size_t n = features.size();
  if (k < 1 || static_cast<size_t>(k) > n) {
    return absl::InvalidArgumentError(absl::StrCat("k: must be between 1 and the number of stores (", n, ")"));
  }
  const size_t d = features[0].size();
  for (const auto& row : features) {
    if (row.size() != d || d == 0) {
      return absl::InvalidArgumentError("features: every store needs the same, non-zero number of features");
    }
    for (double v : row) {
      if (!std::isfinite(v)) return absl::InvalidArgumentError("features: values must be finite numbers");
    }
  }
  // Standardise each feature.
  std::vector<double> mean(d, 0), sd(d, 0);
  for (const auto& row : features) for (size_t j = 0; j < d; ++j) mean[j] += row[j];
  for (size_t j = 0; j < d; ++j) mean[j] /= static_cast<double>(n);
  for (const auto& row : features) for (size_t j = 0; j < d; ++j) sd[j] += (row[j] - mean[j]) * (row[j] - mean[j]);
  for (size_t j = 0; j < d; ++j) sd[j] = std::sqrt(sd[j] / static_cast<double>(n));
  std::vector<std::vector<double>> z(n, std::vector<double>(d, 0));
  for (size_t i = 0; i < n; ++i) {
    for (size_t j = 0; j < d; ++j) z[i][j] = sd[j] > 0 ? (features[i][j] - mean[j]) / sd[j] : 0;
  }

  // k-means++ seeding: the first centre uniformly, each next one with probability
  // proportional to the squared distance to the nearest centre chosen so far.
  std::mt19937_64 rng(seed);
  std::vector<std::vector<double>> centres;
  centres.push_back(z[std::uniform_int_distribution<size_t>(0, n - 1)(rng)]);
  std::vector<double> nearest(n, std::numeric_limits<double>::max());
  while (centres.size() < static_cast<size_t>(k)) {
    double total = 0;
    for (size_t i = 0; i < n; ++i) {
      nearest[i] = std::min(nearest[i], SquaredDistance(z[i], centres.back()));
      total += nearest[i];
    }
    size_t pick = 0;
    if (total > 0) {
      double target = std::uniform_real_distribution<double>(0, total)(rng);
      for (pick = 0; pick + 1 < n && target >= nearest[pick]; ++pick) target -= nearest[pick];
    } else {
      pick = centres.size();  // all points coincide with centres: take the next row
    }
    centres.push_back(z[pick]);
  }

  // Lloyd iterations until no store changes cluster.
  StoreClusters out;
  out.cluster_of_store.assign(n, -1);
  for (out.iterations = 1; out.iterations <= max_iterations; ++out.iterations) {
    bool changed = false;
    for (size_t i = 0; i < n; ++i) {
      int best = 0;
      double best_distance = std::numeric_limits<double>::max();
      for (int c = 0; c < k; ++c) {
        const double distance = SquaredDistance(z[i], centres[c]);
        if (distance < best_distance) {
          best_distance = distance;
          best = c;
        }
      }
      if (out.cluster_of_store[i] != best) {
        out.cluster_of_store[i] = best;
        changed = true;
      }
    }
    std::vector<std::vector<double>> sums(k, std::vector<double>(d, 0));
    std::vector<int> counts(k, 0);
    for (size_t i = 0; i < n; ++i) {
      ++counts[out.cluster_of_store[i]];
      for (size_t j = 0; j < d; ++j) sums[out.cluster_of_store[i]][j] += z[i][j];
    }
    for (int c = 0; c < k; ++c) {
      if (counts[c] == 0) continue;  // an emptied cluster keeps its centre
      for (size_t j = 0; j < d; ++j) centres[c][j] = sums[c][j] / counts[c];
    }
    if (!changed) break;
  }
  out.iterations = std::min(out.iterations, max_iterations);

  // Centroids in original units, separation per feature, within-cluster SS.
  out.centroids.assign(k, std::vector<double>(d, 0));
  std::vector<int> counts(k, 0);
  for (size_t i = 0; i < n; ++i) {
    ++counts[out.cluster_of_store[i]];
    for (size_t j = 0; j < d; ++j) out.centroids[out.cluster_of_store[i]][j] += features[i][j];
  }
  for (int c = 0; c < k; ++c) {
    for (size_t j = 0; j < d; ++j) out.centroids[c][j] = counts[c] > 0 ? out.centroids[c][j] / counts[c] : 0;
  }
  out.separation.assign(d, 0);
  for (size_t j = 0; j < d; ++j) {
    double total = 0, within = 0;
    for (size_t i = 0; i < n; ++i) {
      total += z[i][j] * z[i][j];  // standardised: mean 0
      const double diff = z[i][j] - centres[out.cluster_of_store[i]][j];
      within += diff * diff;
    }
    out.within_sum_of_squares += within;
    out.separation[j] = total > 0 ? (total - within) / total : 0;
  }
  return out;
}

}  // namespace crm::analysis
