#ifndef CRM_SERVER_VALIDATION_STATUS_MACROS_H_
#define CRM_SERVER_VALIDATION_STATUS_MACROS_H_

#include "absl/status/status.h"

// Runs checks in order and stops at the first failure.
#define CRM_RETURN_IF_ERROR(expr)                        \
  do {                                                   \
    if (absl::Status _s = (expr); !_s.ok()) return _s;   \
  } while (0)

#endif  // CRM_SERVER_VALIDATION_STATUS_MACROS_H_
