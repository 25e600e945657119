// Finds the contacts/… name of a contact by its external id (for purchase rows that
// name their contact that way), asking the server once per distinct id.
#ifndef CRM_CLIENTS_CRMCTL_IMPORT_CONTACT_RESOLVER_H_
#define CRM_CLIENTS_CRMCTL_IMPORT_CONTACT_RESOLVER_H_

#include <functional>
#include <memory>
#include <string>

#include <grpcpp/client_context.h>
#include <grpcpp/support/status.h>

#include "absl/container/flat_hash_map.h"
#include "crm/v1/contact.grpc.pb.h"

namespace crm::crmctl {

class ContactResolver {
 public:
  virtual ~ContactResolver() = default;
  // Sets `name` to the contact's resource name. NOT_FOUND when no contact has the id.
  virtual grpc::Status Resolve(const std::string& external_id, std::string* name) = 0;
};

// ContactService.LookupContact, each answer (found or NOT_FOUND) cached for the
// rest of the import: a file of many purchases per customer costs one call per
// customer. Other failures (unreachable, deadline) are not cached.
class LookupContactResolver : public ContactResolver {
 public:
  using ContextFactory = std::function<std::unique_ptr<grpc::ClientContext>()>;

  LookupContactResolver(v1::ContactService::StubInterface& stub, ContextFactory new_context)
      : stub_(stub), new_context_(std::move(new_context)) {}

  grpc::Status Resolve(const std::string& external_id, std::string* name) override;

 private:
  struct Answer {
    grpc::Status status;
    std::string name;
  };

  v1::ContactService::StubInterface& stub_;
  ContextFactory new_context_;
  absl::flat_hash_map<std::string, Answer> answers_;
};

}  // namespace crm::crmctl

#endif  // CRM_CLIENTS_CRMCTL_IMPORT_CONTACT_RESOLVER_H_
