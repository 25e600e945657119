#ifndef CRM_SERVER_ANALYSIS_RECIPROCITY_H_
#define CRM_SERVER_ANALYSIS_RECIPROCITY_H_

#include <vector>

namespace crm::analysis {

// The reciprocity matrix (DOMAIN.md): value of the customer to the brand (margin or
// CLV) against value of the brand to the customer (satisfaction / fit score).
enum class ReciprocityQuadrant {
  kKeep,     // high fit, high value: balanced and lasting
  kDevelop,  // high fit, low value: cannot or will not spend, develop cheaply
  kFix,      // low fit, high value: spends but is unhappy, fix the offer
  kStop,     // low fit, low value: not a match, stop investing
};

struct ReciprocityPosition {
  ReciprocityQuadrant quadrant = ReciprocityQuadrant::kStop;
  double value_percentile = 0;  // share of customers with a strictly smaller value
  double fit_percentile = 0;
  // On the diagonal: the two percentiles differ by at most the tolerance.
  bool balanced = false;
};

// "High" means at or above the axis's median over the scored customers (the mean of
// the middle two for an even count); percentiles make margins and 0..10 scores
// comparable for the diagonal. `value[i]` and `fit[i]` per customer.
std::vector<ReciprocityPosition> PlaceOnReciprocityMatrix(const std::vector<double>& value,
                                                          const std::vector<double>& fit,
                                                          double balance_tolerance = 0.2);

}  // namespace crm::analysis

#endif  // CRM_SERVER_ANALYSIS_RECIPROCITY_H_
