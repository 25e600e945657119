#include "clients/crmctl/import_purchase_sink.h"

#include "absl/strings/str_cat.h"

namespace crm::crmctl {

RowVerdict PurchaseImportSink::Add(const std::vector<std::string>& fields) {
  RowProblem problem;
  if (!mapper_.Map(fields, &row_, &problem)) return RowVerdict::Rejected(std::move(problem));
  if (!row_.contact_external_id.empty()) {
    std::string name;
    const grpc::Status status = resolver_.Resolve(row_.contact_external_id, &name);
    switch (status.error_code()) {
      case grpc::StatusCode::OK:
        row_.purchase.set_contact(name);
        break;
      case grpc::StatusCode::NOT_FOUND:
        return RowVerdict::Rejected(
            {"contact_external_id", absl::StatusCode::kNotFound,
             absl::StrCat("no contact has external_id \"", row_.contact_external_id, "\"")});
      case grpc::StatusCode::INVALID_ARGUMENT:
        return RowVerdict::Rejected(
            {"contact_external_id", absl::StatusCode::kInvalidArgument, status.error_message()});
      default:
        // Unreachable server, revoked key, ...: every further row would fail the same way.
        return RowVerdict::Stop(grpc::Status(
            status.error_code(), absl::StrCat("looking up the contact with external_id \"",
                                              row_.contact_external_id, "\": ",
                                              status.error_message())));
    }
  }
  pending_.add_purchases()->Swap(&row_.purchase);
  return RowVerdict::Added();
}

bool PurchaseImportSink::SendPending(bool all_or_nothing) {
  if (writer_ == nullptr) writer_ = stub_.ImportPurchases(context_.get(), &response_);
  pending_.set_all_or_nothing(all_or_nothing);
  const bool written = writer_->Write(pending_);
  pending_.Clear();
  return written;
}

grpc::Status PurchaseImportSink::Finish(ImportTotals* totals) {
  if (writer_ == nullptr) return grpc::Status::OK;
  writer_->WritesDone();
  const grpc::Status status = writer_->Finish();
  totals->imported = response_.imported_count();
  totals->skipped = response_.skipped_count();
  totals->error_count = response_.error_count();
  totals->errors.assign(response_.errors().begin(), response_.errors().end());
  return status;
}

}  // namespace crm::crmctl
