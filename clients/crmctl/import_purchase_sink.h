// `crmctl import purchases`: rows of a purchases CSV streamed through
// PurchaseService.ImportPurchases; contacts named by external id are looked up.
#ifndef CRM_CLIENTS_CRMCTL_IMPORT_PURCHASE_SINK_H_
#define CRM_CLIENTS_CRMCTL_IMPORT_PURCHASE_SINK_H_

#include <memory>

#include <grpcpp/client_context.h>
#include <grpcpp/support/sync_stream.h>

#include "clients/crmctl/import_contact_resolver.h"
#include "clients/crmctl/import_driver.h"
#include "clients/crmctl/import_purchase_row.h"
#include "crm/v1/purchase.grpc.pb.h"

namespace crm::crmctl {

class PurchaseImportSink : public ImportSink {
 public:
  // `context` is the stream's (no deadline); `resolver` must outlive the sink.
  PurchaseImportSink(PurchaseRowMapper mapper, ContactResolver& resolver,
                     v1::PurchaseService::StubInterface& stub,
                     std::unique_ptr<grpc::ClientContext> context)
      : mapper_(std::move(mapper)), resolver_(resolver), stub_(stub), context_(std::move(context)) {}

  RowVerdict Add(const std::vector<std::string>& fields) override;
  int pending_rows() const override { return pending_.purchases_size(); }
  void DiscardPending() override { pending_.Clear(); }
  bool SendPending(bool all_or_nothing) override;
  grpc::Status Finish(ImportTotals* totals) override;
  std::string ColumnForField(absl::string_view field_path) const override {
    return mapper_.ColumnForField(field_path);
  }

 private:
  PurchaseRowMapper mapper_;
  ContactResolver& resolver_;
  v1::PurchaseService::StubInterface& stub_;
  std::unique_ptr<grpc::ClientContext> context_;
  PurchaseRow row_;  // reused: one row mapped at a time
  v1::ImportPurchasesRequest pending_;
  v1::ImportPurchasesResponse response_;
  std::unique_ptr<grpc::ClientWriterInterface<v1::ImportPurchasesRequest>> writer_;
};

}  // namespace crm::crmctl

#endif  // CRM_CLIENTS_CRMCTL_IMPORT_PURCHASE_SINK_H_
