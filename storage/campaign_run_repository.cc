#include "storage/campaign_run_repository.h"

#include <cppconn/resultset.h>

#include <random>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "crm/v1/contact.pb.h"
#include "storage/campaign_completion.h"
#include "storage/multi_row_insert.h"
#include "storage/row_codec.h"
#include "storage/transaction.h"

namespace crm::storage {
namespace {

constexpr char kContactPrefix[] = "contacts/";
constexpr int kRunPending = 1;
constexpr int kRunInProgress = 2;
constexpr int kRunCompleted = 3;
constexpr int kRunCancelled = 4;

std::string RunName(absl::string_view campaign_id, int run_number) {
  return absl::StrCat("campaigns/", campaign_id, "/runs/", run_number);
}

// 128 random bits in hex. Not a credential (the API key is), but unguessable, so a
// scheduler cannot act on a lease it was not given.
std::string NewLeaseToken() {
  std::random_device random;
  std::string token;
  for (int i = 0; i < 4; ++i) absl::StrAppendFormat(&token, "%08x", random());
  return token;
}

std::string Placeholders(size_t count) {
  return absl::StrJoin(std::vector<std::string>(count, "?"), ", ");
}

v1::CampaignRun ReadRunMessage(Transaction& tx, absl::string_view campaign_id, int run_number) {
  auto row = tx.Query(
      "SELECT state, recipients, handed_out, reported, skipped_by_policy, scheduler_id, "
      "lease_expire_time, complete_time FROM campaign_runs WHERE tenant_id = ? AND campaign_id = ? "
      "AND run_number = ?",
      {tx.tenant().value(), std::string(campaign_id), static_cast<int64_t>(run_number)});
  v1::CampaignRun run;
  run.set_name(RunName(campaign_id, run_number));
  if (!row->next()) return run;
  run.set_state(static_cast<v1::CampaignRun::State>(row->getInt("state")));
  run.set_recipients(row->getInt("recipients"));
  run.set_handed_out(row->getInt("handed_out"));
  run.set_reported(row->getInt("reported"));
  run.set_skipped_by_policy(row->getInt("skipped_by_policy"));
  if (run.state() == v1::CampaignRun::STATE_IN_PROGRESS) {
    run.set_scheduler(row->getString("scheduler_id"));
    if (std::optional<absl::Time> expire = GetOptionalDatetime(*row, "lease_expire_time")) {
      ToProtoTimestamp(*expire, run.mutable_lease_expire_time());
    }
  }
  if (std::optional<absl::Time> complete = GetOptionalDatetime(*row, "complete_time")) {
    ToProtoTimestamp(*complete, run.mutable_complete_time());
  }
  return run;
}

// The locked run row of a leased call.
struct LockedRun {
  int state = 0;
  int generation = 0;
  std::string fetch_after;
};

// What a leased call may do with a run that is no longer IN_PROGRESS.
enum class LeaseUse {
  kWork,      // fetch, renew, complete: only a live lease
  kReport,    // reports: also a run cancelled under this lease (sends already made are facts)
  kReceipts,  // DELIVERED/BOUNCED only: also a COMPLETED run's last lease
};

// Reads (with `lock`, e.g. " FOR UPDATE") the run and checks that
// `leased.lease_token` is its live lease, or what `use` accepts besides.
absl::StatusOr<LockedRun> LockLeasedRun(Transaction& tx, const LeasedRun& leased, absl::Time now, LeaseUse use,
                                        const char* lock = " FOR UPDATE") {
  auto row = tx.Query(
      absl::StrCat("SELECT state, lease_token, lease_expire_time, lease_generation, fetch_after FROM campaign_runs "
                   "WHERE tenant_id = ? AND campaign_id = ? AND run_number = ?",
                   lock),
      {tx.tenant().value(), leased.campaign_id, static_cast<int64_t>(leased.run_number)});
  const std::string name = RunName(leased.campaign_id, leased.run_number);
  if (!row->next()) return absl::NotFoundError(absl::StrCat("run: ", name, " does not exist"));
  LockedRun run{row->getInt("state"), row->getInt("lease_generation"), row->getString("fetch_after")};
  const bool token_matches =
      !leased.lease_token.empty() && GetOptionalString(*row, "lease_token").value_or("") == leased.lease_token;
  if (run.state == kRunCancelled && !(use != LeaseUse::kWork && token_matches)) {
    return absl::FailedPreconditionError(absl::StrCat("run: ", name, " was cancelled with its campaign"));
  }
  if (!token_matches) {
    return absl::FailedPreconditionError(absl::StrCat(
        "lease_token: not the current lease of ", name, " (another scheduler took it over); claim again"));
  }
  if (run.state == kRunCancelled) return run;
  if (run.state == kRunCompleted) {
    if (use == LeaseUse::kReceipts) return run;
    return absl::FailedPreconditionError(absl::StrCat("run: ", name, " is already COMPLETED"));
  }
  const std::optional<absl::Time> expire = GetOptionalDatetime(*row, "lease_expire_time");
  if (run.state != kRunInProgress || !expire || *expire <= now) {
    return absl::FailedPreconditionError(
        absl::StrCat("lease_token: the lease on ", name, " expired; claim again"));
  }
  return run;
}

// `DELIVERED`/`BOUNCED` after `SENT` are the only moves from a reported state; a
// report equal to or older than the state changes nothing.
std::optional<DeliveryState> ApplyReport(DeliveryState current, v1::DeliveryReport::Status status) {
  const auto reported = static_cast<DeliveryState>(static_cast<int>(status) + 1);
  switch (current) {
    case DeliveryState::kPending:
    case DeliveryState::kHandedOut:
      return reported;
    case DeliveryState::kSent:
      if (reported == DeliveryState::kDelivered || reported == DeliveryState::kBounced) return reported;
      return std::nullopt;
    default:
      return std::nullopt;
  }
}

bool IsSentState(DeliveryState state) {
  return state == DeliveryState::kSent || state == DeliveryState::kDelivered ||
         state == DeliveryState::kBounced;
}

}  // namespace

absl::StatusOr<std::optional<RunLease>> CampaignRunRepository::Claim(const TenantId& tenant,
                                                                     absl::string_view scheduler_id,
                                                                     absl::Duration lease,
                                                                     absl::Time deadline) {
  struct Candidate {
    std::string campaign_id;
    int run_number;
  };
  const absl::Time now = NowMicros();
  absl::StatusOr<std::vector<Candidate>> candidates = RunTransactionFor<std::vector<Candidate>>(
      pool_, tenant, deadline, [&](Transaction& tx) -> absl::StatusOr<std::vector<Candidate>> {
        auto rows = tx.Query(
            "SELECT r.campaign_id, r.run_number FROM campaign_runs r JOIN campaigns c ON "
            "c.tenant_id = r.tenant_id AND c.campaign_id = r.campaign_id WHERE r.tenant_id = ? AND "
            "c.state = 3 AND (r.state = 1 OR (r.state = 2 AND r.lease_expire_time <= ?)) "
            "ORDER BY r.state DESC, r.campaign_id, r.run_number LIMIT 16",
            {tenant.value(), ToSqlDatetime(now)});
        std::vector<Candidate> found;
        while (rows->next()) found.push_back({rows->getString("campaign_id"), rows->getInt("run_number")});
        return found;
      });
  if (!candidates.ok()) return candidates.status();
  for (const Candidate& candidate : *candidates) {
    absl::StatusOr<std::optional<RunLease>> claimed = RunTransactionFor<std::optional<RunLease>>(
        pool_, tenant, deadline, [&](Transaction& tx) -> absl::StatusOr<std::optional<RunLease>> {
          // Another scheduler may be claiming the same run: skip it rather than wait.
          auto row = tx.Query(
              "SELECT state, lease_expire_time FROM campaign_runs WHERE tenant_id = ? AND campaign_id = ? "
              "AND run_number = ? FOR UPDATE SKIP LOCKED",
              {tenant.value(), candidate.campaign_id, static_cast<int64_t>(candidate.run_number)});
          if (!row->next()) return std::optional<RunLease>();
          const int state = row->getInt("state");
          const std::optional<absl::Time> expire = GetOptionalDatetime(*row, "lease_expire_time");
          const absl::Time claim_time = NowMicros();
          if (!(state == kRunPending || (state == kRunInProgress && expire && *expire <= claim_time))) {
            return std::optional<RunLease>();
          }
          RunLease claimed;
          claimed.campaign_id = candidate.campaign_id;
          claimed.run_number = candidate.run_number;
          claimed.lease_token = NewLeaseToken();
          claimed.lease_expire_time = claim_time + lease;
          tx.Execute(
              "UPDATE campaign_runs SET state = 2, lease_token = ?, lease_generation = lease_generation + 1, "
              "lease_expire_time = ?, scheduler_id = ?, fetch_after = '' WHERE tenant_id = ? AND "
              "campaign_id = ? AND run_number = ?",
              {claimed.lease_token, ToSqlDatetime(claimed.lease_expire_time), std::string(scheduler_id),
               tenant.value(), candidate.campaign_id, static_cast<int64_t>(candidate.run_number)});
          claimed.run = ReadRunMessage(tx, candidate.campaign_id, candidate.run_number);
          return std::optional<RunLease>(std::move(claimed));
        });
    if (!claimed.ok() || claimed->has_value()) return claimed;
  }
  return std::optional<RunLease>();
}

absl::StatusOr<RunLease> CampaignRunRepository::Renew(const TenantId& tenant, const LeasedRun& leased,
                                                      absl::Duration lease, absl::Time deadline) {
  return RunTransactionFor<RunLease>(pool_, tenant, deadline, [&](Transaction& tx) -> absl::StatusOr<RunLease> {
    const absl::Time now = NowMicros();
    absl::StatusOr<LockedRun> run = LockLeasedRun(tx, leased, now, LeaseUse::kWork);
    if (!run.ok()) return run.status();
    RunLease renewed;
    renewed.campaign_id = leased.campaign_id;
    renewed.run_number = leased.run_number;
    renewed.lease_token = leased.lease_token;
    renewed.lease_expire_time = now + lease;
    tx.Execute(
        "UPDATE campaign_runs SET lease_expire_time = ? WHERE tenant_id = ? AND campaign_id = ? AND "
        "run_number = ?",
        {ToSqlDatetime(renewed.lease_expire_time), tenant.value(), leased.campaign_id,
         static_cast<int64_t>(leased.run_number)});
    renewed.run = ReadRunMessage(tx, leased.campaign_id, leased.run_number);
    return renewed;
  });
}

absl::Status CampaignRunRepository::CheckLease(const TenantId& tenant, const LeasedRun& leased,
                                              absl::Time deadline) {
  return RunTransaction(pool_, tenant, deadline, [&](Transaction& tx) -> absl::Status {
    return LockLeasedRun(tx, leased, NowMicros(), LeaseUse::kWork, "").status();
  });
}

absl::StatusOr<FetchedRecipients> CampaignRunRepository::Fetch(
    const TenantId& tenant, const LeasedRun& leased, int page_size, absl::Time touches_since,
    const std::function<HandOutDecision(const RecipientCandidate&)>& decide, absl::Time deadline) {
  return RunTransactionFor<FetchedRecipients>(
      pool_, tenant, deadline, [&](Transaction& tx) -> absl::StatusOr<FetchedRecipients> {
        const absl::Time now = NowMicros();
        absl::StatusOr<LockedRun> run = LockLeasedRun(tx, leased, now, LeaseUse::kWork);
        if (!run.ok()) return run.status();
        auto campaign = tx.Query(
            // A plain read: a shared lock here would make the snapshot (SKIP LOCKED on
            // this row) skip the campaign while any scheduler fetches. A cancel that
            // commits meanwhile waits for this run's lock and ends the run after.
            "SELECT state FROM campaigns WHERE tenant_id = ? AND campaign_id = ?",
            {tenant.value(), leased.campaign_id});
        if (!campaign->next() || campaign->getInt("state") != 3) {
          return absl::FailedPreconditionError(
              absl::StrCat("run: campaigns/", leased.campaign_id, " is no longer RUNNING"));
        }

        std::vector<RecipientCandidate> candidates;
        absl::flat_hash_map<std::string, size_t> index;
        {
          auto rows = tx.Query(
              "SELECT contact_id, cell_index, attempts FROM campaign_recipients WHERE tenant_id = ? AND "
              "campaign_id = ? AND run_number = ? AND contact_id > ? AND delivery_state IN (0, 1) "
              "ORDER BY contact_id LIMIT ?",
              {tenant.value(), leased.campaign_id, static_cast<int64_t>(leased.run_number), run->fetch_after,
               static_cast<int64_t>(page_size)});
          while (rows->next()) {
            RecipientCandidate candidate;
            candidate.contact_id = rows->getString("contact_id");
            candidate.cell_index = rows->getInt("cell_index");
            candidate.attempts = rows->getInt("attempts");
            index[candidate.contact_id] = candidates.size();
            candidates.push_back(std::move(candidate));
          }
        }
        FetchedRecipients fetched;
        fetched.exhausted = static_cast<int>(candidates.size()) < page_size;
        if (candidates.empty()) return fetched;

        std::vector<SqlValue> id_params = {tenant.value()};
        for (const RecipientCandidate& candidate : candidates) id_params.push_back(candidate.contact_id);
        const std::string in_list = Placeholders(candidates.size());
        {
          // The lock serialises hand-outs of one contact across campaigns, so the
          // touch counts below stay true until this transaction has added its own.
          auto rows = tx.Query(
              absl::StrCat("SELECT contact_id, display_name, consent_email, consent_sms, consent_phone, "
                           "consent_direct_mail, JSON_UNQUOTE(JSON_EXTRACT(emails, '$[0]')) AS first_email, "
                           "JSON_UNQUOTE(JSON_EXTRACT(phones, '$[0]')) AS first_phone, address FROM contacts "
                           "WHERE tenant_id = ? AND contact_id IN (", in_list, ") ORDER BY contact_id FOR UPDATE"),
              id_params);
          while (rows->next()) {
            RecipientCandidate& candidate = candidates[index.at(std::string(rows->getString("contact_id")))];
            candidate.contact_exists = true;
            candidate.display_name = rows->getString("display_name");
            candidate.consent[v1::CHANNEL_EMAIL] = rows->getInt("consent_email");
            candidate.consent[v1::CHANNEL_SMS] = rows->getInt("consent_sms");
            candidate.consent[v1::CHANNEL_PHONE] = rows->getInt("consent_phone");
            candidate.consent[v1::CHANNEL_DIRECT_MAIL] = rows->getInt("consent_direct_mail");
            candidate.first_email = GetOptionalString(*rows, "first_email").value_or("");
            candidate.first_phone = GetOptionalString(*rows, "first_phone").value_or("");
            candidate.address = rows->getString("address");
          }
        }
        {
          std::vector<SqlValue> params = {tenant.value(), ToSqlDatetime(touches_since)};
          params.insert(params.end(), id_params.begin() + 1, id_params.end());
          auto rows = tx.Query(
              absl::StrCat("SELECT contact_id, channel, COUNT(*) AS touches FROM contact_touches WHERE "
                           "tenant_id = ? AND touch_time >= ? AND contact_id IN (", in_list,
                           ") GROUP BY contact_id, channel"),
              params);
          while (rows->next()) {
            RecipientCandidate& candidate = candidates[index.at(std::string(rows->getString("contact_id")))];
            const int channel = rows->getInt("channel");
            if (channel < 1 || channel > 5) continue;
            candidate.touches[channel] += rows->getInt("touches");
            candidate.touches[0] += rows->getInt("touches");
          }
        }

        std::vector<std::string> handed, skipped_policy, skipped_consent;
        std::vector<std::pair<std::string, int>> new_touches;
        int first_hand_outs = 0;
        for (RecipientCandidate& candidate : candidates) {
          HandOutDecision decision = decide(candidate);
          switch (decision.action) {
            case HandOutDecision::Action::kHandOut:
              handed.push_back(candidate.contact_id);
              if (candidate.attempts == 0) {
                ++first_hand_outs;
                new_touches.emplace_back(candidate.contact_id, decision.channel);
              }
              fetched.handed_out.emplace_back(std::move(candidate), std::move(decision));
              break;
            case HandOutDecision::Action::kSkipPolicy:
              skipped_policy.push_back(candidate.contact_id);
              break;
            case HandOutDecision::Action::kSkipNoConsent:
              skipped_consent.push_back(candidate.contact_id);
              break;
          }
        }
        fetched.skipped_by_policy = static_cast<int>(skipped_policy.size());
        const auto set_state = [&](const std::vector<std::string>& ids, const std::string& assignments) {
          if (ids.empty()) return;
          std::vector<SqlValue> params = {ToSqlDatetime(now), tenant.value(), leased.campaign_id};
          params.insert(params.end(), ids.begin(), ids.end());
          tx.Execute(absl::StrCat("UPDATE campaign_recipients SET ", assignments,
                                  ", state_time = ? WHERE tenant_id = ? AND campaign_id = ? AND contact_id IN (",
                                  Placeholders(ids.size()), ")"),
                     params);
        };
        set_state(handed, absl::StrCat("delivery_state = 1, attempts = attempts + 1, handed_generation = ",
                                       run->generation));
        set_state(skipped_policy, "delivery_state = 6");
        set_state(skipped_consent, "delivery_state = 7");
        for (const InsertChunk& chunk : InsertChunks(new_touches.size())) {
          std::vector<SqlValue> values;
          for (size_t i = chunk.begin; i < chunk.begin + chunk.size; ++i) {
            values.insert(values.end(), {tenant.value(), new_touches[i].first, ToSqlDatetime(now),
                                         leased.campaign_id, static_cast<int64_t>(new_touches[i].second)});
          }
          tx.Execute(MultiRowInsertSql("INSERT INTO contact_touches (tenant_id, contact_id, touch_time, "
                                       "campaign_id, channel) VALUES ",
                                       "(?, ?, ?, ?, ?)", chunk.size),
                     values);
        }
        tx.Execute(
            "UPDATE campaign_runs SET fetch_after = ?, handed_out = handed_out + ?, "
            "skipped_by_policy = skipped_by_policy + ? WHERE tenant_id = ? AND campaign_id = ? AND "
            "run_number = ?",
            {candidates.back().contact_id, static_cast<int64_t>(first_hand_outs),
             static_cast<int64_t>(skipped_policy.size()), tenant.value(), leased.campaign_id,
             static_cast<int64_t>(leased.run_number)});
        return fetched;
      });
}

absl::StatusOr<ReportOutcome> CampaignRunRepository::Report(const TenantId& tenant, const LeasedRun& leased,
                                                            const std::vector<v1::DeliveryReport>& reports,
                                                            absl::Time deadline) {
  bool receipts_only = true;
  for (const v1::DeliveryReport& report : reports) {
    receipts_only = receipts_only && (report.status() == v1::DeliveryReport::STATUS_DELIVERED ||
                                      report.status() == v1::DeliveryReport::STATUS_BOUNCED);
  }
  return RunTransactionFor<ReportOutcome>(
      pool_, tenant, deadline, [&](Transaction& tx) -> absl::StatusOr<ReportOutcome> {
        const absl::Time now = NowMicros();
        absl::StatusOr<LockedRun> run = LockLeasedRun(tx, leased, now, receipts_only ? LeaseUse::kReceipts : LeaseUse::kReport);
        if (!run.ok()) return run.status();
        struct Current {
          DeliveryState state = DeliveryState::kPending;
          int attempts = 0;
          bool changed = false;
          std::optional<absl::Time> handed_out_time;
          std::optional<absl::Time> sent_time;
          absl::Time state_time;
          std::string error;
        };
        absl::flat_hash_map<std::string, Current> current;
        std::vector<std::string> ids;
        for (const v1::DeliveryReport& report : reports) ids.push_back(report.contact().substr(sizeof(kContactPrefix) - 1));
        {
          std::vector<SqlValue> params = {tenant.value(), leased.campaign_id,
                                          static_cast<int64_t>(leased.run_number)};
          params.insert(params.end(), ids.begin(), ids.end());
          auto rows = tx.Query(
              // Locked: an erasure of the contact meanwhile must not be undone by
              // the upsert below.
              absl::StrCat("SELECT contact_id, delivery_state, attempts, state_time FROM campaign_recipients "
                           "WHERE tenant_id = ? AND campaign_id = ? AND run_number = ? AND contact_id IN (",
                           Placeholders(ids.size()), ") FOR UPDATE"),
              params);
          while (rows->next()) {
            Current recipient;
            recipient.state = static_cast<DeliveryState>(rows->getInt("delivery_state"));
            recipient.attempts = rows->getInt("attempts");
            recipient.handed_out_time = GetOptionalDatetime(*rows, "state_time");
            current.emplace(rows->getString("contact_id"), std::move(recipient));
          }
        }
        ReportOutcome outcome;
        int newly_reported = 0;
        for (size_t i = 0; i < reports.size(); ++i) {
          auto found = current.find(ids[i]);
          if (found == current.end()) {
            return absl::NotFoundError(absl::StrCat("reports[", i, "].contact: ", reports[i].contact(),
                                                    " is not a recipient of ",
                                                    RunName(leased.campaign_id, leased.run_number)));
          }
          Current& recipient = found->second;
          if (recipient.attempts == 0) {
            return absl::FailedPreconditionError(absl::StrCat("reports[", i, "].contact: ", reports[i].contact(),
                                                              " was never handed out"));
          }
          std::optional<DeliveryState> next = ApplyReport(recipient.state, reports[i].status());
          if (!next) {
            ++outcome.ignored;
            continue;
          }
          if (recipient.state == DeliveryState::kHandedOut || recipient.state == DeliveryState::kPending) {
            ++newly_reported;
          }
          // A message is not sent before it was handed out: a scheduler clock behind
          // the server's would otherwise open the attribution window early.
          absl::Time event_time = FromProtoTimestamp(reports[i].event_time());
          if (recipient.state == DeliveryState::kHandedOut && recipient.handed_out_time) {
            event_time = std::max(event_time, *recipient.handed_out_time);
          }
          if (IsSentState(*next) && !IsSentState(recipient.state)) recipient.sent_time = event_time;
          recipient.state = *next;
          recipient.state_time = event_time;
          recipient.error = reports[i].error_message();
          recipient.changed = true;
          ++outcome.applied;
        }
        std::vector<std::pair<std::string, const Current*>> changed;
        for (const auto& [id, recipient] : current) {
          if (recipient.changed) changed.emplace_back(id, &recipient);
        }
        // One multi-row upsert per chunk: every row exists (read above, under the run
        // lock), so this only updates; sent_time keeps the first sending.
        for (const InsertChunk& chunk : InsertChunks(changed.size())) {
          std::vector<SqlValue> values;
          for (size_t i = chunk.begin; i < chunk.begin + chunk.size; ++i) {
            const Current& recipient = *changed[i].second;
            values.insert(values.end(),
                          {tenant.value(), leased.campaign_id, changed[i].first, int64_t{0}, int64_t{0},
                           static_cast<int64_t>(leased.run_number), static_cast<int64_t>(recipient.state),
                           recipient.sent_time ? SqlValue(ToSqlDatetime(*recipient.sent_time)) : SqlValue(nullptr),
                           ToSqlDatetime(recipient.state_time), NullIfEmpty(recipient.error)});
          }
          tx.Execute(MultiRowInsertSql(
                         "INSERT INTO campaign_recipients (tenant_id, campaign_id, contact_id, cell_index, "
                         "is_control, run_number, delivery_state, sent_time, state_time, error_message) VALUES ",
                         "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", chunk.size,
                         " ON DUPLICATE KEY UPDATE delivery_state = VALUES(delivery_state), "
                         "sent_time = COALESCE(campaign_recipients.sent_time, VALUES(sent_time)), "
                         "state_time = VALUES(state_time), error_message = VALUES(error_message)"),
                     values);
        }
        if (newly_reported > 0) {
          tx.Execute(
              "UPDATE campaign_runs SET reported = reported + ? WHERE tenant_id = ? AND campaign_id = ? AND "
              "run_number = ?",
              {static_cast<int64_t>(newly_reported), tenant.value(), leased.campaign_id,
               static_cast<int64_t>(leased.run_number)});
        }
        return outcome;
      });
}

absl::StatusOr<v1::CampaignRun> CampaignRunRepository::Release(const TenantId& tenant, const LeasedRun& leased,
                                                               absl::Time deadline) {
  return RunTransactionFor<v1::CampaignRun>(
      pool_, tenant, deadline, [&](Transaction& tx) -> absl::StatusOr<v1::CampaignRun> {
        absl::StatusOr<LockedRun> run = LockLeasedRun(tx, leased, NowMicros(), LeaseUse::kWork);
        if (!run.ok()) return run.status();
        // Recipients handed out under this lease and not reported come again under
        // the next one (attempt + 1), as after an expiry.
        tx.Execute(
            "UPDATE campaign_runs SET state = 1, lease_token = NULL, lease_expire_time = NULL, scheduler_id = '' "
            "WHERE tenant_id = ? AND campaign_id = ? AND run_number = ?",
            {tenant.value(), leased.campaign_id, static_cast<int64_t>(leased.run_number)});
        return ReadRunMessage(tx, leased.campaign_id, leased.run_number);
      });
}

absl::StatusOr<v1::CampaignRun> CampaignRunRepository::Complete(const TenantId& tenant, const LeasedRun& leased,
                                                                bool schedule_ended, absl::Time deadline) {
  return RunTransactionFor<v1::CampaignRun>(
      pool_, tenant, deadline, [&](Transaction& tx) -> absl::StatusOr<v1::CampaignRun> {
        const absl::Time now = NowMicros();
        absl::StatusOr<LockedRun> run = LockLeasedRun(tx, leased, now, LeaseUse::kWork);
        if (!run.ok()) return run.status();
        const std::vector<SqlValue> run_key = {tenant.value(), leased.campaign_id,
                                               static_cast<int64_t>(leased.run_number)};
        if (schedule_ended) {
          std::vector<SqlValue> params = {ToSqlDatetime(now)};
          params.insert(params.end(), run_key.begin(), run_key.end());
          tx.Execute(
              "UPDATE campaign_recipients SET delivery_state = 8, state_time = ? WHERE tenant_id = ? AND "
              "campaign_id = ? AND run_number = ? AND delivery_state = 0",
              params);
        }
        auto open = tx.Query(
            "SELECT COUNT(*) AS open FROM campaign_recipients WHERE tenant_id = ? AND campaign_id = ? AND "
            "run_number = ? AND delivery_state IN (0, 1)",
            run_key);
        open->next();
        if (const int64_t left = open->getInt64("open"); left > 0 && !schedule_ended) {
          return absl::FailedPreconditionError(absl::StrCat(
              "run: ", left, " recipients of ", RunName(leased.campaign_id, leased.run_number),
              " are not reported yet; fetch and report them first"));
        }
        std::vector<SqlValue> params = {ToSqlDatetime(now)};
        params.insert(params.end(), run_key.begin(), run_key.end());
        tx.Execute(
            "UPDATE campaign_runs SET state = 3, complete_time = ? WHERE tenant_id = ? AND campaign_id = ? "
            "AND run_number = ?",
            params);
        // Lock order run → campaign, as FetchRecipients.
        tx.Query("SELECT 1 FROM campaigns WHERE tenant_id = ? AND campaign_id = ? FOR UPDATE",
                 {tenant.value(), leased.campaign_id});
        CompleteCampaignIfFinished(tx, leased.campaign_id, now);
        return ReadRunMessage(tx, leased.campaign_id, leased.run_number);
      });
}

}  // namespace crm::storage
