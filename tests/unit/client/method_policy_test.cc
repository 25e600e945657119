// The retry class of every crm.v1 method, and the gRPC service config built from
// them. The table lists every method on purpose: a method added to the contract
// fails here until someone has decided whether retrying it is safe.
#include "clients/cpp/src/method_policy.h"

#include <map>
#include <set>
#include <string>

#include <google/protobuf/descriptor.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "crm/client/client_options.h"

namespace crm::client_internal {
namespace {

constexpr RetryClass kRead = RetryClass::kRead;
constexpr RetryClass kIdempotent = RetryClass::kIdempotentMutation;
constexpr RetryClass kRequestId = RetryClass::kRequestIdMutation;
constexpr RetryClass kNotRetried = RetryClass::kNotRetried;

const std::map<std::string, RetryClass>& ExpectedClasses() {
  static const auto* const kExpected = new std::map<std::string, RetryClass>{
      {"crm.v1.TenantAdminService.CreateTenant", kRequestId},
      {"crm.v1.TenantAdminService.GetTenant", kRead},
      {"crm.v1.TenantAdminService.ListTenants", kRead},
      {"crm.v1.TenantAdminService.UpdateTenant", kNotRetried},
      // No request_id: a replay could not return the secret, a retry makes a 2nd key.
      {"crm.v1.TenantAdminService.CreateApiKey", kNotRetried},
      {"crm.v1.TenantAdminService.ListApiKeys", kRead},
      {"crm.v1.TenantAdminService.RevokeApiKey", kIdempotent},
      {"crm.v1.AccountService.CreateAccount", kRequestId},
      {"crm.v1.AccountService.GetAccount", kRead},
      {"crm.v1.AccountService.ListAccounts", kRead},
      {"crm.v1.AccountService.UpdateAccount", kNotRetried},
      {"crm.v1.AccountService.DeleteAccount", kNotRetried},
      {"crm.v1.ContactService.CreateContact", kRequestId},
      {"crm.v1.ContactService.GetContact", kRead},
      {"crm.v1.ContactService.ListContacts", kRead},
      {"crm.v1.ContactService.UpdateContact", kNotRetried},
      {"crm.v1.ContactService.DeleteContact", kNotRetried},
      {"crm.v1.ContactService.LookupContact", kRead},
      {"crm.v1.ContactService.FindDuplicateContacts", kRead},
      {"crm.v1.ContactService.MergeContacts", kRequestId},
      {"crm.v1.ContactService.ExportContacts", kRead},
      {"crm.v1.ContactService.ImportContacts", kIdempotent},
      {"crm.v1.PurchaseService.RecordPurchase", kRequestId},
      {"crm.v1.PurchaseService.GetPurchase", kRead},
      {"crm.v1.PurchaseService.ListPurchases", kRead},
      {"crm.v1.PurchaseService.DeletePurchase", kNotRetried},
      // Rows without an external_id would be imported twice.
      {"crm.v1.PurchaseService.ImportPurchases", kNotRetried},
      {"crm.v1.InteractionService.LogInteraction", kRequestId},
      {"crm.v1.InteractionService.GetInteraction", kRead},
      {"crm.v1.InteractionService.ListInteractions", kRead},
      {"crm.v1.InteractionService.GetContactTimeline", kRead},
      {"crm.v1.ComplaintService.CreateComplaint", kRequestId},
      {"crm.v1.ComplaintService.GetComplaint", kRead},
      {"crm.v1.ComplaintService.ListComplaints", kRead},
      {"crm.v1.ComplaintService.UpdateComplaint", kNotRetried},
      {"crm.v1.LeadService.CreateLead", kRequestId},
      {"crm.v1.LeadService.GetLead", kRead},
      {"crm.v1.LeadService.ListLeads", kRead},
      {"crm.v1.LeadService.UpdateLead", kNotRetried},
      {"crm.v1.LeadService.RecordFollowUp", kRequestId},
      {"crm.v1.LeadService.ListDueFollowUps", kRead},
      {"crm.v1.LeadService.ConvertLead", kNotRetried},
      {"crm.v1.LeadService.InvalidateLead", kNotRetried},
      {"crm.v1.LeadService.GetLeadFunnel", kRead},
      {"crm.v1.ValueAnalysisService.RunAnalysis", kRequestId},
      {"crm.v1.ValueAnalysisService.GetAnalysisRun", kRead},
      {"crm.v1.ValueAnalysisService.ListAnalysisRuns", kRead},
      {"crm.v1.ValueAnalysisService.GetCustomerValue", kRead},
      {"crm.v1.ValueAnalysisService.ListCustomerValues", kRead},
      {"crm.v1.ValueAnalysisService.GetSegmentSummary", kRead},
      {"crm.v1.ValueAnalysisService.GetParetoCurve", kRead},
      {"crm.v1.ValueAnalysisService.GetModelFit", kRead},
      {"crm.v1.ValueAnalysisService.ComputeGapAnalysis", kRead},
      {"crm.v1.ValueAnalysisService.ClusterStores", kRead},
      {"crm.v1.ValueAnalysisService.ComputeBrandValue", kRead},
      {"crm.v1.ValueAnalysisService.GetReciprocityMatrix", kRead},
      {"crm.v1.CampaignService.CreateCampaign", kRequestId},
      {"crm.v1.CampaignService.GetCampaign", kRead},
      {"crm.v1.CampaignService.ListCampaigns", kRead},
      {"crm.v1.CampaignService.UpdateCampaign", kNotRetried},
      {"crm.v1.CampaignService.DeleteCampaign", kNotRetried},
      {"crm.v1.CampaignService.ScheduleCampaign", kNotRetried},
      {"crm.v1.CampaignService.PauseCampaign", kNotRetried},
      {"crm.v1.CampaignService.ResumeCampaign", kNotRetried},
      {"crm.v1.CampaignService.CancelCampaign", kNotRetried},
      {"crm.v1.CampaignService.PreviewAudience", kRead},
      {"crm.v1.CampaignService.ListCampaignRuns", kRead},
      {"crm.v1.CampaignService.RecordResponse", kRequestId},
      {"crm.v1.CampaignService.GetCampaignResults", kRead},
      {"crm.v1.SchedulerService.ClaimRun", kNotRetried},
      // Hands out recipients under the lease: a retry would skip the first batch.
      {"crm.v1.SchedulerService.FetchRecipients", kNotRetried},
      {"crm.v1.SchedulerService.ReportDeliveries", kIdempotent},
      {"crm.v1.SchedulerService.RenewLease", kIdempotent},
      {"crm.v1.SchedulerService.CompleteRun", kNotRetried},
      {"crm.v1.SchedulerService.ReleaseRun", kNotRetried},
      {"crm.v1.SchedulerService.ListDueMoments", kRead},
  };
  return *kExpected;
}

const std::set<std::string> kStreamingMethods = {
    "crm.v1.ContactService.ExportContacts",
    "crm.v1.ContactService.ImportContacts",
    "crm.v1.PurchaseService.ImportPurchases",
};

std::string FullName(const MethodPolicy& policy) { return policy.service + "." + policy.method; }

TEST(MethodPolicyTest, EveryMethodOfEveryServiceFileIsClassified) {
  std::set<std::string> in_contract;
  for (const char* file_name :
       {"crm/v1/tenant_admin.proto", "crm/v1/account.proto", "crm/v1/contact.proto",
        "crm/v1/purchase.proto", "crm/v1/interaction.proto", "crm/v1/complaint.proto",
        "crm/v1/lead.proto", "crm/v1/value_analysis.proto", "crm/v1/campaign.proto",
        "crm/v1/scheduler.proto"}) {
    const google::protobuf::FileDescriptor* file =
        google::protobuf::DescriptorPool::generated_pool()->FindFileByName(file_name);
    ASSERT_NE(file, nullptr) << file_name;
    for (int s = 0; s < file->service_count(); ++s) {
      for (int m = 0; m < file->service(s)->method_count(); ++m) {
        in_contract.insert(file->service(s)->method(m)->full_name());
      }
    }
  }
  std::set<std::string> classified;
  for (const MethodPolicy& policy : CrmMethodPolicies()) {
    EXPECT_TRUE(classified.insert(FullName(policy)).second) << "twice: " << FullName(policy);
  }
  EXPECT_EQ(classified, in_contract);
}

TEST(MethodPolicyTest, ClassesMatchTheContract) {
  std::map<std::string, RetryClass> actual;
  for (const MethodPolicy& policy : CrmMethodPolicies())
    actual[FullName(policy)] = policy.retry_class;
  for (const auto& [method, expected] : ExpectedClasses()) {
    auto it = actual.find(method);
    ASSERT_NE(it, actual.end()) << method << " is not in the contract";
    EXPECT_EQ(static_cast<int>(it->second), static_cast<int>(expected)) << method;
  }
  EXPECT_EQ(actual.size(), ExpectedClasses().size())
      << "a method is missing from the table above: classify it";
}

TEST(MethodPolicyTest, OnlyTheStreamingMethodsAreMarkedStreaming) {
  for (const MethodPolicy& policy : CrmMethodPolicies()) {
    EXPECT_EQ(policy.streaming, kStreamingMethods.count(FullName(policy)) == 1) << FullName(policy);
  }
}

// The methodConfig entry naming `service`/`method`, or null.
const nlohmann::json* FindGroup(const nlohmann::json& config, const std::string& service,
                                const std::string& method) {
  for (const nlohmann::json& group : config["methodConfig"]) {
    for (const nlohmann::json& name : group["name"]) {
      if (name["service"] == service && name["method"] == method) return &group;
    }
  }
  return nullptr;
}

TEST(ServiceConfigTest, GroupsCarryRetryPolicyAndTimeoutByClass) {
  ClientOptions options;
  options.default_timeout = std::chrono::milliseconds(2500);
  options.max_attempts = 3;
  options.initial_backoff = std::chrono::milliseconds(50);
  options.max_backoff = std::chrono::milliseconds(800);
  const nlohmann::json config = nlohmann::json::parse(BuildServiceConfigJson(options));

  // Retried unary, retried streaming, not-retried unary; a not-retried streaming
  // method needs no entry at all.
  ASSERT_EQ(config["methodConfig"].size(), 3u);

  const nlohmann::json* reads = FindGroup(config, "crm.v1.ContactService", "GetContact");
  ASSERT_NE(reads, nullptr);
  // default_timeout + kServiceConfigTimeoutSkew: the skew makes up for gRPC starting
  // the timeout 1 to 2 s early (method_policy.h).
  EXPECT_EQ((*reads)["timeout"], "4.500s");
  const nlohmann::json& retry = (*reads)["retryPolicy"];
  EXPECT_EQ(retry["maxAttempts"], 3);
  EXPECT_EQ(retry["initialBackoff"], "0.050s");
  EXPECT_EQ(retry["maxBackoff"], "0.800s");
  EXPECT_EQ(retry["retryableStatusCodes"], nlohmann::json::array({"UNAVAILABLE"}));
  EXPECT_EQ(FindGroup(config, "crm.v1.ContactService", "CreateContact"), reads);
  EXPECT_EQ(FindGroup(config, "crm.v1.SchedulerService", "ReportDeliveries"), reads);

  const nlohmann::json* mutations = FindGroup(config, "crm.v1.ContactService", "UpdateContact");
  ASSERT_NE(mutations, nullptr);
  EXPECT_EQ((*mutations)["timeout"], "4.500s");
  EXPECT_FALSE(mutations->contains("retryPolicy"));
  EXPECT_EQ(FindGroup(config, "crm.v1.ContactService", "DeleteContact"), mutations);
  EXPECT_EQ(FindGroup(config, "crm.v1.SchedulerService", "FetchRecipients"), mutations);

  const nlohmann::json* export_group = FindGroup(config, "crm.v1.ContactService", "ExportContacts");
  ASSERT_NE(export_group, nullptr);
  EXPECT_FALSE(export_group->contains("timeout"));
  EXPECT_TRUE(export_group->contains("retryPolicy"));
  EXPECT_EQ(FindGroup(config, "crm.v1.ContactService", "ImportContacts"), export_group);

  EXPECT_EQ(FindGroup(config, "crm.v1.PurchaseService", "ImportPurchases"), nullptr);
}

TEST(ServiceConfigTest, OneAttemptMeansNoRetryPolicyAnywhere) {
  ClientOptions options;
  options.max_attempts = 1;
  const nlohmann::json config = nlohmann::json::parse(BuildServiceConfigJson(options));
  ASSERT_FALSE(config["methodConfig"].empty());
  for (const nlohmann::json& group : config["methodConfig"]) {
    EXPECT_FALSE(group.contains("retryPolicy")) << group.dump();
  }
  // The unary methods keep their default timeout.
  const nlohmann::json* reads = FindGroup(config, "crm.v1.ContactService", "GetContact");
  ASSERT_NE(reads, nullptr);
  EXPECT_EQ((*reads)["timeout"], "32.000s");
}

}  // namespace
}  // namespace crm::client_internal
