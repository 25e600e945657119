// Sends a DemoDataset to a tenant through the public API, idempotently: contacts and
// purchases go through the streaming imports (upsert by external_id, skip of known
// receipts), every other create carries the dataset's deterministic request_id, and
// state changes (follow-ups, invalidations, complaint moves, scheduling) are only made
// when the tenant is not there yet. Running it twice leaves the tenant as once.
#ifndef CRM_CLIENTS_CRMCTL_DEMO_SEEDER_H_
#define CRM_CLIENTS_CRMCTL_DEMO_SEEDER_H_

#include <cstdint>
#include <mutex>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "clients/crmctl/demo_dataset.h"
#include "crm/client/client.h"

namespace crm::crmctl {

// Progress lines on stderr: "demo seed [  3.2s] purchases: 20000/50412 rows sent".
class DemoProgress {
 public:
  explicit DemoProgress(std::ostream& out) : out_(out), start_(absl::Now()) {}
  void Line(absl::string_view stage, absl::string_view text);
  absl::Duration elapsed() const { return absl::Now() - start_; }

 private:
  std::ostream& out_;
  absl::Time start_;
  std::mutex mutex_;
};

// What a tenant already holds of a seed's dataset.
struct DemoExisting {
  // The as_of of the seeding that created contact 0 (its attributes.demo_dataset).
  std::optional<absl::Time> as_of;
  // Contact `contacts - 1` and the campaign exist: everything was sent.
  bool complete = false;
};

struct DemoStageTime {
  std::string stage;
  absl::Duration duration;
};

struct DemoSeedSummary {
  int64_t contacts_created = 0;
  int64_t contacts_updated = 0;  // already there (same external_id), fields refreshed
  int64_t purchases_imported = 0;
  int64_t purchases_skipped = 0;        // receipt already stored
  int64_t refunds = 0;                  // of the dataset's purchase rows
  int64_t rows_failed = 0;              // import rows the server refused
  std::vector<std::string> row_errors;  // the first few, "contacts row 12 (demo-…): …"
  int leads = 0;
  int leads_created = 0;
  int leads_active = 0;
  int leads_converted = 0;
  int leads_invalid = 0;
  int leads_due = 0;  // ACTIVE with a follow-up due before now
  int follow_ups = 0;
  int complaints = 0;
  int complaints_created = 0;
  int complaints_unresolved = 0;  // OPEN or IN_PROGRESS
  int complaints_urgent = 0;      // of those, HIGH or CRITICAL: overdue within 8 hours
  int interactions = 0;
  int interactions_created = 0;
  crm::v1::AnalysisRun analysis;
  crm::v1::Campaign campaign;
  crm::v1::AudiencePreview audience;
  std::vector<DemoStageTime> stage_times;
};

class DemoSeeder {
 public:
  // `call_timeout` is the deadline of each unary call; `parallel_calls` how many run at
  // once (the client is thread-safe).
  DemoSeeder(crm::Client& client, absl::Duration call_timeout, DemoProgress& progress, int parallel_calls = 4)
      : client_(client), call_timeout_(call_timeout), progress_(progress), parallel_calls_(parallel_calls) {}

  // Reads what an earlier seeding of `seed` left: two lookups and a campaign list.
  absl::StatusOr<DemoExisting> Inspect(uint64_t seed, int contacts);

  // Sends the dataset, then runs the value analysis (waiting up to `analysis_timeout`)
  // and creates and schedules the campaign. Import rows the server refuses are counted
  // in the summary, not an error; a failed call is.
  absl::StatusOr<DemoSeedSummary> Seed(const DemoDataset& dataset, absl::Duration analysis_timeout);

 private:
  struct LeadState;
  absl::Status ImportContacts(const DemoDataset& dataset, DemoSeedSummary& summary);
  absl::Status MapContactNames(const DemoDataset& dataset);
  absl::Status SeedLeads(const DemoDataset& dataset, std::vector<LeadState>& leads, DemoSeedSummary& summary);
  absl::Status ImportPurchases(const DemoDataset& dataset, DemoSeedSummary& summary);
  absl::Status FinishConversions(const DemoDataset& dataset, std::vector<LeadState>& leads,
                                 DemoSeedSummary& summary);
  absl::Status SeedComplaints(const DemoDataset& dataset, DemoSeedSummary& summary);
  absl::Status SeedInteractions(const DemoDataset& dataset, DemoSeedSummary& summary);
  absl::Status RunAnalysis(const DemoDataset& dataset, absl::Duration timeout, DemoSeedSummary& summary);
  absl::Status SeedCampaign(const DemoDataset& dataset, DemoSeedSummary& summary);

  crm::Client& client_;
  absl::Duration call_timeout_;
  DemoProgress& progress_;
  int parallel_calls_;
  std::vector<std::string> contact_names_;  // by dataset index; empty when not stored
};

}  // namespace crm::crmctl

#endif  // CRM_CLIENTS_CRMCTL_DEMO_SEEDER_H_
