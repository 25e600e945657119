// crmctl's text ⇄ proto helpers: --set, money text, YAML campaign files and the
// table output, without a server.
#include <gtest/gtest.h>

#include <sstream>

#include "clients/crmctl/enum_names.h"
#include "clients/crmctl/field_setter.h"
#include "clients/crmctl/money_text.h"
#include "clients/crmctl/output.h"
#include "clients/crmctl/yaml_to_proto.h"
#include "crm/v1/account.pb.h"
#include "crm/v1/campaign.pb.h"
#include "crm/v1/contact.pb.h"

namespace crm::crmctl {
namespace {

TEST(MoneyText, ParsesExactDecimals) {
  auto money = ParseMoneyText("1250000.50");
  ASSERT_TRUE(money.ok());
  EXPECT_EQ(money->units, 1250000);
  EXPECT_EQ(money->nanos, 500000000);
  money = ParseMoneyText("-0.000001");
  ASSERT_TRUE(money.ok());
  EXPECT_EQ(money->units, 0);
  EXPECT_EQ(money->nanos, -1000);
  money = ParseMoneyText("+12");
  ASSERT_TRUE(money.ok());
  EXPECT_EQ(money->units, 12);
  EXPECT_EQ(money->nanos, 0);
  // 0.1 + 0.2 in floating point is not 0.3; here every digit is kept.
  money = ParseMoneyText("0.3");
  ASSERT_TRUE(money.ok());
  EXPECT_EQ(money->nanos, 300000000);
}

TEST(MoneyText, RejectsWhatIsNotAnAmount) {
  for (const char* text : {"", "-", "1,5", "1e3", "12.", ".5", "1.0000001", "abc", "9000000000001",
                           "12.3.4", " 1"}) {
    EXPECT_FALSE(ParseMoneyText(text).ok()) << text;
  }
}

TEST(MoneyText, FormatsTheShortestExactDecimal) {
  EXPECT_EQ(FormatMoneyText(12, 0), "12");
  EXPECT_EQ(FormatMoneyText(12, 500000000), "12.5");
  EXPECT_EQ(FormatMoneyText(0, -990000000), "-0.99");
  EXPECT_EQ(FormatMoneyText(3, 1000), "3.000001");
}

TEST(EnumNames, ShortAndFullNames) {
  const auto* tier = crm::v1::Account::descriptor()->FindFieldByName("tier")->enum_type();
  ASSERT_NE(FindEnumValue(*tier, "a"), nullptr);
  EXPECT_EQ(FindEnumValue(*tier, "a")->name(), "TIER_A");
  EXPECT_EQ(FindEnumValue(*tier, "TIER_B")->name(), "TIER_B");
  EXPECT_EQ(FindEnumValue(*tier, "Z"), nullptr);
  EXPECT_EQ(ShortEnumName(*FindEnumValue(*tier, "TIER_C")), "C");
  const auto* channel = crm::v1::CampaignChannel_descriptor();
  EXPECT_EQ(FindEnumValue(*channel, "email")->name(), "CAMPAIGN_CHANNEL_EMAIL");
  EXPECT_EQ(ShortEnumName(*FindEnumValue(*channel, "CALL_CENTER")), "CALL_CENTER");
}

TEST(FieldSetter, SetsScalarsEnumsMoneyDatesListsAndMaps) {
  crm::v1::Account account;
  std::string mask;
  ASSERT_TRUE(SetFieldFromText(account, "display_name=Globex", &mask).ok());
  EXPECT_EQ(mask, "display_name");
  ASSERT_TRUE(SetFieldFromText(account, "tier=A", &mask).ok());
  EXPECT_EQ(account.tier(), crm::v1::Account::TIER_A);
  ASSERT_TRUE(SetFieldFromText(account, "annual_revenue=99.95", &mask).ok());
  EXPECT_EQ(account.annual_revenue().units(), 99);
  EXPECT_EQ(account.annual_revenue().nanos(), 950000000);
  ASSERT_TRUE(SetFieldFromText(account, "key_account=true", &mask).ok());
  EXPECT_TRUE(account.key_account());

  crm::v1::Contact contact;
  ASSERT_TRUE(SetFieldFromText(contact, "tags=vip, gold", &mask).ok());
  EXPECT_EQ(contact.tags_size(), 2);
  EXPECT_EQ(contact.tags(1), "gold");
  ASSERT_TRUE(SetFieldFromText(contact, "tags=member", &mask).ok());  // replaces the list
  EXPECT_EQ(contact.tags_size(), 1);
  ASSERT_TRUE(SetFieldFromText(contact, "attributes.line=anti-ageing", &mask).ok());
  EXPECT_EQ(mask, "attributes");
  EXPECT_EQ(contact.attributes().at("line"), "anti-ageing");
  ASSERT_TRUE(SetFieldFromText(contact, "birthday=1985-03-02", &mask).ok());
  EXPECT_EQ(contact.birthday().year(), 1985);
  EXPECT_EQ(contact.birthday().day(), 2);
  ASSERT_TRUE(SetFieldFromText(contact, "gender=FEMALE", &mask).ok());
  EXPECT_EQ(contact.gender(), crm::v1::Contact::GENDER_FEMALE);
  ASSERT_TRUE(SetFieldFromText(contact, "display_name=a=b", &mask).ok());  // first '=' splits
  EXPECT_EQ(contact.display_name(), "a=b");
}

TEST(FieldSetter, NamesThePathOfWhatDoesNotFit) {
  crm::v1::Account account;
  std::string mask;
  for (const char* bad : {"no_such_field=1", "tier=Z", "annual_revenue=lots", "key_account=maybe",
                          "display_name", "=x", "display_name.x=1"}) {
    absl::Status status = SetFieldFromText(account, bad, &mask);
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << bad;
  }
  EXPECT_NE(SetFieldFromText(account, "no_such_field=1", &mask).message().find("no_such_field"),
            std::string::npos);
}

TEST(YamlToProto, ReadsACampaignWithShortEnumsMoneyAndTypedScalars) {
  crm::v1::Campaign campaign;
  absl::Status status = ParseYamlMessage(R"(
display_name: Launch
objective: NEW_PRODUCT_LAUNCH
audience_filter: 'tags:"member"'
control_percent: 10
cells:
  - display_name: "0042"
    channel: EMAIL
touch_costs:
  - {channel: SMS, cost_per_touch: "0.08"}
schedule: {start_time: "2027-01-10T09:00:00Z", end_time: "2027-02-10T09:00:00Z"}
response_definition: {product_categories: anti-ageing}
attributionWindowDays: 30
)",
                                         campaign);
  ASSERT_TRUE(status.ok()) << status;
  EXPECT_EQ(campaign.objective(), crm::v1::Campaign::OBJECTIVE_NEW_PRODUCT_LAUNCH);
  EXPECT_DOUBLE_EQ(campaign.control_percent(), 10);
  EXPECT_EQ(campaign.cells(0).display_name(), "0042");  // a string field stays a string
  EXPECT_EQ(campaign.cells(0).channel(), crm::v1::CAMPAIGN_CHANNEL_EMAIL);
  EXPECT_EQ(campaign.touch_costs(0).cost_per_touch().nanos(), 80000000);
  EXPECT_EQ(campaign.schedule().start_time().seconds(), 1799571600);
  EXPECT_EQ(campaign.response_definition().product_categories(0), "anti-ageing");
  EXPECT_EQ(campaign.attribution_window_days(), 30);  // lowerCamelCase accepted too
}

TEST(YamlToProto, JsonIsYamlToo) {
  crm::v1::Contact contact;
  ASSERT_TRUE(ParseYamlMessage(R"({"given_name": "Mei", "consents": [{"channel": "EMAIL", "state": "OPTED_IN"}]})",
                               contact)
                  .ok());
  EXPECT_EQ(contact.given_name(), "Mei");
  EXPECT_EQ(contact.consents(0).state(), crm::v1::CONSENT_STATE_OPTED_IN);
}

TEST(YamlToProto, ErrorsNameTheLineAndTheField) {
  crm::v1::Campaign campaign;
  absl::Status status = ParseYamlMessage("display_name: x\ncells:\n  - channel: PIGEON\n", campaign);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(status.message().find("line 3"), std::string::npos) << status;
  EXPECT_NE(status.message().find("cells[0].channel"), std::string::npos) << status;
  status = ParseYamlMessage("display_name: x\nobjectiv: WIN_BACK\n", campaign);
  EXPECT_NE(status.message().find("line 2"), std::string::npos) << status;
  EXPECT_NE(status.message().find("objectiv"), std::string::npos) << status;
  status = ParseYamlMessage("cells: [unclosed\n", campaign);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  status = ParseYamlMessage("control_percent: lots\n", campaign);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  status = ParseYamlMessage("- just\n- a list\n", campaign);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
}

TEST(Output, FieldTextFollowsPathsAndFormatsKnownTypes) {
  crm::v1::Account account;
  account.set_display_name("Globex");
  account.set_tier(crm::v1::Account::TIER_B);
  account.mutable_annual_revenue()->set_units(-3);
  account.mutable_annual_revenue()->set_nanos(-50000000);
  account.add_tags("a");
  account.add_tags("b");
  account.mutable_create_time()->set_seconds(1799571600);
  EXPECT_EQ(FieldText(account, "display_name"), "Globex");
  EXPECT_EQ(FieldText(account, "tier"), "B");
  EXPECT_EQ(FieldText(account, "annual_revenue"), "-3.05");
  EXPECT_EQ(FieldText(account, "tags"), "a, b");
  EXPECT_EQ(FieldText(account, "create_time"), "2027-01-10T09:00:00Z");
  EXPECT_EQ(FieldText(account, "update_time"), "");
  EXPECT_EQ(FieldText(account, "evaluation.credit_score"), "");  // unset parent
  EXPECT_EQ(FieldText(account, "nope"), "?");
}

TEST(Output, TablesAlignUtf8AndCutLongCells) {
  Table table({"NAME", "CITY"}, 10);
  table.AddRow({"Zoë", "Zürich"});
  table.AddRow({"a very long name indeed", "x\ny"});
  std::ostringstream out;
  table.Print(out);
  EXPECT_EQ(out.str(),
            "NAME        CITY\n"
            "Zoë         Zürich\n"
            "a very ...  x y\n");
}

TEST(Output, HumanNumbers) {
  EXPECT_EQ(HumanNumber(33837.4), "33837");
  EXPECT_EQ(HumanNumber(24), "24");
  EXPECT_EQ(HumanNumber(805.644), "805.64");
  EXPECT_EQ(HumanNumber(0.8333), "0.833");
}

}  // namespace
}  // namespace crm::crmctl
