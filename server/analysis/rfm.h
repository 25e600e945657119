#ifndef CRM_SERVER_ANALYSIS_RFM_H_
#define CRM_SERVER_ANALYSIS_RFM_H_

#include <string_view>
#include <vector>

#include "server/analysis/customer_summary.h"

namespace crm::analysis {

// The eight classic segments (DOMAIN.md "RFM"), from R, F and M each compared with the
// tenant average.
enum class RfmSegment {
  kNone,  // a prospect: no purchase in the window
  kImportantValue,    // R high, F high, M high
  kImportantDevelop,  // R high, F low,  M high
  kImportantKeep,     // R low,  F high, M high
  kImportantWinBack,  // R low,  F low,  M high
  kGeneralValue,      // R high, F high, M low
  kGeneralDevelop,    // R high, F low,  M low
  kGeneralKeep,       // R low,  F high, M low
  kGeneralWinBack,    // R low,  F low,  M low
};

// "IMPORTANT_VALUE", ..., "GENERAL_WINBACK"; "" for kNone.
std::string_view RfmSegmentName(RfmSegment segment);

struct RfmScore {
  int r = 0;  // 1..5, 5 = most recent; 0 for prospects
  int f = 0;  // 1..5, 5 = most frequent
  int m = 0;  // 1..5, 5 = highest spend
  RfmSegment segment = RfmSegment::kNone;
};

// The averages a customer is compared with (over active customers).
struct RfmAverages {
  double recency_days = 0;
  double frequency = 0;
  double monetary_micros = 0;
};

// Scores every active customer by quintiles of the tenant's active customers
// (QuantileScores: ties equal; recency reversed so fewer days scores higher) and
// assigns the segment: R is high when recency_days is below the average (bought more
// recently), F and M when above their averages; equal to the average counts as low.
std::vector<RfmScore> ScoreRfm(const std::vector<CustomerSummary>& summaries, RfmAverages* averages);

}  // namespace crm::analysis

#endif  // CRM_SERVER_ANALYSIS_RFM_H_
