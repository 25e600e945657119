#include "clients/crmctl/demo_seeder.h"

#include <grpcpp/client_context.h>

#include <atomic>
#include <chrono>
#include <functional>
#include <thread>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/synchronization/mutex.h"

namespace crm::crmctl {
namespace {

using crm::v1::Complaint;
using crm::v1::Lead;

// The import APIs take up to 1000 rows per message; full messages keep the number of
// transactions (and so the seeding time) low.
constexpr int kImportBatch = 1000;
// RESOURCE_EXHAUSTED (the tenant's request-rate quota) is retried this often, with a
// doubling pause from 200 ms: the calls are request-id creates or idempotent moves,
// and a refused call did nothing.
constexpr int kQuotaRetries = 6;
constexpr int kErrorsKept = 5;

absl::Status FromGrpc(const grpc::Status& status, absl::string_view what) {
  return absl::Status(static_cast<absl::StatusCode>(status.error_code()),
                      absl::StrCat(what, ": ", status.error_message()));
}

absl::Time TimeOf(const google::protobuf::Timestamp& timestamp) {
  return absl::FromUnixSeconds(timestamp.seconds()) + absl::Nanoseconds(timestamp.nanos());
}

// Whether a create sent at `sent` made the resource or replayed an earlier create (the
// API answers both alike): a replayed resource is older than the call. The slack
// allows for the server's clock running a little behind this one.
bool MadeByCall(const google::protobuf::Timestamp& create_time, absl::Time sent) {
  return TimeOf(create_time) >= sent - absl::Milliseconds(50);
}

void SetTimestamp(absl::Time time, google::protobuf::Timestamp* timestamp) {
  const int64_t micros = absl::ToUnixMicros(time);
  timestamp->set_seconds(micros / 1'000'000);
  timestamp->set_nanos(static_cast<int32_t>(micros % 1'000'000) * 1000);
}

std::string Seconds(absl::Duration duration) {
  return absl::StrFormat("%.1fs", absl::ToDoubleSeconds(duration));
}

// Runs task(0..count-1) on `workers` threads. After the first failure no new task
// starts; that failure is returned.
absl::Status RunParallel(int count, int workers, const std::function<absl::Status(int)>& task) {
  std::atomic<int> next{0};
  std::atomic<bool> failed{false};
  absl::Mutex mutex;
  absl::Status first_error;
  const auto work = [&] {
    while (!failed.load()) {
      const int i = next.fetch_add(1);
      if (i >= count) return;
      absl::Status status = task(i);
      if (!status.ok()) {
        absl::MutexLock lock(&mutex);
        if (first_error.ok()) first_error = std::move(status);
        failed.store(true);
      }
    }
  };
  std::vector<std::thread> threads;
  for (int w = 1; w < std::min(workers, count); ++w) threads.emplace_back(work);
  work();
  for (std::thread& thread : threads) thread.join();
  return first_error;
}

}  // namespace

void DemoProgress::Line(absl::string_view stage, absl::string_view text) {
  std::lock_guard<std::mutex> lock(mutex_);
  out_ << absl::StrFormat("demo seed [%6.1fs] %s: %s\n", absl::ToDoubleSeconds(elapsed()), stage, text);
  out_.flush();
}

struct DemoSeeder::LeadState {
  crm::v1::Lead lead;    // as the tenant has it after the seeding's calls
  bool created = false;  // by this run (not a replay of an earlier one)
};

namespace {

// One unary call with its own deadline, retried while the tenant's quota refuses it.
template <typename Call>
absl::Status Unary(absl::Duration timeout, absl::string_view what, Call&& call) {
  for (int attempt = 0;; ++attempt) {
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + absl::ToChronoMilliseconds(timeout));
    const grpc::Status status = call(context);
    if (status.ok()) return absl::OkStatus();
    if (status.error_code() == grpc::StatusCode::RESOURCE_EXHAUSTED && attempt < kQuotaRetries) {
      std::this_thread::sleep_for(std::chrono::milliseconds(200) * (1 << attempt));
      continue;
    }
    return FromGrpc(status, what);
  }
}

}  // namespace

