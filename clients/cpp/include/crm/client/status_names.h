// Status codes by name, for messages people read ("NOT_FOUND", not "5").
#ifndef CRM_CLIENT_STATUS_NAMES_H_
#define CRM_CLIENT_STATUS_NAMES_H_

#include <string>

#include <grpcpp/support/status.h>

namespace crm {

// "INVALID_ARGUMENT" for grpc::StatusCode::INVALID_ARGUMENT; "CODE_<n>" for a code
// outside the 17 gRPC defines.
std::string StatusCodeName(grpc::StatusCode code);

}  // namespace crm

#endif  // CRM_CLIENT_STATUS_NAMES_H_
