#include "server/analysis/rfm.h"

#include "server/analysis/rank_scores.h"

namespace crm::analysis {

std::string_view RfmSegmentName(RfmSegment segment) {
  switch (segment) {
    case RfmSegment::kImportantValue: return "IMPORTANT_VALUE";
    case RfmSegment::kImportantDevelop: return "IMPORTANT_DEVELOP";
    case RfmSegment::kImportantKeep: return "IMPORTANT_KEEP";
    case RfmSegment::kImportantWinBack: return "IMPORTANT_WINBACK";
    case RfmSegment::kGeneralValue: return "GENERAL_VALUE";
    case RfmSegment::kGeneralDevelop: return "GENERAL_DEVELOP";
    case RfmSegment::kGeneralKeep: return "GENERAL_KEEP";
    case RfmSegment::kGeneralWinBack: return "GENERAL_WINBACK";
    case RfmSegment::kNone: break;
  }
  return "";
}

namespace {

RfmSegment SegmentOf(bool r_high, bool f_high, bool m_high) {
  if (m_high) {
    if (r_high) return f_high ? RfmSegment::kImportantValue : RfmSegment::kImportantDevelop;
    return f_high ? RfmSegment::kImportantKeep : RfmSegment::kImportantWinBack;
  }
  if (r_high) return f_high ? RfmSegment::kGeneralValue : RfmSegment::kGeneralDevelop;
  return f_high ? RfmSegment::kGeneralKeep : RfmSegment::kGeneralWinBack;
}

}  // namespace

std::vector<RfmScore> ScoreRfm(const std::vector<CustomerSummary>& summaries, RfmAverages* averages) {
  std::vector<size_t> active;
  std::vector<double> recency, frequency, monetary;
  RfmAverages sums;
  for (size_t i = 0; i < summaries.size(); ++i) {
    const CustomerSummary& s = summaries[i];
    if (!s.active) continue;
    active.push_back(i);
    // Negated so that fewer days (more recent) is the larger value and scores 5.
    recency.push_back(-static_cast<double>(s.recency_days));
    frequency.push_back(static_cast<double>(s.frequency));
    monetary.push_back(static_cast<double>(s.monetary_micros));
    sums.recency_days += static_cast<double>(s.recency_days);
    sums.frequency += static_cast<double>(s.frequency);
    sums.monetary_micros += static_cast<double>(s.monetary_micros);
  }
  std::vector<RfmScore> scores(summaries.size());
  RfmAverages mean;
  if (!active.empty()) {
    const auto n = static_cast<double>(active.size());
    mean = {sums.recency_days / n, sums.frequency / n, sums.monetary_micros / n};
  }
  if (averages != nullptr) *averages = mean;
  const std::vector<int> r = QuantileScores(recency, 5);
  const std::vector<int> f = QuantileScores(frequency, 5);
  const std::vector<int> m = QuantileScores(monetary, 5);
  for (size_t k = 0; k < active.size(); ++k) {
    const CustomerSummary& s = summaries[active[k]];
    RfmScore& score = scores[active[k]];
    score.r = r[k];
    score.f = f[k];
    score.m = m[k];
    score.segment = SegmentOf(static_cast<double>(s.recency_days) < mean.recency_days,
                              static_cast<double>(s.frequency) > mean.frequency,
                              static_cast<double>(s.monetary_micros) > mean.monetary_micros);
  }
  return scores;
}

}  // namespace crm::analysis