absl::StatusOr<DemoExisting> DemoSeeder::Inspect(uint64_t seed, int contacts) {
  DemoExisting existing;
  crm::v1::LookupContactRequest first;
  first.set_external_id(DemoContactExternalId(seed, 0));
  crm::v1::Contact contact;
  absl::Status status = Unary(
      call_timeout_, "look up the first demo contact",
      [&](grpc::ClientContext& call) { return client_.contacts().LookupContact(&call, first, &contact); });
  if (absl::IsNotFound(status)) return existing;
  if (!status.ok()) return status;
  if (auto tag = contact.attributes().find(kDemoDatasetAttribute); tag != contact.attributes().end()) {
    existing.as_of = ParseDemoDatasetTag(tag->second, seed);
  }
  crm::v1::LookupContactRequest last;
  last.set_external_id(DemoContactExternalId(seed, contacts - 1));
  status = Unary(call_timeout_, "look up the last demo contact", [&](grpc::ClientContext& call) {
    return client_.contacts().LookupContact(&call, last, &contact);
  });
  if (absl::IsNotFound(status)) return existing;
  if (!status.ok()) return status;
  // The campaign is the last thing a seeding creates.
  const std::string marker = DemoCampaignMarker(seed);
  std::string page_token;
  do {
    crm::v1::ListCampaignsRequest request;
    request.set_page_size(1000);
    request.set_page_token(page_token);
    crm::v1::ListCampaignsResponse response;
    status = Unary(call_timeout_, "list campaigns", [&](grpc::ClientContext& call) {
      return client_.campaigns().ListCampaigns(&call, request, &response);
    });
    if (!status.ok()) return status;
    for (const crm::v1::Campaign& campaign : response.campaigns()) {
      if (absl::StrContains(campaign.description(), marker)) existing.complete = true;
    }
    page_token = response.next_page_token();
  } while (!page_token.empty() && !existing.complete);
  return existing;
}

absl::StatusOr<DemoSeedSummary> DemoSeeder::Seed(const DemoDataset& dataset,
                                                 absl::Duration analysis_timeout) {
  DemoSeedSummary summary;
  std::vector<LeadState> leads(dataset.leads.size());
  struct Stage {
    const char* name;
    std::function<absl::Status()> run;
  };
  const std::vector<Stage> stages = {
      {"contacts", [&] { return ImportContacts(dataset, summary); }},
      {"contact names", [&] { return MapContactNames(dataset); }},
      {"leads", [&] { return SeedLeads(dataset, leads, summary); }},
      {"purchases", [&] { return ImportPurchases(dataset, summary); }},
      {"conversions", [&] { return FinishConversions(dataset, leads, summary); }},
      {"complaints", [&] { return SeedComplaints(dataset, summary); }},
      {"interactions", [&] { return SeedInteractions(dataset, summary); }},
      {"analysis", [&] { return RunAnalysis(dataset, analysis_timeout, summary); }},
      {"campaign", [&] { return SeedCampaign(dataset, summary); }},
  };
  for (const Stage& stage : stages) {
    const absl::Time start = absl::Now();
    if (absl::Status status = stage.run(); !status.ok()) return status;
    summary.stage_times.push_back({stage.name, absl::Now() - start});
  }
  return summary;
}

absl::Status DemoSeeder::ImportContacts(const DemoDataset& dataset, DemoSeedSummary& summary) {
  const int total = static_cast<int>(dataset.contacts.size());
  progress_.Line("contacts", absl::StrCat("importing ", total, " in batches of ", kImportBatch));
  grpc::ClientContext context;
  crm::v1::ImportContactsResponse response;
  std::unique_ptr<grpc::ClientWriter<crm::v1::ImportContactsRequest>> writer =
      client_.contacts().ImportContacts(&context, &response);
  for (int begin = 0; begin < total; begin += kImportBatch) {
    crm::v1::ImportContactsRequest batch;
    const int end = std::min(total, begin + kImportBatch);
    for (int i = begin; i < end; ++i)
      *batch.add_contacts() = dataset.contacts[static_cast<size_t>(i)].contact;
    if (!writer->Write(batch)) break;  // the stream broke: Finish says why
    if ((end / kImportBatch) % 5 == 0 && end < total) {
      progress_.Line("contacts", absl::StrCat(end, "/", total, " sent"));
    }
  }
  writer->WritesDone();
  if (grpc::Status status = writer->Finish(); !status.ok()) return FromGrpc(status, "import contacts");
  summary.contacts_created = response.created_count();
  summary.contacts_updated = response.updated_count();
  summary.rows_failed += response.error_count();
  for (const crm::v1::ImportRowError& error : response.errors()) {
    if (static_cast<int>(summary.row_errors.size()) >= kErrorsKept) break;
    const std::string id = error.index() < total
                               ? dataset.contacts[static_cast<size_t>(error.index())].contact.external_id()
                               : "?";
    summary.row_errors.push_back(
        absl::StrCat("contacts row ", error.index(), " (", id, "): ", error.message()));
  }
  progress_.Line("contacts",
                 absl::StrCat(response.created_count(), " created, ", response.updated_count(),
                              " already there (refreshed), ", response.error_count(), " refused"));
  return absl::OkStatus();
}

