#ifndef CRM_SERVER_SERVICES_COMPLAINT_SERVICE_H_
#define CRM_SERVER_SERVICES_COMPLAINT_SERVICE_H_

#include "crm/v1/complaint.grpc.pb.h"
#include "server/rpc/page_token.h"
#include "server/rpc/rpc_runner.h"
#include "storage/complaint_repository.h"

namespace crm::server {

class ComplaintService final : public v1::ComplaintService::Service {
 public:
  ComplaintService(RpcRunner& runner, storage::ComplaintRepository& complaints,
                   const PageTokenCodec& page_tokens)
      : runner_(runner), complaints_(complaints), page_tokens_(page_tokens) {}

  grpc::Status CreateComplaint(grpc::ServerContext* context, const v1::CreateComplaintRequest* request,
                               v1::Complaint* response) override;
  grpc::Status GetComplaint(grpc::ServerContext* context, const v1::GetComplaintRequest* request,
                            v1::Complaint* response) override;
  grpc::Status ListComplaints(grpc::ServerContext* context, const v1::ListComplaintsRequest* request,
                              v1::ListComplaintsResponse* response) override;
  grpc::Status UpdateComplaint(grpc::ServerContext* context, const v1::UpdateComplaintRequest* request,
                               v1::Complaint* response) override;

 private:
  RpcRunner& runner_;
  storage::ComplaintRepository& complaints_;
  const PageTokenCodec& page_tokens_;
};

}  // namespace crm::server

#endif  // CRM_SERVER_SERVICES_COMPLAINT_SERVICE_H_
