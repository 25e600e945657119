#include "server/services/lead_funnel.h"

#include <algorithm>
#include <map>

#include "server/analysis/rank_scores.h"
#include "storage/row_codec.h"

namespace crm::server {
namespace {

using v1::Lead;

void Fill(const storage::LeadSourceCounts& counts, v1::LeadSourceFunnel* out) {
  out->set_created(counts.created);
  out->set_contacted(counts.contacted);
  out->set_converted(counts.converted);
  out->set_invalid(counts.invalid);
  out->set_conversion_rate(counts.created == 0 ? 0.0
                                               : static_cast<double>(counts.converted) /
                                                     static_cast<double>(counts.created));
  if (std::optional<double> median = MedianDays(counts.times_to_convert)) {
    out->set_median_days_to_convert(*median);
  }
  for (const auto& [reason, count] : counts.invalid_reasons) {
    v1::InvalidReasonCount* entry = out->add_invalid_reasons();
    entry->set_reason(reason);
    entry->set_count(count);
  }
}

}  // namespace

std::optional<double> MedianDays(const std::vector<absl::Duration>& durations) {
  if (durations.empty()) return std::nullopt;
  std::vector<double> days;
  days.reserve(durations.size());
  for (absl::Duration d : durations) days.push_back(absl::FDivDuration(d, absl::Hours(24)));
  return analysis::Median(std::move(days));
}

v1::LeadFunnel BuildLeadFunnel(const std::vector<storage::LeadSourceCounts>& counts,
                               absl::Time start, absl::Time end) {
  v1::LeadFunnel funnel;
  storage::ToProtoTimestamp(start, funnel.mutable_start_time());
  storage::ToProtoTimestamp(end, funnel.mutable_end_time());
  std::map<int, const storage::LeadSourceCounts*> by_source;
  for (const storage::LeadSourceCounts& entry : counts) by_source[entry.source] = &entry;
  storage::LeadSourceCounts total;
  std::map<Lead::InvalidReason, int64_t> total_reasons;
  for (int source = Lead::Source_MIN; source <= Lead::Source_MAX; ++source) {
    if (source == Lead::SOURCE_UNSPECIFIED || !Lead::Source_IsValid(source)) continue;
    v1::LeadSourceFunnel* out = funnel.add_sources();
    out->set_source(static_cast<Lead::Source>(source));
    auto found = by_source.find(source);
    if (found == by_source.end()) {
      Fill(storage::LeadSourceCounts{}, out);
      continue;
    }
    const storage::LeadSourceCounts& entry = *found->second;
    Fill(entry, out);
    total.created += entry.created;
    total.contacted += entry.contacted;
    total.converted += entry.converted;
    total.invalid += entry.invalid;
    total.times_to_convert.insert(total.times_to_convert.end(), entry.times_to_convert.begin(),
                                  entry.times_to_convert.end());
    for (const auto& [reason, count] : entry.invalid_reasons) total_reasons[reason] += count;
  }
  for (const auto& [reason, count] : total_reasons) total.invalid_reasons.emplace_back(reason, count);
  Fill(total, funnel.mutable_total());
  return funnel;
}

}  // namespace crm::server
