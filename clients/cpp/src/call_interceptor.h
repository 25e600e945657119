// The client interceptor every call of a crm::Client passes through: it attaches the
// API key (unless the caller set its own `authorization`) and gives a request_id to
// a create that has none, so that the retry policy can never create a duplicate.
#ifndef CRM_CLIENTS_CPP_SRC_CALL_INTERCEPTOR_H_
#define CRM_CLIENTS_CPP_SRC_CALL_INTERCEPTOR_H_

#include <memory>
#include <string>

#include <grpcpp/support/client_interceptor.h>

namespace crm::client_internal {

std::unique_ptr<grpc::experimental::ClientInterceptorFactoryInterface>
NewCallInterceptorFactory(std::string api_key);

// Parses `serialized` as `method`'s request (a "/crm.v1.Svc/Method" path) and, when
// the method is a kRequestIdMutation and the request's request_id is empty, sets a
// fresh UUID and re-serialises. False when nothing was changed.
bool FillMissingRequestId(const std::string& method_path, std::string& serialized);

}  // namespace crm::client_internal

#endif  // CRM_CLIENTS_CPP_SRC_CALL_INTERCEPTOR_H_
