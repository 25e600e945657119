#ifndef CRM_SERVER_RPC_STATUS_CONVERSION_H_
#define CRM_SERVER_RPC_STATUS_CONVERSION_H_

#include <grpcpp/support/status.h>

#include "absl/status/status.h"

namespace crm::server {

// absl and gRPC share the canonical code numbers; the message passes through as is
// (every layer below writes messages meant for partner developers, never SQL).
grpc::Status ToGrpcStatus(const absl::Status& status);

}  // namespace crm::server

#endif  // CRM_SERVER_RPC_STATUS_CONVERSION_H_
