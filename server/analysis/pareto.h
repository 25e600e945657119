#ifndef CRM_SERVER_ANALYSIS_PARETO_H_
#define CRM_SERVER_ANALYSIS_PARETO_H_

#include <vector>

#include "server/analysis/customer_summary.h"

namespace crm::analysis {

enum class AbcClass { kNone, kA, kB, kC };

// Tenant settings: the cumulative-contribution shares that end classes A and B.
struct AbcThresholds {
  double a = 0.80;
  double b = 0.95;
};

// ABC by contribution (DOMAIN.md "Pareto (ABC)"): customers sorted by contribution in
// the window (margin, amount where the margin is absent), largest first. A customer's
// class is set by the share of the total positive contribution held by customers with
// a strictly larger contribution (so ties share a class, and the customer whose
// contribution crosses a threshold still belongs to the class below it): < a is A,
// < b is B, otherwise C. Customers whose contribution is zero or negative are C;
// prospects (no purchase in the window) kNone.
std::vector<AbcClass> ClassifyAbc(const std::vector<CustomerSummary>& summaries,
                                  const AbcThresholds& thresholds);

// One point of the Pareto curve: after the top `customer_share` of active customers,
// `contribution_share` of the total positive contribution.
struct ParetoPoint {
  double customer_share = 0;
  double contribution_share = 0;
};

// The curve at `points` evenly spaced customer shares (1/points, ..., 1).
std::vector<ParetoPoint> ParetoCurve(const std::vector<CustomerSummary>& summaries, int points);

}  // namespace crm::analysis

#endif  // CRM_SERVER_ANALYSIS_PARETO_H_