absl::Status DemoSeeder::MapContactNames(const DemoDataset& dataset) {
  absl::flat_hash_map<std::string, size_t> index_of;
  for (size_t i = 0; i < dataset.contacts.size(); ++i)
    index_of[dataset.contacts[i].contact.external_id()] = i;
  contact_names_.assign(dataset.contacts.size(), "");
  crm::v1::ExportContactsRequest request;
  // `:` is "contains"; every demo contact id of the seed starts with this.
  request.set_filter(absl::StrCat("external_id:\"", dataset.external_id_prefix, "c\""));
  grpc::ClientContext context;
  std::unique_ptr<grpc::ClientReader<crm::v1::Contact>> reader =
      client_.contacts().ExportContacts(&context, request);
  crm::v1::Contact contact;
  size_t found = 0;
  while (reader->Read(&contact)) {
    if (auto it = index_of.find(contact.external_id()); it != index_of.end()) {
      contact_names_[it->second] = contact.name();
      ++found;
    }
  }
  if (grpc::Status status = reader->Finish(); !status.ok()) {
    return FromGrpc(status, "export the demo contacts");
  }
  progress_.Line("contacts", absl::StrCat(found, " of ", dataset.contacts.size(), " found by external id"));
  return absl::OkStatus();
}

absl::Status DemoSeeder::SeedLeads(const DemoDataset& dataset, std::vector<LeadState>& leads,
                                   DemoSeedSummary& summary) {
  std::atomic<int> follow_ups{0};
  const absl::Status status =
      RunParallel(static_cast<int>(dataset.leads.size()), parallel_calls_, [&](int i) -> absl::Status {
        const DemoLead& plan = dataset.leads[static_cast<size_t>(i)];
        const std::string& contact = contact_names_[static_cast<size_t>(plan.contact)];
        if (contact.empty()) return absl::OkStatus();  // its contact was refused: counted there
        crm::v1::CreateLeadRequest create;
        *create.mutable_lead() = plan.lead;
        create.mutable_lead()->set_contact(contact);
        if (plan.outcome == DemoLeadOutcome::kNew) {
          SetTimestamp(absl::Now() + plan.first_plan_after_creation,
                       create.mutable_lead()->mutable_next_follow_up_time());
          create.mutable_lead()->set_next_follow_up_method(plan.first_plan_method);
        }
        create.set_request_id(plan.request_id);
        Lead& lead = leads[static_cast<size_t>(i)].lead;
        const absl::Time sent = absl::Now();
        if (absl::Status call_status = Unary(
                call_timeout_, "create lead",
                [&](grpc::ClientContext& call) { return client_.leads().CreateLead(&call, create, &lead); });
            !call_status.ok()) {
          return call_status;
        }
        leads[static_cast<size_t>(i)].created = MadeByCall(lead.create_time(), sent);
        // A replayed create returns the lead as it is now; a converted one takes no
        // more follow-ups (and had them all before it converted).
        if (lead.status() == Lead::STATUS_CONVERTED) return absl::OkStatus();
        for (const DemoFollowUp& step : plan.follow_ups) {
          crm::v1::RecordFollowUpRequest request;
          request.set_lead(lead.name());
          *request.mutable_follow_up() = step.follow_up;
          if (step.next_time.has_value()) {
            SetTimestamp(*step.next_time, request.mutable_next_follow_up_time());
            request.set_next_follow_up_method(step.next_method);
          }
          request.set_request_id(step.request_id);
          crm::v1::RecordFollowUpResponse response;
          if (absl::Status call_status = Unary(call_timeout_, "record follow-up",
                                               [&](grpc::ClientContext& call) {
                                                 return client_.leads().RecordFollowUp(&call, request,
                                                                                       &response);
                                               });
              !call_status.ok()) {
            return call_status;
          }
          lead = response.lead();
          follow_ups.fetch_add(1);
        }
        if (plan.outcome == DemoLeadOutcome::kUnreachable && lead.status() == Lead::STATUS_ACTIVE) {
          crm::v1::InvalidateLeadRequest request;
          request.set_name(lead.name());
          request.set_reason(Lead::INVALID_REASON_UNREACHABLE);
          request.set_note(absl::StrCat("no answer after ", plan.follow_ups.size(), " calls"));
          Lead invalidated;
          if (absl::Status call_status = Unary(call_timeout_, "invalidate lead",
                                               [&](grpc::ClientContext& call) {
                                                 return client_.leads().InvalidateLead(&call, request,
                                                                                       &invalidated);
                                               });
              !call_status.ok()) {
            return call_status;
          }
          lead = std::move(invalidated);
        }
        return absl::OkStatus();
      });
  if (!status.ok()) return status;
  summary.follow_ups = follow_ups.load();
  for (const LeadState& state : leads) {
    if (state.lead.name().empty()) continue;
    ++summary.leads;
    summary.leads_created += state.created;
  }
  progress_.Line("leads", absl::StrCat(summary.leads, " registered (", summary.leads_created, " new), ",
                                       summary.follow_ups, " follow-ups recorded"));
  return absl::OkStatus();
}

