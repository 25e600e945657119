#include "clients/crmctl/svg_charts.h"

#include <cmath>
#include <regex>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "clients/crmctl/svg_format.h"

namespace crm::crmctl {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

// The value of attribute `name` of every element whose opening tag starts with
// `tag_start` (e.g. "<rect class=\"bar"), in document order.
std::vector<double> AttributeOf(const std::string& svg, const std::string& tag_start, const std::string& name) {
  std::vector<double> values;
  const std::regex attribute(" " + name + "=\"([-0-9.]+)\"");
  for (size_t at = svg.find(tag_start); at != std::string::npos; at = svg.find(tag_start, at + 1)) {
    const std::string tag = svg.substr(at, svg.find('>', at) - at);
    std::smatch match;
    if (std::regex_search(tag, match, attribute)) values.push_back(std::stod(match[1]));
  }
  return values;
}

size_t Count(const std::string& text, const std::string& needle) {
  size_t count = 0;
  for (size_t at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) ++count;
  return count;
}

void ExpectWellFormedChart(const std::string& svg, const std::string& id) {
  EXPECT_THAT(svg, HasSubstr("<svg class=\"chart\" id=\"" + id + "\" role=\"img\""));
  EXPECT_THAT(svg, HasSubstr("<title id=\"" + id + "-title\">"));
  EXPECT_THAT(svg, HasSubstr("<desc id=\"" + id + "-desc\">"));
  EXPECT_THAT(svg, HasSubstr("aria-labelledby=\"" + id + "-title " + id + "-desc\""));
  EXPECT_EQ(Count(svg, "<svg"), 1u);
  EXPECT_EQ(Count(svg, "</svg>"), 1u);
  EXPECT_EQ(Count(svg, "<g"), Count(svg, "</g>"));
  EXPECT_EQ(Count(svg, "<text"), Count(svg, "</text>"));
  for (const char* bad : {"nan", "NaN", "inf", "undefined", "<script", "href", "http"}) {
    EXPECT_THAT(svg, Not(HasSubstr(bad))) << bad;
  }
}

BarChart ThreeBars() {
  BarChart chart;
  chart.text = {"chart-test", "Revenue per segment", "Bars of revenue.", "Segment", "Revenue (CNY)"};
  chart.categories = {"A", "B", "C"};
  chart.series = {{"Revenue", {10, 20, 40}}};
  return chart;
}

TEST(BarChartTest, VerticalBarHeightsAreProportionalToValues) {
  const std::string svg = RenderBarChart(ThreeBars());
  ExpectWellFormedChart(svg, "chart-test");
  const std::vector<double> heights = AttributeOf(svg, "<rect class=\"bar", "height");
  ASSERT_EQ(heights.size(), 3u);
  EXPECT_GT(heights[0], 0);
  EXPECT_NEAR(heights[1] / heights[0], 2.0, 0.01);
  EXPECT_NEAR(heights[2] / heights[0], 4.0, 0.01);
  // All bars stand on the same baseline.
  const std::vector<double> tops = AttributeOf(svg, "<rect class=\"bar", "y");
  EXPECT_NEAR(tops[0] + heights[0], tops[2] + heights[2], 0.02);
  EXPECT_THAT(svg, HasSubstr(">Revenue per segment</text>"));
  EXPECT_THAT(svg, HasSubstr(">Segment</text>"));
  EXPECT_THAT(svg, HasSubstr(">Revenue (CNY)</text>"));
  EXPECT_THAT(svg, Not(HasSubstr("class=\"legend\"")));  // one series: no legend
}

TEST(BarChartTest, HorizontalBarWidthsAreProportionalToValues) {
  BarChart chart = ThreeBars();
  chart.horizontal = true;
  chart.value_label = [](double v) { return FormatCompact(v); };
  const std::string svg = RenderBarChart(chart);
  ExpectWellFormedChart(svg, "chart-test");
  const std::vector<double> widths = AttributeOf(svg, "<rect class=\"bar", "width");
  ASSERT_EQ(widths.size(), 3u);
  EXPECT_NEAR(widths[1] / widths[0], 2.0, 0.01);
  EXPECT_NEAR(widths[2] / widths[0], 4.0, 0.01);
  EXPECT_THAT(svg, HasSubstr(">40</text>"));  // value labels
}

TEST(BarChartTest, AxisHasNiceTicksCoveringTheData) {
  const std::string svg = RenderBarChart(ThreeBars());
  // 0..40 in steps of 10, as tick labels of the value axis.
  for (const char* tick : {">0</text>", ">10</text>", ">20</text>", ">30</text>", ">40</text>"}) {
    EXPECT_THAT(svg, HasSubstr(tick));
  }
}

TEST(BarChartTest, SeveralSeriesAreGroupedWithALegend) {
  BarChart chart = ThreeBars();
  chart.series = {{"Test", {0.2, 0.1, 0.3}}, {"Control", {0.1, 0.1, 0.15}}};
  const std::string svg = RenderBarChart(chart);
  ExpectWellFormedChart(svg, "chart-test");
  EXPECT_THAT(svg, HasSubstr("class=\"legend\""));
  EXPECT_THAT(svg, HasSubstr(">Test</text>"));
  EXPECT_THAT(svg, HasSubstr(">Control</text>"));
  EXPECT_EQ(Count(svg, "<rect class=\"bar s0\""), 3u);
  EXPECT_EQ(Count(svg, "<rect class=\"bar s1\""), 3u);
  const std::vector<double> heights = AttributeOf(svg, "<rect class=\"bar", "height");
  ASSERT_EQ(heights.size(), 6u);
  EXPECT_NEAR(heights[0] / heights[1], 2.0, 0.01);  // A: test 0.2 against control 0.1
}

TEST(BarChartTest, ZeroValuesDrawFlatBarsOnAValidAxis) {
  BarChart chart = ThreeBars();
  chart.series = {{"Revenue", {0, 0, 0}}};
  const std::string svg = RenderBarChart(chart);
  ExpectWellFormedChart(svg, "chart-test");
  const std::vector<double> heights = AttributeOf(svg, "<rect class=\"bar", "height");
  ASSERT_EQ(heights.size(), 3u);
  for (double height : heights) EXPECT_EQ(height, 0);
}

TEST(BarChartTest, NegativeValuesHangBelowTheZeroLine) {
  BarChart chart = ThreeBars();
  chart.series = {{"Margin", {-10, 10, 20}}};
  const std::string svg = RenderBarChart(chart);
  const std::vector<double> tops = AttributeOf(svg, "<rect class=\"bar", "y");
  const std::vector<double> heights = AttributeOf(svg, "<rect class=\"bar", "height");
  ASSERT_EQ(tops.size(), 3u);
  EXPECT_NEAR(tops[0], tops[1] + heights[1], 0.02);  // the negative bar starts where the positive one ends
  EXPECT_NEAR(heights[0], heights[1], 0.02);
}

TEST(BarChartTest, EmptyInputSaysNoData) {
  BarChart chart = ThreeBars();
  chart.categories.clear();
  chart.series.clear();
  const std::string svg = RenderBarChart(chart);
  ExpectWellFormedChart(svg, "chart-test");
  EXPECT_THAT(svg, HasSubstr(">No data</text>"));
  EXPECT_EQ(Count(svg, "<rect class=\"bar"), 0u);
  chart.horizontal = true;
  EXPECT_THAT(RenderBarChart(chart), HasSubstr(">No data</text>"));
}

TEST(BarChartTest, EscapesEveryTextFromTheData) {
  BarChart chart = ThreeBars();
  chart.text.title = "Stores <b>";
  chart.categories = {"<script>alert(1)</script>", "a&b", "\"quoted\""};
  chart.series = {{"<i>series</i>", {1, 2, 3}}, {"second", {1, 1, 1}}};
  for (bool horizontal : {false, true}) {
    chart.horizontal = horizontal;
    const std::string svg = RenderBarChart(chart);
    ExpectWellFormedChart(svg, "chart-test");
    EXPECT_THAT(svg, Not(HasSubstr("<script>")));
    EXPECT_THAT(svg, Not(HasSubstr("<b>")));
    EXPECT_THAT(svg, Not(HasSubstr("<i>")));
    EXPECT_THAT(svg, HasSubstr("&lt;script&gt;alert(1)&lt;/script&gt;"));
    EXPECT_THAT(svg, HasSubstr("a&amp;b"));
    EXPECT_THAT(svg, HasSubstr("&lt;i&gt;series&lt;/i&gt;"));
  }
}

TEST(BarChartTest, LongCategoryNamesAreShortenedButKeptInTheTooltip) {
  BarChart chart = ThreeBars();
  chart.width = 300;
  chart.categories = {"A very long campaign name that cannot fit", "B", "C"};
  const std::string svg = RenderBarChart(chart);
  EXPECT_THAT(svg, HasSubstr("\xE2\x80\xA6</text>"));  // an ellipsis under the bar
  EXPECT_THAT(svg, HasSubstr("<title>A very long campaign name that cannot fit: 10</title>"));
}

LineChart Pareto() {
  LineChart chart;
  chart.text = {"chart-line", "Pareto", "Cumulative share.", "Customers", "Contribution"};
  LineSeries curve{"Contribution", {}, false};
  for (int i = 0; i <= 10; ++i) curve.points.push_back({i / 10.0, std::sqrt(i / 10.0)});
  chart.series = {curve, {"Equal share", {{0, 0}, {1, 1}}, true}};
  chart.guides = {{false, 0.8, "A: 80%"}, {true, 0.2, "top 20%"}};
  chart.x_axis = {0.0, 1.0, [](double v) { return FormatPercent(v, 0); }};
  chart.y_axis = {0.0, 1.0, [](double v) { return FormatPercent(v, 0); }};
  return chart;
}

TEST(LineChartTest, DrawsEachSeriesGuidesAndPercentTicks) {
  const std::string svg = RenderLineChart(Pareto());
  ExpectWellFormedChart(svg, "chart-line");
  EXPECT_EQ(Count(svg, "<path class=\"line"), 2u);
  EXPECT_THAT(svg, HasSubstr("stroke-dasharray=\"6 4\""));
  EXPECT_THAT(svg, HasSubstr(">A: 80%</text>"));
  EXPECT_THAT(svg, HasSubstr(">top 20%</text>"));
  EXPECT_THAT(svg, HasSubstr(">100%</text>"));
  EXPECT_THAT(svg, HasSubstr(">40%</text>"));
  EXPECT_THAT(svg, HasSubstr("class=\"legend\""));
}

TEST(LineChartTest, PointsMapOntoThePlotLinearly) {
  LineChart chart = Pareto();
  chart.series = {{"diagonal", {{0, 0}, {0.5, 0.5}, {1, 1}}, false}};
  const std::string svg = RenderLineChart(chart);
  const std::regex path("d=\"M([-0-9.]+) ([-0-9.]+) L([-0-9.]+) ([-0-9.]+) L([-0-9.]+) ([-0-9.]+)\"");
  std::smatch match;
  ASSERT_TRUE(std::regex_search(svg, match, path));
  const double x0 = std::stod(match[1]), y0 = std::stod(match[2]);
  const double x1 = std::stod(match[3]), y1 = std::stod(match[4]);
  const double x2 = std::stod(match[5]), y2 = std::stod(match[6]);
  EXPECT_NEAR(x1 - x0, x2 - x1, 0.02);
  EXPECT_NEAR(y0 - y1, y1 - y2, 0.02);
  EXPECT_GT(y0, y2);  // up is smaller y
}

TEST(LineChartTest, EmptyAndNonFiniteInputSaysNoData) {
  LineChart chart = Pareto();
  chart.series = {{"broken", {{std::nan(""), 1}, {0.5, std::numeric_limits<double>::infinity()}}, false}};
  const std::string svg = RenderLineChart(chart);
  ExpectWellFormedChart(svg, "chart-line");
  EXPECT_THAT(svg, HasSubstr(">No data</text>"));
  chart.series.clear();
  EXPECT_THAT(RenderLineChart(chart), HasSubstr(">No data</text>"));
}

TEST(BinValuesTest, EvenValuesFillEqualBins) {
  std::vector<double> values;
  for (int i = 0; i < 100; ++i) values.push_back(i);
  const HistogramBins bins = BinValues(values, 10, 1.0);
  EXPECT_EQ(bins.total, 100);
  EXPECT_FALSE(bins.last_open);
  ASSERT_EQ(bins.bins.size(), 10u);
  for (const HistogramBin& bin : bins.bins) {
    EXPECT_EQ(bin.count, 10);
    EXPECT_DOUBLE_EQ(bin.upper - bin.lower, 10);
  }
  EXPECT_EQ(bins.bins.front().lower, 0);
}

TEST(BinValuesTest, OutliersGoToAnOpenLastBin) {
  std::vector<double> values;
  for (int i = 0; i < 100; ++i) values.push_back(i);
  values.push_back(1e6);
  const HistogramBins bins = BinValues(values, 10, 0.99);
  EXPECT_TRUE(bins.last_open);
  ASSERT_GE(bins.bins.size(), 2u);
  EXPECT_EQ(bins.bins.back().count, 1);
  EXPECT_LE(bins.bins.back().lower, 100);
  int64_t sum = 0;
  for (const HistogramBin& bin : bins.bins) sum += bin.count;
  EXPECT_EQ(sum, 101);
}

TEST(BinValuesTest, EqualEmptyAndNonFiniteValues) {
  const HistogramBins same = BinValues({5, 5, 5}, 10, 0.99);
  int64_t sum = 0;
  for (const HistogramBin& bin : same.bins) sum += bin.count;
  EXPECT_EQ(sum, 3);
  EXPECT_FALSE(same.last_open);
  EXPECT_TRUE(BinValues({}, 10, 0.99).bins.empty());
  const HistogramBins finite = BinValues({std::nan(""), 1, 2}, 10, 0.99);
  EXPECT_EQ(finite.total, 2);
}

TEST(HistogramTest, BarHeightsFollowCounts) {
  Histogram chart;
  chart.text = {"chart-hist", "CLV", "Distribution.", "CLV (CNY)", "Customers"};
  chart.bins.bins = {{0, 100, 5}, {100, 200, 10}, {200, 300, 0}, {300, 400, 20}};
  chart.bins.total = 35;
  const std::string svg = RenderHistogram(chart);
  ExpectWellFormedChart(svg, "chart-hist");
  const std::vector<double> heights = AttributeOf(svg, "<rect class=\"bar", "height");
  ASSERT_EQ(heights.size(), 4u);
  EXPECT_NEAR(heights[1] / heights[0], 2.0, 0.01);
  EXPECT_EQ(heights[2], 0);
  EXPECT_NEAR(heights[3] / heights[0], 4.0, 0.01);
  EXPECT_THAT(svg, HasSubstr("<title>100 to 200: 10</title>"));
}

TEST(HistogramTest, OpenBinIsMarkedAndEmptyInputSaysNoData) {
  Histogram chart;
  chart.text = {"chart-hist", "CLV", "Distribution.", "", ""};
  chart.bins.bins = {{0, 10, 3}, {10, 20, 1}};
  chart.bins.last_open = true;
  const std::string svg = RenderHistogram(chart);
  EXPECT_THAT(svg, HasSubstr("<rect class=\"bar open\""));
  EXPECT_THAT(svg, HasSubstr("above 10: 1"));
  chart.bins = {};
  const std::string empty = RenderHistogram(chart);
  ExpectWellFormedChart(empty, "chart-hist");
  EXPECT_THAT(empty, HasSubstr(">No data</text>"));
}

TEST(ScatterChartTest, DrawsPointsPerGroupWithEscapedLabels) {
  ScatterChart chart;
  chart.text = {"chart-scatter", "Stores", "Stores by sales and customers.", "Sales", "Customers"};
  chart.points = {{100, 10, 0, "<script>alert(1)</script>"}, {200, 30, 1, "store-2"}, {300, 20, 1, "store-3"}};
  chart.group_names = {"Cluster 1", "Cluster 2"};
  const std::string svg = RenderScatterChart(chart);
  ExpectWellFormedChart(svg, "chart-scatter");
  EXPECT_EQ(Count(svg, "<circle class=\"point g0\""), 1u);
  EXPECT_EQ(Count(svg, "<circle class=\"point g1\""), 2u);
  EXPECT_THAT(svg, Not(HasSubstr("<script>")));
  EXPECT_THAT(svg, HasSubstr("&lt;script&gt;alert(1)&lt;/script&gt;"));
  EXPECT_THAT(svg, HasSubstr(">Cluster 2</text>"));
  const std::vector<double> xs = AttributeOf(svg, "<circle class=\"point", "cx");
  ASSERT_EQ(xs.size(), 3u);
  EXPECT_NEAR(xs[2] - xs[1], xs[1] - xs[0], 0.02);
}

TEST(ScatterChartTest, ManyPointsAreNotCaptionedAndEmptySaysNoData) {
  ScatterChart chart;
  chart.text = {"chart-scatter", "Stores", "", "", ""};
  for (int i = 0; i < 40; ++i) chart.points.push_back({static_cast<double>(i), static_cast<double>(i % 7), 0, "s"});
  const std::string svg = RenderScatterChart(chart);
  EXPECT_EQ(Count(svg, "<circle"), 40u);
  EXPECT_EQ(Count(svg, "class=\"point-label\""), 0u);
  chart.points.clear();
  EXPECT_THAT(RenderScatterChart(chart), HasSubstr(">No data</text>"));
}

}  // namespace
}  // namespace crm::crmctl
