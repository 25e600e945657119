#include "server/analysis/customer_summary.h"

#include <algorithm>

namespace crm::analysis {
namespace {

int64_t DaysBetween(absl::CivilDay from, absl::CivilDay to) { return to - from; }

}  // namespace

std::vector<CustomerSummary> SummarizeCustomers(const std::vector<PurchaseRecord>& purchases,
                                                size_t customer_count, const SummaryOptions& options) {
  std::vector<CustomerSummary> summaries(customer_count);
  // Group the window's records by customer without sorting all of them: count, then
  // place (a counting sort keeps memory at one index per record).
  std::vector<uint32_t> starts(customer_count + 1, 0);
  for (const PurchaseRecord& record : purchases) {
    if (record.customer >= customer_count || record.time < options.window_start ||
        record.time >= options.as_of) {
      continue;
    }
    ++starts[record.customer + 1];
  }
  for (size_t i = 0; i < customer_count; ++i) starts[i + 1] += starts[i];
  std::vector<uint32_t> order(starts[customer_count]);
  std::vector<uint32_t> next(starts.begin(), starts.end() - 1);
  for (uint32_t i = 0; i < purchases.size(); ++i) {
    const PurchaseRecord& record = purchases[i];
    if (record.customer >= customer_count || record.time < options.window_start ||
        record.time >= options.as_of) {
      continue;
    }
    order[next[record.customer]++] = i;
  }

  const absl::CivilDay as_of_day = absl::ToCivilDay(options.as_of, options.zone);
  struct Day {
    absl::CivilDay day;
    int64_t amount = 0;
    int64_t margin = 0;
  };
  std::vector<Day> days;
  for (size_t customer = 0; customer < customer_count; ++customer) {
    CustomerSummary& summary = summaries[customer];
    days.clear();
    const auto begin = order.begin() + starts[customer];
    const auto end = order.begin() + starts[customer + 1];
    std::sort(begin, end, [&](uint32_t a, uint32_t b) { return purchases[a].time < purchases[b].time; });
    for (auto it = begin; it != end; ++it) {
      const uint32_t index = *it;
      const PurchaseRecord& record = purchases[index];
      const int64_t contribution = record.margin_micros.value_or(record.amount_micros);
      if (record.refund) {
        summary.monetary_micros -= record.amount_micros;
        summary.contribution_micros -= contribution;
        continue;
      }
      ++summary.frequency;
      summary.monetary_micros += record.amount_micros;
      summary.contribution_micros += contribution;
      const absl::CivilDay day = absl::ToCivilDay(record.time, options.zone);
      if (days.empty() || days.back().day != day) days.push_back({day, 0, 0});
      days.back().amount += record.amount_micros;
      days.back().margin += contribution;
    }
    if (days.empty()) continue;
    summary.active = true;
    summary.recency_days = DaysBetween(days.back().day, as_of_day);
    summary.x = static_cast<int64_t>(days.size()) - 1;
    summary.t_x = DaysBetween(days.front().day, days.back().day);
    summary.T = DaysBetween(days.front().day, as_of_day);
    if (summary.x > 0) {
      double amount = 0, margin = 0;
      for (size_t i = 1; i < days.size(); ++i) {
        amount += static_cast<double>(days[i].amount);
        margin += static_cast<double>(days[i].margin);
      }
      summary.mean_repeat_amount_micros = amount / static_cast<double>(summary.x);
      summary.mean_repeat_margin_micros = margin / static_cast<double>(summary.x);
    }
  }
  return summaries;
}

}  // namespace crm::analysis