absl::Status DemoSeeder::ImportPurchases(const DemoDataset& dataset, DemoSeedSummary& summary) {
  std::vector<size_t> rows;  // dataset rows sent, in stream order
  rows.reserve(dataset.purchases.size());
  for (size_t r = 0; r < dataset.purchases.size(); ++r) {
    if (!contact_names_[static_cast<size_t>(dataset.purchases[r].contact)].empty()) rows.push_back(r);
    summary.refunds += dataset.purchases[r].purchase.type() == crm::v1::Purchase::TYPE_REFUND;
  }
  const int total = static_cast<int>(rows.size());
  progress_.Line("purchases", absl::StrCat("importing ", total, " rows in batches of ", kImportBatch));
  grpc::ClientContext context;
  crm::v1::ImportPurchasesResponse response;
  std::unique_ptr<grpc::ClientWriter<crm::v1::ImportPurchasesRequest>> writer =
      client_.purchases().ImportPurchases(&context, &response);
  for (int begin = 0; begin < total; begin += kImportBatch) {
    crm::v1::ImportPurchasesRequest batch;
    const int end = std::min(total, begin + kImportBatch);
    for (int i = begin; i < end; ++i) {
      const DemoPurchase& row = dataset.purchases[rows[static_cast<size_t>(i)]];
      crm::v1::Purchase* purchase = batch.add_purchases();
      *purchase = row.purchase;
      purchase->set_contact(contact_names_[static_cast<size_t>(row.contact)]);
    }
    if (!writer->Write(batch)) break;
    if ((end / kImportBatch) % 10 == 0 && end < total) {
      progress_.Line("purchases", absl::StrCat(end, "/", total, " rows sent"));
    }
  }
  writer->WritesDone();
  if (grpc::Status status = writer->Finish(); !status.ok()) return FromGrpc(status, "import purchases");
  summary.purchases_imported = response.imported_count();
  summary.purchases_skipped = response.skipped_count();
  summary.rows_failed += response.error_count();
  for (const crm::v1::ImportRowError& error : response.errors()) {
    if (static_cast<int>(summary.row_errors.size()) >= kErrorsKept) break;
    const std::string id =
        error.index() < total
            ? dataset.purchases[rows[static_cast<size_t>(error.index())]].purchase.external_id()
            : "?";
    summary.row_errors.push_back(
        absl::StrCat("purchases row ", error.index(), " (", id, "): ", error.message()));
  }
  progress_.Line("purchases", absl::StrCat(response.imported_count(), " imported, ", response.skipped_count(),
                                           " already there, ", response.error_count(), " refused"));
  return absl::OkStatus();
}

