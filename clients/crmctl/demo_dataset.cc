#include "clients/crmctl/demo_dataset.h"

#include <algorithm>
#include <cmath>
#include <map>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "clients/crmctl/demo_catalog.h"
#include "clients/crmctl/demo_random.h"

namespace crm::crmctl {
namespace {

using crm::v1::Campaign;
using crm::v1::Complaint;
using crm::v1::Contact;
using crm::v1::Interaction;
using crm::v1::Lead;
using crm::v1::LeadFollowUp;
using crm::v1::Purchase;

// Shares and model parameters, tuned so the default 5,000 contacts make about 50,000
// purchases, one customer in ten buys once only, and roughly four in ten drop out
// within the two years (demo_dataset_test.cc pins the ranges).
constexpr double kProspectShare = 0.08;
constexpr double kBaseCustomerShare = 0.35;  // already customers when the history starts
constexpr double kMeanPurchasesPerYear = 14.5;
constexpr double kRateShape = 0.9;  // Gamma shape of λ: < 1, so many light and a few heavy buyers
constexpr double kDropoutA = 1.0;   // Beta(a, b) of p: mean 1/13
constexpr double kDropoutB = 12.0;
constexpr double kRefundShare = 0.015;
constexpr double kLeadShare = 0.85;  // of prospects
constexpr double kComplaintShare = 0.012;
constexpr double kInteractionShare = 0.16;
constexpr int64_t kVipSpendYuan = 10'000;
constexpr int64_t kGoldSpendYuan = 5'000;
constexpr int64_t kPlatinumSpendYuan = 15'000;

constexpr absl::Duration kDay = absl::Hours(24);

// ---- calendar -------------------------------------------------------------------

double MonthWeight(int month) {
  // Chinese New Year dip in February, Women's Day in March, 618 in June, a summer lull,
  // Singles' Day in November and gift season in December.
  static constexpr double kWeights[12] = {0.90, 0.80, 1.25, 1.00, 1.00, 1.10,
                                          0.85, 0.90, 0.95, 1.00, 1.60, 1.45};
  return kWeights[month - 1];
}

// Sale days: more purchases, more of them online, and a discount.
enum class SaleDay { kNone, kWomensDay, kMidYear, kSinglesDay, kDoubleTwelve };

SaleDay SaleDayOf(absl::CivilDay day) {
  if (day.month() == 3 && day.day() == 8) return SaleDay::kWomensDay;
  if (day.month() == 6 && day.day() == 18) return SaleDay::kMidYear;
  if (day.month() == 11 && day.day() == 11) return SaleDay::kSinglesDay;
  if (day.month() == 12 && day.day() == 12) return SaleDay::kDoubleTwelve;
  return SaleDay::kNone;
}

constexpr double kMaxDayWeight = 1.60 * 1.20 * 3.0;

double DayWeight(absl::CivilDay day) {
  double weight = MonthWeight(day.month());
  const absl::Weekday weekday = absl::GetWeekday(day);
  if (weekday == absl::Weekday::saturday || weekday == absl::Weekday::sunday) weight *= 1.2;
  switch (SaleDayOf(day)) {
    case SaleDay::kSinglesDay:
      weight *= 3.0;
      break;
    case SaleDay::kNone:
      break;
    default:
      weight *= 2.0;
      break;
  }
  return weight;
}

absl::CivilDay LocalDay(absl::Time time) { return absl::ToCivilDay(time, DemoTimeZone()); }

absl::Time LocalTime(absl::CivilDay day, absl::Duration time_of_day) {
  return absl::FromCivil(day, DemoTimeZone()) + time_of_day;
}

absl::Time WholeSeconds(absl::Time time) { return absl::FromUnixSeconds(absl::ToUnixSeconds(time)); }

void SetTimestamp(absl::Time time, google::protobuf::Timestamp* timestamp) {
  const int64_t micros = absl::ToUnixMicros(time);
  int64_t seconds = micros / 1'000'000;
  int64_t remainder = micros % 1'000'000;
  if (remainder < 0) {
    remainder += 1'000'000;
    --seconds;
  }
  timestamp->set_seconds(seconds);
  timestamp->set_nanos(static_cast<int32_t>(remainder * 1000));
}

void SetDate(absl::CivilDay day, crm::v1::Date* date) {
  date->set_year(static_cast<int32_t>(day.year()));
  date->set_month(day.month());
  date->set_day(day.day());
}

// Whole years from `birthday` to `day`.
int AgeOn(absl::CivilDay birthday, absl::CivilDay day) {
  int age = static_cast<int>(day.year() - birthday.year());
  if (day.month() < birthday.month() || (day.month() == birthday.month() && day.day() < birthday.day())) {
    --age;
  }
  return age;
}

std::string AgeBand(int age) {
  if (age < 25) return "18-24";
  if (age < 35) return "25-34";
  if (age < 45) return "35-44";
  if (age < 55) return "45-54";
  return "55+";
}

crm::v1::Money Cents(int64_t cents) {
  crm::v1::Money money;
  money.set_units(cents / 100);
  money.set_nanos(static_cast<int32_t>((cents % 100) * 10'000'000));
  return money;
}

// ---- who the contact is ------------------------------------------------------------

struct Identity {
  std::string given_name;
  std::string family_name;
  Contact::Gender gender = Contact::GENDER_UNSPECIFIED;
  std::string email;  // empty: none on file
  std::string phone;
};

Identity DrawIdentity(uint64_t seed, int index) {
  DemoRandom random(DemoHash(seed, "identity", static_cast<uint64_t>(index)));
  Identity identity;
  const double g = random.Uniform();
  identity.gender =
      g < 0.86 ? Contact::GENDER_FEMALE : (g < 0.98 ? Contact::GENDER_MALE : Contact::GENDER_OTHER);
  const std::vector<std::string>& given =
      identity.gender == Contact::GENDER_MALE ? DemoMaleGivenNames() : DemoFemaleGivenNames();
  identity.given_name = given[random.Pick(std::vector<double>(given.size(), 1.0))];
  const std::vector<std::string>& families = DemoFamilyNames();
  identity.family_name = families[random.Pick(std::vector<double>(families.size(), 1.0))];
  static const char* const kDomains[] = {"example.com", "example.net", "example.org"};
  if (random.Chance(0.90)) {
    identity.email = absl::AsciiStrToLower(absl::StrCat(identity.given_name, ".", identity.family_name, index,
                                                        "@", kDomains[random.Between(0, 2)]));
  }
  if (random.Chance(0.85)) {
    // +86 100…: an 11-digit national number that China assigns to no mobile or line
    // (mobiles start 13-19, Beijing's 10 area has 8-digit numbers), so nothing a demo
    // scheduler "sends" can reach a real person.
    const uint64_t number = ((seed % 997) * 200'000 + static_cast<uint64_t>(index)) % 100'000'000;
    identity.phone = absl::StrFormat("+86100%08d", number);
  }
  return identity;
}

// Every 300th contact registered twice (same person, same email and phone as a contact
// 150 places earlier): the duplicates FindDuplicateContacts is for.
std::optional<int> DuplicateOf(int index) {
  if (index >= 300 && index % 300 == 299) return index - 150;
  return std::nullopt;
}

// ---- the generator ---------------------------------------------------------------------

class Generator {
 public:
  Generator(const DemoOptions& options, DemoDataset& dataset)
      : options_(options), dataset_(dataset), stores_(DemoStores()), categories_(DemoCategories()) {
    for (const DemoStore& store : stores_) store_traffic_.push_back(store.traffic);
    for (const DemoCategory& category : categories_) category_weights_.push_back(category.weight);
  }

  void AddContact(int index);
  void AddCampaign();

 private:
  struct Profile {        // what the purchase draws need to know about a contact
    int home_store = -1;  // -1: lives where no counter is
    bool managed = false;
    int age = 0;
    double online_propensity = 0;
    double premium = 1;
    size_t favourite_category = 0;
  };

  std::string Advisor(int store, DemoRandom& random) const;
  void FillPerson(int index, DemoRandom& random, DemoContact& demo, Profile& profile);
  void AddConsents(DemoRandom& random, absl::Time since, Contact& contact) const;
  // Appends the contact's purchase history (at least one purchase) to the dataset.
  void DrawPurchases(int index, DemoRandom& random, const Profile& profile, DemoContact& demo);
  Purchase MakePurchase(int index, int k, absl::Time time, Purchase::Channel channel, int store,
                        size_t category, size_t product, int quantity, int discount_percent) const;
  size_t PickProduct(size_t category, double premium, DemoRandom& random) const;
  void DescribeCustomer(int first_row, const Profile& profile, DemoContact& demo);
  void AddLead(int index, const Profile& profile, DemoContact& demo);
  void AddComplaint(int index, int first_row);
  void AddInteractions(int index, int first_row, const Profile& profile, const DemoContact& demo);

  const DemoOptions& options_;
  DemoDataset& dataset_;
  const std::vector<DemoStore>& stores_;
  const std::vector<DemoCategory>& categories_;
  std::vector<double> store_traffic_;
  std::vector<double> category_weights_;
};

std::string Generator::Advisor(int store, DemoRandom& random) const {
  if (store < 0) return "online-team";
  std::string id = stores_[static_cast<size_t>(store)].id;  // "store-sh-01" → "ba-sh01-2"
  std::vector<std::string> parts = absl::StrSplit(id, '-');
  return absl::StrCat("ba-", parts.size() == 3 ? parts[1] + parts[2] : id, "-",
                      random.Between(1, stores_[static_cast<size_t>(store)].advisors));
}

void Generator::FillPerson(int index, DemoRandom& random, DemoContact& demo, Profile& profile) {
  Contact& contact = demo.contact;
  const std::optional<int> original = DuplicateOf(index);
  const Identity identity = DrawIdentity(options_.seed, original.value_or(index));
  contact.set_given_name(identity.given_name);
  contact.set_family_name(identity.family_name);
  contact.set_gender(identity.gender);
  if (!identity.email.empty()) contact.add_emails(identity.email);
  if (!identity.phone.empty()) contact.add_phones(identity.phone);
  contact.set_external_id(DemoContactExternalId(options_.seed, index));

  static const std::vector<double> kAgeBandWeights = {0.12, 0.33, 0.28, 0.17, 0.10};
  static const int kAgeLow[] = {18, 25, 35, 45, 55};
  static const int kAgeHigh[] = {24, 34, 44, 54, 70};
  const size_t band = random.Pick(kAgeBandWeights);
  const int years = static_cast<int>(random.Between(kAgeLow[band], kAgeHigh[band]));
  const absl::CivilDay today = LocalDay(options_.as_of);
  const absl::CivilDay birthday =
      absl::CivilDay(today.year() - years, today.month(), 1) - random.Between(0, 364);
  SetDate(birthday, contact.mutable_birthday());
  profile.age = AgeOn(birthday, today);

  profile.home_store = static_cast<int>(random.Pick(store_traffic_));
  profile.managed = random.Chance(stores_[static_cast<size_t>(profile.home_store)].managed_share);
  const bool lives_elsewhere = !profile.managed && random.Chance(0.4);
  if (lives_elsewhere) {
    const std::vector<DemoCity>& cities = DemoOtherCities();
    const DemoCity& city = cities[random.Pick(std::vector<double>(cities.size(), 1.0))];
    contact.set_city(city.city);
    contact.set_region(city.region);
    profile.home_store = -1;
  } else {
    const DemoStore& store = stores_[static_cast<size_t>(profile.home_store)];
    contact.set_city(store.city);
    contact.set_region(store.region);
  }
  if (profile.managed) {
    contact.set_store_id(stores_[static_cast<size_t>(profile.home_store)].id);
    contact.set_owner(Advisor(profile.home_store, random));
  }
  profile.online_propensity = lives_elsewhere ? random.Beta(4.0, 2.0) : random.Beta(1.5, 3.5);
  profile.premium =
      random.Gamma(4.0, 0.25) *
      (profile.home_store >= 0 ? stores_[static_cast<size_t>(profile.home_store)].price_level : 1.0);
  std::vector<double> taste = category_weights_;
  if (profile.age >= 35) taste[DemoAntiAgeingCategory()] *= 2.5;
  if (profile.age < 25) {
    taste[DemoAntiAgeingCategory()] *= 0.3;
    taste[2] *= 1.8;  // makeup
  }
  profile.favourite_category = random.Pick(taste);

  static const char* const kSkinTypes[] = {"dry", "oily", "combination", "sensitive", "normal"};
  (*contact.mutable_attributes())["skin_type"] = kSkinTypes[random.Between(0, 4)];
  (*contact.mutable_attributes())["age_band"] = AgeBand(profile.age);
  (*contact.mutable_attributes())[kDemoDatasetAttribute] = dataset_.dataset_tag;
}

void Generator::AddConsents(DemoRandom& random, absl::Time since, Contact& contact) const {
  struct Rates {
    crm::v1::Channel channel;
    double opted_in;
    double opted_out;
  };
  static const Rates kRates[] = {{crm::v1::CHANNEL_EMAIL, 0.78, 0.07},
                                 {crm::v1::CHANNEL_SMS, 0.68, 0.10},
                                 {crm::v1::CHANNEL_PHONE, 0.40, 0.15},
                                 {crm::v1::CHANNEL_DIRECT_MAIL, 0.25, 0.05}};
  for (const Rates& rates : kRates) {
    const double u = random.Uniform();
    if (u >= rates.opted_in + rates.opted_out) continue;  // never asked: UNKNOWN
    crm::v1::ChannelConsent* consent = contact.add_consents();
    consent->set_channel(rates.channel);
    if (u < rates.opted_in) {
      consent->set_state(crm::v1::CONSENT_STATE_OPTED_IN);
      SetTimestamp(since, consent->mutable_update_time());
    } else {
      // Opted in at sign-up, out some time later.
      consent->set_state(crm::v1::CONSENT_STATE_OPTED_OUT);
      const double span = absl::ToDoubleSeconds(options_.as_of - since);
      SetTimestamp(WholeSeconds(since + absl::Seconds(span * random.Uniform())),
                   consent->mutable_update_time());
    }
  }
}

size_t Generator::PickProduct(size_t category, double premium, DemoRandom& random) const {
  // Products run cheapest first; a premium-leaning customer weighs product k by
  // premium^k, a thrifty one (premium < 1) the other way round.
  const size_t count = categories_[category].products.size();
  std::vector<double> weights(count);
  for (size_t k = 0; k < count; ++k) weights[k] = std::pow(std::max(premium, 0.2), static_cast<double>(k));
  return random.Pick(weights);
}

Purchase Generator::MakePurchase(int index, int k, absl::Time time, Purchase::Channel channel, int store,
                                 size_t category, size_t product, int quantity, int discount_percent) const {
  const DemoProduct& item = categories_[category].products[product];
  const int64_t amount_cents = item.price_yuan * quantity * (100 - discount_percent);
  const int64_t cost_cents = item.price_yuan * (100 - item.margin_percent) * quantity;
  Purchase purchase;
  SetTimestamp(time, purchase.mutable_purchase_time());
  *purchase.mutable_amount() = Cents(amount_cents);
  *purchase.mutable_gross_margin() = Cents(amount_cents - cost_cents);
  purchase.set_quantity(quantity);
  purchase.set_product_category(categories_[category].name);
  purchase.set_product(absl::StrCat(item.sku, " ", item.name));
  purchase.set_channel(channel);
  if (channel == Purchase::CHANNEL_STORE && store >= 0) {
    purchase.set_store_id(stores_[static_cast<size_t>(store)].id);
  }
  purchase.set_type(Purchase::TYPE_PURCHASE);
  purchase.set_external_id(
      absl::StrCat(dataset_.external_id_prefix, absl::StrFormat("p%06d-%03d", index, k)));
  return purchase;
}

void Generator::DrawPurchases(int index, DemoRandom& random, const Profile& profile, DemoContact& demo) {
  const double horizon_days = kDemoHistoryDays;
  const double rate_per_day = random.Gamma(kRateShape, kMeanPurchasesPerYear / kRateShape) / 365.0;
  const double dropout = random.Beta(kDropoutA, kDropoutB);
  demo.purchases_per_year = rate_per_day * 365.0;
  demo.dropout_probability = dropout;

  const auto day_weight_at = [&](double t) { return DayWeight(LocalDay(dataset_.history_start + kDay * t)); };
  // The first purchase: early in the history for the existing base, otherwise any day,
  // more likely in busy months (new customers come when everyone shops). It stays a
  // day clear of both ends, so no shopping hour of its local day falls before the
  // history starts or after as_of.
  double t = 0;
  if (random.Chance(kBaseCustomerShare)) {
    t = random.Uniform(1, 60);
  } else {
    do {
      t = random.Uniform(1, horizon_days - 1);
    } while (!random.Chance(day_weight_at(t) / kMaxDayWeight));
  }
  std::vector<std::pair<double, bool>> events = {{t, false}};  // (day, dropped out after it)
  // Later purchases: a Poisson process at λ × the day's weight, by thinning a faster
  // one; after each repeat purchase the customer drops out with probability p.
  while (true) {
    t += random.Exponential(rate_per_day * kMaxDayWeight);
    if (t >= horizon_days) break;
    if (!random.Chance(day_weight_at(t) / kMaxDayWeight)) continue;
    const bool drops = random.Chance(dropout);
    events.push_back({t, drops});
    if (drops) break;
  }

  std::vector<Purchase> rows;
  int k = 0;
  for (const auto& [day, drops] : events) {
    const absl::CivilDay local_day = LocalDay(dataset_.history_start + kDay * day);
    const SaleDay sale = SaleDayOf(local_day);
    const double online_share =
        std::min(0.92, profile.online_propensity + (sale == SaleDay::kNone ? 0.0 : 0.35));
    const double c = random.Uniform();
    Purchase::Channel channel =
        c < online_share ? Purchase::CHANNEL_ONLINE
                         : (c < online_share + 0.04 ? Purchase::CHANNEL_PHONE : Purchase::CHANNEL_STORE);
    int store = -1;
    if (channel == Purchase::CHANNEL_STORE) {
      if (profile.home_store >= 0 && random.Chance(profile.managed ? 0.85 : 0.6)) {
        store = profile.home_store;
      } else {
        store = static_cast<int>(random.Pick(store_traffic_));
      }
    }
    absl::Duration time_of_day;
    switch (channel) {
      case Purchase::CHANNEL_STORE:
        time_of_day = absl::Hours(10) + absl::Seconds(random.Between(0, 12 * 3600 - 1));
        break;
      case Purchase::CHANNEL_PHONE:
        time_of_day = absl::Hours(9) + absl::Seconds(random.Between(0, 9 * 3600 - 1));
        break;
      default:
        time_of_day = absl::Hours(8) + absl::Seconds(random.Between(0, 16 * 3600 - 1));
        break;
    }
    const absl::Time time = LocalTime(local_day, time_of_day);
    if (time > options_.as_of) continue;  // later today: has not happened yet
    const size_t category = random.Chance(0.5) ? profile.favourite_category : random.Pick(category_weights_);
    const size_t product = PickProduct(category, profile.premium, random);
    const int64_t price = categories_[category].products[product].price_yuan;
    const double q = random.Uniform();
    const int quantity = price < 300 ? (q < 0.70 ? 1 : (q < 0.92 ? 2 : 3)) : (q < 0.92 ? 1 : 2);
    int discount = 0;
    switch (sale) {
      case SaleDay::kSinglesDay:
        discount = channel == Purchase::CHANNEL_ONLINE ? 25 : 15;
        break;
      case SaleDay::kNone:
        discount = random.Chance(0.06) ? 10 : 0;  // member day
        break;
      default:
        discount = 15;
        break;
    }
    ++k;
    rows.push_back(MakePurchase(index, k, time, channel, store, category, product, quantity, discount));
    if (drops) demo.dropout_time = time;
    if (random.Chance(kRefundShare)) {
      const absl::Time refund_time = WholeSeconds(time + kDay * random.Uniform(1, 14));
      if (refund_time <= options_.as_of) {
        Purchase refund = rows.back();
        SetTimestamp(refund_time, refund.mutable_purchase_time());
        refund.set_type(Purchase::TYPE_REFUND);
        refund.set_external_id(
            absl::StrCat(dataset_.external_id_prefix, absl::StrFormat("r%06d-%03d", index, k)));
        rows.push_back(std::move(refund));
      }
    }
  }
  std::stable_sort(rows.begin(), rows.end(), [](const Purchase& a, const Purchase& b) {
    return a.purchase_time().seconds() < b.purchase_time().seconds();
  });
  for (Purchase& row : rows) dataset_.purchases.push_back({index, std::move(row)});
}

// Tags and attributes that follow from the history: what a CRM would have derived.
void Generator::DescribeCustomer(int first_row, const Profile& profile, DemoContact& demo) {
  Contact& contact = demo.contact;
  int64_t spend_cents = 0;
  int online = 0;
  int bought = 0;
  bool anti_ageing = false;
  std::map<std::string, int> per_category;
  for (size_t r = static_cast<size_t>(first_row); r < dataset_.purchases.size(); ++r) {
    const Purchase& purchase = dataset_.purchases[r].purchase;
    const int64_t cents = purchase.amount().units() * 100 + purchase.amount().nanos() / 10'000'000;
    if (purchase.type() == Purchase::TYPE_REFUND) {
      spend_cents -= cents;
      continue;
    }
    spend_cents += cents;
    ++bought;
    online += purchase.channel() == Purchase::CHANNEL_ONLINE;
    ++per_category[purchase.product_category()];
    anti_ageing |= purchase.product_category() == categories_[DemoAntiAgeingCategory()].name;
  }
  contact.add_tags("member");
  if (spend_cents >= kVipSpendYuan * 100) contact.add_tags("vip");
  if (anti_ageing) contact.add_tags("anti-ageing");
  if (bought >= 2 && online * 2 >= bought) contact.add_tags("online-shopper");
  std::string favourite = categories_[profile.favourite_category].name;
  int most = 0;
  for (const auto& [category, count] : per_category) {
    if (count > most) {
      most = count;
      favourite = category;
    }
  }
  auto& attributes = *contact.mutable_attributes();
  attributes["favourite_line"] = favourite;
  attributes["member_level"] = spend_cents >= kPlatinumSpendYuan * 100
                                   ? "platinum"
                                   : (spend_cents >= kGoldSpendYuan * 100 ? "gold" : "silver");
}

void Generator::AddContact(int index) {
  DemoRandom random(DemoHash(options_.seed, "contact", static_cast<uint64_t>(index)));
  DemoContact demo;
  Profile profile;
  FillPerson(index, random, demo, profile);
  demo.prospect = random.Chance(kProspectShare);
  const int first_row = static_cast<int>(dataset_.purchases.size());
  if (demo.prospect) {
    demo.first_day = WholeSeconds(options_.as_of - kDay * random.Uniform(1, 45));
    demo.contact.add_tags("prospect");
    (*demo.contact.mutable_attributes())["favourite_line"] = categories_[profile.favourite_category].name;
  } else {
    DemoRandom history(DemoHash(options_.seed, "purchases", static_cast<uint64_t>(index)));
    DrawPurchases(index, history, profile, demo);
    const absl::Time first_purchase = absl::FromUnixSeconds(
        dataset_.purchases[static_cast<size_t>(first_row)].purchase.purchase_time().seconds());
    const Purchase::Channel first_channel =
        dataset_.purchases[static_cast<size_t>(first_row)].purchase.channel();
    if (first_purchase < dataset_.history_start + kDay * 60 && random.Chance(0.9)) {
      // The existing base: members for years before the history starts.
      demo.first_day = WholeSeconds(dataset_.history_start - kDay * random.Uniform(30, 1500));
    } else if (first_channel == Purchase::CHANNEL_STORE) {
      demo.first_day = first_purchase - absl::Minutes(random.Between(5, 40));  // signed up at the counter
    } else {
      demo.first_day = WholeSeconds(first_purchase - kDay * random.Uniform(0, 30));
    }
    DescribeCustomer(first_row, profile, demo);
  }
  (*demo.contact.mutable_attributes())["member_since"] = absl::FormatCivilTime(LocalDay(demo.first_day));
  static const char* const kCustomerSources[] = {"store_signup", "online_shop", "wechat_mini_program",
                                                 "beauty_event", "referral"};
  demo.contact.set_source(
      demo.prospect ? "lead" : (profile.managed ? "store_signup" : kCustomerSources[random.Between(0, 4)]));
  AddConsents(random, demo.first_day, demo.contact);

  dataset_.contacts.push_back(std::move(demo));
  DemoContact& stored = dataset_.contacts.back();
  if (stored.prospect) {
    AddLead(index, profile, stored);
  } else {
    AddComplaint(index, first_row);
    AddInteractions(index, first_row, profile, stored);
  }
}

void Generator::AddLead(int index, const Profile& profile, DemoContact& demo) {
  DemoRandom random(DemoHash(options_.seed, "lead", static_cast<uint64_t>(index)));
  if (!random.Chance(kLeadShare)) return;
  DemoLead lead;
  lead.contact = index;
  lead.request_id = DemoRequestId(options_.seed, "lead", static_cast<uint64_t>(index));
  Lead& registration = lead.lead;
  static const std::vector<double> kSourceWeights = {0.20, 0.35, 0.20, 0.12, 0.08, 0.05};
  static const Lead::Source kSources[] = {Lead::SOURCE_PHONE_INQUIRY,  Lead::SOURCE_ONLINE_INQUIRY,
                                          Lead::SOURCE_EVENT,          Lead::SOURCE_REFERRAL,
                                          Lead::SOURCE_PURCHASED_LIST, Lead::SOURCE_OTHER};
  const size_t source = random.Pick(kSourceWeights);
  registration.set_source(kSources[source]);
  const std::string city = demo.contact.city();
  switch (kSources[source]) {
    case Lead::SOURCE_PHONE_INQUIRY:
      registration.set_source_detail("customer hotline");
      break;
    case Lead::SOURCE_ONLINE_INQUIRY:
      registration.set_source_detail("online booking: free skin consultation");
      break;
    case Lead::SOURCE_EVENT:
      registration.set_source_detail(absl::StrCat("spring beauty fair, ", city));
      break;
    case Lead::SOURCE_REFERRAL:
      registration.set_source_detail(
          absl::StrCat("referred by member ",
                       DemoFamilyNames()[random.Pick(std::vector<double>(DemoFamilyNames().size(), 1.0))]));
      break;
    case Lead::SOURCE_PURCHASED_LIST:
      registration.set_source_detail("partner list: yoga studio members");
      break;
    default:
      registration.set_source_detail("walked past the counter, left her number");
      break;
  }
  const DemoCategory& interest = categories_[profile.favourite_category];
  const size_t product_index = PickProduct(profile.favourite_category, profile.premium, random);
  const DemoProduct& product = interest.products[product_index];
  registration.set_needs(absl::StrCat("Interested in ", interest.name, " for ",
                                      demo.contact.attributes().at("skin_type"), " skin; asked about the ",
                                      product.name, "."));
  registration.set_intended_product(absl::StrCat(product.sku, " ", product.name));
  SetDate(LocalDay(options_.as_of) + random.Between(3, 60), registration.mutable_intended_purchase_date());
  const double intent = random.Uniform();
  registration.set_intent(intent < 0.25 ? Lead::INTENT_HOT
                                        : (intent < 0.70 ? Lead::INTENT_WARM : Lead::INTENT_COLD));
  registration.set_owner(Advisor(profile.home_store, random));

  // How it goes depends on the intent: hot leads convert far more often.
  std::vector<double> outcome_weights;  // new, in progress, converted, declined, unreachable
  switch (registration.intent()) {
    case Lead::INTENT_HOT:
      outcome_weights = {0.20, 0.30, 0.35, 0.05, 0.10};
      break;
    case Lead::INTENT_WARM:
      outcome_weights = {0.30, 0.35, 0.15, 0.10, 0.10};
      break;
    default:
      outcome_weights = {0.35, 0.30, 0.05, 0.12, 0.18};
      break;
  }
  static const DemoLeadOutcome kOutcomes[] = {DemoLeadOutcome::kNew, DemoLeadOutcome::kInProgress,
                                              DemoLeadOutcome::kConverted, DemoLeadOutcome::kDeclined,
                                              DemoLeadOutcome::kUnreachable};
  lead.outcome = kOutcomes[random.Pick(outcome_weights)];
  const LeadFollowUp::Method preferred =
      registration.intent() == Lead::INTENT_HOT
          ? LeadFollowUp::METHOD_PHONE
          : (registration.intent() == Lead::INTENT_WARM ? LeadFollowUp::METHOD_SMS
                                                        : LeadFollowUp::METHOD_EMAIL);
  if (lead.outcome == DemoLeadOutcome::kNew) {
    lead.first_plan_after_creation = absl::Minutes(random.Between(2 * 60, 5 * 24 * 60));
    lead.first_plan_method = preferred;
    dataset_.leads.push_back(std::move(lead));
    return;
  }

  // Follow-ups: 1..3, in the last two weeks (never before the prospect registered).
  std::vector<LeadFollowUp::Outcome> outcomes;
  switch (lead.outcome) {
    case DemoLeadOutcome::kInProgress: {
      const int count = static_cast<int>(random.Between(1, 3));
      for (int i = 0; i < count - 1; ++i) {
        outcomes.push_back(random.Chance(0.5) ? LeadFollowUp::OUTCOME_NOT_REACHED
                                              : LeadFollowUp::OUTCOME_REACHED);
      }
      outcomes.push_back(random.Chance(0.6) ? LeadFollowUp::OUTCOME_REACHED
                                            : LeadFollowUp::OUTCOME_APPOINTMENT_SET);
      break;
    }
    case DemoLeadOutcome::kConverted:
      if (random.Chance(0.5)) outcomes.push_back(LeadFollowUp::OUTCOME_REACHED);
      outcomes.push_back(LeadFollowUp::OUTCOME_APPOINTMENT_SET);
      break;
    case DemoLeadOutcome::kDeclined:
      if (random.Chance(0.5)) outcomes.push_back(LeadFollowUp::OUTCOME_NOT_REACHED);
      outcomes.push_back(LeadFollowUp::OUTCOME_DECLINED);
      break;
    default:  // unreachable
      outcomes.assign(static_cast<size_t>(random.Between(2, 3)), LeadFollowUp::OUTCOME_NOT_REACHED);
      break;
  }
  const absl::Time window_start = std::max(demo.first_day, options_.as_of - kDay * 14);
  const double window = absl::ToDoubleSeconds(options_.as_of - absl::Minutes(10) - window_start);
  std::vector<double> offsets;
  for (size_t i = 0; i < outcomes.size(); ++i) offsets.push_back(random.Uniform() * window);
  std::sort(offsets.begin(), offsets.end());
  std::vector<absl::Time> times;
  for (size_t i = 0; i < offsets.size(); ++i) {
    // Whole seconds, strictly increasing: each plan must come after its follow-up.
    absl::Time time = WholeSeconds(window_start + absl::Seconds(offsets[i]));
    if (!times.empty() && time <= times.back()) time = times.back() + absl::Seconds(1);
    times.push_back(time);
  }
  for (size_t i = 0; i < outcomes.size(); ++i) {
    DemoFollowUp step;
    step.request_id = DemoRequestId(options_.seed, absl::StrCat("follow-up/", index), i);
    LeadFollowUp& follow_up = step.follow_up;
    follow_up.set_method(i == 0 ? preferred : LeadFollowUp::METHOD_PHONE);
    follow_up.set_outcome(outcomes[i]);
    SetTimestamp(times[i], follow_up.mutable_follow_up_time());
    follow_up.set_performed_by(registration.owner());
    switch (outcomes[i]) {
      case LeadFollowUp::OUTCOME_NOT_REACHED:
        follow_up.set_notes("No answer; try again.");
        break;
      case LeadFollowUp::OUTCOME_REACHED:
        follow_up.set_notes(
            absl::StrCat("Talked through the ", interest.name, " range; sending samples info."));
        break;
      case LeadFollowUp::OUTCOME_APPOINTMENT_SET:
        follow_up.set_notes("Booked a skin consultation at the counter.");
        break;
      default:
        follow_up.set_notes("Not interested for now.");
        break;
    }
    const bool last = i + 1 == outcomes.size();
    if (!last) {
      step.next_time = times[i + 1];  // the plan was kept: the next follow-up happened then
      step.next_method = LeadFollowUp::METHOD_PHONE;
    } else if (lead.outcome == DemoLeadOutcome::kInProgress || lead.outcome == DemoLeadOutcome::kConverted) {
      // A plan 1..10 days on: some are already due, which ListDueFollowUps shows.
      step.next_time = WholeSeconds(times[i] + kDay * random.Uniform(1, 10));
      step.next_method = outcomes[i] == LeadFollowUp::OUTCOME_APPOINTMENT_SET ? LeadFollowUp::METHOD_VISIT
                                                                              : LeadFollowUp::METHOD_PHONE;
    }
    lead.follow_ups.push_back(std::move(step));
  }
  if (lead.outcome == DemoLeadOutcome::kConverted) {
    // Bought today, minutes before as_of: a purchase at or after the lead's creation
    // (less the server's 5 minutes of clock skew) converts it, so the default as_of
    // (the moment the seeding starts) converts these leads the way a partner's own
    // till would.
    const absl::Time time = WholeSeconds(options_.as_of - absl::Seconds(random.Between(1, 90)));
    const bool in_store = profile.home_store >= 0 && random.Chance(0.7);
    const size_t category = profile.favourite_category;
    lead.conversion_purchase = static_cast<int>(dataset_.purchases.size());
    dataset_.purchases.push_back(
        {index, MakePurchase(index, 1, time, in_store ? Purchase::CHANNEL_STORE : Purchase::CHANNEL_ONLINE,
                             profile.home_store, category, product_index, 1, 0)});
    demo.contact.add_tags("new-member");
  }
  dataset_.leads.push_back(std::move(lead));
}

void Generator::AddComplaint(int index, int first_row) {
  DemoRandom random(DemoHash(options_.seed, "complaint", static_cast<uint64_t>(index)));
  if (!random.Chance(kComplaintShare)) return;
  // About the latest purchase (the contact's rows are the last ones appended).
  size_t latest = static_cast<size_t>(first_row);
  for (size_t r = latest; r < dataset_.purchases.size(); ++r) {
    if (dataset_.purchases[r].purchase.type() == Purchase::TYPE_PURCHASE) latest = r;
  }
  const Purchase& bought = dataset_.purchases[latest].purchase;
  DemoComplaint complaint;
  complaint.contact = index;
  complaint.request_id = DemoRequestId(options_.seed, "complaint", static_cast<uint64_t>(index));
  Complaint& record = complaint.complaint;
  const bool on_skin = bought.product_category() == "skincare" || bought.product_category() == "anti-ageing";
  const double kind = random.Uniform();
  if (on_skin && kind < 0.3) {
    record.set_category("allergic reaction");
    record.set_severity(random.Chance(0.4) ? Complaint::SEVERITY_CRITICAL : Complaint::SEVERITY_HIGH);
    record.set_description(absl::StrCat("Redness and itching after two days of using the ", bought.product(),
                                        ". Wants to know the ingredients and a refund."));
    complaint.resolution =
        "Dermatologist hotline consulted; full refund and a sensitive-skin sample kit sent.";
  } else if (kind < 0.55) {
    record.set_category("product quality");
    record.set_severity(random.Chance(0.5) ? Complaint::SEVERITY_MEDIUM : Complaint::SEVERITY_LOW);
    record.set_description(
        absl::StrCat("The pump of the ", bought.product(), " stopped working after a week."));
    complaint.resolution = "Replacement sent from the nearest counter.";
  } else if (kind < 0.75) {
    record.set_category("delivery");
    record.set_severity(Complaint::SEVERITY_MEDIUM);
    record.set_description("Online order arrived four days late and the box was crushed.");
    complaint.resolution = "Courier claim filed; 50 yuan voucher and apology.";
  } else if (kind < 0.9) {
    record.set_category("service");
    record.set_severity(random.Chance(0.3) ? Complaint::SEVERITY_HIGH : Complaint::SEVERITY_LOW);
    record.set_description(absl::StrCat("Felt pushed to buy at the counter",
                                        bought.store_id().empty() ? "" : " " + bought.store_id(),
                                        "; the advisor ignored her questions about ingredients."));
    complaint.resolution = "Counter manager called back and apologised; advisor coached.";
  } else {
    record.set_category("billing");
    record.set_severity(Complaint::SEVERITY_MEDIUM);
    record.set_description("Charged twice for one order in the online shop.");
    complaint.resolution = "Duplicate charge refunded.";
  }
  const double stage = random.Uniform();
  complaint.target_status = stage < 0.2   ? Complaint::STATUS_OPEN
                            : stage < 0.4 ? Complaint::STATUS_IN_PROGRESS
                            : stage < 0.6 ? Complaint::STATUS_RESOLVED
                                          : Complaint::STATUS_CLOSED;
  if (complaint.target_status == Complaint::STATUS_CLOSED) {
    complaint.satisfaction_score = static_cast<int>(random.Between(3, 10));
  }
  if (complaint.target_status < Complaint::STATUS_RESOLVED) complaint.resolution.clear();
  dataset_.complaints.push_back(std::move(complaint));
}

void Generator::AddInteractions(int index, int first_row, const Profile& profile, const DemoContact& demo) {
  DemoRandom random(DemoHash(options_.seed, "interaction", static_cast<uint64_t>(index)));
  const bool complained = !dataset_.complaints.empty() && dataset_.complaints.back().contact == index;
  int count = random.Chance(kInteractionShare) ? (random.Chance(0.3) ? 2 : 1) : 0;
  if (complained) ++count;  // the call-back about the complaint
  if (count == 0) return;
  const absl::Time since = absl::FromUnixSeconds(
      dataset_.purchases[static_cast<size_t>(first_row)].purchase.purchase_time().seconds());
  const bool big_spender = demo.contact.attributes().at("member_level") != "silver";
  const bool lapsed = demo.dropout_time.has_value();
  const std::string& owner = demo.contact.owner();
  const std::string store_id =
      profile.home_store >= 0 ? stores_[static_cast<size_t>(profile.home_store)].id : "";
  static const std::vector<double> kTypeWeights = {0.35, 0.15, 0.15, 0.10, 0.10, 0.10, 0.05};
  static const Interaction::Type kTypes[] = {
      Interaction::TYPE_SURVEY, Interaction::TYPE_STORE_VISIT, Interaction::TYPE_CALL, Interaction::TYPE_SMS,
      Interaction::TYPE_EMAIL,  Interaction::TYPE_EVENT,       Interaction::TYPE_NOTE};
  for (int k = 0; k < count; ++k) {
    DemoInteraction touch;
    touch.contact = index;
    touch.request_id =
        DemoRequestId(options_.seed, absl::StrCat("interaction/", index), static_cast<uint64_t>(k));
    Interaction& interaction = touch.interaction;
    Interaction::Type type =
        complained && k == 0 ? Interaction::TYPE_CALL : kTypes[random.Pick(kTypeWeights)];
    if (type == Interaction::TYPE_EVENT && !big_spender) type = Interaction::TYPE_STORE_VISIT;
    if (type == Interaction::TYPE_STORE_VISIT && store_id.empty()) type = Interaction::TYPE_EMAIL;
    interaction.set_type(type);
    const double span = absl::ToDoubleSeconds(options_.as_of - since);
    absl::Time when = WholeSeconds(since + absl::Seconds(span * random.Uniform()));
    if (complained && k == 0) when = WholeSeconds(options_.as_of - absl::Hours(random.Between(1, 20)));
    if (when < since) when = since;
    SetTimestamp(when, interaction.mutable_interaction_time());
    interaction.set_performed_by(owner.empty() ? "call-centre" : owner);
    switch (type) {
      case Interaction::TYPE_SURVEY: {
        // Satisfaction tracks the relationship: loyal buyers are happy, lapsed ones and
        // complainers less so (the reciprocity matrix plots this against value).
        int low = 6;
        int high = 10;
        if (lapsed) {
          low = 3;
          high = 8;
        }
        if (complained) {
          low = 1;
          high = 6;
        }
        interaction.set_direction(Interaction::DIRECTION_INBOUND);
        interaction.set_channel("survey-wechat");
        interaction.set_outcome("answered");
        interaction.set_satisfaction_score(static_cast<int>(random.Between(low, high)));
        interaction.set_notes("Quarterly satisfaction survey.");
        break;
      }
      case Interaction::TYPE_STORE_VISIT:
        interaction.set_direction(Interaction::DIRECTION_INBOUND);
        interaction.set_channel(store_id);
        interaction.set_outcome("browsed, tried samples, no purchase");
        break;
      case Interaction::TYPE_CALL:
        interaction.set_direction(Interaction::DIRECTION_OUTBOUND);
        interaction.set_channel("call-centre");
        interaction.set_outcome(complained && k == 0 ? "reached: complaint acknowledged"
                                                     : (random.Chance(0.7) ? "reached" : "no answer"));
        interaction.set_notes(complained && k == 0 ? "Called back about her complaint."
                                                   : "Care call after purchase: how is the product working?");
        break;
      case Interaction::TYPE_SMS:
        interaction.set_direction(Interaction::DIRECTION_OUTBOUND);
        interaction.set_channel("sms");
        interaction.set_outcome("delivered");
        interaction.set_notes("Birthday greeting with a double-points voucher.");
        break;
      case Interaction::TYPE_EMAIL:
        interaction.set_direction(random.Chance(0.5) ? Interaction::DIRECTION_INBOUND
                                                     : Interaction::DIRECTION_OUTBOUND);
        interaction.set_channel("email");
        interaction.set_outcome(interaction.direction() == Interaction::DIRECTION_INBOUND ? "answered"
                                                                                          : "delivered");
        interaction.set_notes(interaction.direction() == Interaction::DIRECTION_INBOUND
                                  ? "Asked whether the serum is safe during pregnancy."
                                  : "Sent the new-season lookbook.");
        break;
      case Interaction::TYPE_EVENT:
        interaction.set_direction(Interaction::DIRECTION_INBOUND);
        interaction.set_channel(absl::StrCat("vip-evening-", store_id.empty() ? "online" : store_id));
        interaction.set_outcome("attended");
        interaction.set_notes("VIP evening: skincare masterclass.");
        break;
      default:
        interaction.set_channel("crm");
        interaction.set_notes("Prefers to be contacted after 18:00.");
        break;
    }
    dataset_.interactions.push_back(std::move(touch));
  }
}

void Generator::AddCampaign() {
  Campaign& campaign = dataset_.campaign;
  campaign.set_display_name("Renewal Night Serum II launch");
  campaign.set_description(
      absl::StrCat("Launch of the new anti-ageing night serum to members aged 35+ who bought anti-ageing "
                   "products: samples and double points for the best customers by email, a first-bottle "
                   "discount for the others by SMS. ",
                   DemoCampaignMarker(options_.seed)));
  campaign.set_objective(Campaign::OBJECTIVE_NEW_PRODUCT_LAUNCH);
  campaign.set_type(Campaign::TYPE_STANDARD);
  campaign.set_audience_filter(
      "tags:\"anti-ageing\" AND (attributes.age_band = \"35-44\" OR attributes.age_band = \"45-54\" OR "
      "attributes.age_band = \"55+\")");
  crm::v1::CampaignCell* best = campaign.add_cells();
  best->set_display_name("Top members - email");
  best->set_filter("value_tier = VALUE_TIER_A OR value_tier = VALUE_TIER_B");
  best->set_theme("Be the first to try Renewal Night Serum II");
  best->set_incentive("Free 7-day sample and double points on the first bottle");
  best->set_channel(crm::v1::CAMPAIGN_CHANNEL_EMAIL);
  crm::v1::CampaignCell* others = campaign.add_cells();
  others->set_display_name("Other members - SMS");
  others->set_theme("New: Renewal Night Serum II");
  others->set_incentive("15% off your first bottle");
  others->set_channel(crm::v1::CAMPAIGN_CHANNEL_SMS);
  campaign.set_control_percent(10);
  crm::v1::ChannelCost* email_cost = campaign.add_touch_costs();
  email_cost->set_channel(crm::v1::CAMPAIGN_CHANNEL_EMAIL);
  *email_cost->mutable_cost_per_touch() = Cents(5);
  crm::v1::ChannelCost* sms_cost = campaign.add_touch_costs();
  sms_cost->set_channel(crm::v1::CAMPAIGN_CHANNEL_SMS);
  *sms_cost->mutable_cost_per_touch() = Cents(35);
  campaign.mutable_response_definition()->add_product_categories(categories_[DemoAntiAgeingCategory()].name);
  campaign.set_attribution_window_days(30);
  const absl::Time start = LocalTime(LocalDay(options_.as_of) + 2, absl::Hours(10));
  SetTimestamp(start, campaign.mutable_schedule()->mutable_start_time());
  SetTimestamp(start + kDay * 30, campaign.mutable_schedule()->mutable_end_time());
  dataset_.campaign_request_id = DemoRequestId(options_.seed, "campaign", 0);
}

}  // namespace

absl::TimeZone DemoTimeZone() { return absl::FixedTimeZone(8 * 3600); }

std::string DemoExternalIdPrefix(uint64_t seed) { return absl::StrCat("demo-s", seed, "-"); }

std::string DemoContactExternalId(uint64_t seed, int index) {
  return absl::StrCat(DemoExternalIdPrefix(seed), absl::StrFormat("c%06d", index));
}

std::string DemoDatasetTag(uint64_t seed, absl::Time as_of) {
  return absl::StrCat("seed=", seed, " as_of=",
                      absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", WholeSeconds(as_of), absl::UTCTimeZone()));
}

std::optional<absl::Time> ParseDemoDatasetTag(absl::string_view tag, uint64_t seed) {
  const std::vector<absl::string_view> parts = absl::StrSplit(tag, ' ');
  if (parts.size() != 2 || parts[0] != absl::StrCat("seed=", seed) || !absl::StartsWith(parts[1], "as_of=")) {
    return std::nullopt;
  }
  absl::Time as_of;
  std::string error;
  if (!absl::ParseTime(absl::RFC3339_full, parts[1].substr(6), &as_of, &error)) return std::nullopt;
  return as_of;
}

std::string DemoCampaignMarker(uint64_t seed) { return absl::StrCat("[crmctl demo seed ", seed, "]"); }

DemoDataset GenerateDemoDataset(const DemoOptions& options) {
  DemoDataset dataset;
  dataset.options = options;
  dataset.options.as_of = WholeSeconds(options.as_of);
  dataset.history_start = dataset.options.as_of - kDay * kDemoHistoryDays;
  dataset.external_id_prefix = DemoExternalIdPrefix(options.seed);
  dataset.dataset_tag = DemoDatasetTag(options.seed, dataset.options.as_of);
  dataset.analysis_request_id = DemoRequestId(
      options.seed,
      absl::StrCat("analysis/", options.contacts, "/", absl::ToUnixSeconds(dataset.options.as_of)), 0);
  dataset.contacts.reserve(static_cast<size_t>(options.contacts));
  dataset.purchases.reserve(static_cast<size_t>(options.contacts) * 11);
  Generator generator(dataset.options, dataset);
  for (int i = 0; i < options.contacts; ++i) generator.AddContact(i);
  generator.AddCampaign();
  return dataset;
}

}  // namespace crm::crmctl
