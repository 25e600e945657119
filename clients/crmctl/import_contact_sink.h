// `crmctl import contacts`: rows of a contacts CSV streamed through
// ContactService.ImportContacts.
#ifndef CRM_CLIENTS_CRMCTL_IMPORT_CONTACT_SINK_H_
#define CRM_CLIENTS_CRMCTL_IMPORT_CONTACT_SINK_H_

#include <memory>

#include <grpcpp/client_context.h>
#include <grpcpp/support/sync_stream.h>

#include "clients/crmctl/import_contact_row.h"
#include "clients/crmctl/import_driver.h"
#include "crm/v1/contact.grpc.pb.h"

namespace crm::crmctl {

class ContactImportSink : public ImportSink {
 public:
  // `context` is the stream's (no deadline: an import takes as long as its file).
  ContactImportSink(ContactRowMapper mapper, v1::ContactService::StubInterface& stub,
                    std::unique_ptr<grpc::ClientContext> context)
      : mapper_(std::move(mapper)), stub_(stub), context_(std::move(context)) {}

  RowVerdict Add(const std::vector<std::string>& fields) override;
  int pending_rows() const override { return pending_.contacts_size(); }
  void DiscardPending() override { pending_.Clear(); }
  bool SendPending(bool all_or_nothing) override;
  grpc::Status Finish(ImportTotals* totals) override;
  std::string ColumnForField(absl::string_view field_path) const override {
    return mapper_.ColumnForField(field_path);
  }

 private:
  ContactRowMapper mapper_;
  v1::ContactService::StubInterface& stub_;
  std::unique_ptr<grpc::ClientContext> context_;
  v1::ImportContactsRequest pending_;
  v1::ImportContactsResponse response_;
  std::unique_ptr<grpc::ClientWriterInterface<v1::ImportContactsRequest>> writer_;
};

}  // namespace crm::crmctl

#endif  // CRM_CLIENTS_CRMCTL_IMPORT_CONTACT_SINK_H_
