#include "clients/crmctl/import_contact_resolver.h"

namespace crm::crmctl {

grpc::Status LookupContactResolver::Resolve(const std::string& external_id, std::string* name) {
  if (auto it = answers_.find(external_id); it != answers_.end()) {
    *name = it->second.name;
    return it->second.status;
  }
  v1::LookupContactRequest request;
  request.set_external_id(external_id);
  v1::Contact contact;
  const std::unique_ptr<grpc::ClientContext> context = new_context_();
  const grpc::Status status = stub_.LookupContact(context.get(), request, &contact);
  const bool definite = status.ok() || status.error_code() == grpc::StatusCode::NOT_FOUND ||
                        status.error_code() == grpc::StatusCode::INVALID_ARGUMENT;
  if (definite) answers_[external_id] = Answer{status, contact.name()};
  *name = contact.name();
  return status;
}

}  // namespace crm::crmctl
