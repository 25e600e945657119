#include "server/services/campaign_results.h"

#include <cmath>
#include <map>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "server/analysis/campaign_measurement.h"
#include "server/validation/campaign_rules.h"
#include "storage/campaign_run_repository.h"
#include "storage/money.h"
#include "storage/row_codec.h"

namespace crm::server {
namespace {

using storage::DeliveryState;

constexpr int kMaxDailyDays = 800;

// Figures of one arm of one cell as counted from storage.
struct Arm {
  int64_t members = 0;
  absl::flat_hash_set<std::string> responders;
  int64_t revenue_micros = 0;
  int64_t margin_micros = 0;
};

struct CellFigures {
  int64_t test = 0;
  int64_t sent = 0;
  int64_t delivered = 0;
  int64_t failed = 0;
  int64_t skipped_by_policy = 0;
  Arm test_arm;  // members = sent
  Arm control;
  int64_t cost_micros = 0;
};

v1::Money Money(double micros, const std::string& currency) {
  v1::Money money;
  storage::MoneyFromMicros(static_cast<int64_t>(std::llround(micros)), &money);
  money.set_currency_code(currency);
  return money;
}

void FillCell(const CellFigures& figures, const std::string& currency, v1::CellResults* out) {
  out->set_control(figures.control.members);
  out->set_test(figures.test);
  out->set_audience(figures.test + figures.control.members);
  out->set_sent(figures.sent);
  out->set_delivered(figures.delivered);
  out->set_failed(figures.failed);
  out->set_skipped_by_policy(figures.skipped_by_policy);
  out->set_delivery_rate(figures.sent > 0 ? static_cast<double>(figures.delivered) / figures.sent : 0);
  out->set_test_responders(static_cast<int64_t>(figures.test_arm.responders.size()));
  out->set_control_responders(static_cast<int64_t>(figures.control.responders.size()));
  const analysis::CampaignArm test{static_cast<double>(figures.sent),
                                   static_cast<double>(figures.test_arm.responders.size()),
                                   static_cast<double>(figures.test_arm.revenue_micros),
                                   static_cast<double>(figures.test_arm.margin_micros)};
  const analysis::CampaignArm control{static_cast<double>(figures.control.members),
                                      static_cast<double>(figures.control.responders.size()),
                                      static_cast<double>(figures.control.revenue_micros),
                                      static_cast<double>(figures.control.margin_micros)};
  const analysis::CampaignResult measured =
      analysis::MeasureCampaign(test, control, static_cast<double>(figures.cost_micros));
  out->set_test_response_rate(measured.test_response_rate);
  out->set_control_response_rate(measured.control_response_rate);
  out->set_lift(measured.test_response_rate - measured.control_response_rate);
  out->set_relative_lift(measured.lift.value_or(0));
  *out->mutable_test_revenue() = Money(static_cast<double>(figures.test_arm.revenue_micros), currency);
  *out->mutable_control_revenue() = Money(static_cast<double>(figures.control.revenue_micros), currency);
  *out->mutable_incremental_revenue() = Money(measured.incremental_revenue, currency);
  *out->mutable_incremental_margin() = Money(measured.incremental_margin, currency);
  *out->mutable_cost() = Money(static_cast<double>(figures.cost_micros), currency);
  out->set_roi(measured.roi.value_or(0));
}

void AddArm(const Arm& from, Arm* to) {
  to->members += from.members;
  to->responders.insert(from.responders.begin(), from.responders.end());
  to->revenue_micros += from.revenue_micros;
  to->margin_micros += from.margin_micros;
}

void FillGroupPeriod(const analysis::GroupPeriodSummary& summary, const std::string& currency,
                     v1::EventComparison::GroupPeriod* out) {
  out->set_members(summary.members);
  out->set_buyers(summary.buyers);
  out->set_mean_purchase_interval_days(summary.mean_purchase_interval_days);
  *out->mutable_spend_per_member() = Money(summary.spend_per_member, currency);
}

absl::Status AddEventComparison(storage::CampaignResultsSource& source, const storage::TenantId& tenant,
                                const std::string& campaign_id, const v1::Campaign& campaign,
                                const std::vector<storage::RecordedResponse>& responses,
                                const std::string& currency, absl::Time deadline, v1::CampaignResults* results) {
  const absl::Time event = storage::FromProtoTimestamp(campaign.event_time());
  const int days = AttributionWindowDays(campaign);
  const absl::Duration period = absl::Hours(24) * days;
  absl::StatusOr<std::vector<std::string>> members = source.SentTestMembers(tenant, campaign_id, deadline);
  if (!members.ok()) return members.status();
  absl::flat_hash_set<std::string> attendees;
  for (const storage::RecordedResponse& response : responses) {
    if (response.kind == v1::CampaignResponse::KIND_ATTENDED && !response.control && response.sent) {
      attendees.insert(response.contact_id);
    }
  }
  absl::StatusOr<std::vector<storage::PurchasePoint>> purchases =
      source.SentMemberPurchases(tenant, campaign_id, event - period, event + period, deadline);
  if (!purchases.ok()) return purchases.status();
  // [attendee][after] → purchases by buyer
  std::map<std::string, std::vector<analysis::MemberPurchase>> by_buyer[2][2];
  for (const storage::PurchasePoint& purchase : *purchases) {
    const bool attended = attendees.contains(purchase.contact_id);
    const bool after = purchase.time >= event;
    by_buyer[attended][after][purchase.contact_id].push_back(
        {purchase.time, static_cast<double>(purchase.amount_micros)});
  }
  const int64_t attendee_count = static_cast<int64_t>(attendees.size());
  const int64_t others = static_cast<int64_t>(members->size()) - attendee_count;
  const auto summarize = [&](bool attended, bool after) {
    std::vector<std::vector<analysis::MemberPurchase>> buyers;
    for (auto& [contact, list] : by_buyer[attended][after]) buyers.push_back(list);
    return analysis::SummarizeGroupPeriod(attended ? attendee_count : others, buyers);
  };
  v1::EventComparison& comparison = *results->mutable_event();
  *comparison.mutable_event_time() = campaign.event_time();
  comparison.set_period_days(days);
  FillGroupPeriod(summarize(true, false), currency, comparison.mutable_attendees_before());
  FillGroupPeriod(summarize(true, true), currency, comparison.mutable_attendees_after());
  FillGroupPeriod(summarize(false, false), currency, comparison.mutable_non_attendees_before());
  FillGroupPeriod(summarize(false, true), currency, comparison.mutable_non_attendees_after());
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<v1::CampaignResults> ComputeCampaignResults(storage::CampaignResultsSource& source,
                                                           storage::AnalysisSources& purchases,
                                                           const storage::TenantId& tenant,
                                                           const std::string& campaign_id,
                                                           const v1::Campaign& campaign,
                                                           const std::string& currency, absl::Time now,
                                                           absl::Time deadline) {
  const absl::Time start = storage::FromProtoTimestamp(campaign.start_time());
  const int window_days = AttributionWindowDays(campaign);
  const absl::Duration window = absl::Hours(24) * window_days;
  const std::vector<std::string> categories(campaign.response_definition().product_categories().begin(),
                                            campaign.response_definition().product_categories().end());
  std::vector<CellFigures> cells(static_cast<size_t>(campaign.cells_size()));
  const auto cell_at = [&](int index) -> CellFigures* {
    return index >= 0 && index < campaign.cells_size() ? &cells[static_cast<size_t>(index)] : nullptr;
  };

  absl::StatusOr<std::vector<storage::RecipientTally>> tallies = source.Tallies(tenant, campaign_id, deadline);
  if (!tallies.ok()) return tallies.status();
  for (const storage::RecipientTally& tally : *tallies) {
    CellFigures* cell = cell_at(tally.cell_index);
    if (cell == nullptr) continue;
    if (tally.control) {
      cell->control.members += tally.count;
      continue;
    }
    cell->test += tally.count;
    switch (static_cast<DeliveryState>(tally.delivery_state)) {
      case DeliveryState::kDelivered:
        cell->delivered += tally.count;
        cell->sent += tally.count;
        break;
      case DeliveryState::kSent:
        cell->sent += tally.count;
        break;
      case DeliveryState::kBounced:
        cell->sent += tally.count;
        cell->failed += tally.count;
        break;
      case DeliveryState::kFailed:
        cell->failed += tally.count;
        break;
      case DeliveryState::kSkippedByPolicy:
        cell->skipped_by_policy += tally.count;
        break;
      default:
        break;
    }
  }
  for (int i = 0; i < campaign.cells_size(); ++i) {
    CellFigures& cell = cells[static_cast<size_t>(i)];
    cell.test_arm.members = cell.sent;
    cell.cost_micros = cell.sent * TouchCostMicros(campaign, campaign.cells(i).channel());
  }

  absl::StatusOr<std::vector<storage::PurchaseResponder>> responders =
      source.PurchaseResponders(tenant, campaign_id, start, window_days, categories, deadline);
  if (!responders.ok()) return responders.status();
  for (const storage::PurchaseResponder& responder : *responders) {
    CellFigures* cell = cell_at(responder.cell_index);
    if (cell == nullptr) continue;
    Arm& arm = responder.control ? cell->control : cell->test_arm;
    arm.responders.insert(responder.contact_id);
    arm.revenue_micros += responder.revenue_micros;
    arm.margin_micros += responder.margin_micros;
  }
  absl::StatusOr<std::vector<storage::RecordedResponse>> responses = source.Responses(tenant, campaign_id, deadline);
  if (!responses.ok()) return responses.status();
  for (const storage::RecordedResponse& response : *responses) {
    CellFigures* cell = cell_at(response.cell_index);
    if (cell == nullptr || response.kind == v1::CampaignResponse::KIND_DECLINED) continue;
    if (!response.control && (!response.sent || !response.sent_time)) continue;
    const absl::Time from = response.control ? start : *response.sent_time;
    if (response.response_time < from || response.response_time >= from + window) continue;
    (response.control ? cell->control : cell->test_arm).responders.insert(response.contact_id);
  }

  v1::CampaignResults results;
  results.set_campaign(campaign.name());
  storage::ToProtoTimestamp(now, results.mutable_compute_time());
  CellFigures total;
  for (int i = 0; i < campaign.cells_size(); ++i) {
    const CellFigures& cell = cells[static_cast<size_t>(i)];
    v1::CellResults* out = results.add_cells();
    out->set_cell(campaign.cells(i).display_name());
    FillCell(cell, currency, out);
    total.test += cell.test;
    total.sent += cell.sent;
    total.delivered += cell.delivered;
    total.failed += cell.failed;
    total.skipped_by_policy += cell.skipped_by_policy;
    total.cost_micros += cell.cost_micros;
    AddArm(cell.test_arm, &total.test_arm);
    AddArm(cell.control, &total.control);
  }
  FillCell(total, currency, results.mutable_total());

  // The measurement period: from the start to the end of the last window.
  const absl::Time last_touch = campaign.has_end_time() ? storage::FromProtoTimestamp(campaign.end_time())
                                                        : storage::FromProtoTimestamp(campaign.schedule().end_time());
  const absl::Time period_end = std::min(now, last_touch + window);
  if (period_end > start) {
    absl::StatusOr<int64_t> sales = source.SalesTotal(tenant, start, period_end, categories, deadline);
    if (!sales.ok()) return sales.status();
    *results.mutable_promoted_sales() = Money(static_cast<double>(*sales), currency);
    const int64_t incremental = storage::MoneyToMicros(results.total().incremental_revenue());
    results.set_campaign_share_of_sales(*sales > 0 ? static_cast<double>(incremental) / *sales : 0);

    absl::TimeZone zone;
    if (!absl::LoadTimeZone(campaign.schedule().time_zone(), &zone)) zone = absl::UTCTimeZone();
    const absl::Time daily_end = std::min(period_end, start + absl::Hours(24) * kMaxDailyDays);
    std::map<absl::CivilDay, absl::flat_hash_set<std::string>> buyers_by_day;
    absl::flat_hash_set<std::string> buyers;
    absl::Status scanned = source.ForEachPurchase(
        tenant, start, daily_end, categories,
        [&](const storage::PurchasePoint& purchase) {
          buyers_by_day[absl::ToCivilDay(purchase.time, zone)].insert(purchase.contact_id);
          buyers.insert(purchase.contact_id);
        },
        deadline);
    if (!scanned.ok()) return scanned;
    absl::StatusOr<absl::flat_hash_map<std::string, absl::Time>> first = purchases.FirstPurchaseTimes(
        tenant, std::vector<std::string>(buyers.begin(), buyers.end()), deadline);
    if (!first.ok()) return first.status();
    absl::StatusOr<std::vector<std::string>> sent = source.SentTestMembers(tenant, campaign_id, deadline);
    if (!sent.ok()) return sent.status();
    const absl::flat_hash_set<std::string> sent_set(sent->begin(), sent->end());
    for (const auto& [day, day_buyers] : buyers_by_day) {
      v1::DailyBuyers* daily = results.add_daily();
      daily->mutable_date()->set_year(static_cast<int32_t>(day.year()));
      daily->mutable_date()->set_month(day.month());
      daily->mutable_date()->set_day(day.day());
      for (const std::string& buyer : day_buyers) {
        auto found = first->find(buyer);
        const bool is_new = found != first->end() && absl::ToCivilDay(found->second, zone) == day;
        if (is_new) {
          daily->set_new_buyers(daily->new_buyers() + 1);
        } else {
          daily->set_returning_buyers(daily->returning_buyers() + 1);
        }
        if (sent_set.contains(buyer)) daily->set_campaign_buyers(daily->campaign_buyers() + 1);
      }
    }
  }
  if (campaign.type() == v1::Campaign::TYPE_EVENT) {
    if (absl::Status event = AddEventComparison(source, tenant, campaign_id, campaign, *responses, currency,
                                                deadline, &results);
        !event.ok()) {
      return event;
    }
  }
  return results;
}

}  // namespace crm::server
