#include "server/validation/campaign_rules.h"

#include <set>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "google/protobuf/util/message_differencer.h"
#include "server/filter/filter.h"
#include "server/filter_catalogs.h"
#include "server/validation/field_rules.h"
#include "server/validation/status_macros.h"
#include "storage/money.h"
#include "storage/row_codec.h"

namespace crm::server {
namespace {

using v1::Campaign;

constexpr absl::Duration kMaxCampaignLength = absl::Hours(24 * 366);

absl::StatusOr<storage::SqlFragment> CompileNamed(const std::string& field, const std::string& text) {
  absl::StatusOr<storage::SqlFragment> compiled =
      filter::CompileFilter(std::string_view(text.data(), text.size()), ContactFilterFields());
  if (!compiled.ok()) {
    return absl::InvalidArgumentError(absl::StrCat(field, ": ", compiled.status().message()));
  }
  return compiled;
}

bool SameAudience(const Campaign& a, const Campaign& b) {
  if (a.audience_filter() != b.audience_filter() || a.control_percent() != b.control_percent() ||
      a.cells_size() != b.cells_size()) {
    return false;
  }
  for (int i = 0; i < a.cells_size(); ++i) {
    if (a.cells(i).filter() != b.cells(i).filter() || a.cells(i).channel() != b.cells(i).channel()) return false;
  }
  return true;
}

}  // namespace

absl::Status NormalizeCampaign(const std::string& currency, const std::string& tenant_time_zone,
                               Campaign* campaign) {
  CRM_RETURN_IF_ERROR(CheckText("campaign.display_name", campaign->display_name(), 200, true));
  CRM_RETURN_IF_ERROR(CheckText("campaign.description", campaign->description(), 2000, false, true));
  CRM_RETURN_IF_ERROR(CheckEnum("campaign.objective", campaign->objective(), Campaign::Objective_IsValid, false));
  CRM_RETURN_IF_ERROR(CheckEnum("campaign.type", campaign->type(), Campaign::Type_IsValid, true));
  if (campaign->type() == Campaign::TYPE_UNSPECIFIED) campaign->set_type(Campaign::TYPE_STANDARD);
  if (campaign->audience_filter().size() > filter::kMaxFilterLengthBytes) {
    return absl::InvalidArgumentError("campaign.audience_filter: at most 2000 bytes");
  }
  CRM_RETURN_IF_ERROR(CompileNamed("campaign.audience_filter", campaign->audience_filter()).status());

  if (campaign->cells_size() < 1 || campaign->cells_size() > kMaxCampaignCells) {
    return absl::InvalidArgumentError("campaign.cells: a campaign has 1..20 cells");
  }
  std::set<std::string> names;
  for (int i = 0; i < campaign->cells_size(); ++i) {
    const v1::CampaignCell& cell = campaign->cells(i);
    const std::string field = absl::StrCat("campaign.cells[", i, "]");
    CRM_RETURN_IF_ERROR(CheckText(field + ".display_name", cell.display_name(), 100, true));
    if (!names.insert(cell.display_name()).second) {
      return absl::InvalidArgumentError(
          absl::StrCat(field, ".display_name: \"", cell.display_name(), "\" names another cell too"));
    }
    CRM_RETURN_IF_ERROR(CompileNamed(field + ".filter", cell.filter()).status());
    CRM_RETURN_IF_ERROR(CheckText(field + ".theme", cell.theme(), 500, false, true));
    CRM_RETURN_IF_ERROR(CheckText(field + ".incentive", cell.incentive(), 500, false, true));
    if (cell.channel() == v1::CAMPAIGN_CHANNEL_UNSPECIFIED) {
      return absl::InvalidArgumentError(absl::StrCat(
          field, ".channel: required (DIRECT_MAIL, EMAIL, SMS, CALL_CENTER or MEMBER_WEB)"));
    }
    CRM_RETURN_IF_ERROR(CheckEnum(field + ".channel", cell.channel(), v1::CampaignChannel_IsValid, false));
  }

  if (!campaign->has_schedule() || !campaign->schedule().has_start_time() ||
      !campaign->schedule().has_end_time()) {
    return absl::InvalidArgumentError("campaign.schedule: start_time and end_time are required");
  }
  CRM_RETURN_IF_ERROR(CheckTimestamp("campaign.schedule.start_time", campaign->schedule().start_time()));
  CRM_RETURN_IF_ERROR(CheckTimestamp("campaign.schedule.end_time", campaign->schedule().end_time()));
  const absl::Time start = storage::FromProtoTimestamp(campaign->schedule().start_time());
  const absl::Time end = storage::FromProtoTimestamp(campaign->schedule().end_time());
  if (end <= start) {
    return absl::InvalidArgumentError("campaign.schedule.end_time: must be after schedule.start_time");
  }
  if (end - start > kMaxCampaignLength) {
    return absl::InvalidArgumentError("campaign.schedule.end_time: a campaign runs at most 366 days");
  }
  v1::CampaignSchedule* schedule = campaign->mutable_schedule();
  if (schedule->time_zone().empty()) schedule->set_time_zone(tenant_time_zone);
  absl::TimeZone zone;
  if (schedule->time_zone().size() > 64 || !absl::LoadTimeZone(schedule->time_zone(), &zone)) {
    return absl::InvalidArgumentError(
        "campaign.schedule.time_zone: not an IANA time zone such as Europe/Berlin");
  }

  if (!(campaign->control_percent() >= 0.0 && campaign->control_percent() <= 50.0)) {
    return absl::InvalidArgumentError("campaign.control_percent: must be 0..50");
  }
  std::set<int> costed;
  for (int i = 0; i < campaign->touch_costs_size(); ++i) {
    v1::ChannelCost* cost = campaign->mutable_touch_costs(i);
    const std::string field = absl::StrCat("campaign.touch_costs[", i, "]");
    CRM_RETURN_IF_ERROR(CheckEnum(field + ".channel", cost->channel(), v1::CampaignChannel_IsValid, false));
    if (!costed.insert(cost->channel()).second) {
      return absl::InvalidArgumentError(absl::StrCat(field, ".channel: listed twice"));
    }
    CRM_RETURN_IF_ERROR(NormalizeMoney(field + ".cost_per_touch", currency, false, cost->mutable_cost_per_touch()));
  }
  const auto& categories = campaign->response_definition().product_categories();
  if (categories.size() > 50) {
    return absl::InvalidArgumentError("campaign.response_definition.product_categories: at most 50");
  }
  for (int i = 0; i < categories.size(); ++i) {
    CRM_RETURN_IF_ERROR(CheckText(
        absl::StrCat("campaign.response_definition.product_categories[", i, "]"), categories[i], 100, true));
  }
  if (campaign->attribution_window_days() == 0) campaign->set_attribution_window_days(kDefaultAttributionWindowDays);
  CRM_RETURN_IF_ERROR(CheckIntRange("campaign.attribution_window_days", campaign->attribution_window_days(), 1, 365));
  if (campaign->type() == Campaign::TYPE_EVENT) {
    if (!campaign->has_event_time()) {
      return absl::InvalidArgumentError("campaign.event_time: required for TYPE_EVENT campaigns");
    }
    CRM_RETURN_IF_ERROR(CheckTimestamp("campaign.event_time", campaign->event_time()));
  } else if (campaign->has_event_time()) {
    return absl::InvalidArgumentError("campaign.event_time: only TYPE_EVENT campaigns have one");
  }
  return absl::OkStatus();
}

absl::StatusOr<storage::AudienceFilterSql> CompileAudience(const Campaign& campaign) {
  storage::AudienceFilterSql filters;
  absl::StatusOr<storage::SqlFragment> audience = CompileNamed("campaign.audience_filter", campaign.audience_filter());
  if (!audience.ok()) return audience.status();
  filters.audience = *std::move(audience);
  for (int i = 0; i < campaign.cells_size(); ++i) {
    absl::StatusOr<storage::SqlFragment> cell =
        CompileNamed(absl::StrCat("campaign.cells[", i, "].filter"), campaign.cells(i).filter());
    if (!cell.ok()) return cell.status();
    filters.cells.push_back(*std::move(cell));
  }
  return filters;
}

absl::Status CheckCampaignTransition(Campaign::State from, Campaign::State to) {
  // PAUSED → SCHEDULED/RUNNING is ResumeCampaign's own move (it depends on whether the
  // campaign started), checked there.
  bool allowed = false;
  switch (to) {
    case Campaign::STATE_SCHEDULED:
      allowed = from == Campaign::STATE_DRAFT;
      break;
    case Campaign::STATE_RUNNING:
      allowed = from == Campaign::STATE_PAUSED || from == Campaign::STATE_SCHEDULED;
      break;
    case Campaign::STATE_PAUSED:
      allowed = from == Campaign::STATE_SCHEDULED || from == Campaign::STATE_RUNNING;
      break;
    case Campaign::STATE_CANCELLED:
      allowed = from == Campaign::STATE_DRAFT || from == Campaign::STATE_SCHEDULED ||
                from == Campaign::STATE_RUNNING || from == Campaign::STATE_PAUSED;
      break;
    case Campaign::STATE_COMPLETED:
      allowed = from == Campaign::STATE_RUNNING;
      break;
    default:
      break;
  }
  if (allowed) return absl::OkStatus();
  return absl::FailedPreconditionError(absl::StrCat("state: a ", Campaign::State_Name(from),
                                                    " campaign cannot become ", Campaign::State_Name(to)));
}

const std::vector<std::string>& CampaignWritablePaths() {
  static const auto* paths = new std::vector<std::string>{
      "display_name", "description",   "objective",           "type",
      "audience_filter", "cells",      "schedule",            "control_percent",
      "touch_costs",  "response_definition", "attribution_window_days", "event_time"};
  return *paths;
}

absl::Status CheckCampaignUpdate(const Campaign& before, const Campaign& after) {
  const bool started = before.has_start_time();
  if (started && !SameAudience(before, after)) {
    return absl::FailedPreconditionError(absl::StrCat(
        "campaign.audience_filter: the audience of a ", Campaign::State_Name(before.state()),
        " campaign is frozen; audience_filter, cells (filter, channel) and control_percent cannot change"));
  }
  if (before.state() == Campaign::STATE_COMPLETED || before.state() == Campaign::STATE_CANCELLED) {
    Campaign texts_only = before;
    texts_only.set_display_name(after.display_name());
    texts_only.set_description(after.description());
    if (!google::protobuf::util::MessageDifferencer::Equals(texts_only, after)) {
      return absl::FailedPreconditionError(absl::StrCat("campaign: a ", Campaign::State_Name(before.state()),
                                                        " campaign only takes display_name and description"));
    }
  }
  return absl::OkStatus();
}

int64_t TouchCostMicros(const Campaign& campaign, v1::CampaignChannel channel) {
  for (const v1::ChannelCost& cost : campaign.touch_costs()) {
    if (cost.channel() == channel) return storage::MoneyToMicros(cost.cost_per_touch());
  }
  return 0;
}

int AttributionWindowDays(const Campaign& campaign) {
  return campaign.attribution_window_days() > 0 ? campaign.attribution_window_days()
                                                : kDefaultAttributionWindowDays;
}

}  // namespace crm::server
