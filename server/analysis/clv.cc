#include "server/analysis/clv.h"

#include <cmath>

namespace crm::analysis {

double DiscountedClv(const BgNbdParameters& params, const RepeatHistory& history,
                     double value_per_purchase, int months, double monthly_discount) {
  double clv = 0;
  double previous = 0;  // E[Y] at the end of the previous month
  for (int i = 1; i <= months; ++i) {
    const double cumulative = BgNbdExpectedPurchases(params, history, i * kDaysPerMonth);
    clv += (cumulative - previous) * value_per_purchase / std::pow(1 + monthly_discount, i);
    previous = cumulative;
  }
  return clv;
}

}  // namespace crm::analysis