absl::Status DemoSeeder::FinishConversions(const DemoDataset& dataset, std::vector<LeadState>& leads,
                                           DemoSeedSummary& summary) {
  // The purchases converted their leads when the leads were created less than five
  // minutes after as_of (the default). With an older --as-of, or leads created by a
  // later re-run, the purchase is too old to count: convert those by hand.
  std::atomic<int> by_hand{0};
  const absl::Status status =
      RunParallel(static_cast<int>(dataset.leads.size()), parallel_calls_, [&](int i) -> absl::Status {
        Lead& lead = leads[static_cast<size_t>(i)].lead;
        if (dataset.leads[static_cast<size_t>(i)].outcome != DemoLeadOutcome::kConverted ||
            lead.name().empty()) {
          return absl::OkStatus();
        }
        crm::v1::GetLeadRequest get;
        get.set_name(lead.name());
        if (absl::Status call_status =
                Unary(call_timeout_, "get lead",
                      [&](grpc::ClientContext& call) { return client_.leads().GetLead(&call, get, &lead); });
            !call_status.ok()) {
          return call_status;
        }
        if (lead.status() == Lead::STATUS_CONVERTED) return absl::OkStatus();
        crm::v1::ConvertLeadRequest convert;
        convert.set_name(lead.name());
        Lead converted;
        if (absl::Status call_status = Unary(call_timeout_, "convert lead",
                                             [&](grpc::ClientContext& call) {
                                               return client_.leads().ConvertLead(&call, convert, &converted);
                                             });
            !call_status.ok()) {
          return call_status;
        }
        lead = std::move(converted);
        by_hand.fetch_add(1);
        return absl::OkStatus();
      });
  if (!status.ok()) return status;
  const absl::Time now = absl::Now();
  for (const LeadState& state : leads) {
    switch (state.lead.status()) {
      case Lead::STATUS_ACTIVE:
        ++summary.leads_active;
        summary.leads_due +=
            state.lead.has_next_follow_up_time() && TimeOf(state.lead.next_follow_up_time()) < now;
        break;
      case Lead::STATUS_CONVERTED:
        ++summary.leads_converted;
        break;
      case Lead::STATUS_INVALID:
        ++summary.leads_invalid;
        break;
      default:
        break;
    }
  }
  progress_.Line("leads",
                 absl::StrCat(summary.leads_converted, " converted (", by_hand.load(), " by ConvertLead), ",
                              summary.leads_active, " active (", summary.leads_due, " follow-ups due), ",
                              summary.leads_invalid, " invalid"));
  return absl::OkStatus();
}

