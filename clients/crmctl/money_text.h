// Money as decimal text ("1250.5", "-3.99") ⇄ crm.v1.Money's units + nanos, exactly:
// no floating point touches an amount.
#ifndef CRM_CLIENTS_CRMCTL_MONEY_TEXT_H_
#define CRM_CLIENTS_CRMCTL_MONEY_TEXT_H_

#include <cstdint>
#include <string>
#include "absl/strings/string_view.h"

#include "absl/status/statusor.h"

namespace crm::crmctl {

struct MoneyParts {
  int64_t units = 0;
  int32_t nanos = 0;  // same sign as units; a multiple of 1000 (the server keeps micros)
};

// "12", "12.5", "-0.99", "+3.000001"; at most 6 decimals and |units| <= 9e12.
// INVALID_ARGUMENT otherwise ("1,5", "1e3", "", "12.").
absl::StatusOr<MoneyParts> ParseMoneyText(absl::string_view text);

// The shortest exact decimal: 12, 12.5, -0.99, 3.000001.
std::string FormatMoneyText(int64_t units, int32_t nanos);

}  // namespace crm::crmctl

#endif  // CRM_CLIENTS_CRMCTL_MONEY_TEXT_H_
