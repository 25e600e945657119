#include "server/services/scheduler_service.h"

#include <set>

#include <spdlog/spdlog.h>

#include "absl/strings/str_cat.h"
#include "server/campaign_audience.h"
#include "server/validation/analysis_rules.h"
#include "server/validation/campaign_rules.h"
#include "server/validation/contact_policy_rules.h"
#include "server/validation/field_rules.h"
#include "server/validation/resource_name.h"
#include "server/validation/status_macros.h"
#include "storage/row_codec.h"

namespace crm::server {
namespace {

constexpr std::initializer_list<v1::Role> kSchedulers = {v1::ROLE_SCHEDULER};

const MethodPolicy kClaim("crm.v1.SchedulerService/ClaimRun", kSchedulers, true);
const MethodPolicy kFetch("crm.v1.SchedulerService/FetchRecipients", kSchedulers, true);
const MethodPolicy kReport("crm.v1.SchedulerService/ReportDeliveries", kSchedulers, true);
const MethodPolicy kRenew("crm.v1.SchedulerService/RenewLease", kSchedulers, true);
const MethodPolicy kComplete("crm.v1.SchedulerService/CompleteRun", kSchedulers, true);
const MethodPolicy kRelease("crm.v1.SchedulerService/ReleaseRun", kSchedulers, true);
const MethodPolicy kDueMoments("crm.v1.SchedulerService/ListDueMoments", kCrmReaders, true);

constexpr absl::Duration kDefaultLease = absl::Seconds(60);
constexpr absl::Duration kMinLease = absl::Seconds(5);
constexpr absl::Duration kMaxLease = absl::Minutes(30);
// How long one ClaimRun may spend freezing audiences before it claims.
constexpr absl::Duration kSnapshotBudget = absl::Seconds(5);
// While a campaign is PAUSED, schedulers ask again after this long.
constexpr absl::Duration kPausedRetry = absl::Seconds(30);
constexpr int kMaxReports = 1000;
constexpr int kMaxMomentsRange = 366;

absl::StatusOr<absl::Duration> LeaseDuration(bool has, const google::protobuf::Duration& duration) {
  if (!has) return kDefaultLease;
  const absl::Duration lease = absl::Seconds(duration.seconds()) + absl::Nanoseconds(duration.nanos());
  if (lease < kMinLease || lease > kMaxLease) {
    return absl::InvalidArgumentError("lease_duration: must be 5 s..30 min");
  }
  return lease;
}

absl::StatusOr<storage::LeasedRun> ParseLeasedRun(const std::string& run, const std::string& token) {
  absl::StatusOr<std::pair<std::string, int>> name = ParseCampaignRunName("run", run);
  if (!name.ok()) return name.status();
  if (token.empty() || token.size() > 64) {
    return absl::InvalidArgumentError("lease_token: required (from ClaimRun)");
  }
  return storage::LeasedRun{name->first, name->second, token};
}

void FillLease(const storage::RunLease& lease, const std::string& campaign_display_name,
               v1::ClaimRunResponse* response) {
  *response->mutable_run() = lease.run;
  response->set_lease_token(lease.lease_token);
  storage::ToProtoTimestamp(lease.lease_expire_time, response->mutable_lease_expire_time());
  response->set_campaign_display_name(campaign_display_name);
}

bool ScheduleEnded(const v1::Campaign& campaign, absl::Time now) {
  return storage::FromProtoTimestamp(campaign.schedule().end_time()) <= now;
}

// Birthday codes (month * 100 + day) of the local days in [start, end); a 29 February
// birthday is celebrated on 28 February in other years.
std::vector<int> BirthdayCodes(absl::Time start, absl::Time end, absl::TimeZone zone,
                               std::map<int, absl::Time>* first_midnight) {
  std::set<int> codes;
  for (absl::CivilDay day = absl::ToCivilDay(start, zone); zone.At(absl::CivilSecond(day)).pre < end; ++day) {
    const absl::Time midnight = zone.At(absl::CivilSecond(day)).pre;
    std::vector<int> today = {day.month() * 100 + day.day()};
    const bool leap = (day.year() % 4 == 0 && day.year() % 100 != 0) || day.year() % 400 == 0;
    if (day.month() == 2 && day.day() == 28 && !leap) today.push_back(229);
    for (int code : today) {
      codes.insert(code);
      first_midnight->emplace(code, std::max(midnight, start));
    }
  }
  return {codes.begin(), codes.end()};
}

}  // namespace

absl::Status SchedulerService::AdvanceCampaigns(const storage::TenantId& tenant, absl::Time budget_end,
                                                absl::Time deadline) {
  const absl::Time now = storage::NowMicros();
  absl::StatusOr<std::vector<v1::Campaign>> due = campaigns_.CampaignsToAdvance(tenant, now, deadline);
  if (!due.ok()) return due.status();
  for (const v1::Campaign& listed : *due) {
    const std::string id = listed.name().substr(sizeof("campaigns/") - 1);
    if (listed.state() == v1::Campaign::STATE_SCHEDULED) {
      CRM_RETURN_IF_ERROR(campaigns_.Start(tenant, id, now, deadline));
    }
    absl::StatusOr<v1::Campaign> campaign = campaigns_.Get(tenant, id, deadline);
    if (!campaign.ok()) return campaign.status();
    if (campaign->state() != v1::Campaign::STATE_RUNNING) continue;
    absl::StatusOr<storage::AudienceFilterSql> filters = CompileAudience(*campaign);
    if (!filters.ok()) {
      // Stored filters compiled when written; one that no longer does (a field
      // withdrawn since) must not stop the tenant's other campaigns.
      spdlog::error("campaign {} of tenant {}: audience no longer compiles: {}", campaign->name(), tenant.value(),
                    std::string(filters.status().message()));
      continue;
    }
    const storage::AssignMember assign = [&](const storage::AudienceCandidate& candidate,
                                             v1::AudiencePreview& tally) {
      return AssignAudienceMember(*campaign, id, candidate, tally);
    };
    while (true) {
      absl::StatusOr<storage::SnapshotStep> step = campaigns_.AdvanceSnapshot(
          tenant, id, *filters, assign, ScheduleEnded(*campaign, storage::NowMicros()), deadline);
      if (!step.ok()) return step.status();
      if (*step != storage::SnapshotStep::kAdvanced) break;
      if (absl::Now() >= budget_end) return absl::OkStatus();
    }
    if (absl::Now() >= budget_end) return absl::OkStatus();
  }
  return absl::OkStatus();
}

grpc::Status SchedulerService::ClaimRun(grpc::ServerContext* context, const v1::ClaimRunRequest* request,
                                        v1::ClaimRunResponse* response) {
  return runner_.Run(context, kClaim, [&](CallContext& call) -> absl::Status {
    CRM_RETURN_IF_ERROR(CheckText("scheduler_id", request->scheduler_id(), 100, true));
    absl::StatusOr<absl::Duration> lease = LeaseDuration(request->has_lease_duration(), request->lease_duration());
    if (!lease.ok()) return lease.status();
    for (int attempt = 0; attempt < 2; ++attempt) {
      absl::StatusOr<std::optional<storage::RunLease>> claimed =
          runs_.Claim(call.tenant(), request->scheduler_id(), *lease, call.deadline());
      if (!claimed.ok()) return claimed.status();
      if (claimed->has_value()) {
        absl::StatusOr<v1::Campaign> campaign = campaigns_.Get(call.tenant(), (*claimed)->campaign_id, call.deadline());
        FillLease(**claimed, campaign.ok() ? campaign->display_name() : "", response);
        return absl::OkStatus();
      }
      if (attempt == 0) {
        const absl::Time budget_end = std::min(absl::Now() + kSnapshotBudget, call.deadline() - absl::Seconds(2));
        CRM_RETURN_IF_ERROR(AdvanceCampaigns(call.tenant(), budget_end, call.deadline()));
      }
    }
    return absl::OkStatus();  // nothing due
  });
}

grpc::Status SchedulerService::FetchRecipients(grpc::ServerContext* context,
                                               const v1::FetchRecipientsRequest* request,
                                               v1::FetchRecipientsResponse* response) {
  return runner_.Run(context, kFetch, [&](CallContext& call) -> absl::Status {
    absl::StatusOr<storage::LeasedRun> leased = ParseLeasedRun(request->run(), request->lease_token());
    if (!leased.ok()) return leased.status();
    if (request->page_size() < 0 || request->page_size() > 1000) {
      return absl::InvalidArgumentError("page_size: must be 0..1000");
    }
    const int page_size = request->page_size() == 0 ? 100 : request->page_size();
    absl::StatusOr<v1::Campaign> campaign = campaigns_.Get(call.tenant(), leased->campaign_id, call.deadline());
    if (!campaign.ok()) {
      if (absl::IsNotFound(campaign.status())) {
        return absl::NotFoundError(absl::StrCat("run: ", request->run(), " does not exist"));
      }
      return campaign.status();
    }
    const absl::Time now = storage::NowMicros();
    const EffectiveContactPolicy policy = EffectivePolicy(call.tenant_settings().contact_policy());
    const std::optional<absl::Time> quiet_end =
        QuietHoursEnd(policy, TenantTimeZone(call.tenant_settings().time_zone()), now);
    if (campaign->state() == v1::Campaign::STATE_PAUSED || ScheduleEnded(*campaign, now) || quiet_end) {
      // Nothing is handed out, but a stale token or a missing run still hears so.
      CRM_RETURN_IF_ERROR(runs_.CheckLease(call.tenant(), *leased, call.deadline()));
    }
    if (campaign->state() == v1::Campaign::STATE_PAUSED) {
      storage::ToProtoTimestamp(now + kPausedRetry, response->mutable_retry_time());
      return absl::OkStatus();
    }
    if (ScheduleEnded(*campaign, now)) {
      response->set_exhausted(true);  // nothing more is handed out; CompleteRun
      return absl::OkStatus();
    }
    if (quiet_end) {
      storage::ToProtoTimestamp(*quiet_end, response->mutable_retry_time());
      return absl::OkStatus();
    }
    absl::StatusOr<storage::FetchedRecipients> fetched = runs_.Fetch(
        call.tenant(), *leased, page_size, now - policy.period,
        [&](const storage::RecipientCandidate& candidate) { return DecideHandOut(*campaign, policy, candidate); },
        call.deadline());
    if (!fetched.ok()) return fetched.status();
    for (const auto& [candidate, decision] : fetched->handed_out) {
      const v1::CampaignCell& cell = campaign->cells(candidate.cell_index);
      v1::Recipient* recipient = response->add_recipients();
      recipient->set_contact(absl::StrCat("contacts/", candidate.contact_id));
      recipient->set_delivery_id(absl::StrCat(leased->campaign_id, "-", candidate.contact_id));
      recipient->set_cell(cell.display_name());
      recipient->set_theme(cell.theme());
      recipient->set_incentive(cell.incentive());
      recipient->set_channel(cell.channel());
      recipient->set_address(decision.address);
      recipient->set_display_name(candidate.display_name);
      recipient->set_attempt(candidate.attempts + 1);
    }
    response->set_exhausted(fetched->exhausted);
    response->set_skipped_by_policy(fetched->skipped_by_policy);
    return absl::OkStatus();
  });
}

grpc::Status SchedulerService::ReportDeliveries(grpc::ServerContext* context,
                                                const v1::ReportDeliveriesRequest* request,
                                                v1::ReportDeliveriesResponse* response) {
  return runner_.Run(context, kReport, [&](CallContext& call) -> absl::Status {
    absl::StatusOr<storage::LeasedRun> leased = ParseLeasedRun(request->run(), request->lease_token());
    if (!leased.ok()) return leased.status();
    if (request->reports_size() < 1 || request->reports_size() > kMaxReports) {
      return absl::InvalidArgumentError("reports: 1..1000 reports per call");
    }
    std::vector<v1::DeliveryReport> reports;
    reports.reserve(static_cast<size_t>(request->reports_size()));
    const absl::Time now = storage::NowMicros();
    for (int i = 0; i < request->reports_size(); ++i) {
      v1::DeliveryReport report = request->reports(i);
      const std::string field = absl::StrCat("reports[", i, "]");
      CRM_RETURN_IF_ERROR(ParseResourceId(field + ".contact", report.contact(), "contacts").status());
      CRM_RETURN_IF_ERROR(CheckEnum(field + ".status", report.status(), v1::DeliveryReport::Status_IsValid, false));
      if (report.has_event_time()) {
        CRM_RETURN_IF_ERROR(CheckTimestampNotInFuture(field + ".event_time", report.event_time()));
      } else {
        storage::ToProtoTimestamp(now, report.mutable_event_time());
      }
      CRM_RETURN_IF_ERROR(CheckText(field + ".error_message", report.error_message(), 500, false, true));
      reports.push_back(std::move(report));
    }
    absl::StatusOr<storage::ReportOutcome> outcome = runs_.Report(call.tenant(), *leased, reports, call.deadline());
    if (!outcome.ok()) return outcome.status();
    response->set_applied(outcome->applied);
    response->set_ignored(outcome->ignored);
    return absl::OkStatus();
  });
}

grpc::Status SchedulerService::RenewLease(grpc::ServerContext* context, const v1::RenewLeaseRequest* request,
                                          v1::ClaimRunResponse* response) {
  return runner_.Run(context, kRenew, [&](CallContext& call) -> absl::Status {
    absl::StatusOr<storage::LeasedRun> leased = ParseLeasedRun(request->run(), request->lease_token());
    if (!leased.ok()) return leased.status();
    absl::StatusOr<absl::Duration> lease = LeaseDuration(request->has_lease_duration(), request->lease_duration());
    if (!lease.ok()) return lease.status();
    absl::StatusOr<storage::RunLease> renewed = runs_.Renew(call.tenant(), *leased, *lease, call.deadline());
    if (!renewed.ok()) return renewed.status();
    absl::StatusOr<v1::Campaign> campaign = campaigns_.Get(call.tenant(), leased->campaign_id, call.deadline());
    FillLease(*renewed, campaign.ok() ? campaign->display_name() : "", response);
    return absl::OkStatus();
  });
}

grpc::Status SchedulerService::CompleteRun(grpc::ServerContext* context, const v1::CompleteRunRequest* request,
                                           v1::CampaignRun* response) {
  return runner_.Run(context, kComplete, [&](CallContext& call) -> absl::Status {
    absl::StatusOr<storage::LeasedRun> leased = ParseLeasedRun(request->run(), request->lease_token());
    if (!leased.ok()) return leased.status();
    absl::StatusOr<v1::Campaign> campaign = campaigns_.Get(call.tenant(), leased->campaign_id, call.deadline());
    if (!campaign.ok()) {
      if (absl::IsNotFound(campaign.status())) {
        return absl::NotFoundError(absl::StrCat("run: ", request->run(), " does not exist"));
      }
      return campaign.status();
    }
    absl::StatusOr<v1::CampaignRun> completed =
        runs_.Complete(call.tenant(), *leased, ScheduleEnded(*campaign, storage::NowMicros()), call.deadline());
    if (!completed.ok()) return completed.status();
    *response = *std::move(completed);
    return absl::OkStatus();
  });
}

grpc::Status SchedulerService::ReleaseRun(grpc::ServerContext* context, const v1::ReleaseRunRequest* request,
                                          v1::CampaignRun* response) {
  return runner_.Run(context, kRelease, [&](CallContext& call) -> absl::Status {
    absl::StatusOr<storage::LeasedRun> leased = ParseLeasedRun(request->run(), request->lease_token());
    if (!leased.ok()) return leased.status();
    absl::StatusOr<v1::CampaignRun> released = runs_.Release(call.tenant(), *leased, call.deadline());
    if (!released.ok()) return released.status();
    *response = *std::move(released);
    return absl::OkStatus();
  });
}

grpc::Status SchedulerService::ListDueMoments(grpc::ServerContext* context,
                                              const v1::ListDueMomentsRequest* request,
                                              v1::ListDueMomentsResponse* response) {
  return runner_.Run(context, kDueMoments, [&](CallContext& call) -> absl::Status {
    CRM_RETURN_IF_ERROR(CheckEnum("kind", request->kind(), v1::DueMoment::Kind_IsValid, false));
    if (!request->has_start_time() || !request->has_end_time()) {
      return absl::InvalidArgumentError("start_time: start_time and end_time are required");
    }
    CRM_RETURN_IF_ERROR(CheckTimestamp("start_time", request->start_time()));
    CRM_RETURN_IF_ERROR(CheckTimestamp("end_time", request->end_time()));
    const absl::Time start = storage::FromProtoTimestamp(request->start_time());
    const absl::Time end = storage::FromProtoTimestamp(request->end_time());
    if (end <= start) return absl::InvalidArgumentError("end_time: must be after start_time");
    if (end - start > absl::Hours(24 * kMaxMomentsRange)) {
      return absl::InvalidArgumentError("end_time: the range may span at most 366 days");
    }
    if (request->page_size() < 0 || request->page_size() > 1000) {
      return absl::InvalidArgumentError("page_size: must be 0..1000");
    }
    const int page_size = request->page_size() == 0 ? 100 : request->page_size();
    const std::string scope = call.tenant().value();
    const std::string fingerprint = absl::StrCat(kDueMoments.method(), "/", request->kind(), "/",
                                                 storage::ToSqlDatetime(start), "/", storage::ToSqlDatetime(end));
    std::optional<storage::ListCursor> after;
    if (!request->page_token().empty()) {
      absl::StatusOr<storage::ListCursor> cursor = page_tokens_.Decode(request->page_token(), scope, fingerprint);
      if (!cursor.ok()) return cursor.status();
      after = *std::move(cursor);
    }
    absl::StatusOr<storage::Page<storage::StoredMoment>> page;
    std::map<int, absl::Time> birthday_times;
    switch (request->kind()) {
      case v1::DueMoment::KIND_BIRTHDAY: {
        const absl::TimeZone zone = TenantTimeZone(call.tenant_settings().time_zone());
        page = moments_.Birthdays(call.tenant(), BirthdayCodes(start, end, zone, &birthday_times), after, page_size,
                                  call.deadline());
        break;
      }
      case v1::DueMoment::KIND_FOLLOW_UP_DUE:
        page = moments_.FollowUpsDue(call.tenant(), start, end, after, page_size, call.deadline());
        break;
      default:
        page = moments_.ComplaintsDue(call.tenant(), start, end, after, page_size, call.deadline());
        break;
    }
    if (!page.ok()) return page.status();
    for (const storage::StoredMoment& stored : page->items) {
      v1::DueMoment* moment = response->add_moments();
      moment->set_kind(request->kind());
      moment->set_contact(absl::StrCat("contacts/", stored.contact_id));
      absl::Time due = stored.due_time;
      if (request->kind() == v1::DueMoment::KIND_BIRTHDAY) {
        auto found = birthday_times.find(stored.birthday_month * 100 + stored.birthday_day);
        due = found != birthday_times.end() ? found->second : start;
      } else {
        moment->set_subject(absl::StrCat(
            request->kind() == v1::DueMoment::KIND_FOLLOW_UP_DUE ? "leads/" : "complaints/", stored.subject_id));
      }
      storage::ToProtoTimestamp(due, moment->mutable_due_time());
    }
    if (page->next) response->set_next_page_token(page_tokens_.Encode(scope, fingerprint, *page->next));
    return absl::OkStatus();
  });
}

}  // namespace crm::server
