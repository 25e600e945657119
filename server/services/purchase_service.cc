#include "server/services/purchase_service.h"

#include <future>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "server/filter_catalogs.h"
#include "server/rpc/import_errors.h"
#include "server/rpc/list_request.h"
#include "server/validation/field_rules.h"
#include "server/validation/resource_name.h"
#include "server/validation/resource_rules.h"

namespace crm::server {
namespace {

const MethodPolicy kRecord("crm.v1.PurchaseService/RecordPurchase", kCrmWriters, true);
const MethodPolicy kGet("crm.v1.PurchaseService/GetPurchase", kCrmReaders, true);
const MethodPolicy kList("crm.v1.PurchaseService/ListPurchases", kCrmReaders, true);
const MethodPolicy kDelete("crm.v1.PurchaseService/DeletePurchase", kCrmWriters, true);
const MethodPolicy kImport("crm.v1.PurchaseService/ImportPurchases", kCrmWriters, true);

// Newest first by default: what a partner looking at a customer wants to see.
const SortOptions& PurchaseSortOptions() {
  static const SortOptions* options = new SortOptions{
      {{"purchase_time", storage::SortKey::kPurchaseTime},
       {"create_time", storage::SortKey::kCreateTime}},
      storage::SortKey::kPurchaseTime,
      /*default_descending=*/true};
  return *options;
}

// Storage keeps money without a currency: it is always the tenant's.
v1::Purchase WithCurrency(v1::Purchase purchase, const CallContext& call) {
  const std::string& currency = call.tenant_settings().currency_code();
  purchase.mutable_amount()->set_currency_code(currency);
  if (purchase.has_gross_margin()) purchase.mutable_gross_margin()->set_currency_code(currency);
  return purchase;
}

}  // namespace

grpc::Status PurchaseService::RecordPurchase(grpc::ServerContext* context,
                                             const v1::RecordPurchaseRequest* request,
                                             v1::Purchase* response) {
  return runner_.Run(context, kRecord, [&](CallContext& call) -> absl::Status {
    call.set_request_id(request->request_id());
    if (absl::Status status = CheckRequestId(request->request_id()); !status.ok()) return status;
    v1::Purchase purchase = request->purchase();
    if (absl::Status status = NormalizePurchase(call.tenant_settings().currency_code(), &purchase);
        !status.ok()) {
      return status;
    }
    absl::StatusOr<v1::Purchase> recorded =
        purchases_.Record(call.tenant(), purchase, request->request_id(), call.deadline());
    if (!recorded.ok()) return recorded.status();
    *response = WithCurrency(*std::move(recorded), call);
    return absl::OkStatus();
  });
}

grpc::Status PurchaseService::GetPurchase(grpc::ServerContext* context,
                                          const v1::GetPurchaseRequest* request,
                                          v1::Purchase* response) {
  return runner_.Run(context, kGet, [&](CallContext& call) -> absl::Status {
    absl::StatusOr<std::string> id = ParseResourceId("name", request->name(), "purchases");
    if (!id.ok()) return id.status();
    absl::StatusOr<v1::Purchase> purchase = purchases_.Get(call.tenant(), *id, call.deadline());
    if (!purchase.ok()) return purchase.status();
    *response = WithCurrency(*std::move(purchase), call);
    return absl::OkStatus();
  });
}

grpc::Status PurchaseService::ListPurchases(grpc::ServerContext* context,
                                            const v1::ListPurchasesRequest* request,
                                            v1::ListPurchasesResponse* response) {
  return runner_.Run(context, kList, [&](CallContext& call) -> absl::Status {
    absl::StatusOr<ListRequest> list = ListRequest::Parse(
        kList.method(), call.tenant().value(),
        {request->page_size(), request->page_token(), request->filter(), request->order_by()},
        PurchaseFilterFields(), page_tokens_, PurchaseSortOptions());
    if (!list.ok()) return list.status();
    absl::StatusOr<storage::Page<v1::Purchase>> page =
        purchases_.List(call.tenant(), list->query(), call.deadline());
    if (!page.ok()) return page.status();
    for (v1::Purchase& purchase : page->items) {
      *response->add_purchases() = WithCurrency(std::move(purchase), call);
    }
    response->set_next_page_token(list->NextPageToken(page->next));
    return absl::OkStatus();
  });
}

grpc::Status PurchaseService::DeletePurchase(grpc::ServerContext* context,
                                             const v1::DeletePurchaseRequest* request,
                                             google::protobuf::Empty*) {
  return runner_.Run(context, kDelete, [&](CallContext& call) -> absl::Status {
    absl::StatusOr<std::string> id = ParseResourceId("name", request->name(), "purchases");
    if (!id.ok()) return id.status();
    return purchases_.Delete(call.tenant(), *id, request->etag(), call.deadline());
  });
}

grpc::Status PurchaseService::ImportPurchases(grpc::ServerContext* context,
                                              grpc::ServerReader<v1::ImportPurchasesRequest>* reader,
                                              v1::ImportPurchasesResponse* response) {
  return runner_.Run(context, kImport, [&](CallContext& call) -> absl::Status {
    const std::string& currency = call.tenant_settings().currency_code();
    int64_t stream_offset = 0;
    // Two stages overlap: while one batch is written to the database (on another
    // thread), the next is read and validated. At most two batches are in memory
    // whatever the stream's length.
    struct Written {
      std::vector<int64_t> row_index;  // stream index of each row handed to storage
      absl::StatusOr<storage::ImportBatchResult> result;
    };
    std::future<Written> in_flight;
    const auto collect = [&]() -> absl::Status {
      if (!in_flight.valid()) return absl::OkStatus();
      Written written = in_flight.get();
      if (!written.result.ok()) return written.result.status();
      for (const auto& [row, status] : written.result->errors) {
        AddImportRowError(written.row_index[row], status, response);
      }
      response->set_imported_count(response->imported_count() + written.result->imported);
      response->set_skipped_count(response->skipped_count() + written.result->skipped);
      return absl::OkStatus();
    };
    v1::ImportPurchasesRequest batch;
    while (reader->Read(&batch)) {
      if (batch.purchases_size() > kMaxImportBatch) {
        if (absl::Status status = collect(); !status.ok()) return status;
        return absl::InvalidArgumentError(absl::StrCat(
            "purchases: at most ", kMaxImportBatch, " rows per message (got ",
            batch.purchases_size(), " at row ", stream_offset,
            "); earlier batches are committed"));
      }
      std::vector<v1::Purchase> rows;
      std::vector<int64_t> row_index;  // stream index of each row in `rows`
      rows.reserve(batch.purchases_size());
      absl::flat_hash_set<std::string> external_ids;
      bool batch_rejected = false;
      for (int i = 0; i < batch.purchases_size(); ++i) {
        v1::Purchase* purchase = batch.mutable_purchases(i);
        absl::Status status = NormalizePurchase(currency, purchase);
        if (status.ok() && !purchase->external_id().empty() &&
            !external_ids.insert(purchase->external_id()).second) {
          status = absl::InvalidArgumentError(absl::StrCat(
              "external_id: \"", purchase->external_id(), "\" appears twice in this batch"));
        }
        if (!status.ok()) {
          AddImportRowError(stream_offset + i, status, response);
          batch_rejected = true;
          continue;
        }
        rows.push_back(std::move(*purchase));
        row_index.push_back(stream_offset + i);
      }
      stream_offset += batch.purchases_size();
      if (batch.all_or_nothing() && batch_rejected) continue;
      if (rows.empty()) continue;
      if (absl::Status status = collect(); !status.ok()) return status;
      in_flight = std::async(
          std::launch::async,
          [this, &call, rows = std::move(rows), row_index = std::move(row_index),
           all_or_nothing = batch.all_or_nothing()]() mutable {
            Written written{std::move(row_index), absl::UnknownError("not run")};
            written.result =
                purchases_.ImportBatch(call.tenant(), rows, all_or_nothing, call.StepDeadline());
            return written;
          });
    }
    if (absl::Status status = collect(); !status.ok()) return status;
    if (context->IsCancelled()) {
      return absl::CancelledError("the client cancelled the import; committed batches stay");
    }
    return absl::OkStatus();
  });
}

}  // namespace crm::server
