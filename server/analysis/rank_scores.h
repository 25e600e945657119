#ifndef CRM_SERVER_ANALYSIS_RANK_SCORES_H_
#define CRM_SERVER_ANALYSIS_RANK_SCORES_H_

#include <cstdint>
#include <vector>

namespace crm::analysis {

// For each value, how many values are strictly smaller. Equal values get equal
// counts, which is what makes every rank-based class here give ties the same class.
std::vector<int64_t> CountStrictlySmaller(const std::vector<double>& values);

// Quantile scores 1..`buckets` (higher value, higher score): 1 + floor(buckets ×
// smaller / n), where `smaller` counts strictly smaller values. Equal values always get
// equal scores; with n distinct values spread evenly each score has n / buckets members.
std::vector<int> QuantileScores(const std::vector<double>& values, int buckets);

// The middle value, or the mean of the middle two for an even count; 0 when empty.
double Median(std::vector<double> values);

}  // namespace crm::analysis

#endif  // CRM_SERVER_ANALYSIS_RANK_SCORES_H_
