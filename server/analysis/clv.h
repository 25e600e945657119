#ifndef CRM_SERVER_ANALYSIS_CLV_H_
#define CRM_SERVER_ANALYSIS_CLV_H_

#include "server/analysis/bgnbd.h"

namespace crm::analysis {

// Days in a month for the monthly CLV sum: 365.25 / 12.
inline constexpr double kDaysPerMonth = 365.25 / 12;

// CLV over `months` with monthly discount rate `monthly_discount` (DOMAIN.md):
// Σ_{i=1..H} E[purchases in month i] × value_per_purchase / (1 + d)^i, where
// E[purchases in month i] = E[Y(i·m)] − E[Y((i−1)·m)] from the BG/NBD expectation and
// m = kDaysPerMonth.
double DiscountedClv(const BgNbdParameters& params, const RepeatHistory& history,
                     double value_per_purchase, int months, double monthly_discount);

}  // namespace crm::analysis

#endif  // CRM_SERVER_ANALYSIS_CLV_H_