absl::Status DemoSeeder::SeedComplaints(const DemoDataset& dataset, DemoSeedSummary& summary) {
  std::vector<Complaint> complaints(dataset.complaints.size());
  std::vector<char> created(dataset.complaints.size(), 0);  // by this run
  const absl::Status status =
      RunParallel(static_cast<int>(dataset.complaints.size()), parallel_calls_, [&](int i) -> absl::Status {
        const DemoComplaint& plan = dataset.complaints[static_cast<size_t>(i)];
        const std::string& contact = contact_names_[static_cast<size_t>(plan.contact)];
        if (contact.empty()) return absl::OkStatus();
        crm::v1::CreateComplaintRequest create;
        *create.mutable_complaint() = plan.complaint;
        create.mutable_complaint()->set_contact(contact);
        create.set_request_id(plan.request_id);
        Complaint& complaint = complaints[static_cast<size_t>(i)];
        const absl::Time sent = absl::Now();
        if (absl::Status call_status = Unary(call_timeout_, "create complaint",
                                             [&](grpc::ClientContext& call) {
                                               return client_.complaints().CreateComplaint(&call, create,
                                                                                           &complaint);
                                             });
            !call_status.ok()) {
          return call_status;
        }
        created[static_cast<size_t>(i)] = MadeByCall(complaint.create_time(), sent);
        // Walk it to its target one allowed step at a time; a re-run finds it there.
        while (complaint.status() < plan.target_status) {
          const auto next = static_cast<Complaint::Status>(complaint.status() + 1);
          crm::v1::UpdateComplaintRequest update;
          Complaint& change = *update.mutable_complaint();
          change.set_name(complaint.name());
          change.set_etag(complaint.etag());
          change.set_status(next);
          update.mutable_update_mask()->add_paths("status");
          if (next == Complaint::STATUS_RESOLVED) {
            change.set_resolution(plan.resolution);
            update.mutable_update_mask()->add_paths("resolution");
          }
          if (next == Complaint::STATUS_CLOSED && plan.satisfaction_score.has_value()) {
            change.set_satisfaction_score(*plan.satisfaction_score);
            update.mutable_update_mask()->add_paths("satisfaction_score");
          }
          Complaint updated;
          if (absl::Status call_status = Unary(call_timeout_, "update complaint",
                                               [&](grpc::ClientContext& call) {
                                                 return client_.complaints().UpdateComplaint(&call, update,
                                                                                             &updated);
                                               });
              !call_status.ok()) {
            return call_status;
          }
          complaint = std::move(updated);
        }
        return absl::OkStatus();
      });
  if (!status.ok()) return status;
  for (size_t i = 0; i < complaints.size(); ++i) {
    const Complaint& complaint = complaints[i];
    if (complaint.name().empty()) continue;
    ++summary.complaints;
    summary.complaints_created += created[i];
    if (complaint.status() == Complaint::STATUS_OPEN || complaint.status() == Complaint::STATUS_IN_PROGRESS) {
      ++summary.complaints_unresolved;
      summary.complaints_urgent += complaint.severity() >= Complaint::SEVERITY_HIGH;
    }
  }
  progress_.Line("complaints", absl::StrCat(summary.complaints, " (", summary.complaints_created, " new), ",
                                            summary.complaints_unresolved, " unresolved, ",
                                            summary.complaints_urgent, " of them HIGH or CRITICAL"));
  return absl::OkStatus();
}

absl::Status DemoSeeder::SeedInteractions(const DemoDataset& dataset, DemoSeedSummary& summary) {
  std::atomic<int> logged{0};
  std::atomic<int> created{0};
  const absl::Status status =
      RunParallel(static_cast<int>(dataset.interactions.size()), parallel_calls_, [&](int i) -> absl::Status {
        const DemoInteraction& plan = dataset.interactions[static_cast<size_t>(i)];
        const std::string& contact = contact_names_[static_cast<size_t>(plan.contact)];
        if (contact.empty()) return absl::OkStatus();
        crm::v1::LogInteractionRequest request;
        *request.mutable_interaction() = plan.interaction;
        request.mutable_interaction()->set_contact(contact);
        request.set_request_id(plan.request_id);
        crm::v1::Interaction interaction;
        const absl::Time sent = absl::Now();
        if (absl::Status call_status = Unary(call_timeout_, "log interaction",
                                             [&](grpc::ClientContext& call) {
                                               return client_.interactions().LogInteraction(&call, request,
                                                                                            &interaction);
                                             });
            !call_status.ok()) {
          return call_status;
        }
        logged.fetch_add(1);
        created.fetch_add(MadeByCall(interaction.create_time(), sent) ? 1 : 0);
        return absl::OkStatus();
      });
  if (!status.ok()) return status;
  summary.interactions = logged.load();
  summary.interactions_created = created.load();
  progress_.Line("interactions",
                 absl::StrCat(summary.interactions, " (", summary.interactions_created, " new)"));
  return absl::OkStatus();
}

