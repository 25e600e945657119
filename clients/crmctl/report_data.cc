#include "clients/crmctl/report_data.h"

namespace crm::crmctl {

double MoneyUnits(const crm::v1::Money& money) {
  return static_cast<double>(money.units()) + static_cast<double>(money.nanos()) / 1e9;
}

}  // namespace crm::crmctl
