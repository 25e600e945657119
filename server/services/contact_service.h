#ifndef CRM_SERVER_SERVICES_CONTACT_SERVICE_H_
#define CRM_SERVER_SERVICES_CONTACT_SERVICE_H_

#include "crm/v1/contact.grpc.pb.h"
#include "server/rpc/page_token.h"
#include "server/rpc/rpc_runner.h"
#include "storage/contact_repository.h"

namespace crm::server {

class ContactService final : public v1::ContactService::Service {
 public:
  ContactService(RpcRunner& runner, storage::ContactRepository& contacts,
                 const PageTokenCodec& page_tokens)
      : runner_(runner), contacts_(contacts), page_tokens_(page_tokens) {}

  grpc::Status CreateContact(grpc::ServerContext* context, const v1::CreateContactRequest* request,
                             v1::Contact* response) override;
  grpc::Status GetContact(grpc::ServerContext* context, const v1::GetContactRequest* request,
                          v1::Contact* response) override;
  grpc::Status ListContacts(grpc::ServerContext* context, const v1::ListContactsRequest* request,
                            v1::ListContactsResponse* response) override;
  grpc::Status UpdateContact(grpc::ServerContext* context, const v1::UpdateContactRequest* request,
                             v1::Contact* response) override;
  grpc::Status DeleteContact(grpc::ServerContext* context, const v1::DeleteContactRequest* request,
                             google::protobuf::Empty* response) override;
  grpc::Status LookupContact(grpc::ServerContext* context, const v1::LookupContactRequest* request,
                             v1::Contact* response) override;
  grpc::Status MergeContacts(grpc::ServerContext* context, const v1::MergeContactsRequest* request,
                             v1::Contact* response) override;
  grpc::Status ExportContacts(grpc::ServerContext* context, const v1::ExportContactsRequest* request,
                              grpc::ServerWriter<v1::Contact>* writer) override;
  grpc::Status ImportContacts(grpc::ServerContext* context,
                              grpc::ServerReader<v1::ImportContactsRequest>* reader,
                              v1::ImportContactsResponse* response) override;
  grpc::Status FindDuplicateContacts(grpc::ServerContext* context,
                                     const v1::FindDuplicateContactsRequest* request,
                                     v1::FindDuplicateContactsResponse* response) override;

 private:
  RpcRunner& runner_;
  storage::ContactRepository& contacts_;
  const PageTokenCodec& page_tokens_;
};

}  // namespace crm::server

#endif  // CRM_SERVER_SERVICES_CONTACT_SERVICE_H_
