#include "clients/crmctl/report_period.h"

#include <cctype>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"

namespace crm::crmctl {
namespace {

struct CalendarPeriod {
  crm::v1::PeriodKind kind;
  absl::CivilMonth first;
  int months;
};

bool AllDigits(const std::string& text) {
  if (text.empty()) return false;
  for (char c : text) {
    if (!std::isdigit(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

absl::StatusOr<int> ParseNumber(const std::string& text, int min, int max) {
  int value = 0;
  if (!AllDigits(text) || !absl::SimpleAtoi(text, &value) || value < min || value > max) {
    return absl::InvalidArgumentError("");
  }
  return value;
}

absl::StatusOr<CalendarPeriod> PeriodNamed(const std::string& text, absl::Time now, absl::TimeZone zone) {
  const absl::CivilMonth this_month(absl::ToCivilSecond(now, zone));
  if (text == "month") return CalendarPeriod{crm::v1::PERIOD_KIND_MONTH, this_month - 1, 1};
  if (text == "quarter") {
    const absl::CivilMonth this_quarter(this_month.year(), (this_month.month() - 1) / 3 * 3 + 1);
    return CalendarPeriod{crm::v1::PERIOD_KIND_QUARTER, this_quarter - 3, 3};
  }
  if (text == "year") return CalendarPeriod{crm::v1::PERIOD_KIND_YEAR, absl::CivilMonth(this_month.year() - 1, 1), 12};

  const absl::StatusOr<int> year = ParseNumber(text.substr(0, 4), 1900, 9999);
  if (year.ok() && text.size() == 4) return CalendarPeriod{crm::v1::PERIOD_KIND_YEAR, absl::CivilMonth(*year, 1), 12};
  if (year.ok() && text.size() == 7 && text[4] == '-' && (text[5] == 'q' || text[5] == 'Q')) {
    if (absl::StatusOr<int> quarter = ParseNumber(text.substr(6), 1, 4); quarter.ok()) {
      return CalendarPeriod{crm::v1::PERIOD_KIND_QUARTER, absl::CivilMonth(*year, (*quarter - 1) * 3 + 1), 3};
    }
  }
  if (year.ok() && text.size() == 7 && text[4] == '-') {
    if (absl::StatusOr<int> month = ParseNumber(text.substr(5), 1, 12); month.ok()) {
      return CalendarPeriod{crm::v1::PERIOD_KIND_MONTH, absl::CivilMonth(*year, *month), 1};
    }
  }
  return absl::InvalidArgumentError(absl::StrCat(
      "--period: \"", text, "\" is not month, quarter, year, YYYY-MM, YYYY-Qn or YYYY"));
}

std::string LabelOf(const CalendarPeriod& period, absl::Time start, absl::TimeZone zone) {
  switch (period.kind) {
    case crm::v1::PERIOD_KIND_MONTH:
      return absl::FormatTime("%B %Y", start, zone);
    case crm::v1::PERIOD_KIND_QUARTER:
      return absl::StrCat(period.first.year(), " Q", (period.first.month() - 1) / 3 + 1);
    default:
      return absl::StrCat(period.first.year());
  }
}

}  // namespace

absl::StatusOr<GapPeriod> ParseGapPeriod(const std::string& text, absl::Time now, absl::TimeZone zone) {
  absl::StatusOr<CalendarPeriod> period = PeriodNamed(absl::AsciiStrToLower(text), now, zone);
  if (!period.ok()) return period.status();
  const absl::Time start = absl::FromCivil(absl::CivilSecond(period->first), zone);
  const absl::Time end = absl::FromCivil(absl::CivilSecond(period->first + period->months), zone);
  if (start > now) {
    return absl::InvalidArgumentError(absl::StrCat("--period: ", text, " has not started yet"));
  }
  GapPeriod out;
  out.kind = period->kind;
  // The middle of the period: inside it in any reading of the calendar; the server
  // refuses times in the future, so a period under way is asked for at `now`.
  out.period_time = std::min(start + (end - start) / 2, now);
  out.label = LabelOf(*period, start, zone);
  return out;
}

}  // namespace crm::crmctl
