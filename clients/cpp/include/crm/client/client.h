// crm::Client: one channel to a crm-server with the API key attached, default
// deadlines and safe retries configured, and a stub per crm.v1 service.
//
//   auto client = crm::Client::Create(crm::ClientOptions::FromEnvironment().value());
//   crm::v1::GetContactRequest request;
//   request.set_name("contacts/0190f1e2c3d4");
//   crm::v1::Contact contact;
//   grpc::ClientContext context;             // no deadline set: the default applies
//   grpc::Status status = (*client)->contacts().GetContact(&context, request, &contact);
//
// The stubs are the generated ones (crm/v1/*.grpc.pb.h): every method and message of
// the public contract is available as it is, nothing is wrapped away. A Client is
// thread-safe and meant to be shared; make one per process and server.
#ifndef CRM_CLIENT_CLIENT_H_
#define CRM_CLIENT_CLIENT_H_

#include <memory>
#include <string>

#include <grpcpp/channel.h>

#include "absl/status/statusor.h"
#include "crm/client/client_options.h"
#include "crm/v1/account.grpc.pb.h"
#include "crm/v1/campaign.grpc.pb.h"
#include "crm/v1/complaint.grpc.pb.h"
#include "crm/v1/contact.grpc.pb.h"
#include "crm/v1/interaction.grpc.pb.h"
#include "crm/v1/lead.grpc.pb.h"
#include "crm/v1/purchase.grpc.pb.h"
#include "crm/v1/scheduler.grpc.pb.h"
#include "crm/v1/tenant_admin.grpc.pb.h"
#include "crm/v1/value_analysis.grpc.pb.h"

namespace crm {

class Client {
 public:
  // Builds the channel; does not connect yet (the first call does, or
  // WaitForConnected). INVALID_ARGUMENT for unusable options (empty address, a
  // client certificate without its key, max_attempts < 1, ...).
  static absl::StatusOr<std::unique_ptr<Client>> Create(ClientOptions options);

  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  const ClientOptions& options() const { return options_; }
  // For stubs of other services on the same connection (grpc.health.v1, reflection).
  const std::shared_ptr<grpc::Channel>& channel() const { return channel_; }

  // Connects now. UNAVAILABLE ("cannot reach <address>") if no connection was made
  // within `timeout`.
  absl::Status WaitForConnected(std::chrono::milliseconds timeout);

  crm::v1::TenantAdminService::Stub& tenant_admin() { return *tenant_admin_; }
  crm::v1::AccountService::Stub& accounts() { return *accounts_; }
  crm::v1::ContactService::Stub& contacts() { return *contacts_; }
  crm::v1::PurchaseService::Stub& purchases() { return *purchases_; }
  crm::v1::InteractionService::Stub& interactions() { return *interactions_; }
  crm::v1::ComplaintService::Stub& complaints() { return *complaints_; }
  crm::v1::LeadService::Stub& leads() { return *leads_; }
  crm::v1::ValueAnalysisService::Stub& value_analysis() { return *value_analysis_; }
  crm::v1::CampaignService::Stub& campaigns() { return *campaigns_; }
  crm::v1::SchedulerService::Stub& scheduler() { return *scheduler_; }

 private:
  Client(ClientOptions options, std::shared_ptr<grpc::Channel> channel);

  ClientOptions options_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<crm::v1::TenantAdminService::Stub> tenant_admin_;
  std::unique_ptr<crm::v1::AccountService::Stub> accounts_;
  std::unique_ptr<crm::v1::ContactService::Stub> contacts_;
  std::unique_ptr<crm::v1::PurchaseService::Stub> purchases_;
  std::unique_ptr<crm::v1::InteractionService::Stub> interactions_;
  std::unique_ptr<crm::v1::ComplaintService::Stub> complaints_;
  std::unique_ptr<crm::v1::LeadService::Stub> leads_;
  std::unique_ptr<crm::v1::ValueAnalysisService::Stub> value_analysis_;
  std::unique_ptr<crm::v1::CampaignService::Stub> campaigns_;
  std::unique_ptr<crm::v1::SchedulerService::Stub> scheduler_;
};

// A fresh random UUID (version 4), the form `request_id` fields take.
std::string NewRequestId();

}  // namespace crm

#endif  // CRM_CLIENT_CLIENT_H_
