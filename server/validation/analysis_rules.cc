#include "server/validation/analysis_rules.h"

#include <cmath>
#include <set>

#include "absl/strings/str_cat.h"
#include "server/validation/field_rules.h"
#include "server/validation/status_macros.h"
#include "storage/row_codec.h"

namespace crm::server {
namespace {

absl::Status Invalid(absl::string_view field, absl::string_view what) {
  return absl::InvalidArgumentError(absl::StrCat(field, ": ", what));
}

// `value` within [min, max] (open ends where asked), and finite.
absl::Status CheckDouble(absl::string_view field, double value, double min, double max, bool min_open = false,
                         bool max_open = false) {
  const bool low = min_open ? value <= min : value < min;
  const bool high = max_open ? value >= max : value > max;
  if (!std::isfinite(value) || low || high) {
    return Invalid(field, absl::StrCat("must be in ", min_open ? "(" : "[", min, ", ", max, max_open ? ")" : "]",
                                       ", got ", value));
  }
  return absl::OkStatus();
}

absl::Status CheckWholeDays(absl::string_view field, const google::protobuf::Duration& duration, int64_t max_days) {
  if (duration.nanos() != 0 || duration.seconds() % 86400 != 0) return Invalid(field, "must be whole days");
  return CheckIntRange(field, duration.seconds() / 86400, 1, max_days);
}

absl::Status CheckSettings(const v1::AnalysisSettings& s) {
  if (!s.GetReflection()->GetUnknownFields(s).empty() ||
      (s.has_current_period() && !s.current_period().GetReflection()->GetUnknownFields(s.current_period()).empty())) {
    return Invalid("settings", "holds a field this server does not know (a newer client?); "
                               "see AnalysisSettings in value_analysis.proto for the settings it accepts");
  }
  // Each field on its own, then the pairs with their effective values (a field given
  // alone must also fit the other's default).
  if (s.has_abc_a_share()) CRM_RETURN_IF_ERROR(CheckDouble("settings.abc_a_share", s.abc_a_share(), 0, 1, true, true));
  if (s.has_abc_b_share()) CRM_RETURN_IF_ERROR(CheckDouble("settings.abc_b_share", s.abc_b_share(), 0, 1, true));
  if (s.has_tier_a_share()) CRM_RETURN_IF_ERROR(CheckDouble("settings.tier_a_share", s.tier_a_share(), 0, 1, true, true));
  if (s.has_tier_b_share()) CRM_RETURN_IF_ERROR(CheckDouble("settings.tier_b_share", s.tier_b_share(), 0, 1));
  const double abc_a = s.has_abc_a_share() ? s.abc_a_share() : analysis::AbcThresholds{}.a;
  const double abc_b = s.has_abc_b_share() ? s.abc_b_share() : analysis::AbcThresholds{}.b;
  if (abc_b <= abc_a) {
    return Invalid(s.has_abc_b_share() ? "settings.abc_b_share" : "settings.abc_a_share",
                   absl::StrCat("abc_b_share (", abc_b, ") must be above abc_a_share (", abc_a, ")"));
  }
  const double tier_a = s.has_tier_a_share() ? s.tier_a_share() : analysis::TierShares{}.a;
  const double tier_b = s.has_tier_b_share() ? s.tier_b_share() : analysis::TierShares{}.b;
  if (tier_a + tier_b > 1) {
    return Invalid(s.has_tier_b_share() ? "settings.tier_b_share" : "settings.tier_a_share",
                   absl::StrCat("tier_a_share + tier_b_share (", tier_a, " + ", tier_b, ") must be at most 1"));
  }
  const double churn_p = s.has_churn_p_alive() ? s.churn_p_alive() : analysis::LifecycleSettings{}.churn_p_alive;
  const double decline_p =
      s.has_decline_p_alive() ? s.decline_p_alive() : analysis::LifecycleSettings{}.decline_p_alive;
  if (s.has_clv_horizon_months()) CRM_RETURN_IF_ERROR(CheckIntRange("settings.clv_horizon_months", s.clv_horizon_months(), 1, 120));
  if (s.has_monthly_discount_rate()) {
    CRM_RETURN_IF_ERROR(CheckDouble("settings.monthly_discount_rate", s.monthly_discount_rate(), 0, 1));
  }
  if (s.has_current_period()) CRM_RETURN_IF_ERROR(CheckWholeDays("settings.current_period", s.current_period(), 3650));
  if (s.has_acquisition_days()) CRM_RETURN_IF_ERROR(CheckIntRange("settings.acquisition_days", s.acquisition_days(), 1, 3650));
  if (s.has_churn_days()) CRM_RETURN_IF_ERROR(CheckIntRange("settings.churn_days", s.churn_days(), 1, 3650));
  if (s.has_churn_p_alive()) CRM_RETURN_IF_ERROR(CheckDouble("settings.churn_p_alive", s.churn_p_alive(), 0, 1));
  if (s.has_decline_p_alive()) CRM_RETURN_IF_ERROR(CheckDouble("settings.decline_p_alive", s.decline_p_alive(), 0, 1));
  if (decline_p < churn_p) {
    return Invalid(s.has_decline_p_alive() ? "settings.decline_p_alive" : "settings.churn_p_alive",
                   absl::StrCat("decline_p_alive (", decline_p, ") must not be below churn_p_alive (", churn_p, ")"));
  }
  if (s.has_overdue_factor()) CRM_RETURN_IF_ERROR(CheckDouble("settings.overdue_factor", s.overdue_factor(), 1, 100));
  if (s.has_growth_ratio()) CRM_RETURN_IF_ERROR(CheckDouble("settings.growth_ratio", s.growth_ratio(), 1, 100));
  if (s.has_decline_ratio()) CRM_RETURN_IF_ERROR(CheckDouble("settings.decline_ratio", s.decline_ratio(), 0, 1));
  if (s.has_min_fit_customers()) {
    CRM_RETURN_IF_ERROR(CheckIntRange("settings.min_fit_customers", s.min_fit_customers(), 10, 1000000));
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status NormalizeRunRequest(const v1::RunAnalysisRequest& request, absl::Time now, v1::AnalysisRun* run) {
  CRM_RETURN_IF_ERROR(CheckRequestId(request.request_id()));
  if (request.has_as_of()) {
    CRM_RETURN_IF_ERROR(CheckTimestamp("as_of", request.as_of()));
    if (storage::FromProtoTimestamp(request.as_of()) > now) {
      return Invalid("as_of", "must not be in the future: the analysis date needs its purchases to have happened");
    }
    *run->mutable_as_of() = request.as_of();
  } else {
    storage::ToProtoTimestamp(now, run->mutable_as_of());
  }
  if (request.has_window()) {
    const google::protobuf::Duration& window = request.window();
    if (window.seconds() < 0 || (window.seconds() == 0 && window.nanos() <= 0)) {
      return Invalid("window", "is empty: give a positive duration (default 365 days)");
    }
    const absl::Duration length = absl::Seconds(window.seconds()) + absl::Nanoseconds(window.nanos());
    if (length < absl::Hours(24) || length > kMaxAnalysisWindow) {
      return Invalid("window", "must be between 1 day and 20 years");
    }
    run->mutable_window()->set_seconds(window.seconds());
  } else {
    run->mutable_window()->set_seconds(absl::ToInt64Seconds(kDefaultAnalysisWindow));
  }
  CRM_RETURN_IF_ERROR(CheckSettings(request.settings()));
  *run->mutable_settings() = request.settings();
  return absl::OkStatus();
}

absl::TimeZone TenantTimeZone(const std::string& name) {
  absl::TimeZone zone = absl::UTCTimeZone();
  if (!name.empty() && !absl::LoadTimeZone(name, &zone)) zone = absl::UTCTimeZone();
  return zone;
}

analysis::ValueAnalysisSettings SettingsForRun(const v1::AnalysisRun& run, absl::TimeZone zone) {
  const v1::AnalysisSettings& s = run.settings();
  analysis::ValueAnalysisSettings out;
  out.as_of = storage::FromProtoTimestamp(run.as_of());
  out.window = absl::Seconds(run.window().seconds());
  out.zone = zone;
  if (s.has_current_period()) out.current_period = absl::Seconds(s.current_period().seconds());
  if (s.has_abc_a_share()) out.abc.a = s.abc_a_share();
  if (s.has_abc_b_share()) out.abc.b = s.abc_b_share();
  if (s.has_tier_a_share()) out.tiers.a = s.tier_a_share();
  if (s.has_tier_b_share()) out.tiers.b = s.tier_b_share();
  if (s.has_clv_horizon_months()) out.clv_horizon_months = s.clv_horizon_months();
  if (s.has_monthly_discount_rate()) out.monthly_discount_rate = s.monthly_discount_rate();
  if (s.has_acquisition_days()) out.lifecycle.acquisition_days = s.acquisition_days();
  if (s.has_churn_days()) out.lifecycle.churn_days = s.churn_days();
  if (s.has_churn_p_alive()) out.lifecycle.churn_p_alive = s.churn_p_alive();
  if (s.has_decline_p_alive()) out.lifecycle.decline_p_alive = s.decline_p_alive();
  if (s.has_overdue_factor()) out.lifecycle.overdue_factor = s.overdue_factor();
  if (s.has_growth_ratio()) out.lifecycle.growth_ratio = s.growth_ratio();
  if (s.has_decline_ratio()) out.lifecycle.decline_ratio = s.decline_ratio();
  if (s.has_min_fit_customers()) out.min_fit_customers = s.min_fit_customers();
  return out;
}

absl::Status CheckBrandValueRequest(const v1::ComputeBrandValueRequest& request) {
  CRM_RETURN_IF_ERROR(CheckText("product_category", request.product_category(), 64, /*required=*/true));
  if (!std::isfinite(request.category_customers()) || request.category_customers() <= 0) {
    return Invalid("category_customers", "must be greater than 0 (all category customers in the market)");
  }
  if (!std::isfinite(request.buying_rate()) || request.buying_rate() < 0) {
    return Invalid("buying_rate", "must be 0 or more (category units per customer per year)");
  }
  if (request.has_contribution_margin() &&
      (!std::isfinite(request.contribution_margin()) || request.contribution_margin() < 0)) {
    return Invalid("contribution_margin", "must not be negative");
  }
  if (request.has_share_of_purchase()) {
    CRM_RETURN_IF_ERROR(CheckDouble("share_of_purchase", request.share_of_purchase(), 0, 1));
  }
  if (request.has_our_customers()) {
    if (!std::isfinite(request.our_customers()) || request.our_customers() < 0) {
      return Invalid("our_customers", "must not be negative");
    }
    if (request.our_customers() > request.category_customers()) {
      return Invalid("our_customers", "exceeds category_customers: penetration would be above 1");
    }
  }
  return absl::OkStatus();
}

absl::Status CheckClusterStoresRequest(const v1::ClusterStoresRequest& request) {
  if (request.k() < 1) return Invalid("k", "must be at least 1");
  std::set<int> seen;
  for (int feature : request.features()) {
    CRM_RETURN_IF_ERROR(CheckEnum("features", feature, v1::StoreFeature_IsValid, /*allow_unspecified=*/false));
    if (!seen.insert(feature).second) {
      return Invalid("features", absl::StrCat(v1::StoreFeature_Name(static_cast<v1::StoreFeature>(feature)),
                                              " is listed twice"));
    }
  }
  return absl::OkStatus();
}

}  // namespace crm::server
