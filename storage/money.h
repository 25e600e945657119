#ifndef CRM_STORAGE_MONEY_H_
#define CRM_STORAGE_MONEY_H_

#include <cstdint>

#include "crm/v1/common.pb.h"

namespace crm::storage {

// Money is stored exactly as int64 micros (1e-6 of a currency unit). The service
// validates the range and precision before anything reaches storage.
int64_t MoneyToMicros(const v1::Money& money);
// Sets units and nanos; the currency is left to the caller (the tenant's).
void MoneyFromMicros(int64_t micros, v1::Money* out);

}  // namespace crm::storage

#endif  // CRM_STORAGE_MONEY_H_
