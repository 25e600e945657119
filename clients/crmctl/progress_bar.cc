#include "clients/crmctl/progress_bar.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace crm::crmctl {
namespace {

constexpr absl::Duration kRedrawInterval = absl::Milliseconds(100);
constexpr int kBarWidth = 20;
// Carriage return, then "erase to the end of the line" (ANSI): the line is redrawn
// in place and a shorter one leaves no leftovers.
constexpr char kRewriteLine[] = "\r\033[K";

}  // namespace

std::string FormatCount(int64_t count) {
  const bool negative = count < 0;
  // Unsigned negation: well defined even for the smallest int64.
  const uint64_t magnitude =
      negative ? uint64_t{0} - static_cast<uint64_t>(count) : static_cast<uint64_t>(count);
  const std::string digits = absl::StrCat(magnitude);
  std::string grouped;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) grouped += ',';
    grouped += digits[i];
  }
  return negative ? "-" + grouped : grouped;
}

std::string DurationClockText(absl::Duration duration) {
  const int64_t total = std::max<int64_t>(0, absl::ToInt64Seconds(duration));
  const int64_t hours = total / 3600;
  const int64_t minutes = (total / 60) % 60;
  const int64_t seconds = total % 60;
  if (hours > 0) return absl::StrFormat("%d:%02d:%02d", hours, minutes, seconds);
  return absl::StrFormat("%d:%02d", minutes, seconds);
}

std::optional<absl::Duration> EstimateRemaining(int64_t done, int64_t total,
                                                absl::Duration elapsed) {
  if (done <= 0 || total <= 0) return std::nullopt;
  if (done >= total) return absl::ZeroDuration();
  return elapsed * (static_cast<double>(total - done) / static_cast<double>(done));
}

std::string FormatProgressLine(const ProgressState& state) {
  std::string line;
  if (state.bytes_total > 0) {
    const double fraction =
        std::clamp(static_cast<double>(state.bytes_done) / static_cast<double>(state.bytes_total),
                   0.0, 1.0);
    const int filled = static_cast<int>(fraction * kBarWidth);
    absl::StrAppendFormat(&line, "%3d%% [%s%s]  ", static_cast<int>(fraction * 100),
                          std::string(filled, '#'), std::string(kBarWidth - filled, '.'));
  }
  absl::StrAppend(&line, FormatCount(state.rows), " rows");
  const double seconds = absl::ToDoubleSeconds(state.elapsed);
  if (seconds > 0) {
    absl::StrAppend(&line, "  ", FormatCount(static_cast<int64_t>(state.rows / seconds)),
                    " rows/s");
  }
  if (state.bytes_total > 0) {
    const std::optional<absl::Duration> remaining =
        EstimateRemaining(state.bytes_done, state.bytes_total, state.elapsed);
    absl::StrAppend(&line, "  ETA ", remaining.has_value() ? DurationClockText(*remaining) : "--:--");
  }
  return line;
}

ProgressBar::ProgressBar(std::ostream& out, int64_t bytes_total, Clock clock)
    : out_(out), bytes_total_(bytes_total), clock_(std::move(clock)) {
  start_ = clock_();
  last_draw_ = start_;
}

void ProgressBar::Update(int64_t rows, int64_t bytes_done) {
  const absl::Time now = clock_();
  if (now - last_draw_ < kRedrawInterval) return;
  last_draw_ = now;
  out_ << kRewriteLine << FormatProgressLine({rows, bytes_done, bytes_total_, now - start_})
       << std::flush;
  drawn_ = true;
}

void ProgressBar::ShowWaiting(int64_t rows_sent) {
  out_ << kRewriteLine << FormatCount(rows_sent)
       << " rows sent, waiting for the server to write them..." << std::flush;
  drawn_ = true;
}

void ProgressBar::Clear() {
  if (!drawn_) return;
  out_ << kRewriteLine << std::flush;
  drawn_ = false;
}

}  // namespace crm::crmctl
