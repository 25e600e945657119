// Brand value (the printer-cartridge example of DOMAIN.md), reciprocity quadrants and
// campaign measurement, computed by hand.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "server/analysis/brand_value.h"
#include "server/analysis/campaign_measurement.h"
#include "server/analysis/reciprocity.h"

namespace crm::analysis {
namespace {

TEST(BrandValueTest, PrinterCartridgeExample) {
  // 100,000 category customers, 40,000 ours; 2 printers × 12 refills; SOP 0.65;
  // margin 6.5 per cartridge.
  absl::StatusOr<BrandValue> value = ComputeBrandValue({100000, 40000, 2 * 12, 0.65, 6.5});
  ASSERT_TRUE(value.ok()) << value.status();
  EXPECT_DOUBLE_EQ(value->penetration, 0.4);
  EXPECT_DOUBLE_EQ(value->value_per_category_customer, 156);
  EXPECT_NEAR(value->our_value_per_category_customer, 40.56, 1e-9);
  // A heavy user: 42 cartridges at 6.5 is 273; a price buyer: 7.5 at 4.5 is 33.75.
  EXPECT_DOUBLE_EQ(42 * 6.5, 273);
  const UsageGroups groups = GroupByUsage({42, 24, 24, 24, 7.5}, {6.5, 6.5, 6.5, 6.5, 4.5});
  EXPECT_EQ(groups.heavy.buyers, 1);
  EXPECT_DOUBLE_EQ(groups.heavy.mean_value, 273);
  EXPECT_EQ(groups.medium.buyers, 3);
  EXPECT_DOUBLE_EQ(groups.medium.mean_units, 24);
  EXPECT_EQ(groups.light.buyers, 1);
  EXPECT_DOUBLE_EQ(groups.light.mean_value, 33.75);
}

TEST(BrandValueTest, OutOfRangeInputsNameTheField) {
  const auto field_of = [](const BrandValueInputs& in) {
    absl::StatusOr<BrandValue> value = ComputeBrandValue(in);
    EXPECT_EQ(value.status().code(), absl::StatusCode::kInvalidArgument);
    return std::string(value.status().message());
  };
  EXPECT_THAT(field_of({100, 120, 24, 0.5, 6.5}), ::testing::HasSubstr("penetration above 1"));
  EXPECT_THAT(field_of({100, 40, 24, 0.5, -1}), ::testing::StartsWith("contribution_margin"));
  EXPECT_THAT(field_of({100, 40, 24, 1.5, 6.5}), ::testing::StartsWith("share_of_purchase"));
  EXPECT_THAT(field_of({0, 0, 24, 0.5, 6.5}), ::testing::StartsWith("category_customers"));
  EXPECT_THAT(field_of({100, 40, -2, 0.5, 6.5}), ::testing::StartsWith("buying_rate"));
}

TEST(ReciprocityTest, QuadrantsAroundTheMediansAndTheDiagonal) {
  // Values median 30, fit median 6.
  const std::vector<ReciprocityPosition> p =
      PlaceOnReciprocityMatrix({100, 10, 90, 5, 30}, {9, 8, 2, 1, 6});
  EXPECT_EQ(p[0].quadrant, ReciprocityQuadrant::kKeep);
  EXPECT_EQ(p[1].quadrant, ReciprocityQuadrant::kDevelop);
  EXPECT_EQ(p[2].quadrant, ReciprocityQuadrant::kFix);
  EXPECT_EQ(p[3].quadrant, ReciprocityQuadrant::kStop);
  EXPECT_EQ(p[4].quadrant, ReciprocityQuadrant::kKeep) << "at the median counts as high";
  EXPECT_TRUE(p[0].balanced);   // percentiles 0.8 and 0.8
  EXPECT_FALSE(p[2].balanced);  // 0.6 against 0.2
  EXPECT_TRUE(p[3].balanced);   // 0 and 0
}

TEST(CampaignMeasurementTest, LiftIncrementsAndRoi) {
  // 10,000 contacted, 4 % responded; 1,000 held out, 2.5 % responded.
  const CampaignResult r = MeasureCampaign({10000, 400, 240000, 80000}, {1000, 25, 15000, 5000}, 20000);
  EXPECT_DOUBLE_EQ(r.test_response_rate, 0.04);
  EXPECT_DOUBLE_EQ(r.control_response_rate, 0.025);
  ASSERT_TRUE(r.lift.has_value());
  EXPECT_NEAR(*r.lift, 0.6, 1e-12);
  EXPECT_NEAR(r.incremental_responders, 150, 1e-9);
  EXPECT_NEAR(r.incremental_revenue, (24 - 15) * 10000.0, 1e-9);
  EXPECT_NEAR(r.incremental_margin, (8 - 5) * 10000.0, 1e-9);
  ASSERT_TRUE(r.roi.has_value());
  EXPECT_NEAR(*r.roi, (30000.0 - 20000) / 20000, 1e-12);
  const CampaignResult free = MeasureCampaign({10, 1, 0, 0}, {10, 0, 0, 0}, 0);
  EXPECT_FALSE(free.lift.has_value());
  EXPECT_FALSE(free.roi.has_value());
  // Attendees spent 120 -> 200, others 100 -> 110: the event is worth 70 a head.
  EXPECT_DOUBLE_EQ(BeforeAfterDifference(120, 200, 100, 110), 70);
}

}  // namespace
}  // namespace crm::analysis
