#include "server/crm_server.h"

#include <grpcpp/ext/proto_server_reflection_plugin.h>
#include <grpcpp/health_check_service_interface.h>
#include <grpcpp/resource_quota.h>
#include <grpcpp/security/server_credentials.h>
#include <grpcpp/server_builder.h>

#include "absl/time/clock.h"
#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "server/analysis_runner.h"
#include "server/auth/authenticator.h"
#include "server/lead_sweeper.h"
#include "server/rpc/page_token.h"
#include "server/rpc/rpc_runner.h"
#include "server/services/account_service.h"
#include "server/services/campaign_service.h"
#include "server/services/complaint_service.h"
#include "server/services/contact_service.h"
#include "server/services/interaction_service.h"
#include "server/services/lead_service.h"
#include "server/services/purchase_service.h"
#include "server/services/scheduler_service.h"
#include "server/services/tenant_admin_service.h"
#include "server/services/value_analysis_service.h"
#include "storage/account_repository.h"
#include "storage/analysis_repository.h"
#include "storage/analysis_sources.h"
#include "storage/api_key_repository.h"
#include "storage/campaign_repository.h"
#include "storage/campaign_results_source.h"
#include "storage/campaign_run_repository.h"
#include "storage/connection_pool.h"
#include "storage/complaint_repository.h"
#include "storage/contact_repository.h"
#include "storage/interaction_repository.h"
#include "storage/lead_repository.h"
#include "storage/moments_source.h"
#include "storage/purchase_repository.h"
#include "storage/shared_key_store.h"
#include "storage/tenant_repository.h"

namespace crm::server {

// Owned in dependency order: members are destroyed in reverse, services first.
struct CrmServer::Parts {
  Parts(const storage::MysqlEndpoint& database, const ServerOptions& options, std::string mac_key)
      : pool(database, storage::PoolOptions::WithMaxConnections(options.db_pool_size)),
        tenants(pool),
        keys(pool),
        accounts(pool),
        contacts(pool),
        purchases(pool),
        interactions(pool),
        complaints(pool),
        leads(pool),
        analysis_runs(pool),
        analysis_sources(pool),
        campaigns(pool),
        campaign_runs(pool),
        campaign_results(pool),
        moments(pool),
        authenticator(keys, tenants, options.auth_cache_ttl),
        runner(authenticator),
        page_tokens(std::move(mac_key)),
        tenant_admin(runner, tenants, keys, authenticator, page_tokens),
        account_service(runner, accounts, page_tokens),
        contact_service(runner, contacts, page_tokens),
        purchase_service(runner, purchases, page_tokens),
        interaction_service(runner, interactions, page_tokens),
        complaint_service(runner, complaints, page_tokens),
        lead_service(runner, leads, purchases, page_tokens),
        lead_sweeper(tenants, leads),
        analysis_runner(analysis_runs, purchases, analysis_sources, options.analysis_workers),
        value_analysis_service(runner, analysis_runs, analysis_sources, analysis_runner, page_tokens),
        campaign_service(runner, campaigns, campaign_results, analysis_sources, page_tokens),
        scheduler_service(runner, campaigns, campaign_runs, moments, page_tokens) {}

  storage::ConnectionPool pool;
  storage::TenantRepository tenants;
  storage::ApiKeyRepository keys;
  storage::AccountRepository accounts;
  storage::ContactRepository contacts;
  storage::PurchaseRepository purchases;
  storage::InteractionRepository interactions;
  storage::ComplaintRepository complaints;
  storage::LeadRepository leads;
  storage::AnalysisRepository analysis_runs;
  storage::AnalysisSources analysis_sources;
  storage::CampaignRepository campaigns;
  storage::CampaignRunRepository campaign_runs;
  storage::CampaignResultsSource campaign_results;
  storage::MomentsSource moments;
  Authenticator authenticator;
  RpcRunner runner;
  PageTokenCodec page_tokens;
  TenantAdminService tenant_admin;
  AccountService account_service;
  ContactService contact_service;
  PurchaseService purchase_service;
  InteractionService interaction_service;
  ComplaintService complaint_service;
  LeadService lead_service;
  LeadSweeper lead_sweeper;
  AnalysisRunner analysis_runner;
  ValueAnalysisService value_analysis_service;
  CampaignService campaign_service;
  SchedulerService scheduler_service;
};

absl::StatusOr<std::unique_ptr<CrmServer>> CrmServer::Start(const storage::MysqlEndpoint& database,
                                                            const ServerOptions& options) {
  // The page-token key is shared by all replicas through the database.
  storage::ConnectionPool bootstrap_pool(database, storage::PoolOptions::WithMaxConnections(1));
  absl::StatusOr<std::string> mac_key = storage::GetOrCreatePlatformSecret(
      bootstrap_pool, "page_token_hmac", 32, absl::Now() + absl::Seconds(30));
  if (!mac_key.ok()) return mac_key.status();

  std::unique_ptr<CrmServer> server(new CrmServer());
  server->parts_ = std::make_unique<Parts>(database, options, *std::move(mac_key));

  grpc::EnableDefaultHealthCheckService(true);
  grpc::reflection::InitProtoReflectionServerBuilderPlugin();
  grpc::ServerBuilder builder;
  builder.AddListeningPort(options.listen, grpc::InsecureServerCredentials(), &server->port_);
  builder.SetMaxReceiveMessageSize(options.max_receive_message_bytes);
  grpc::ResourceQuota quota("crm-server");
  quota.SetMaxThreads(options.max_threads);
  builder.SetResourceQuota(quota);
  builder.RegisterService(&server->parts_->tenant_admin);
  builder.RegisterService(&server->parts_->account_service);
  builder.RegisterService(&server->parts_->contact_service);
  builder.RegisterService(&server->parts_->purchase_service);
  builder.RegisterService(&server->parts_->interaction_service);
  builder.RegisterService(&server->parts_->complaint_service);
  builder.RegisterService(&server->parts_->lead_service);
  builder.RegisterService(&server->parts_->value_analysis_service);
  builder.RegisterService(&server->parts_->campaign_service);
  builder.RegisterService(&server->parts_->scheduler_service);
  server->server_ = builder.BuildAndStart();
  if (server->server_ == nullptr || server->port_ == 0) {
    return absl::UnavailableError(absl::StrCat("cannot listen on ", options.listen,
                                               " (address in use or invalid?)"));
  }
  if (options.lead_sweep_interval > absl::ZeroDuration()) {
    server->parts_->lead_sweeper.Start(options.lead_sweep_interval);
  }
  return server;
}

LeadSweeper& CrmServer::lead_sweeper() { return parts_->lead_sweeper; }

AnalysisRunner& CrmServer::analysis_runner() { return parts_->analysis_runner; }

void CrmServer::Shutdown(absl::Duration grace) {
  if (server_ == nullptr) return;
  if (auto* health = server_->GetHealthCheckService()) health->SetServingStatus(false);
  parts_->lead_sweeper.Stop();
  server_->Shutdown(absl::ToChronoTime(absl::Now() + grace));
  // After the calls have drained: a running analysis stops at its next step (the
  // compute step of a very large tenant takes tens of seconds) and is marked FAILED.
  parts_->analysis_runner.Stop();
}

void CrmServer::Wait() {
  if (server_ != nullptr) server_->Wait();
}

CrmServer::~CrmServer() {
  Shutdown(absl::ZeroDuration());
  Wait();
  server_.reset();
}

}  // namespace crm::server
