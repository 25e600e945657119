// The demo tenant as data: a cosmetics brand's contacts, two years of purchases, leads,
// complaints, interactions and a launch campaign, generated deterministically from a
// seed and an "as of" time. No I/O: demo_seeder.cc sends it to a server.
//
// The purchase history follows the buy-till-you-die story the value analysis models
// (DOMAIN.md "Probabilistic lifetime value"): every customer has a purchase rate λ
// (Gamma-distributed across customers) and, after each repeat purchase, a chance p
// (Beta-distributed) of dropping out for good; purchases are thinned by a seasonal
// curve (Women's Day in March, 618 in June, Singles' Day in November, December gifts)
// so sales peak where a real brand's do. Amounts are list prices in whole yuan less
// whole-percent discounts, margins list price less a fixed unit cost: exact cents.
//
// Every contact draws from its own random streams (seed, contact index), so contact i
// and its history are the same whatever --contacts says: seeding 5,000 contacts into a
// tenant that holds the first 400 of the same seed adds the other 4,600 and repeats
// nothing.
#ifndef CRM_CLIENTS_CRMCTL_DEMO_DATASET_H_
#define CRM_CLIENTS_CRMCTL_DEMO_DATASET_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "crm/v1/campaign.pb.h"
#include "crm/v1/complaint.pb.h"
#include "crm/v1/contact.pb.h"
#include "crm/v1/interaction.pb.h"
#include "crm/v1/lead.pb.h"
#include "crm/v1/purchase.pb.h"

namespace crm::crmctl {

inline constexpr uint64_t kDefaultDemoSeed = 2026;
inline constexpr int kDefaultDemoContacts = 5000;
inline constexpr int kMaxDemoContacts = 200000;
// The purchase history covers this many days before as_of.
inline constexpr int kDemoHistoryDays = 730;
// Every seeded contact carries attributes.demo_dataset = DemoDatasetTag(...): it finds
// (or deletes) the demo data with a filter, and tells a later seeding which as_of the
// history was drawn for.
inline constexpr char kDemoDatasetAttribute[] = "demo_dataset";

struct DemoOptions {
  uint64_t seed = kDefaultDemoSeed;
  int contacts = kDefaultDemoContacts;  // 1..kMaxDemoContacts
  // "Today" of the dataset: the history ends here. Must not be in the future when it
  // is sent (the server refuses purchases more than 5 minutes ahead).
  absl::Time as_of;
};

// One contact and the truth the generator drew for it (for tests and summaries; the
// server only sees `contact`).
struct DemoContact {
  crm::v1::Contact contact;                // external_id set; name left to the server
  absl::Time first_day;                    // joined the brand; no purchase, follow-up or touch before
  bool prospect = false;                   // no purchase history (a converted lead buys once, today)
  double purchases_per_year = 0;           // λ × 365 while alive (0 for prospects)
  double dropout_probability = 0;          // p after each repeat purchase (0 for prospects)
  std::optional<absl::Time> dropout_time;  // the purchase after which they dropped out
};

struct DemoPurchase {
  int contact = 0;             // index into DemoDataset::contacts
  crm::v1::Purchase purchase;  // `contact` left empty (the server names contacts)
};

struct DemoFollowUp {
  crm::v1::LeadFollowUp follow_up;      // method, outcome, time, performed_by, notes
  std::optional<absl::Time> next_time;  // the plan it sets (may already be overdue)
  crm::v1::LeadFollowUp::Method next_method = crm::v1::LeadFollowUp::METHOD_UNSPECIFIED;
  std::string request_id;
};

// Where a lead ends up once seeded.
enum class DemoLeadOutcome {
  kNew,          // registered today, first follow-up planned
  kInProgress,   // followed up, next follow-up planned (some overdue)
  kConverted,    // bought today: the purchase converts the lead
  kDeclined,     // a DECLINED follow-up invalidated it
  kUnreachable,  // never reached, then invalidated as UNREACHABLE
};

struct DemoLead {
  int contact = 0;
  // The registration: source, source_detail, needs, intended product and date,
  // intent, owner. The server stamps create_time with the time of the call.
  crm::v1::Lead lead;
  // kNew only: the first follow-up is planned this long after the lead's creation
  // (relative to the call, since the server refuses plans before a lead exists).
  absl::Duration first_plan_after_creation = absl::ZeroDuration();
  crm::v1::LeadFollowUp::Method first_plan_method = crm::v1::LeadFollowUp::METHOD_UNSPECIFIED;
  std::vector<DemoFollowUp> follow_ups;  // in time order, all before as_of
  DemoLeadOutcome outcome = DemoLeadOutcome::kNew;
  int conversion_purchase = -1;  // kConverted: index into DemoDataset::purchases
  std::string request_id;
};

struct DemoComplaint {
  int contact = 0;
  crm::v1::Complaint complaint;  // category, severity, description
  // How far the seeding moves it along OPEN → IN_PROGRESS → RESOLVED → CLOSED.
  crm::v1::Complaint::Status target_status = crm::v1::Complaint::STATUS_OPEN;
  std::string resolution;                 // RESOLVED and CLOSED
  std::optional<int> satisfaction_score;  // CLOSED: the follow-up survey
  std::string request_id;
};

struct DemoInteraction {
  int contact = 0;
  crm::v1::Interaction interaction;  // `contact` left empty
  std::string request_id;
};

struct DemoDataset {
  DemoOptions options;
  absl::Time history_start;        // as_of - kDemoHistoryDays
  std::string external_id_prefix;  // of every contact's and purchase's external_id
  std::string dataset_tag;         // attributes.demo_dataset of every contact
  std::vector<DemoContact> contacts;
  std::vector<DemoPurchase> purchases;  // contact by contact, each in time order
  std::vector<DemoLead> leads;
  std::vector<DemoComplaint> complaints;
  std::vector<DemoInteraction> interactions;
  // An anti-ageing launch to members aged 35+: two cells (EMAIL for value tiers A and
  // B, SMS for the rest), 10% control, starting two days after as_of.
  crm::v1::Campaign campaign;
  std::string campaign_request_id;
  std::string analysis_request_id;
};

DemoDataset GenerateDemoDataset(const DemoOptions& options);

// "demo-s2026-": contacts are "demo-s2026-c000017", purchases "demo-s2026-p000017-003",
// refunds "demo-s2026-r000017-003" (of purchase 3).
std::string DemoExternalIdPrefix(uint64_t seed);
std::string DemoContactExternalId(uint64_t seed, int index);

// "seed=2026 as_of=2026-05-01T08:30:00Z" (as_of to the second).
std::string DemoDatasetTag(uint64_t seed, absl::Time as_of);
// The as_of of a tag of `seed`; nullopt for anything else.
std::optional<absl::Time> ParseDemoDatasetTag(absl::string_view tag, uint64_t seed);

// Text the campaign's description carries: a seeding that finds a campaign with it
// (and its last contact) knows the tenant already holds the whole dataset.
std::string DemoCampaignMarker(uint64_t seed);

// The tenant's local time the dataset is drawn in (the demo tenant's Asia/Shanghai,
// UTC+8 all year): store hours, calendar days, special sales days.
absl::TimeZone DemoTimeZone();

}  // namespace crm::crmctl

#endif  // CRM_CLIENTS_CRMCTL_DEMO_DATASET_H_
