// CampaignService and SchedulerService against a real MariaDB: the campaign state
// machine, audience previews and snapshots, leased runs with takeover, the contact
// policy across campaigns, delivery reports, hand-computed results, moments of truth,
// every documented bad input, and two-tenant isolation of every RPC.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cppconn/resultset.h>

#include <map>
#include <set>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "storage/money.h"
#include "storage/row_codec.h"
#include "storage/transaction.h"
#include "tests/integration/crm_test_environment.h"

namespace crm::testing {
namespace {

using ::testing::HasSubstr;
using v1::Campaign;

constexpr absl::Duration kDay = absl::Hours(24);

std::string IdOf(const std::string& name) { return name.substr(name.rfind('/') + 1); }

// What a test contact looks like.
struct Person {
  std::string name;
  std::string email;               // empty: none
  v1::ConsentState email_consent = v1::CONSENT_STATE_OPTED_IN;
  std::string phone;
  v1::ConsentState sms_consent = v1::CONSENT_STATE_UNKNOWN;
  std::vector<std::string> tags;
  std::optional<v1::Date> birthday;
};

Person Member(std::string name, std::string email, v1::ConsentState email_consent = v1::CONSENT_STATE_OPTED_IN,
              std::string phone = "", v1::ConsentState sms_consent = v1::CONSENT_STATE_UNKNOWN,
              std::vector<std::string> tags = {}) {
  Person person;
  person.name = std::move(name);
  person.email = std::move(email);
  person.email_consent = email_consent;
  person.phone = std::move(phone);
  person.sms_consent = sms_consent;
  person.tags = std::move(tags);
  return person;
}

std::string NewContact(const TestTenant& tenant, const Person& person) {
  v1::CreateContactRequest request;
  v1::Contact& contact = *request.mutable_contact();
  contact.set_display_name(person.name);
  if (!person.email.empty()) contact.add_emails(person.email);
  if (!person.phone.empty()) contact.add_phones(person.phone);
  for (const std::string& tag : person.tags) contact.add_tags(tag);
  if (person.birthday) *contact.mutable_birthday() = *person.birthday;
  v1::ChannelConsent* email = contact.add_consents();
  email->set_channel(v1::CHANNEL_EMAIL);
  email->set_state(person.email_consent);
  v1::ChannelConsent* sms = contact.add_consents();
  sms->set_channel(v1::CHANNEL_SMS);
  sms->set_state(person.sms_consent);
  v1::Contact created;
  grpc::Status status = Contacts()->CreateContact(WithKey(tenant.integration_key).get(), request, &created);
  EXPECT_TRUE(status.ok()) << status.error_message();
  return created.name();
}

// `count` reachable email contacts tagged `tag`.
std::vector<std::string> NewAudience(const TestTenant& tenant, int count, const std::string& tag) {
  std::vector<std::string> names;
  for (int i = 0; i < count; ++i) {
    names.push_back(NewContact(tenant, Member(absl::StrCat(tag, "-", i), absl::StrCat(tag, i, "@example.com"),
                                        v1::CONSENT_STATE_OPTED_IN, "", v1::CONSENT_STATE_UNKNOWN, {tag})));
  }
  return names;
}

Campaign Definition(const std::string& audience_filter, double control_percent = 0) {
  Campaign campaign;
  campaign.set_display_name("Spring serum launch");
  campaign.set_objective(Campaign::OBJECTIVE_NEW_PRODUCT_LAUNCH);
  campaign.set_audience_filter(audience_filter);
  v1::CampaignCell* cell = campaign.add_cells();
  cell->set_display_name("email");
  cell->set_theme("New serum");
  cell->set_incentive("Free sample");
  cell->set_channel(v1::CAMPAIGN_CHANNEL_EMAIL);
  const absl::Time now = absl::Now();
  storage::ToProtoTimestamp(now - absl::Minutes(1), campaign.mutable_schedule()->mutable_start_time());
  storage::ToProtoTimestamp(now + 30 * kDay, campaign.mutable_schedule()->mutable_end_time());
  campaign.set_control_percent(control_percent);
  v1::ChannelCost* cost = campaign.add_touch_costs();
  cost->set_channel(v1::CAMPAIGN_CHANNEL_EMAIL);
  *cost->mutable_cost_per_touch() = Units(0.5);
  campaign.mutable_response_definition()->add_product_categories("serum");
  campaign.set_attribution_window_days(30);
  return campaign;
}

grpc::Status Create(const TestTenant& tenant, const Campaign& definition, Campaign* created,
                    const std::string& request_id = "") {
  v1::CreateCampaignRequest request;
  *request.mutable_campaign() = definition;
  request.set_request_id(request_id);
  return Campaigns()->CreateCampaign(WithKey(tenant.integration_key).get(), request, created);
}

Campaign CreateScheduled(const TestTenant& tenant, const Campaign& definition) {
  Campaign created;
  grpc::Status status = Create(tenant, definition, &created);
  EXPECT_TRUE(status.ok()) << status.error_message();
  v1::ScheduleCampaignRequest schedule;
  schedule.set_name(created.name());
  Campaign scheduled;
  status = Campaigns()->ScheduleCampaign(WithKey(tenant.integration_key).get(), schedule, &scheduled);
  EXPECT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(scheduled.state(), Campaign::STATE_SCHEDULED);
  return scheduled;
}

v1::ClaimRunResponse Claim(const TestTenant& tenant, const std::string& scheduler = "s1", int lease_seconds = 60) {
  v1::ClaimRunRequest request;
  request.set_scheduler_id(scheduler);
  request.mutable_lease_duration()->set_seconds(lease_seconds);
  v1::ClaimRunResponse response;
  grpc::Status status = Scheduler()->ClaimRun(WithKey(tenant.scheduler_key).get(), request, &response);
  EXPECT_TRUE(status.ok()) << status.error_message();
  return response;
}

grpc::Status Fetch(const TestTenant& tenant, const v1::ClaimRunResponse& lease, int page_size,
                   v1::FetchRecipientsResponse* response) {
  v1::FetchRecipientsRequest request;
  request.set_run(lease.run().name());
  request.set_lease_token(lease.lease_token());
  request.set_page_size(page_size);
  return Scheduler()->FetchRecipients(WithKey(tenant.scheduler_key).get(), request, response);
}

grpc::Status Report(const TestTenant& tenant, const v1::ClaimRunResponse& lease,
                    const std::vector<std::string>& contacts, v1::DeliveryReport::Status status,
                    v1::ReportDeliveriesResponse* response = nullptr) {
  v1::ReportDeliveriesRequest request;
  request.set_run(lease.run().name());
  request.set_lease_token(lease.lease_token());
  for (const std::string& contact : contacts) {
    v1::DeliveryReport* report = request.add_reports();
    report->set_contact(contact);
    report->set_status(status);
  }
  v1::ReportDeliveriesResponse ignored;
  return Scheduler()->ReportDeliveries(WithKey(tenant.scheduler_key).get(), request,
                                       response ? response : &ignored);
}

grpc::Status Complete(const TestTenant& tenant, const v1::ClaimRunResponse& lease, v1::CampaignRun* run = nullptr) {
  v1::CompleteRunRequest request;
  request.set_run(lease.run().name());
  request.set_lease_token(lease.lease_token());
  v1::CampaignRun ignored;
  return Scheduler()->CompleteRun(WithKey(tenant.scheduler_key).get(), request, run ? run : &ignored);
}

// Works every due run to the end the way crm-scheduler does; returns the contacts
// handed out (each once), by campaign name.
std::map<std::string, std::vector<std::string>> RunAll(const TestTenant& tenant) {
  std::map<std::string, std::vector<std::string>> sent;
  for (int guard = 0; guard < 100; ++guard) {
    v1::ClaimRunResponse lease = Claim(tenant);
    if (!lease.has_run()) break;
    const std::string campaign = lease.run().name().substr(0, lease.run().name().find("/runs/"));
    while (true) {
      v1::FetchRecipientsResponse page;
      grpc::Status status = Fetch(tenant, lease, 50, &page);
      EXPECT_TRUE(status.ok()) << status.error_message();
      std::vector<std::string> contacts;
      for (const v1::Recipient& recipient : page.recipients()) contacts.push_back(recipient.contact());
      if (!contacts.empty()) {
        EXPECT_TRUE(Report(tenant, lease, contacts, v1::DeliveryReport::STATUS_SENT).ok());
        sent[campaign].insert(sent[campaign].end(), contacts.begin(), contacts.end());
      }
      if (page.exhausted() || !status.ok()) break;
    }
    grpc::Status completed = Complete(tenant, lease);
    EXPECT_TRUE(completed.ok()) << completed.error_message();
  }
  return sent;
}

Campaign GetCampaign(const TestTenant& tenant, const std::string& name) {
  v1::GetCampaignRequest request;
  request.set_name(name);
  Campaign campaign;
  grpc::Status status = Campaigns()->GetCampaign(WithKey(tenant.analyst_key).get(), request, &campaign);
  EXPECT_TRUE(status.ok()) << status.error_message();
  return campaign;
}

// The frozen control group, read straight from the database.
std::set<std::string> ControlMembers(const TestTenant& tenant, const std::string& campaign) {
  std::set<std::string> members;
  const storage::TenantId id = *storage::TenantId::Make(IdOf(tenant.id));
  absl::Status status = storage::RunTransaction(
      CrmTestEnvironment::Get().pool(), id, absl::Now() + absl::Seconds(10), [&](storage::Transaction& tx) {
        auto rows = tx.Query(
            "SELECT contact_id FROM campaign_recipients WHERE tenant_id = ? AND campaign_id = ? AND is_control = 1",
            {id.value(), IdOf(campaign)});
        while (rows->next()) members.insert(absl::StrCat("contacts/", std::string(rows->getString("contact_id"))));
        return absl::OkStatus();
      });
  EXPECT_TRUE(status.ok()) << status;
  return members;
}

void SetContactPolicy(const TestTenant& tenant, const v1::ContactPolicy& policy) {
  v1::GetTenantRequest get;
  get.set_name(absl::StrCat("tenants/", tenant.id));
  v1::Tenant current;
  ASSERT_TRUE(TenantAdmin()->GetTenant(WithKey(CrmTestEnvironment::Get().admin_key()).get(), get, &current).ok());
  v1::UpdateTenantRequest update;
  *update.mutable_tenant() = current;
  *update.mutable_tenant()->mutable_contact_policy() = policy;
  update.mutable_update_mask()->add_paths("contact_policy");
  v1::Tenant updated;
  grpc::Status status =
      TenantAdmin()->UpdateTenant(WithKey(CrmTestEnvironment::Get().admin_key()).get(), update, &updated);
  ASSERT_TRUE(status.ok()) << status.error_message();
}

TEST(CampaignServiceTest, LifecycleAndStateMachine) {
  const TestTenant tenant = CreateTestTenant("cmp");
  NewAudience(tenant, 3, "vip");
  Campaign created;
  ASSERT_TRUE(Create(tenant, Definition("tags:\"vip\""), &created, "f7d1a3c0-0000-4000-8000-000000000001").ok());
  EXPECT_EQ(created.state(), Campaign::STATE_DRAFT);
  EXPECT_EQ(created.cells(0).channel(), v1::CAMPAIGN_CHANNEL_EMAIL);
  EXPECT_EQ(created.schedule().time_zone(), "UTC");
  Campaign replayed;
  ASSERT_TRUE(Create(tenant, Definition("tags:\"vip\""), &replayed, "f7d1a3c0-0000-4000-8000-000000000001").ok());
  EXPECT_EQ(replayed.name(), created.name());
  EXPECT_EQ(CountRows("campaigns", IdOf(tenant.id)), 1);

  // Update with etag; a stale etag is ABORTED.
  v1::UpdateCampaignRequest update;
  *update.mutable_campaign() = created;
  update.mutable_campaign()->set_display_name("Renamed");
  update.mutable_update_mask()->add_paths("display_name");
  Campaign renamed;
  ASSERT_TRUE(Campaigns()->UpdateCampaign(WithKey(tenant.integration_key).get(), update, &renamed).ok());
  EXPECT_EQ(renamed.display_name(), "Renamed");
  Campaign stale;
  EXPECT_EQ(Campaigns()->UpdateCampaign(WithKey(tenant.integration_key).get(), update, &stale).error_code(),
            grpc::StatusCode::ABORTED);

  // Moves that are not allowed.
  v1::ResumeCampaignRequest resume;
  resume.set_name(created.name());
  Campaign moved;
  EXPECT_EQ(Campaigns()->ResumeCampaign(WithKey(tenant.integration_key).get(), resume, &moved).error_code(),
            grpc::StatusCode::FAILED_PRECONDITION);
  v1::PauseCampaignRequest pause;
  pause.set_name(created.name());
  EXPECT_EQ(Campaigns()->PauseCampaign(WithKey(tenant.integration_key).get(), pause, &moved).error_code(),
            grpc::StatusCode::FAILED_PRECONDITION);

  v1::ScheduleCampaignRequest schedule;
  schedule.set_name(created.name());
  ASSERT_TRUE(Campaigns()->ScheduleCampaign(WithKey(tenant.integration_key).get(), schedule, &moved).ok());
  EXPECT_EQ(moved.state(), Campaign::STATE_SCHEDULED);
  EXPECT_EQ(Campaigns()->ScheduleCampaign(WithKey(tenant.integration_key).get(), schedule, &moved).error_code(),
            grpc::StatusCode::FAILED_PRECONDITION);
  v1::DeleteCampaignRequest remove;
  remove.set_name(created.name());
  v1::DeleteCampaignResponse removed;
  EXPECT_EQ(Campaigns()->DeleteCampaign(WithKey(tenant.integration_key).get(), remove, &removed).error_code(),
            grpc::StatusCode::FAILED_PRECONDITION);
  // Pause before the start, resume back to SCHEDULED.
  ASSERT_TRUE(Campaigns()->PauseCampaign(WithKey(tenant.integration_key).get(), pause, &moved).ok());
  EXPECT_EQ(Claim(tenant).has_run(), false);  // a paused campaign does not start
  ASSERT_TRUE(Campaigns()->ResumeCampaign(WithKey(tenant.integration_key).get(), resume, &moved).ok());
  EXPECT_EQ(moved.state(), Campaign::STATE_SCHEDULED);

  // The first claim starts it: RUNNING, audience frozen.
  v1::ClaimRunResponse lease = Claim(tenant);
  ASSERT_TRUE(lease.has_run());
  EXPECT_EQ(lease.campaign_display_name(), "Renamed");
  EXPECT_EQ(lease.run().recipients(), 3);
  Campaign running = GetCampaign(tenant, created.name());
  EXPECT_EQ(running.state(), Campaign::STATE_RUNNING);
  EXPECT_TRUE(running.has_start_time());
  EXPECT_EQ(running.audience().matched(), 3);
  EXPECT_EQ(running.audience().cells(0).test(), 3);

  // The audience of a started campaign is frozen; its name is not.
  update.mutable_campaign()->set_etag(running.etag());
  update.mutable_campaign()->set_audience_filter("tags:\"other\"");
  update.mutable_update_mask()->Clear();
  update.mutable_update_mask()->add_paths("audience_filter");
  grpc::Status frozen = Campaigns()->UpdateCampaign(WithKey(tenant.integration_key).get(), update, &moved);
  EXPECT_EQ(frozen.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_THAT(frozen.error_message(), HasSubstr("frozen"));
  update.mutable_update_mask()->Clear();
  update.mutable_update_mask()->add_paths("cells");
  update.mutable_campaign()->mutable_cells(0)->set_channel(v1::CAMPAIGN_CHANNEL_SMS);
  EXPECT_EQ(Campaigns()->UpdateCampaign(WithKey(tenant.integration_key).get(), update, &moved).error_code(),
            grpc::StatusCode::FAILED_PRECONDITION);

  // Paused: no recipients, a retry time. Resumed: back to RUNNING.
  pause.set_etag("");
  ASSERT_TRUE(Campaigns()->PauseCampaign(WithKey(tenant.integration_key).get(), pause, &moved).ok());
  v1::FetchRecipientsResponse page;
  ASSERT_TRUE(Fetch(tenant, lease, 10, &page).ok());
  EXPECT_EQ(page.recipients_size(), 0);
  EXPECT_TRUE(page.has_retry_time());
  v1::ClaimRunResponse forged = lease;
  forged.set_lease_token("0123456789abcdef0123456789abcdef");
  EXPECT_EQ(Fetch(tenant, forged, 10, &page).error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  // A started campaign cannot be scheduled (restarted) again; only resumed.
  EXPECT_EQ(Campaigns()->ScheduleCampaign(WithKey(tenant.integration_key).get(), schedule, &moved).error_code(),
            grpc::StatusCode::FAILED_PRECONDITION);
  ASSERT_TRUE(Campaigns()->ResumeCampaign(WithKey(tenant.integration_key).get(), resume, &moved).ok());
  EXPECT_EQ(moved.state(), Campaign::STATE_RUNNING);

  ASSERT_TRUE(Fetch(tenant, lease, 10, &page).ok());
  ASSERT_EQ(page.recipients_size(), 3);
  EXPECT_TRUE(page.exhausted());
  EXPECT_EQ(page.recipients(0).channel(), v1::CAMPAIGN_CHANNEL_EMAIL);
  EXPECT_THAT(page.recipients(0).address(), HasSubstr("@example.com"));
  EXPECT_EQ(page.recipients(0).theme(), "New serum");
  EXPECT_EQ(page.recipients(0).attempt(), 1);
  // Completing with recipients unreported is refused.
  EXPECT_EQ(Complete(tenant, lease).error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  std::vector<std::string> contacts;
  for (const v1::Recipient& recipient : page.recipients()) contacts.push_back(recipient.contact());
  ASSERT_TRUE(Report(tenant, lease, contacts, v1::DeliveryReport::STATUS_SENT).ok());
  v1::CampaignRun run;
  ASSERT_TRUE(Complete(tenant, lease, &run).ok());
  EXPECT_EQ(run.state(), v1::CampaignRun::STATE_COMPLETED);
  EXPECT_EQ(run.reported(), 3);
  EXPECT_EQ(GetCampaign(tenant, created.name()).state(), Campaign::STATE_COMPLETED);
  // Late receipts still land with the last token; other moves are refused.
  v1::ReportDeliveriesResponse receipts;
  ASSERT_TRUE(Report(tenant, lease, {contacts[0]}, v1::DeliveryReport::STATUS_DELIVERED, &receipts).ok());
  EXPECT_EQ(receipts.applied(), 1);
  v1::CancelCampaignRequest cancel;
  cancel.set_name(created.name());
  EXPECT_EQ(Campaigns()->CancelCampaign(WithKey(tenant.integration_key).get(), cancel, &moved).error_code(),
            grpc::StatusCode::FAILED_PRECONDITION);

  v1::ListCampaignsRequest list;
  list.set_filter("state = STATE_COMPLETED");
  v1::ListCampaignsResponse listed;
  ASSERT_TRUE(Campaigns()->ListCampaigns(WithKey(tenant.analyst_key).get(), list, &listed).ok());
  ASSERT_EQ(listed.campaigns_size(), 1);
  v1::ListCampaignRunsRequest runs;
  runs.set_parent(created.name());
  v1::ListCampaignRunsResponse run_list;
  ASSERT_TRUE(Campaigns()->ListCampaignRuns(WithKey(tenant.analyst_key).get(), runs, &run_list).ok());
  ASSERT_EQ(run_list.runs_size(), 1);
  EXPECT_EQ(run_list.runs(0).reported(), 3);
}

TEST(CampaignServiceTest, ARunCompletedWhilePausedCompletesTheCampaignOnResume) {
  const TestTenant tenant = CreateTestTenant("cmp");
  NewAudience(tenant, 2, "p");
  const Campaign campaign = CreateScheduled(tenant, Definition(""));
  v1::ClaimRunResponse lease = Claim(tenant);
  ASSERT_TRUE(lease.has_run());
  v1::FetchRecipientsResponse page;
  ASSERT_TRUE(Fetch(tenant, lease, 10, &page).ok());
  std::vector<std::string> contacts;
  for (const v1::Recipient& recipient : page.recipients()) contacts.push_back(recipient.contact());
  ASSERT_TRUE(Report(tenant, lease, contacts, v1::DeliveryReport::STATUS_SENT).ok());
  v1::PauseCampaignRequest pause;
  pause.set_name(campaign.name());
  Campaign moved;
  ASSERT_TRUE(Campaigns()->PauseCampaign(WithKey(tenant.integration_key).get(), pause, &moved).ok());
  ASSERT_TRUE(Complete(tenant, lease).ok());
  EXPECT_EQ(GetCampaign(tenant, campaign.name()).state(), Campaign::STATE_PAUSED);
  v1::ResumeCampaignRequest resume;
  resume.set_name(campaign.name());
  ASSERT_TRUE(Campaigns()->ResumeCampaign(WithKey(tenant.integration_key).get(), resume, &moved).ok());
  EXPECT_EQ(moved.state(), Campaign::STATE_COMPLETED);
}

TEST(CampaignServiceTest, DraftsCanBeDeletedAndCancelledCampaignsStopHandingOut) {
  const TestTenant tenant = CreateTestTenant("cmp");
  NewAudience(tenant, 4, "x");
  Campaign draft;
  ASSERT_TRUE(Create(tenant, Definition(""), &draft).ok());
  v1::DeleteCampaignRequest remove;
  remove.set_name(draft.name());
  v1::DeleteCampaignResponse removed;
  ASSERT_TRUE(Campaigns()->DeleteCampaign(WithKey(tenant.tenant_admin_key).get(), remove, &removed).ok());
  EXPECT_EQ(CountRows("campaigns", IdOf(tenant.id)), 0);

  const Campaign campaign = CreateScheduled(tenant, Definition(""));
  v1::ClaimRunResponse lease = Claim(tenant);
  ASSERT_TRUE(lease.has_run());
  v1::CancelCampaignRequest cancel;
  cancel.set_name(campaign.name());
  Campaign cancelled;
  ASSERT_TRUE(Campaigns()->CancelCampaign(WithKey(tenant.integration_key).get(), cancel, &cancelled).ok());
  EXPECT_EQ(cancelled.state(), Campaign::STATE_CANCELLED);
  EXPECT_TRUE(cancelled.has_end_time());
  v1::FetchRecipientsResponse page;
  EXPECT_EQ(Fetch(tenant, lease, 10, &page).error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_FALSE(Claim(tenant).has_run());
}

TEST(CampaignServiceTest, BadInputIsRejectedAndWritesNothing) {
  const TestTenant tenant = CreateTestTenant("cmp");
  struct Case {
    std::string what;
    std::function<void(Campaign&)> spoil;
    std::string field;
  };
  const std::vector<Case> cases = {
      {"invalid filter", [](Campaign& c) { c.set_audience_filter("tags:"); }, "campaign.audience_filter"},
      {"field not whitelisted", [](Campaign& c) { c.set_audience_filter("secret_column = 1"); },
       "campaign.audience_filter"},
      {"bad cell filter", [](Campaign& c) { c.mutable_cells(0)->set_filter("((("); }, "campaign.cells[0].filter"},
      {"control above 50", [](Campaign& c) { c.set_control_percent(60); }, "campaign.control_percent"},
      {"control negative", [](Campaign& c) { c.set_control_percent(-1); }, "campaign.control_percent"},
      {"cell without channel", [](Campaign& c) { c.mutable_cells(0)->clear_channel(); }, "campaign.cells[0].channel"},
      {"no cells", [](Campaign& c) { c.clear_cells(); }, "campaign.cells"},
      {"end before start",
       [](Campaign& c) {
         *c.mutable_schedule()->mutable_end_time() = c.schedule().start_time();
         c.mutable_schedule()->mutable_end_time()->set_seconds(c.schedule().start_time().seconds() - 60);
       },
       "campaign.schedule.end_time"},
      {"no objective", [](Campaign& c) { c.clear_objective(); }, "campaign.objective"},
      {"negative cost", [](Campaign& c) { *c.mutable_touch_costs(0)->mutable_cost_per_touch() = Units(-1); },
       "campaign.touch_costs[0].cost_per_touch"},
      {"window too long", [](Campaign& c) { c.set_attribution_window_days(400); }, "campaign.attribution_window_days"},
      {"event without time", [](Campaign& c) { c.set_type(Campaign::TYPE_EVENT); }, "campaign.event_time"},
  };
  for (const Case& bad : cases) {
    Campaign definition = Definition("");
    bad.spoil(definition);
    Campaign created;
    grpc::Status status = Create(tenant, definition, &created);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << bad.what;
    EXPECT_THAT(status.error_message(), HasSubstr(bad.field)) << bad.what;
  }
  EXPECT_EQ(CountRows("campaigns", IdOf(tenant.id)), 0);
  v1::ContactPolicy policy;
  policy.set_quiet_start_hour(21);  // without an end
  v1::GetTenantRequest get;
  get.set_name(absl::StrCat("tenants/", tenant.id));
  v1::Tenant current;
  ASSERT_TRUE(TenantAdmin()->GetTenant(WithKey(CrmTestEnvironment::Get().admin_key()).get(), get, &current).ok());
  EXPECT_EQ(current.contact_policy().max_touches(), 4);  // defaults
  v1::UpdateTenantRequest update;
  *update.mutable_tenant() = current;
  *update.mutable_tenant()->mutable_contact_policy() = policy;
  update.mutable_update_mask()->add_paths("contact_policy");
  v1::Tenant updated;
  grpc::Status status = TenantAdmin()->UpdateTenant(WithKey(CrmTestEnvironment::Get().admin_key()).get(), update,
                                                    &updated);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(), HasSubstr("contact_policy.quiet_end_hour"));
}

TEST(CampaignServiceTest, PreviewCountsCellsControlAndExclusions) {
  const TestTenant tenant = CreateTestTenant("cmp");
  NewAudience(tenant, 20, "club");                                                   // reachable by email
  NewContact(tenant, Member("out", "out@example.com", v1::CONSENT_STATE_OPTED_OUT, "", v1::CONSENT_STATE_UNKNOWN, {"club"}));
  NewContact(tenant, Member("unasked", "u@example.com", v1::CONSENT_STATE_UNKNOWN, "", v1::CONSENT_STATE_UNKNOWN, {"club"}));
  NewContact(tenant, Member("no-email", "", v1::CONSENT_STATE_OPTED_IN, "", v1::CONSENT_STATE_UNKNOWN, {"club"}));
  NewContact(tenant, Member("sms", "", v1::CONSENT_STATE_UNKNOWN, "+4915112345678", v1::CONSENT_STATE_OPTED_IN,
                      {"club", "texter"}));
  NewContact(tenant, Member("outsider", "o@example.com", v1::CONSENT_STATE_OPTED_IN, "", v1::CONSENT_STATE_UNKNOWN, {"other"}));

  Campaign definition = Definition("tags:\"club\"", 25);
  // Cell 0: texters by SMS; cell 1: everyone (by email), so the texter is "already in
  // another cell" there.
  *definition.add_cells() = definition.cells(0);
  definition.mutable_cells(0)->set_display_name("sms");
  definition.mutable_cells(0)->set_filter("tags:\"texter\"");
  definition.mutable_cells(0)->set_channel(v1::CAMPAIGN_CHANNEL_SMS);
  v1::PreviewAudienceRequest request;
  *request.mutable_campaign() = definition;
  v1::AudiencePreview preview;
  grpc::Status status = Campaigns()->PreviewAudience(WithKey(tenant.analyst_key).get(), request, &preview);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(preview.matched(), 24);
  ASSERT_EQ(preview.cells_size(), 2);
  EXPECT_EQ(preview.cells(0).audience(), 1);
  EXPECT_EQ(preview.cells(1).audience(), 20);
  EXPECT_EQ(preview.audience(), 21);
  EXPECT_EQ(preview.cells(1).control() + preview.cells(1).test(), 20);
  EXPECT_EQ(preview.exclusions().opted_out(), 1);
  EXPECT_EQ(preview.exclusions().no_consent(), 1);
  EXPECT_EQ(preview.exclusions().no_address(), 1);
  EXPECT_EQ(preview.exclusions().already_in_another_cell(), 1);
  EXPECT_EQ(preview.exclusions().contact_policy_cap(), 0);

  // The stored campaign previews the same, and its snapshot freezes exactly that.
  Campaign created;
  ASSERT_TRUE(Create(tenant, definition, &created).ok());
  v1::PreviewAudienceRequest stored;
  stored.set_name(created.name());
  v1::AudiencePreview stored_preview;
  ASSERT_TRUE(Campaigns()->PreviewAudience(WithKey(tenant.analyst_key).get(), stored, &stored_preview).ok());
  v1::ScheduleCampaignRequest schedule;
  schedule.set_name(created.name());
  Campaign scheduled;
  ASSERT_TRUE(Campaigns()->ScheduleCampaign(WithKey(tenant.integration_key).get(), schedule, &scheduled).ok());
  const std::map<std::string, std::vector<std::string>> sent = RunAll(tenant);
  const Campaign done = GetCampaign(tenant, created.name());
  EXPECT_EQ(done.audience().SerializeAsString(), stored_preview.SerializeAsString());
  const std::set<std::string> control = ControlMembers(tenant, created.name());
  EXPECT_EQ(static_cast<int64_t>(control.size()), done.audience().control());
  ASSERT_EQ(sent.count(created.name()), 1u);
  EXPECT_EQ(static_cast<int64_t>(sent.at(created.name()).size()), done.audience().audience() - done.audience().control());
  for (const std::string& contact : sent.at(created.name())) EXPECT_FALSE(control.contains(contact));
  EXPECT_EQ(done.state(), Campaign::STATE_COMPLETED);

  // Reproducible: the same campaign's preview after the fact is the frozen one.
  ASSERT_TRUE(Campaigns()->PreviewAudience(WithKey(tenant.analyst_key).get(), stored, &stored_preview).ok());
  EXPECT_EQ(stored_preview.control(), done.audience().control());

  // Neither name nor campaign, or both: INVALID_ARGUMENT.
  v1::PreviewAudienceRequest neither;
  EXPECT_EQ(Campaigns()->PreviewAudience(WithKey(tenant.analyst_key).get(), neither, &preview).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
}

TEST(CampaignServiceTest, ExpiredLeaseIsResumedWithoutResendingReportedRecipients) {
  const TestTenant tenant = CreateTestTenant("cmp");
  NewAudience(tenant, 6, "lease");
  CreateScheduled(tenant, Definition(""));
  v1::ClaimRunResponse first = Claim(tenant, "a", 5);
  ASSERT_TRUE(first.has_run());
  v1::FetchRecipientsResponse page;
  ASSERT_TRUE(Fetch(tenant, first, 4, &page).ok());
  ASSERT_EQ(page.recipients_size(), 4);
  // Two reported; two handed out but never reported (the scheduler "dies").
  ASSERT_TRUE(Report(tenant, first, {page.recipients(0).contact(), page.recipients(1).contact()},
                     v1::DeliveryReport::STATUS_SENT)
                  .ok());
  const std::set<std::string> reported = {page.recipients(0).contact(), page.recipients(1).contact()};
  // Nobody else can claim it while the lease lives.
  EXPECT_FALSE(Claim(tenant, "b").has_run());
  std::this_thread::sleep_for(std::chrono::milliseconds(5300));

  v1::ClaimRunResponse second = Claim(tenant, "b", 60);
  ASSERT_TRUE(second.has_run());
  EXPECT_EQ(second.run().name(), first.run().name());
  EXPECT_NE(second.lease_token(), first.lease_token());
  // The old token is stale everywhere.
  EXPECT_EQ(Fetch(tenant, first, 10, &page).error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(Report(tenant, first, {page.recipients(2).contact()}, v1::DeliveryReport::STATUS_SENT).error_code(),
            grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(Complete(tenant, first).error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  v1::RenewLeaseRequest renew;
  renew.set_run(first.run().name());
  renew.set_lease_token(first.lease_token());
  v1::ClaimRunResponse renewed;
  EXPECT_EQ(Scheduler()->RenewLease(WithKey(tenant.scheduler_key).get(), renew, &renewed).error_code(),
            grpc::StatusCode::FAILED_PRECONDITION);

  v1::FetchRecipientsResponse resumed;
  ASSERT_TRUE(Fetch(tenant, second, 100, &resumed).ok());
  ASSERT_EQ(resumed.recipients_size(), 4);
  int retried = 0;
  std::vector<std::string> contacts;
  for (const v1::Recipient& recipient : resumed.recipients()) {
    EXPECT_FALSE(reported.contains(recipient.contact()));
    retried += recipient.attempt() == 2;
    contacts.push_back(recipient.contact());
  }
  EXPECT_EQ(retried, 2);
  ASSERT_TRUE(Report(tenant, second, contacts, v1::DeliveryReport::STATUS_SENT).ok());
  // Reports are idempotent: the same again is ignored, DELIVERED moves on, FAILED
  // after SENT is ignored.
  v1::ReportDeliveriesResponse again;
  ASSERT_TRUE(Report(tenant, second, contacts, v1::DeliveryReport::STATUS_SENT, &again).ok());
  EXPECT_EQ(again.applied(), 0);
  EXPECT_EQ(again.ignored(), 4);
  ASSERT_TRUE(Report(tenant, second, {contacts[0]}, v1::DeliveryReport::STATUS_DELIVERED, &again).ok());
  EXPECT_EQ(again.applied(), 1);
  ASSERT_TRUE(Report(tenant, second, {contacts[0]}, v1::DeliveryReport::STATUS_FAILED, &again).ok());
  EXPECT_EQ(again.ignored(), 1);
  renew.set_lease_token(second.lease_token());
  ASSERT_TRUE(Scheduler()->RenewLease(WithKey(tenant.scheduler_key).get(), renew, &renewed).ok());
  EXPECT_GT(renewed.lease_expire_time().seconds(), second.lease_expire_time().seconds() - 1);
  v1::CampaignRun run;
  ASSERT_TRUE(Complete(tenant, second, &run).ok());
  EXPECT_EQ(run.handed_out(), 6);
  EXPECT_EQ(run.reported(), 6);
}

TEST(CampaignServiceTest, AReleasedRunIsResumedAtOnceByAnotherScheduler) {
  const TestTenant tenant = CreateTestTenant("cmp");
  NewAudience(tenant, 4, "rel");
  CreateScheduled(tenant, Definition(""));
  v1::ClaimRunResponse first = Claim(tenant, "a", 600);
  ASSERT_TRUE(first.has_run());
  v1::FetchRecipientsResponse page;
  ASSERT_TRUE(Fetch(tenant, first, 2, &page).ok());
  ASSERT_EQ(page.recipients_size(), 2);
  ASSERT_TRUE(Report(tenant, first, {page.recipients(0).contact()}, v1::DeliveryReport::STATUS_SENT).ok());
  v1::ReleaseRunRequest release;
  release.set_run(first.run().name());
  release.set_lease_token(first.lease_token());
  v1::CampaignRun released;
  ASSERT_TRUE(Scheduler()->ReleaseRun(WithKey(tenant.scheduler_key).get(), release, &released).ok());
  EXPECT_EQ(released.state(), v1::CampaignRun::STATE_PENDING);
  // The token is stale now, for a second release too.
  EXPECT_EQ(Scheduler()->ReleaseRun(WithKey(tenant.scheduler_key).get(), release, &released).error_code(),
            grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(Fetch(tenant, first, 10, &page).error_code(), grpc::StatusCode::FAILED_PRECONDITION);

  v1::ClaimRunResponse second = Claim(tenant, "b");  // no waiting for the 600 s lease
  ASSERT_TRUE(second.has_run());
  EXPECT_EQ(second.run().name(), first.run().name());
  v1::FetchRecipientsResponse rest;
  ASSERT_TRUE(Fetch(tenant, second, 10, &rest).ok());
  ASSERT_EQ(rest.recipients_size(), 3);  // the unreported one again, and the two never handed out
  int retried = 0;
  for (const v1::Recipient& recipient : rest.recipients()) {
    EXPECT_NE(recipient.contact(), page.recipients(0).contact());
    retried += recipient.attempt() == 2;
  }
  EXPECT_EQ(retried, 1);
  // Malformed: INVALID_ARGUMENT.
  release.set_run("campaigns/x");
  EXPECT_EQ(Scheduler()->ReleaseRun(WithKey(tenant.scheduler_key).get(), release, &released).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
}

TEST(CampaignServiceTest, ReportingBadInputIsRejectedAndWritesNothing) {
  const TestTenant tenant = CreateTestTenant("cmp");
  NewAudience(tenant, 3, "r");
  const std::string outsider = NewContact(tenant, Member("outsider", "o@example.com", v1::CONSENT_STATE_OPTED_IN, "", v1::CONSENT_STATE_UNKNOWN, {}));
  CreateScheduled(tenant, Definition("tags:\"r\""));
  v1::ClaimRunResponse lease = Claim(tenant);
  ASSERT_TRUE(lease.has_run());
  v1::FetchRecipientsResponse page;
  ASSERT_TRUE(Fetch(tenant, lease, 1, &page).ok());
  ASSERT_EQ(page.recipients_size(), 1);
  // A contact not in the run, together with a good one: NOT_FOUND, nothing applied.
  grpc::Status status =
      Report(tenant, lease, {page.recipients(0).contact(), outsider}, v1::DeliveryReport::STATUS_SENT);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_THAT(status.error_message(), HasSubstr("reports[1].contact"));
  v1::ListCampaignRunsRequest runs;
  runs.set_parent(lease.run().name().substr(0, lease.run().name().find("/runs/")));
  v1::ListCampaignRunsResponse listed;
  ASSERT_TRUE(Campaigns()->ListCampaignRuns(WithKey(tenant.analyst_key).get(), runs, &listed).ok());
  EXPECT_EQ(listed.runs(0).reported(), 0);
  // In the run but never handed out: FAILED_PRECONDITION.
  v1::FetchRecipientsResponse rest;
  // (peek at who is left by another fetch later; here report a malformed name)
  EXPECT_EQ(Report(tenant, lease, {"contacts/"}, v1::DeliveryReport::STATUS_SENT).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(Report(tenant, lease, {page.recipients(0).contact()}, v1::DeliveryReport::STATUS_UNSPECIFIED)
                .error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(Report(tenant, lease, {}, v1::DeliveryReport::STATUS_SENT).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
  v1::ReportDeliveriesRequest future;
  future.set_run(lease.run().name());
  future.set_lease_token(lease.lease_token());
  future.add_reports()->set_contact(page.recipients(0).contact());
  future.mutable_reports(0)->set_status(v1::DeliveryReport::STATUS_SENT);
  storage::ToProtoTimestamp(absl::Now() + absl::Hours(1), future.mutable_reports(0)->mutable_event_time());
  v1::ReportDeliveriesResponse ignored;
  EXPECT_EQ(Scheduler()->ReportDeliveries(WithKey(tenant.scheduler_key).get(), future, &ignored).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
  v1::ClaimRunResponse forged = lease;
  forged.set_lease_token("0123456789abcdef0123456789abcdef");
  EXPECT_EQ(Fetch(tenant, forged, 10, &rest).error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  v1::ClaimRunResponse bad_run = lease;
  bad_run.mutable_run()->set_name("campaigns/x/runs/zero");
  EXPECT_EQ(Fetch(tenant, bad_run, 10, &rest).error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  v1::ClaimRunRequest claim;
  claim.set_scheduler_id("s");
  claim.mutable_lease_duration()->set_seconds(1);
  v1::ClaimRunResponse claimed;
  EXPECT_EQ(Scheduler()->ClaimRun(WithKey(tenant.scheduler_key).get(), claim, &claimed).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
  // Only SCHEDULER keys drive runs.
  claim.mutable_lease_duration()->set_seconds(60);
  EXPECT_EQ(Scheduler()->ClaimRun(WithKey(tenant.integration_key).get(), claim, &claimed).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(CountRows("contact_touches", IdOf(tenant.id)), 1);
}

TEST(CampaignServiceTest, ContactPolicyCapsTouchesAcrossCampaignsAndQuietHoursHold) {
  const TestTenant tenant = CreateTestTenant("cmp");
  v1::ContactPolicy policy;
  policy.set_max_touches(1);
  policy.set_max_touches_per_channel(1);
  policy.set_period_days(7);
  SetContactPolicy(tenant, policy);
  const std::vector<std::string> audience = NewAudience(tenant, 10, "cap");
  // Two overlapping campaigns over the same contacts: each contact gets one touch.
  CreateScheduled(tenant, Definition(""));
  CreateScheduled(tenant, Definition(""));
  v1::PreviewAudienceRequest preview_request;
  *preview_request.mutable_campaign() = Definition("");
  const std::map<std::string, std::vector<std::string>> sent = RunAll(tenant);
  std::multiset<std::string> touched;
  for (const auto& [campaign, contacts] : sent) touched.insert(contacts.begin(), contacts.end());
  EXPECT_EQ(touched.size(), audience.size());
  for (const std::string& contact : audience) EXPECT_EQ(touched.count(contact), 1u) << contact;
  EXPECT_EQ(CountRows("contact_touches", IdOf(tenant.id)), 10);
  // Everyone is at the cap now: the preview says so.
  v1::AudiencePreview preview;
  ASSERT_TRUE(Campaigns()->PreviewAudience(WithKey(tenant.analyst_key).get(), preview_request, &preview).ok());
  EXPECT_EQ(preview.exclusions().contact_policy_cap(), 10);

  // Results count the skipped recipients.
  v1::ListCampaignsRequest list;
  v1::ListCampaignsResponse campaigns;
  ASSERT_TRUE(Campaigns()->ListCampaigns(WithKey(tenant.analyst_key).get(), list, &campaigns).ok());
  int64_t skipped = 0;
  for (const Campaign& campaign : campaigns.campaigns()) {
    v1::GetCampaignResultsRequest request;
    request.set_name(campaign.name());
    v1::CampaignResults results;
    ASSERT_TRUE(Campaigns()->GetCampaignResults(WithKey(tenant.analyst_key).get(), request, &results).ok());
    skipped += results.total().skipped_by_policy();
  }
  EXPECT_EQ(skipped, 10);

  // Quiet hours covering this hour: nothing is handed out, a retry time instead.
  const int hour = absl::ToCivilHour(absl::Now(), absl::UTCTimeZone()).hour();
  policy.set_max_touches(100);
  policy.set_max_touches_per_channel(100);
  policy.set_quiet_start_hour(hour);
  policy.set_quiet_end_hour((hour + 1) % 24);
  SetContactPolicy(tenant, policy);
  NewAudience(tenant, 2, "night");
  CreateScheduled(tenant, Definition("tags:\"night\""));
  v1::ClaimRunResponse lease = Claim(tenant);
  ASSERT_TRUE(lease.has_run());
  v1::FetchRecipientsResponse page;
  ASSERT_TRUE(Fetch(tenant, lease, 10, &page).ok());
  EXPECT_EQ(page.recipients_size(), 0);
  ASSERT_TRUE(page.has_retry_time());
  EXPECT_GT(storage::FromProtoTimestamp(page.retry_time()), absl::Now());
  EXPECT_LE(storage::FromProtoTimestamp(page.retry_time()), absl::Now() + absl::Hours(1));
}

TEST(CampaignServiceTest, ConsentWithdrawnAfterTheSnapshotIsNotSent) {
  const TestTenant tenant = CreateTestTenant("cmp");
  const std::vector<std::string> audience = NewAudience(tenant, 3, "w");
  CreateScheduled(tenant, Definition(""));
  v1::ClaimRunResponse lease = Claim(tenant);
  ASSERT_TRUE(lease.has_run());
  v1::UpdateContactRequest update;
  update.mutable_contact()->set_name(audience[1]);
  v1::ChannelConsent* consent = update.mutable_contact()->add_consents();
  consent->set_channel(v1::CHANNEL_EMAIL);
  consent->set_state(v1::CONSENT_STATE_OPTED_OUT);
  update.mutable_update_mask()->add_paths("consents");
  v1::Contact updated;
  ASSERT_TRUE(Contacts()->UpdateContact(WithKey(tenant.integration_key).get(), update, &updated).ok());
  v1::FetchRecipientsResponse page;
  ASSERT_TRUE(Fetch(tenant, lease, 10, &page).ok());
  ASSERT_EQ(page.recipients_size(), 2);
  for (const v1::Recipient& recipient : page.recipients()) EXPECT_NE(recipient.contact(), audience[1]);
}

TEST(CampaignServiceTest, ResultsMatchHandComputedLiftAndRoi) {
  const TestTenant tenant = CreateTestTenant("cmp");
  const std::vector<std::string> audience = NewAudience(tenant, 40, "res");
  const Campaign campaign = CreateScheduled(tenant, Definition("", 50));
  RunAll(tenant);
  const std::set<std::string> control = ControlMembers(tenant, campaign.name());
  std::vector<std::string> test_members;
  for (const std::string& contact : audience) {
    if (!control.contains(contact)) test_members.push_back(contact);
  }
  ASSERT_GE(test_members.size(), 6u);
  ASSERT_GE(control.size(), 2u);
  // After the sends: 3 test members and 1 control member buy serum (100, margin 40);
  // one test member buys something else (no response).
  std::vector<v1::Purchase> purchases;
  const auto buy = [&](const std::string& contact, const std::string& category, int n) {
    v1::Purchase purchase;
    purchase.set_contact(contact);
    storage::ToProtoTimestamp(absl::Now(), purchase.mutable_purchase_time());
    *purchase.mutable_amount() = Units(100);
    *purchase.mutable_gross_margin() = Units(40);
    purchase.set_quantity(1);
    purchase.set_product_category(category);
    purchase.set_product("p");
    purchase.set_channel(v1::Purchase::CHANNEL_STORE);
    purchase.set_type(v1::Purchase::TYPE_PURCHASE);
    purchase.set_external_id(absl::StrCat("res-", n));
    purchases.push_back(purchase);
  };
  buy(test_members[0], "serum", 1);
  buy(test_members[1], "serum", 2);
  buy(test_members[2], "serum", 3);
  buy(test_members[3], "cream", 4);
  buy(*control.begin(), "serum", 5);
  buy(test_members[5], "serum", 6);  // a refund: neither a response nor a sale
  purchases.back().set_type(v1::Purchase::TYPE_REFUND);
  ImportPurchasesOrFail(tenant.integration_key, purchases);
  // An explicit reply from a test member who bought nothing counts too.
  v1::RecordResponseRequest reply;
  reply.set_parent(campaign.name());
  reply.mutable_response()->set_contact(test_members[4]);
  reply.mutable_response()->set_kind(v1::CampaignResponse::KIND_REPLY);
  v1::CampaignResponse recorded;
  ASSERT_TRUE(Campaigns()->RecordResponse(WithKey(tenant.integration_key).get(), reply, &recorded).ok());

  v1::GetCampaignResultsRequest request;
  request.set_name(campaign.name());
  v1::CampaignResults results;
  grpc::Status status = Campaigns()->GetCampaignResults(WithKey(tenant.analyst_key).get(), request, &results);
  ASSERT_TRUE(status.ok()) << status.error_message();
  const double sent = static_cast<double>(test_members.size());
  const double controls = static_cast<double>(control.size());
  const v1::CellResults& total = results.total();
  EXPECT_EQ(total.sent(), static_cast<int64_t>(test_members.size()));
  EXPECT_EQ(total.control(), static_cast<int64_t>(control.size()));
  EXPECT_EQ(total.test_responders(), 4);
  EXPECT_EQ(total.control_responders(), 1);
  const double test_rate = 4 / sent;
  const double control_rate = 1 / controls;
  EXPECT_NEAR(total.test_response_rate(), test_rate, 1e-9);
  EXPECT_NEAR(total.control_response_rate(), control_rate, 1e-9);
  EXPECT_NEAR(total.lift(), test_rate - control_rate, 1e-9);
  EXPECT_NEAR(total.relative_lift(), (test_rate - control_rate) / control_rate, 1e-9);
  EXPECT_NEAR(UnitsOf(total.test_revenue()), 300, 1e-6);
  EXPECT_NEAR(UnitsOf(total.incremental_revenue()), (300 / sent - 100 / controls) * sent, 1e-5);
  const double incremental_margin = (120 / sent - 40 / controls) * sent;
  EXPECT_NEAR(UnitsOf(total.incremental_margin()), incremental_margin, 1e-5);
  const double cost = 0.5 * sent;
  EXPECT_NEAR(UnitsOf(total.cost()), cost, 1e-6);
  EXPECT_NEAR(total.roi(), (incremental_margin - cost) / cost, 1e-6);
  EXPECT_NEAR(UnitsOf(results.promoted_sales()), 400, 1e-6);
  EXPECT_NEAR(results.campaign_share_of_sales(), UnitsOf(total.incremental_revenue()) / 400, 1e-6);
  ASSERT_EQ(results.cells_size(), 1);
  EXPECT_EQ(results.cells(0).test_responders(), 4);
  ASSERT_EQ(results.daily_size(), 1);
  EXPECT_EQ(results.daily(0).new_buyers(), 4);  // first purchases ever
  EXPECT_EQ(results.daily(0).campaign_buyers(), 3);
}

TEST(CampaignServiceTest, EventCampaignsCompareAttendeesBeforeAndAfter) {
  const TestTenant tenant = CreateTestTenant("cmp");
  const std::vector<std::string> audience = NewAudience(tenant, 4, "vip");
  // History before the event: everyone bought twice, 10 days apart, 50 each.
  const absl::Time event = absl::Now() - absl::Seconds(30);
  std::vector<v1::Purchase> purchases;
  int n = 0;
  for (const std::string& contact : audience) {
    for (int i = 0; i < 2; ++i) {
      v1::Purchase purchase;
      purchase.set_contact(contact);
      storage::ToProtoTimestamp(event - absl::Hours(24 * (5 + 10 * i)), purchase.mutable_purchase_time());
      *purchase.mutable_amount() = Units(50);
      purchase.set_quantity(1);
      purchase.set_product_category("serum");
      purchase.set_product("p");
      purchase.set_channel(v1::Purchase::CHANNEL_STORE);
      purchase.set_type(v1::Purchase::TYPE_PURCHASE);
      purchase.set_external_id(absl::StrCat("ev-", n++));
      purchases.push_back(purchase);
    }
  }
  ImportPurchasesOrFail(tenant.integration_key, purchases);
  Campaign definition = Definition("");
  definition.set_type(Campaign::TYPE_EVENT);
  storage::ToProtoTimestamp(event, definition.mutable_event_time());
  const Campaign campaign = CreateScheduled(tenant, definition);
  RunAll(tenant);
  for (int i = 0; i < 2; ++i) {
    v1::RecordResponseRequest attended;
    attended.set_parent(campaign.name());
    attended.mutable_response()->set_contact(audience[static_cast<size_t>(i)]);
    attended.mutable_response()->set_kind(v1::CampaignResponse::KIND_ATTENDED);
    v1::CampaignResponse recorded;
    ASSERT_TRUE(Campaigns()->RecordResponse(WithKey(tenant.integration_key).get(), attended, &recorded).ok());
  }
  v1::GetCampaignResultsRequest request;
  request.set_name(campaign.name());
  v1::CampaignResults results;
  ASSERT_TRUE(Campaigns()->GetCampaignResults(WithKey(tenant.analyst_key).get(), request, &results).ok());
  ASSERT_TRUE(results.has_event());
  EXPECT_EQ(results.event().attendees_before().members(), 2);
  EXPECT_EQ(results.event().attendees_before().buyers(), 2);
  EXPECT_NEAR(results.event().attendees_before().mean_purchase_interval_days(), 10, 1e-6);
  EXPECT_NEAR(UnitsOf(results.event().attendees_before().spend_per_member()), 100, 1e-6);
  EXPECT_EQ(results.event().attendees_after().buyers(), 0);
  EXPECT_EQ(results.event().non_attendees_before().members(), 2);
  EXPECT_EQ(results.total().test_responders(), 2);  // ATTENDED counts as a response
}

TEST(CampaignServiceTest, ListDueMomentsFindsBirthdaysFollowUpsAndOverdueComplaints) {
  const TestTenant tenant = CreateTestTenant("cmp");
  const absl::Time now = absl::Now();
  const absl::CivilDay today = absl::ToCivilDay(now, absl::UTCTimeZone());
  v1::Date birthday;
  birthday.set_year(1980);
  birthday.set_month(today.month());
  birthday.set_day(today.day());
  Person person = Member("birthday", "b@example.com");
  person.birthday = birthday;
  const std::string celebrant = NewContact(tenant, person);
  NewContact(tenant, Member("other", "o@example.com"));

  v1::ListDueMomentsRequest request;
  request.set_kind(v1::DueMoment::KIND_BIRTHDAY);
  storage::ToProtoTimestamp(absl::FromCivil(today, absl::UTCTimeZone()), request.mutable_start_time());
  storage::ToProtoTimestamp(absl::FromCivil(today + 1, absl::UTCTimeZone()), request.mutable_end_time());
  v1::ListDueMomentsResponse response;
  ASSERT_TRUE(Scheduler()->ListDueMoments(WithKey(tenant.scheduler_key).get(), request, &response).ok());
  ASSERT_EQ(response.moments_size(), 1);
  EXPECT_EQ(response.moments(0).contact(), celebrant);

  // A lead follow-up due tomorrow.
  v1::CreateLeadRequest lead_request;
  lead_request.mutable_lead()->set_contact(celebrant);
  lead_request.mutable_lead()->set_source(v1::Lead::SOURCE_PHONE_INQUIRY);
  lead_request.mutable_lead()->set_intent(v1::Lead::INTENT_HOT);
  storage::ToProtoTimestamp(now + absl::Hours(26), lead_request.mutable_lead()->mutable_next_follow_up_time());
  lead_request.mutable_lead()->set_next_follow_up_method(v1::LeadFollowUp::METHOD_PHONE);
  v1::Lead lead;
  grpc::Status status = Leads()->CreateLead(WithKey(tenant.integration_key).get(), lead_request, &lead);
  ASSERT_TRUE(status.ok()) << status.error_message();
  request.set_kind(v1::DueMoment::KIND_FOLLOW_UP_DUE);
  storage::ToProtoTimestamp(now, request.mutable_start_time());
  storage::ToProtoTimestamp(now + 2 * kDay, request.mutable_end_time());
  ASSERT_TRUE(Scheduler()->ListDueMoments(WithKey(tenant.scheduler_key).get(), request, &response).ok());
  ASSERT_EQ(response.moments_size(), 1);
  EXPECT_EQ(response.moments(0).subject(), lead.name());

  // A complaint due (its response target) within the next days.
  v1::CreateComplaintRequest complaint_request;
  complaint_request.mutable_complaint()->set_contact(celebrant);
  complaint_request.mutable_complaint()->set_category("delivery");
  complaint_request.mutable_complaint()->set_severity(v1::Complaint::SEVERITY_HIGH);
  complaint_request.mutable_complaint()->set_description("late");
  v1::Complaint complaint;
  status = Complaints()->CreateComplaint(WithKey(tenant.integration_key).get(), complaint_request, &complaint);
  ASSERT_TRUE(status.ok()) << status.error_message();
  request.set_kind(v1::DueMoment::KIND_COMPLAINT_OVERDUE);
  ASSERT_TRUE(Scheduler()->ListDueMoments(WithKey(tenant.scheduler_key).get(), request, &response).ok());
  ASSERT_EQ(response.moments_size(), 1);
  EXPECT_EQ(response.moments(0).subject(), complaint.name());

  // Bad ranges and kinds.
  v1::ListDueMomentsRequest bad = request;
  bad.clear_kind();
  EXPECT_EQ(Scheduler()->ListDueMoments(WithKey(tenant.scheduler_key).get(), bad, &response).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
  bad = request;
  *bad.mutable_end_time() = request.start_time();
  EXPECT_EQ(Scheduler()->ListDueMoments(WithKey(tenant.scheduler_key).get(), bad, &response).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
  bad = request;
  storage::ToProtoTimestamp(now + 400 * kDay, bad.mutable_end_time());
  EXPECT_EQ(Scheduler()->ListDueMoments(WithKey(tenant.scheduler_key).get(), bad, &response).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
}

TEST(CampaignServiceTest, AnotherTenantsCampaignsAndRunsAreNotFound) {
  const TestTenant owner = CreateTestTenant("cmp");
  const TestTenant other = CreateTestTenant("cmp");
  const std::vector<std::string> audience = NewAudience(owner, 2, "iso");
  NewAudience(other, 2, "iso");
  const Campaign campaign = CreateScheduled(owner, Definition(""));
  v1::ClaimRunResponse lease = Claim(owner);
  ASSERT_TRUE(lease.has_run());
  // The other tenant's scheduler sees no work of the owner's.
  EXPECT_FALSE(Claim(other).has_run());

  const auto not_found = [](const grpc::Status& status, const char* what) {
    EXPECT_EQ(status.error_code(), grpc::StatusCode::NOT_FOUND) << what << ": " << status.error_message();
  };
  Campaign out;
  v1::GetCampaignRequest get;
  get.set_name(campaign.name());
  not_found(Campaigns()->GetCampaign(WithKey(other.analyst_key).get(), get, &out), "Get");
  v1::UpdateCampaignRequest update;
  *update.mutable_campaign() = campaign;
  update.mutable_update_mask()->add_paths("display_name");
  not_found(Campaigns()->UpdateCampaign(WithKey(other.integration_key).get(), update, &out), "Update");
  v1::DeleteCampaignRequest remove;
  remove.set_name(campaign.name());
  v1::DeleteCampaignResponse removed;
  not_found(Campaigns()->DeleteCampaign(WithKey(other.integration_key).get(), remove, &removed), "Delete");
  v1::ScheduleCampaignRequest schedule;
  schedule.set_name(campaign.name());
  not_found(Campaigns()->ScheduleCampaign(WithKey(other.integration_key).get(), schedule, &out), "Schedule");
  v1::PauseCampaignRequest pause;
  pause.set_name(campaign.name());
  not_found(Campaigns()->PauseCampaign(WithKey(other.integration_key).get(), pause, &out), "Pause");
  v1::ResumeCampaignRequest resume;
  resume.set_name(campaign.name());
  not_found(Campaigns()->ResumeCampaign(WithKey(other.integration_key).get(), resume, &out), "Resume");
  v1::CancelCampaignRequest cancel;
  cancel.set_name(campaign.name());
  not_found(Campaigns()->CancelCampaign(WithKey(other.integration_key).get(), cancel, &out), "Cancel");
  v1::PreviewAudienceRequest preview;
  preview.set_name(campaign.name());
  v1::AudiencePreview previewed;
  not_found(Campaigns()->PreviewAudience(WithKey(other.analyst_key).get(), preview, &previewed), "Preview");
  v1::ListCampaignRunsRequest runs;
  runs.set_parent(campaign.name());
  v1::ListCampaignRunsResponse run_list;
  not_found(Campaigns()->ListCampaignRuns(WithKey(other.analyst_key).get(), runs, &run_list), "ListRuns");
  v1::RecordResponseRequest respond;
  respond.set_parent(campaign.name());
  respond.mutable_response()->set_contact(audience[0]);
  respond.mutable_response()->set_kind(v1::CampaignResponse::KIND_REPLY);
  v1::CampaignResponse response;
  not_found(Campaigns()->RecordResponse(WithKey(other.integration_key).get(), respond, &response), "Respond");
  v1::GetCampaignResultsRequest results_request;
  results_request.set_name(campaign.name());
  v1::CampaignResults results;
  not_found(Campaigns()->GetCampaignResults(WithKey(other.analyst_key).get(), results_request, &results), "Results");
  v1::ListCampaignsRequest list;
  v1::ListCampaignsResponse listed;
  ASSERT_TRUE(Campaigns()->ListCampaigns(WithKey(other.analyst_key).get(), list, &listed).ok());
  EXPECT_EQ(listed.campaigns_size(), 0);

  // The run, with the owner's real lease token, from the other tenant's scheduler.
  v1::FetchRecipientsRequest fetch;
  fetch.set_run(lease.run().name());
  fetch.set_lease_token(lease.lease_token());
  v1::FetchRecipientsResponse page;
  not_found(Scheduler()->FetchRecipients(WithKey(other.scheduler_key).get(), fetch, &page), "Fetch");
  v1::ReportDeliveriesRequest report;
  report.set_run(lease.run().name());
  report.set_lease_token(lease.lease_token());
  report.add_reports()->set_contact(audience[0]);
  report.mutable_reports(0)->set_status(v1::DeliveryReport::STATUS_SENT);
  v1::ReportDeliveriesResponse reported;
  not_found(Scheduler()->ReportDeliveries(WithKey(other.scheduler_key).get(), report, &reported), "Report");
  v1::RenewLeaseRequest renew;
  renew.set_run(lease.run().name());
  renew.set_lease_token(lease.lease_token());
  v1::ClaimRunResponse renewed;
  not_found(Scheduler()->RenewLease(WithKey(other.scheduler_key).get(), renew, &renewed), "Renew");
  v1::CompleteRunRequest complete;
  complete.set_run(lease.run().name());
  complete.set_lease_token(lease.lease_token());
  v1::CampaignRun run;
  not_found(Scheduler()->CompleteRun(WithKey(other.scheduler_key).get(), complete, &run), "Complete");
  v1::ReleaseRunRequest release;
  release.set_run(lease.run().name());
  release.set_lease_token(lease.lease_token());
  not_found(Scheduler()->ReleaseRun(WithKey(other.scheduler_key).get(), release, &run), "Release");
  // And the owner's run is untouched.
  ASSERT_TRUE(Fetch(owner, lease, 10, &page).ok());
  EXPECT_EQ(page.recipients_size(), 2);
}

}  // namespace
}  // namespace crm::testing
