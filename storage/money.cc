#include "storage/money.h"

namespace crm::storage {

int64_t MoneyToMicros(const v1::Money& money) {
  return money.units() * 1000000 + money.nanos() / 1000;
}

void MoneyFromMicros(int64_t micros, v1::Money* out) {
  out->set_units(micros / 1000000);
  out->set_nanos(static_cast<int32_t>((micros % 1000000) * 1000));
}

}  // namespace crm::storage
