#ifndef CRM_SERVER_ANALYSIS_STORE_CLUSTERS_H_
#define CRM_SERVER_ANALYSIS_STORE_CLUSTERS_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace crm::analysis {

// DOMAIN.md "Store (counter) clustering": per-store feature rows (same length each,
// e.g. sales, customers, frequency, order value, age mix, tenure mix, new/old ratio,
// managed customers, repeat rate, category mix), standardised (z-scores; a constant
// feature contributes nothing), clustered by k-means with k-means++ seeding from a
// fixed seed, so the same input always gives the same clusters.
struct StoreClusters {
  std::vector<int> cluster_of_store;                 // 0..k-1 per input row
  std::vector<std::vector<double>> centroids;        // k rows, in the features' own units
  // Per feature, the share of its (standardised) variance that lies between clusters:
  // between-cluster sum of squares / total sum of squares, 0..1. The larger, the more
  // the feature separates the clusters.
  std::vector<double> separation;
  double within_sum_of_squares = 0;                  // standardised units
  int iterations = 0;
};

// k must be 1..number of stores (INVALID_ARGUMENT naming `k` otherwise); rows must all
// have the same, non-zero number of finite features (INVALID_ARGUMENT naming
// `features`).
absl::StatusOr<StoreClusters> ClusterStores(const std::vector<std::vector<double>>& features, int k,
                                            uint64_t seed = 20261123, int max_iterations = 300);

}  // namespace crm::analysis

#endif  // CRM_SERVER_ANALYSIS_STORE_CLUSTERS_H_
