#include "clients/crmctl/import_contact_sink.h"

namespace crm::crmctl {

RowVerdict ContactImportSink::Add(const std::vector<std::string>& fields) {
  RowProblem problem;
  if (!mapper_.Map(fields, pending_.add_contacts(), &problem)) {
    pending_.mutable_contacts()->RemoveLast();
    return RowVerdict::Rejected(std::move(problem));
  }
  return RowVerdict::Added();
}

bool ContactImportSink::SendPending(bool all_or_nothing) {
  // The stream opens with the first batch: a file whose rows are all bad sends nothing.
  if (writer_ == nullptr) writer_ = stub_.ImportContacts(context_.get(), &response_);
  pending_.set_all_or_nothing(all_or_nothing);
  const bool written = writer_->Write(pending_);
  pending_.Clear();
  return written;
}

grpc::Status ContactImportSink::Finish(ImportTotals* totals) {
  if (writer_ == nullptr) return grpc::Status::OK;
  writer_->WritesDone();
  const grpc::Status status = writer_->Finish();
  totals->created = response_.created_count();
  totals->updated = response_.updated_count();
  totals->error_count = response_.error_count();
  totals->errors.assign(response_.errors().begin(), response_.errors().end());
  return status;
}

}  // namespace crm::crmctl
