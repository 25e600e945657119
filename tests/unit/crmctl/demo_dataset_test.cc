// The demo dataset generator (clients/crmctl/demo_dataset.h): deterministic, near its
// targets, seasonal, with churn, time-consistent and with exact money.
#include "clients/crmctl/demo_dataset.h"

#include <gmock/gmock.h>
#include <google/protobuf/util/message_differencer.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <set>

#include "absl/strings/match.h"
#include "absl/time/civil_time.h"

namespace crm::crmctl {
namespace {

using crm::v1::Complaint;
using crm::v1::Lead;
using crm::v1::LeadFollowUp;
using crm::v1::Purchase;

absl::Time AsOf() {
  absl::Time as_of;
  std::string error;
  EXPECT_TRUE(absl::ParseTime(absl::RFC3339_full, "2026-03-15T09:30:00Z", &as_of, &error)) << error;
  return as_of;
}

absl::Time TimeOf(const google::protobuf::Timestamp& timestamp) {
  return absl::FromUnixSeconds(timestamp.seconds()) + absl::Nanoseconds(timestamp.nanos());
}

// Map fields serialise in hash order: compare messages, not bytes.
bool Same(const google::protobuf::Message& a, const google::protobuf::Message& b) {
  return google::protobuf::util::MessageDifferencer::Equals(a, b);
}

int64_t Micros(const crm::v1::Money& money) { return money.units() * 1'000'000 + money.nanos() / 1000; }

// One generation of the default size, shared by the tests (it takes a second or two).
const DemoDataset& Default() {
  static const DemoDataset* dataset = [] {
    DemoOptions options;
    options.as_of = AsOf();
    return new DemoDataset(GenerateDemoDataset(options));
  }();
  return *dataset;
}

TEST(DemoDatasetTest, SameSeedSameDataDifferentSeedDifferentData) {
  DemoOptions options;
  options.contacts = 300;
  options.as_of = AsOf();
  const DemoDataset first = GenerateDemoDataset(options);
  const DemoDataset second = GenerateDemoDataset(options);
  ASSERT_EQ(first.contacts.size(), second.contacts.size());
  for (size_t i = 0; i < first.contacts.size(); ++i) {
    EXPECT_TRUE(Same(first.contacts[i].contact, second.contacts[i].contact));
  }
  ASSERT_EQ(first.purchases.size(), second.purchases.size());
  for (size_t i = 0; i < first.purchases.size(); ++i) {
    EXPECT_TRUE(Same(first.purchases[i].purchase, second.purchases[i].purchase));
  }
  ASSERT_EQ(first.leads.size(), second.leads.size());
  ASSERT_EQ(first.complaints.size(), second.complaints.size());
  ASSERT_EQ(first.interactions.size(), second.interactions.size());
  EXPECT_TRUE(Same(first.campaign, second.campaign));
  EXPECT_EQ(first.analysis_request_id, second.analysis_request_id);

  options.seed = 7;
  const DemoDataset other = GenerateDemoDataset(options);
  EXPECT_NE(other.purchases.size(), first.purchases.size());
  EXPECT_NE(other.contacts[0].contact.given_name() + other.contacts[1].contact.given_name() +
                other.contacts[2].contact.given_name(),
            first.contacts[0].contact.given_name() + first.contacts[1].contact.given_name() +
                first.contacts[2].contact.given_name());
  EXPECT_FALSE(absl::StrContains(other.contacts[0].contact.external_id(), first.external_id_prefix));
}

TEST(DemoDatasetTest, ContactIsTheSameWhateverTheContactCount) {
  // What makes re-seeding with a larger --contacts add only the new contacts.
  DemoOptions options;
  options.contacts = 400;
  options.as_of = AsOf();
  const DemoDataset small = GenerateDemoDataset(options);
  const DemoDataset& large = Default();
  for (size_t i = 0; i < small.contacts.size(); ++i) {
    ASSERT_TRUE(Same(small.contacts[i].contact, large.contacts[i].contact)) << i;
  }
  ASSERT_LT(small.purchases.size(), large.purchases.size());
  for (size_t i = 0; i < small.purchases.size(); ++i) {
    ASSERT_TRUE(Same(small.purchases[i].purchase, large.purchases[i].purchase)) << i;
  }
  for (size_t i = 0; i < small.leads.size(); ++i)
    EXPECT_EQ(small.leads[i].request_id, large.leads[i].request_id);
  EXPECT_EQ(small.campaign_request_id, large.campaign_request_id);
  EXPECT_NE(small.analysis_request_id, large.analysis_request_id);  // a new size is a new analysis
}

TEST(DemoDatasetTest, CountsAreNearTheTargets) {
  const DemoDataset& dataset = Default();
  EXPECT_EQ(dataset.contacts.size(), 5000u);
  EXPECT_GT(dataset.purchases.size(), 42'000u);
  EXPECT_LT(dataset.purchases.size(), 58'000u);
  const auto prospects = std::count_if(dataset.contacts.begin(), dataset.contacts.end(),
                                       [](const DemoContact& c) { return c.prospect; });
  EXPECT_GT(prospects, 250);
  EXPECT_LT(prospects, 600);
  EXPECT_GT(dataset.leads.size(), 200u);
  EXPECT_GT(dataset.complaints.size(), 25u);
  EXPECT_LT(dataset.complaints.size(), 120u);
  EXPECT_GT(dataset.interactions.size(), 500u);
  EXPECT_LT(dataset.interactions.size(), 1500u);
  std::set<std::string> stores;
  int managed = 0;
  for (const DemoContact& contact : dataset.contacts) {
    if (!contact.contact.store_id().empty()) {
      stores.insert(contact.contact.store_id());
      ++managed;
    }
  }
  EXPECT_EQ(stores.size(), 8u);
  EXPECT_GT(managed, 2000);  // managed and unmanaged customers both
  EXPECT_LT(managed, 4000);
  int refunds = 0;
  std::set<std::string> categories;
  std::map<Purchase::Channel, int> channels;
  for (const DemoPurchase& row : dataset.purchases) {
    refunds += row.purchase.type() == Purchase::TYPE_REFUND;
    categories.insert(row.purchase.product_category());
    ++channels[row.purchase.channel()];
  }
  EXPECT_GT(refunds, 300);
  EXPECT_LT(refunds, 1500);
  EXPECT_THAT(categories,
              testing::UnorderedElementsAre("skincare", "anti-ageing", "makeup", "fragrance", "body"));
  EXPECT_GT(channels[Purchase::CHANNEL_STORE], channels[Purchase::CHANNEL_ONLINE]);
  EXPECT_GT(channels[Purchase::CHANNEL_ONLINE], channels[Purchase::CHANNEL_PHONE]);
  EXPECT_GT(channels[Purchase::CHANNEL_PHONE], 500);
}

TEST(DemoDatasetTest, NovemberAndDecemberSellMoreThanTheAverageMonth) {
  const DemoDataset& dataset = Default();
  // Whole local months of the two years before as_of.
  std::map<absl::CivilMonth, int> per_month;
  const absl::CivilMonth first =
      absl::CivilMonth(absl::ToCivilDay(dataset.history_start, DemoTimeZone())) + 1;
  const absl::CivilMonth last = absl::CivilMonth(absl::ToCivilDay(dataset.options.as_of, DemoTimeZone())) - 1;
  for (const DemoPurchase& row : dataset.purchases) {
    if (row.purchase.type() != Purchase::TYPE_PURCHASE) continue;
    const absl::CivilMonth month(absl::ToCivilDay(TimeOf(row.purchase.purchase_time()), DemoTimeZone()));
    if (month >= first && month <= last) ++per_month[month];
  }
  double total = 0;
  for (const auto& [month, count] : per_month) total += count;
  const double average = total / static_cast<double>(per_month.size());
  for (const auto& [month, count] : per_month) {
    if (month.month() == 11 || month.month() == 12) {
      EXPECT_GT(count, 1.2 * average) << month;
    }
    if (month.month() == 7 || month.month() == 2) {
      EXPECT_LT(count, average) << month;  // the summer lull, Chinese New Year
    }
  }
  // The spring bump: March above the February before it.
  for (const auto& [month, count] : per_month) {
    if (month.month() == 3 && per_month.contains(month - 1)) {
      EXPECT_GT(count, per_month[month - 1]) << month;
    }
  }
}

TEST(DemoDatasetTest, CustomersChurnAndDiffer) {
  const DemoDataset& dataset = Default();
  const absl::Time as_of = dataset.options.as_of;
  std::map<int, std::pair<absl::Time, absl::Time>> first_last;
  std::map<int, int> purchases;
  for (const DemoPurchase& row : dataset.purchases) {
    if (row.purchase.type() != Purchase::TYPE_PURCHASE) continue;
    const absl::Time time = TimeOf(row.purchase.purchase_time());
    auto [it, inserted] = first_last.try_emplace(row.contact, time, time);
    if (!inserted) it->second.second = std::max(it->second.second, time);
    ++purchases[row.contact];
  }
  int customers = 0;
  int dropped = 0;
  int long_known = 0;
  int silent = 0;
  int one_off = 0;
  int heavy = 0;
  for (size_t i = 0; i < dataset.contacts.size(); ++i) {
    const DemoContact& contact = dataset.contacts[i];
    if (contact.prospect) continue;
    ++customers;
    dropped += contact.dropout_time.has_value();
    const auto& [first, last] = first_last.at(static_cast<int>(i));
    if (as_of - first > absl::Hours(24 * 365)) {
      ++long_known;
      silent += as_of - last > absl::Hours(24 * 180);
    }
    one_off += purchases[static_cast<int>(i)] == 1;
    heavy += purchases[static_cast<int>(i)] >= 30;
  }
  // A real share drops out (the model truth), and it shows in the data: customers known
  // for over a year who have not bought for six months.
  EXPECT_GT(dropped, customers / 5);
  EXPECT_LT(dropped, customers * 7 / 10);
  EXPECT_GT(silent, long_known / 5);
  // Heterogeneity: one-off buyers and heavy buyers both exist.
  EXPECT_GT(one_off, customers / 20);
  EXPECT_GT(heavy, customers / 50);
}

TEST(DemoDatasetTest, EveryPurchaseIsAfterItsContactsFirstDayAndNotInTheFuture) {
  const DemoDataset& dataset = Default();
  std::set<std::string> external_ids;
  std::map<std::string, absl::Time> purchase_time;
  for (const DemoPurchase& row : dataset.purchases) {
    const DemoContact& contact = dataset.contacts[static_cast<size_t>(row.contact)];
    const absl::Time time = TimeOf(row.purchase.purchase_time());
    EXPECT_GE(time, contact.first_day) << row.purchase.external_id();
    EXPECT_LE(time, dataset.options.as_of) << row.purchase.external_id();
    EXPECT_GE(time, dataset.history_start) << row.purchase.external_id();
    EXPECT_TRUE(row.purchase.contact().empty());
    EXPECT_TRUE(external_ids.insert(row.purchase.external_id()).second) << row.purchase.external_id();
    EXPECT_TRUE(absl::StartsWith(row.purchase.external_id(), dataset.external_id_prefix));
    const std::string key = row.purchase.external_id().substr(dataset.external_id_prefix.size() + 1);
    if (row.purchase.type() == Purchase::TYPE_PURCHASE) {
      purchase_time[key] = time;
    } else {
      ASSERT_TRUE(purchase_time.contains(key)) << "refund before its purchase: " << key;
      EXPECT_GT(time, purchase_time[key]);
    }
  }
  for (const DemoContact& contact : dataset.contacts) {
    EXPECT_LE(contact.first_day, dataset.options.as_of);
    for (const auto& consent : contact.contact.consents()) {
      EXPECT_GE(TimeOf(consent.update_time()), contact.first_day);
      EXPECT_LE(TimeOf(consent.update_time()), dataset.options.as_of);
    }
  }
  for (const DemoInteraction& touch : dataset.interactions) {
    const absl::Time time = TimeOf(touch.interaction.interaction_time());
    EXPECT_GE(time, dataset.contacts[static_cast<size_t>(touch.contact)].first_day);
    EXPECT_LE(time, dataset.options.as_of);
  }
}

TEST(DemoDatasetTest, MoneyIsExact) {
  const DemoDataset& dataset = Default();
  int64_t total_micros = 0;
  int negative_margins = 0;
  for (const DemoPurchase& row : dataset.purchases) {
    const crm::v1::Money& amount = row.purchase.amount();
    const crm::v1::Money& margin = row.purchase.gross_margin();
    ASSERT_TRUE(row.purchase.has_gross_margin());
    EXPECT_GE(amount.units(), 0);
    EXPECT_GE(amount.nanos(), 0);
    EXPECT_EQ(amount.nanos() % 10'000'000, 0) << "whole cents";
    EXPECT_EQ(margin.nanos() % 10'000'000, 0) << "whole cents";
    EXPECT_TRUE(margin.units() == 0 || margin.nanos() == 0 || (margin.units() > 0) == (margin.nanos() > 0));
    EXPECT_TRUE(amount.currency_code().empty()) << "the tenant's currency";
    EXPECT_LE(Micros(margin), Micros(amount));
    EXPECT_GE(row.purchase.quantity(), 1);
    negative_margins += Micros(margin) < 0;
    total_micros += Micros(amount);
  }
  EXPECT_EQ(negative_margins, 0);  // even a 25% sale keeps above the unit cost
  // Sums of cents stay exact: the total is a whole number of cents.
  EXPECT_EQ(total_micros % 10'000, 0);
}

TEST(DemoDatasetTest, ContactsUseReservedAddressesAndCarryTheirTag) {
  const DemoDataset& dataset = Default();
  std::set<std::string> external_ids;
  int with_email = 0;
  int shared_email = 0;
  std::map<std::string, int> emails;
  for (const DemoContact& demo : dataset.contacts) {
    const crm::v1::Contact& contact = demo.contact;
    EXPECT_TRUE(external_ids.insert(contact.external_id()).second);
    EXPECT_TRUE(contact.name().empty());
    EXPECT_FALSE(contact.given_name().empty());
    for (const std::string& email : contact.emails()) {
      ++with_email;
      EXPECT_TRUE(absl::EndsWith(email, "@example.com") || absl::EndsWith(email, "@example.net") ||
                  absl::EndsWith(email, "@example.org"))
          << email;
      shared_email += ++emails[email] == 2;
    }
    for (const std::string& phone : contact.phones()) {
      EXPECT_TRUE(absl::StartsWith(phone, "+86100")) << phone;
      EXPECT_EQ(phone.size(), 14u) << phone;
    }
    EXPECT_TRUE(contact.has_birthday());
    EXPECT_EQ(contact.attributes().at(kDemoDatasetAttribute), dataset.dataset_tag);
    EXPECT_TRUE(contact.attributes().contains("age_band"));
    EXPECT_TRUE(contact.attributes().contains("member_since"));
    EXPECT_THAT(contact.tags(), testing::Contains(demo.prospect ? "prospect" : "member"));
    EXPECT_LE(contact.tags_size(), 50);
  }
  EXPECT_GT(with_email, 4000);
  EXPECT_GT(shared_email, 5);  // a few people registered twice
  EXPECT_LT(shared_email, 40);
}

TEST(DemoDatasetTest, LeadsBelongToProspectsAndTheirFollowUpsAreInOrder) {
  const DemoDataset& dataset = Default();
  std::map<DemoLeadOutcome, int> outcomes;
  std::set<std::string> request_ids;
  int overdue_plans = 0;
  for (const DemoLead& lead : dataset.leads) {
    const DemoContact& contact = dataset.contacts[static_cast<size_t>(lead.contact)];
    EXPECT_TRUE(contact.prospect);
    EXPECT_NE(lead.lead.source(), Lead::SOURCE_UNSPECIFIED);
    EXPECT_NE(lead.lead.intent(), Lead::INTENT_UNSPECIFIED);
    EXPECT_TRUE(lead.lead.contact().empty());
    EXPECT_TRUE(request_ids.insert(lead.request_id).second);
    ++outcomes[lead.outcome];
    absl::Time previous = contact.first_day;
    for (const DemoFollowUp& step : lead.follow_ups) {
      const absl::Time time = TimeOf(step.follow_up.follow_up_time());
      EXPECT_GT(time, previous);
      EXPECT_LE(time, dataset.options.as_of);
      if (step.next_time.has_value()) {
        EXPECT_GT(*step.next_time, time);
        EXPECT_NE(step.next_method, LeadFollowUp::METHOD_UNSPECIFIED);
      }
      EXPECT_TRUE(request_ids.insert(step.request_id).second);
      previous = time;
    }
    switch (lead.outcome) {
      case DemoLeadOutcome::kNew:
        EXPECT_TRUE(lead.follow_ups.empty());
        EXPECT_GT(lead.first_plan_after_creation, absl::ZeroDuration());
        break;
      case DemoLeadOutcome::kConverted: {
        ASSERT_GE(lead.conversion_purchase, 0);
        const DemoPurchase& bought = dataset.purchases[static_cast<size_t>(lead.conversion_purchase)];
        EXPECT_EQ(bought.contact, lead.contact);
        // At as_of, less at most 90 s: within the server's 5-minute clock skew of a lead
        // created when the seeding runs.
        EXPECT_LE(dataset.options.as_of - TimeOf(bought.purchase.purchase_time()), absl::Seconds(90));
        break;
      }
      case DemoLeadOutcome::kDeclined:
        EXPECT_EQ(lead.follow_ups.back().follow_up.outcome(), LeadFollowUp::OUTCOME_DECLINED);
        break;
      case DemoLeadOutcome::kUnreachable:
        for (const DemoFollowUp& step : lead.follow_ups) {
          EXPECT_EQ(step.follow_up.outcome(), LeadFollowUp::OUTCOME_NOT_REACHED);
        }
        EXPECT_FALSE(lead.follow_ups.back().next_time.has_value());
        break;
      case DemoLeadOutcome::kInProgress:
        ASSERT_TRUE(lead.follow_ups.back().next_time.has_value());
        overdue_plans += *lead.follow_ups.back().next_time < dataset.options.as_of;
        break;
    }
    if (lead.outcome != DemoLeadOutcome::kConverted) {
      EXPECT_EQ(lead.conversion_purchase, -1);
    }
  }
  for (DemoLeadOutcome outcome :
       {DemoLeadOutcome::kNew, DemoLeadOutcome::kInProgress, DemoLeadOutcome::kConverted,
        DemoLeadOutcome::kDeclined, DemoLeadOutcome::kUnreachable}) {
    EXPECT_GT(outcomes[outcome], 10) << static_cast<int>(outcome);
  }
  EXPECT_GT(overdue_plans, 5);
  // Prospects buy nothing but the purchase that converts their lead.
  for (const DemoPurchase& row : dataset.purchases) {
    if (!dataset.contacts[static_cast<size_t>(row.contact)].prospect) continue;
    EXPECT_TRUE(std::any_of(dataset.leads.begin(), dataset.leads.end(), [&](const DemoLead& lead) {
      return lead.conversion_purchase >= 0 &&
             dataset.purchases[static_cast<size_t>(lead.conversion_purchase)].purchase.external_id() ==
                 row.purchase.external_id();
    }));
  }
}

TEST(DemoDatasetTest, ComplaintsAndInteractions) {
  const DemoDataset& dataset = Default();
  std::map<Complaint::Status, int> statuses;
  int urgent_open = 0;
  for (const DemoComplaint& complaint : dataset.complaints) {
    EXPECT_FALSE(dataset.contacts[static_cast<size_t>(complaint.contact)].prospect);
    EXPECT_FALSE(complaint.complaint.category().empty());
    EXPECT_NE(complaint.complaint.severity(), Complaint::SEVERITY_UNSPECIFIED);
    ++statuses[complaint.target_status];
    if (complaint.target_status >= Complaint::STATUS_RESOLVED) {
      EXPECT_FALSE(complaint.resolution.empty());
    }
    EXPECT_EQ(complaint.satisfaction_score.has_value(), complaint.target_status == Complaint::STATUS_CLOSED);
    urgent_open += complaint.target_status == Complaint::STATUS_OPEN &&
                   complaint.complaint.severity() >= Complaint::SEVERITY_HIGH;
  }
  EXPECT_EQ(statuses.size(), 4u);
  EXPECT_GE(urgent_open, 1);  // overdue within hours of the seeding
  int surveys = 0;
  for (const DemoInteraction& touch : dataset.interactions) {
    EXPECT_NE(touch.interaction.type(), crm::v1::Interaction::TYPE_UNSPECIFIED);
    EXPECT_EQ(touch.interaction.has_satisfaction_score(),
              touch.interaction.type() == crm::v1::Interaction::TYPE_SURVEY);
    surveys += touch.interaction.type() == crm::v1::Interaction::TYPE_SURVEY;
  }
  EXPECT_GT(surveys, 150);
}

TEST(DemoDatasetTest, CampaignHasTwoCellsAndAControlGroup) {
  const DemoDataset& dataset = Default();
  const crm::v1::Campaign& campaign = dataset.campaign;
  EXPECT_EQ(campaign.objective(), crm::v1::Campaign::OBJECTIVE_NEW_PRODUCT_LAUNCH);
  EXPECT_EQ(campaign.control_percent(), 10);
  ASSERT_EQ(campaign.cells_size(), 2);
  EXPECT_EQ(campaign.cells(0).channel(), crm::v1::CAMPAIGN_CHANNEL_EMAIL);
  EXPECT_EQ(campaign.cells(1).channel(), crm::v1::CAMPAIGN_CHANNEL_SMS);
  EXPECT_GT(TimeOf(campaign.schedule().start_time()), dataset.options.as_of);
  EXPECT_GT(TimeOf(campaign.schedule().end_time()), TimeOf(campaign.schedule().start_time()));
  EXPECT_THAT(campaign.description(), testing::HasSubstr(DemoCampaignMarker(dataset.options.seed)));
  // The audience exists in the data: anti-ageing buyers aged 35+.
  int audience = 0;
  for (const DemoContact& contact : dataset.contacts) {
    const auto& tags = contact.contact.tags();
    const std::string& band = contact.contact.attributes().at("age_band");
    audience += std::find(tags.begin(), tags.end(), "anti-ageing") != tags.end() &&
                (band == "35-44" || band == "45-54" || band == "55+");
  }
  EXPECT_GT(audience, 500);
}

TEST(DemoDatasetTest, DatasetTagRoundTrips) {
  const absl::Time as_of = AsOf();
  const std::string tag = DemoDatasetTag(42, as_of);
  EXPECT_EQ(tag, "seed=42 as_of=2026-03-15T09:30:00Z");
  EXPECT_EQ(ParseDemoDatasetTag(tag, 42), as_of);
  EXPECT_EQ(ParseDemoDatasetTag(tag, 43), std::nullopt);
  EXPECT_EQ(ParseDemoDatasetTag("seed=42 as_of=yesterday", 42), std::nullopt);
  EXPECT_EQ(ParseDemoDatasetTag("", 42), std::nullopt);
  EXPECT_EQ(DemoContactExternalId(42, 17), "demo-s42-c000017");
}

}  // namespace
}  // namespace crm::crmctl
