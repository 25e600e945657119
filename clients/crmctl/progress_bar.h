// The progress line of long crmctl operations on a terminal (stderr):
//
//    45% [#########...........]  12,340 rows  3,210 rows/s  ETA 0:12
//
// redrawn in place at most 10 times a second and erased at the end. Callers only
// make one when stderr is a terminal; pipes and logs get the final summary alone.
#ifndef CRM_CLIENTS_CRMCTL_PROGRESS_BAR_H_
#define CRM_CLIENTS_CRMCTL_PROGRESS_BAR_H_

#include <cstdint>
#include <functional>
#include <optional>
#include <ostream>
#include <string>

#include "absl/time/clock.h"
#include "absl/time/time.h"

namespace crm::crmctl {

struct ProgressState {
  int64_t rows = 0;         // done so far
  int64_t bytes_done = 0;   // position in the input: the fraction done
  int64_t bytes_total = 0;  // input size; 0 when unknown
  absl::Duration elapsed;
};

// 1234567 → "1,234,567".
std::string FormatCount(int64_t count);
// "0:07", "12:34", "1:02:03" (negative durations count as zero).
std::string DurationClockText(absl::Duration duration);
// Time left at the average speed so far; nullopt until something is done (or when
// the total is unknown).
std::optional<absl::Duration> EstimateRemaining(int64_t done, int64_t total,
                                                absl::Duration elapsed);
// The progress line (no line break), at most 80 columns.
std::string FormatProgressLine(const ProgressState& state);

class ProgressBar {
 public:
  using Clock = std::function<absl::Time()>;

  // `bytes_total`: the input's size (0 if unknown: then no bar and no ETA).
  ProgressBar(std::ostream& out, int64_t bytes_total, Clock clock = &absl::Now);
  ProgressBar(const ProgressBar&) = delete;
  ProgressBar& operator=(const ProgressBar&) = delete;

  // Redraws when at least 100 ms passed since the last draw (the first after 100 ms,
  // so quick runs never show a bar).
  void Update(int64_t rows, int64_t bytes_done);
  // Replaces the bar by "N rows sent, waiting for the server..." at once: the
  // last stretch of a stream where the input is all read but not yet all written.
  void ShowWaiting(int64_t rows_sent);
  // Erases the bar, if one was drawn (before printing a summary).
  void Clear();

 private:
  std::ostream& out_;
  int64_t bytes_total_;
  Clock clock_;
  absl::Time start_;
  absl::Time last_draw_;
  bool drawn_ = false;
};

}  // namespace crm::crmctl

#endif  // CRM_CLIENTS_CRMCTL_PROGRESS_BAR_H_
