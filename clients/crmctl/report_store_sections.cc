// The store sections of the report: the gap analysis (a period against the one
// before, overall and per store) and the store clustering.
#include <algorithm>
#include <functional>
#include <numeric>

#include "absl/strings/str_cat.h"
#include "clients/crmctl/report_html_parts.h"
#include "clients/crmctl/svg_charts.h"
#include "clients/crmctl/svg_format.h"

namespace crm::crmctl::report {
namespace {

constexpr size_t kMaxStoresCharted = 24;

enum class Kind { kCount, kMoney, kRate, kRatio };

std::string ValueText(Kind kind, double value, const std::string& currency) {
  switch (kind) {
    case Kind::kCount: return FormatNumber(value, 0);
    case Kind::kMoney: return Money(value, currency);
    case Kind::kRate: return FormatPercent(value);
    case Kind::kRatio: return FormatNumber(value, 2);
  }
  return "";
}

Cell ChangeCell(Kind kind, double before, double after) {
  return kind == Kind::kRate ? PointChange(before, after) : RelativeChange(before, after);
}

struct GapMetric {
  const char* name;
  Kind kind;
  std::function<double(const crm::v1::GapFigures&)> value;
};

const std::vector<GapMetric>& GapMetrics() {
  using F = crm::v1::GapFigures;
  static const std::vector<GapMetric>* metrics = new std::vector<GapMetric>{
      {"Active customers", Kind::kCount, [](const F& f) { return static_cast<double>(f.active_customers()); }},
      {"New customers", Kind::kCount, [](const F& f) { return static_cast<double>(f.new_customers()); }},
      {"Old customers", Kind::kCount, [](const F& f) { return static_cast<double>(f.old_customers()); }},
      {"Transactions", Kind::kCount, [](const F& f) { return static_cast<double>(f.transactions()); }},
      {"Sales", Kind::kMoney, [](const F& f) { return MoneyUnits(f.sales()); }},
      {"Purchases per customer", Kind::kRatio, [](const F& f) { return f.purchases_per_customer(); }},
      {"Average order value", Kind::kMoney, [](const F& f) { return MoneyUnits(f.average_order_value()); }},
      {"Repeat rate of new customers", Kind::kRate, [](const F& f) { return f.new_repeat_rate(); }},
      {"Repeat rate of old customers", Kind::kRate, [](const F& f) { return f.old_repeat_rate(); }},
      {"Purchases per new customer", Kind::kRatio, [](const F& f) { return f.new_purchase_frequency(); }},
      {"Purchases per old customer", Kind::kRatio, [](const F& f) { return f.old_purchase_frequency(); }},
      {"Share managed by a store", Kind::kRate, [](const F& f) { return f.managed_share(); }},
      {"Managed: repeat rate at own store", Kind::kRate,
       [](const F& f) { return f.managed_repeat_rate_at_own_store(); }},
      {"AOV, managed new customers", Kind::kMoney, [](const F& f) { return MoneyUnits(f.aov_managed_new()); }},
      {"AOV, managed old customers", Kind::kMoney, [](const F& f) { return MoneyUnits(f.aov_managed_old()); }},
      {"AOV, unmanaged old customers", Kind::kMoney, [](const F& f) { return MoneyUnits(f.aov_unmanaged_old()); }},
  };
  return *metrics;
}

// "December 2025", "2025 Q4", "2025"; `short_month`: "Dec 2025" (table headers).
std::string PeriodName(const ReportData& data, crm::v1::PeriodKind kind, absl::Time start, bool short_month = false) {
  const absl::CivilMonth month(absl::ToCivilSecond(start, ZoneOf(data)));
  switch (kind) {
    case crm::v1::PERIOD_KIND_MONTH: return absl::FormatTime(short_month ? "%b %Y" : "%B %Y", start, ZoneOf(data));
    case crm::v1::PERIOD_KIND_QUARTER: return absl::StrCat(month.year(), " Q", (month.month() - 1) / 3 + 1);
    default: return absl::StrCat(month.year());
  }
}

struct FeatureInfo {
  std::string name;
  Kind kind;
};

FeatureInfo InfoOf(int feature, const std::string& currency) {
  const std::string in_currency = currency.empty() ? "" : absl::StrCat(" (", currency, ")");
  switch (feature) {
    case crm::v1::STORE_FEATURE_SALES: return {"Sales" + in_currency, Kind::kMoney};
    case crm::v1::STORE_FEATURE_CUSTOMERS: return {"Customers", Kind::kCount};
    case crm::v1::STORE_FEATURE_PURCHASE_FREQUENCY: return {"Purchases per customer", Kind::kRatio};
    case crm::v1::STORE_FEATURE_AVERAGE_ORDER_VALUE: return {"Average order value" + in_currency, Kind::kMoney};
    case crm::v1::STORE_FEATURE_AGE_35_PLUS_SHARE: return {"Customers aged 35+", Kind::kRate};
    case crm::v1::STORE_FEATURE_TENURED_SHARE: return {"Customers of over a year", Kind::kRate};
    case crm::v1::STORE_FEATURE_NEW_OLD_RATIO: return {"New per old customer", Kind::kRatio};
    case crm::v1::STORE_FEATURE_MANAGED_CUSTOMERS: return {"Managed customers", Kind::kCount};
    case crm::v1::STORE_FEATURE_REPEAT_VISIT_RATE: return {"Repeat visit rate", Kind::kRate};
    case crm::v1::STORE_FEATURE_TOP_CATEGORY_SHARE: return {"Top category share", Kind::kRate};
    default: return {HumanName(crm::v1::StoreFeature_Name(feature), "STORE_FEATURE_"), Kind::kRatio};
  }
}

// Table cells drop the currency code the column title already names.
std::string FeatureCell(const FeatureInfo& info, double value) {
  return info.kind == Kind::kMoney ? FormatNumber(value, 2) : ValueText(info.kind, value, "");
}

ValueFormatter TickFormatFor(Kind kind) {
  if (kind == Kind::kRate) return [](double v) { return FormatPercent(v, 0); };
  return nullptr;  // FormatTick
}

}  // namespace

std::string GapSection(const ReportData& data) {
  std::string out = SectionStart("gaps", "Gap analysis", "");
  if (!data.gaps.available()) {
    absl::StrAppend(&out, "<p class=\"intro\">A calendar period against the one before it, overall and per store.</p>\n");
    return absl::StrCat(out, Note(data.gaps.note), SectionEnd());
  }
  const crm::v1::GapAnalysis& gaps = data.gaps.data->analysis;
  const std::string& currency = data.currency_code;
  const std::string current = PeriodName(data, data.gaps.data->kind, ToTime(gaps.period_start()));
  const std::string previous = PeriodName(data, data.gaps.data->kind, ToTime(gaps.previous_start()));
  absl::StrAppend(&out, "<p class=\"intro\">", XmlEscape(current), " (", DateText(data, ToTime(gaps.period_start())),
                  " to ", DateText(data, ToTime(gaps.period_end()) - absl::Seconds(1)), ") against ",
                  XmlEscape(previous), ", from the purchases. Change: relative for amounts, in percentage points (pp) "
                  "for rates.</p>\n");

  HtmlTable overall({{"All stores"}, {previous, true}, {current, true}, {"Change", true}}, "gap-overall");
  for (const GapMetric& metric : GapMetrics()) {
    const double before = metric.value(gaps.overall().previous());
    const double after = metric.value(gaps.overall().current());
    overall.AddRow({{metric.name, ""},
                    {ValueText(metric.kind, before, currency), ""},
                    {ValueText(metric.kind, after, currency), ""},
                    ChangeCell(metric.kind, before, after)});
  }
  HtmlTable rates({{"Flow from " + previous + " to " + current}, {"Rate", true}}, "gap-rates");
  rates.AddRow({"Recruitment (new now / active before)", FormatPercent(gaps.overall().recruitment_rate())});
  rates.AddRow({"Retention of old customers", FormatPercent(gaps.overall().old_retention_rate())});
  rates.AddRow({"Retention of new customers", FormatPercent(gaps.overall().new_retention_rate())});
  absl::StrAppend(&out, "<div class=\"split\">\n<div>", overall.Render(), "</div>\n<div>", rates.Render(),
                  "</div>\n</div>\n");

  if (gaps.stores().empty()) {
    absl::StrAppend(&out, Note("No purchase in either period names a store."));
    return absl::StrCat(out, SectionEnd());
  }
  const std::string short_current = PeriodName(data, data.gaps.data->kind, ToTime(gaps.period_start()), true);
  const std::string short_previous = PeriodName(data, data.gaps.data->kind, ToTime(gaps.previous_start()), true);
  HtmlTable stores({{"Store"},
                    {"Active " + short_previous, true},
                    {"Active " + short_current, true},
                    {"Change", true},
                    {"Sales " + short_previous, true},
                    {"Sales " + short_current, true},
                    {"Change", true},
                    {"AOV " + short_current, true},
                    {"Recruitment", true},
                    {"Old retention", true}},
                   "gap-stores wide");
  BarChart chart;
  chart.text = {"chart-gap-stores", "Sales per store",
                absl::StrCat("Grouped bars: each store's sales in ", previous, " and in ", current, "."), "Store",
                currency.empty() ? "Sales" : absl::StrCat("Sales (", currency, ")")};
  chart.width = 1040;
  chart.height = 300;
  chart.series = {{previous, {}}, {current, {}}};
  chart.value_label = [](double v) { return FormatCompact(v); };
  for (const crm::v1::GapComparison& store : gaps.stores()) {
    const double sales_before = MoneyUnits(store.previous().sales());
    const double sales_after = MoneyUnits(store.current().sales());
    stores.AddRow({{store.store_id(), ""},
                   {Count(store.previous().active_customers()), ""},
                   {Count(store.current().active_customers()), ""},
                   RelativeChange(static_cast<double>(store.previous().active_customers()),
                                  static_cast<double>(store.current().active_customers())),
                   {Money(sales_before, currency), ""},
                   {Money(sales_after, currency), ""},
                   RelativeChange(sales_before, sales_after),
                   {Money(MoneyUnits(store.current().average_order_value()), currency), ""},
                   {FormatPercent(store.recruitment_rate()), ""},
                   {FormatPercent(store.old_retention_rate()), ""}});
    if (chart.categories.size() < kMaxStoresCharted) {
      chart.categories.push_back(store.store_id());
      chart.series[0].values.push_back(sales_before);
      chart.series[1].values.push_back(sales_after);
    }
  }
  absl::StrAppend(&out, "<h3>Per store</h3>\n", RenderBarChart(chart));
  if (static_cast<size_t>(gaps.stores_size()) > kMaxStoresCharted) {
    absl::StrAppend(&out, Caption(absl::StrCat("The chart shows the first ", kMaxStoresCharted, " of ",
                                               gaps.stores_size(), " stores; the table has them all.")));
  }
  absl::StrAppend(&out, stores.Render());
  return absl::StrCat(out, SectionEnd());
}

std::string ClusterSection(const ReportData& data) {
  std::string out = SectionStart(
      "clusters", "Store clusters",
      "Stores grouped by k-means on standardised features of their last 365 days of purchases.");
  if (!data.clusters.available()) return absl::StrCat(out, Note(data.clusters.note), SectionEnd());
  const StoreClusterData& clusters = *data.clusters.data;
  const crm::v1::StoreClustering& clustering = clusters.clustering;
  const std::string& currency = data.currency_code;
  std::vector<FeatureInfo> features;
  for (int feature : clustering.features()) features.push_back(InfoOf(feature, currency));

  // The two features that separate the clusters most span the scatter plot.
  std::vector<size_t> by_separation(features.size());
  std::iota(by_separation.begin(), by_separation.end(), 0);
  std::stable_sort(by_separation.begin(), by_separation.end(), [&](size_t a, size_t b) {
    const double sa = a < static_cast<size_t>(clustering.separation_size()) ? clustering.separation(static_cast<int>(a)) : 0;
    const double sb = b < static_cast<size_t>(clustering.separation_size()) ? clustering.separation(static_cast<int>(b)) : 0;
    return sa > sb;
  });

  std::string k_text = absl::StrCat("k = ", clusters.k);
  if (clusters.k < clusters.requested_k) {
    absl::StrAppend(&k_text, " (asked for ", clusters.requested_k, "; there are only ", clusters.stores, " stores)");
  }
  absl::StrAppend(&k_text, ", ", clusters.stores, " stores, ", clustering.iterations(), " k-means iterations.");
  absl::StrAppend(&out, Caption(k_text));

  HtmlTable separation({{"Feature"}, {"Separation", true}}, "figures");
  for (size_t f : by_separation) {
    if (f >= static_cast<size_t>(clustering.separation_size())) continue;
    separation.AddRow({features[f].name, FormatPercent(clustering.separation(static_cast<int>(f)), 0)});
  }
  std::string scatter;
  if (features.size() >= 2) {
    const size_t fx = by_separation[0], fy = by_separation[1];
    ScatterChart chart;
    chart.text = {"chart-clusters", absl::StrCat("Stores by ", features[fx].name, " and ", features[fy].name),
                  "A scatter plot: one dot per store, coloured by its cluster, on the two features that separate "
                  "the clusters most.",
                  features[fx].name, features[fy].name};
    chart.width = 640;
    chart.height = 380;
    chart.x_axis.tick_label = TickFormatFor(features[fx].kind);
    chart.y_axis.tick_label = TickFormatFor(features[fy].kind);
    for (const crm::v1::ClusterCentroid& centroid : clustering.centroids()) {
      chart.group_names.push_back(absl::StrCat("Cluster ", centroid.cluster() + 1, " (", centroid.stores(),
                                               centroid.stores() == 1 ? " store)" : " stores)"));
    }
    for (const crm::v1::StoreCluster& store : clustering.stores()) {
      if (store.values_size() <= static_cast<int>(std::max(fx, fy))) continue;
      chart.points.push_back({store.values(static_cast<int>(fx)), store.values(static_cast<int>(fy)), store.cluster(),
                              store.store_id()});
    }
    scatter = RenderScatterChart(chart);
  }
  absl::StrAppend(&out, "<div class=\"split\">\n<div>", scatter, "</div>\n<div>", separation.Render(),
                  Caption("Separation: the share of a feature's standardised variance that lies between the "
                          "clusters; the larger, the more it tells them apart."),
                  "</div>\n</div>\n");

  std::vector<Column> centroid_columns = {{"Cluster"}, {"Stores", true}};
  std::vector<Column> store_columns = {{"Store"}, {"Cluster", true}};
  for (const FeatureInfo& info : features) {
    centroid_columns.push_back({info.name, true});
    store_columns.push_back({info.name, true});
  }
  HtmlTable centroids(centroid_columns, "wide");
  for (const crm::v1::ClusterCentroid& centroid : clustering.centroids()) {
    std::vector<std::string> row = {absl::StrCat("Cluster ", centroid.cluster() + 1), Count(centroid.stores())};
    for (int i = 0; i < centroid.values_size() && i < static_cast<int>(features.size()); ++i) {
      row.push_back(FeatureCell(features[static_cast<size_t>(i)], centroid.values(i)));
    }
    centroids.AddRow(row);
  }
  HtmlTable stores(store_columns, "wide");
  for (const crm::v1::StoreCluster& store : clustering.stores()) {
    std::vector<std::string> row = {store.store_id(), absl::StrCat(store.cluster() + 1)};
    for (int i = 0; i < store.values_size() && i < static_cast<int>(features.size()); ++i) {
      row.push_back(FeatureCell(features[static_cast<size_t>(i)], store.values(i)));
    }
    stores.AddRow(row);
  }
  absl::StrAppend(&out, "<h3>Cluster centres</h3>\n", centroids.Render(), "<h3>Stores</h3>\n", stores.Render());
  return absl::StrCat(out, SectionEnd());
}

}  // namespace crm::crmctl::report