absl::Status DemoSeeder::RunAnalysis(const DemoDataset& dataset, absl::Duration timeout,
                                     DemoSeedSummary& summary) {
  crm::v1::RunAnalysisRequest request;
  SetTimestamp(dataset.options.as_of, request.mutable_as_of());
  request.set_request_id(dataset.analysis_request_id);
  const absl::Time give_up = absl::Now() + timeout;
  crm::v1::AnalysisRun run;
  while (true) {
    absl::Status status = Unary(call_timeout_, "run the value analysis", [&](grpc::ClientContext& call) {
      return client_.value_analysis().RunAnalysis(&call, request, &run);
    });
    if (status.ok()) break;
    // One run per tenant at a time: wait for someone else's to finish.
    if (!absl::IsFailedPrecondition(status) || absl::Now() > give_up) return status;
    progress_.Line("analysis", absl::StrCat("waiting: ", status.message()));
    absl::SleepFor(absl::Seconds(2));
  }
  progress_.Line("analysis", absl::StrCat(run.name(), " ", crm::v1::AnalysisRun::State_Name(run.state())));
  std::string last_stage;
  while (run.state() == crm::v1::AnalysisRun::STATE_PENDING ||
         run.state() == crm::v1::AnalysisRun::STATE_RUNNING) {
    if (absl::Now() > give_up) {
      return absl::DeadlineExceededError(absl::StrCat(
          "analysis run ", run.name(), " is still ", crm::v1::AnalysisRun::State_Name(run.state()), " after ",
          Seconds(timeout), "; follow it with `crmctl analysis get ", run.name(), "`"));
    }
    if (run.stage() != last_stage) {
      progress_.Line("analysis", absl::StrFormat("%s (%.0f%%)", run.stage(), run.progress() * 100));
      last_stage = run.stage();
    }
    absl::SleepFor(absl::Milliseconds(300));
    crm::v1::GetAnalysisRunRequest get;
    get.set_name(run.name());
    if (absl::Status call_status = Unary(call_timeout_, "get the analysis run",
                                         [&](grpc::ClientContext& call) {
                                           return client_.value_analysis().GetAnalysisRun(&call, get, &run);
                                         });
        !call_status.ok()) {
      return call_status;
    }
  }
  summary.analysis = run;
  if (run.state() != crm::v1::AnalysisRun::STATE_SUCCEEDED) {
    return absl::FailedPreconditionError(absl::StrCat("analysis run ", run.name(), " ",
                                                      crm::v1::AnalysisRun::State_Name(run.state()), ": ",
                                                      run.error_code(), " ", run.error_message()));
  }
  progress_.Line("analysis", absl::StrCat(run.name(), " SUCCEEDED: ", run.customers(), " customers, ",
                                          run.purchases(), " purchases"));
  for (const crm::v1::UnavailableResult& missing : run.unavailable()) {
    progress_.Line("analysis", absl::StrCat("unavailable: ", absl::StrJoin(missing.fields(), ", "), ": ",
                                            missing.reason()));
  }
  return absl::OkStatus();
}

absl::Status DemoSeeder::SeedCampaign(const DemoDataset& dataset, DemoSeedSummary& summary) {
  crm::v1::CreateCampaignRequest create;
  *create.mutable_campaign() = dataset.campaign;
  create.set_request_id(dataset.campaign_request_id);
  crm::v1::Campaign& campaign = summary.campaign;
  absl::Status status = Unary(call_timeout_, "create campaign", [&](grpc::ClientContext& call) {
    return client_.campaigns().CreateCampaign(&call, create, &campaign);
  });
  if (absl::IsNotFound(status)) {
    // The request id answers with the campaign of an earlier seeding, which someone
    // deleted since: leave it deleted.
    progress_.Line("campaign", "the demo campaign of an earlier seeding was deleted; not re-created");
    campaign.Clear();
    return absl::OkStatus();
  }
  if (!status.ok()) return status;
  if (campaign.state() == crm::v1::Campaign::STATE_DRAFT) {
    crm::v1::ScheduleCampaignRequest schedule;
    schedule.set_name(campaign.name());
    schedule.set_etag(campaign.etag());
    crm::v1::Campaign scheduled;
    if (absl::Status call_status = Unary(call_timeout_, "schedule campaign",
                                         [&](grpc::ClientContext& call) {
                                           return client_.campaigns().ScheduleCampaign(&call, schedule,
                                                                                       &scheduled);
                                         });
        !call_status.ok()) {
      return call_status;
    }
    campaign = std::move(scheduled);
  }
  crm::v1::PreviewAudienceRequest preview;
  preview.set_name(campaign.name());
  if (absl::Status call_status = Unary(call_timeout_, "preview the campaign audience",
                                       [&](grpc::ClientContext& call) {
                                         return client_.campaigns().PreviewAudience(&call, preview,
                                                                                    &summary.audience);
                                       });
      !call_status.ok()) {
    return call_status;
  }
  progress_.Line(
      "campaign",
      absl::StrCat(campaign.name(), " ", crm::v1::Campaign::State_Name(campaign.state()), ": audience ",
                   summary.audience.audience(), ", control ", summary.audience.control()));
  return absl::OkStatus();
}

}  // namespace crm::crmctl
