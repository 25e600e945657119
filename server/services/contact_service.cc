#include "server/services/contact_service.h"

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "server/filter_catalogs.h"
#include "server/rpc/import_errors.h"
#include "server/rpc/list_request.h"
#include "server/validation/field_mask.h"
#include "server/validation/field_rules.h"
#include "server/validation/resource_name.h"
#include "server/validation/resource_rules.h"

namespace crm::server {
namespace {

const MethodPolicy kCreate("crm.v1.ContactService/CreateContact", kCrmWriters, true);
const MethodPolicy kGet("crm.v1.ContactService/GetContact", kCrmReaders, true);
const MethodPolicy kList("crm.v1.ContactService/ListContacts", kCrmReaders, true);
const MethodPolicy kUpdate("crm.v1.ContactService/UpdateContact", kCrmWriters, true);
const MethodPolicy kDelete("crm.v1.ContactService/DeleteContact", kCrmWriters, true);
const MethodPolicy kLookup("crm.v1.ContactService/LookupContact", kCrmReaders, true);
const MethodPolicy kMerge("crm.v1.ContactService/MergeContacts", kCrmWriters, true);
const MethodPolicy kExport("crm.v1.ContactService/ExportContacts", kCrmReaders, true);
const MethodPolicy kImport("crm.v1.ContactService/ImportContacts", kCrmWriters, true);
const MethodPolicy kFindDuplicates("crm.v1.ContactService/FindDuplicateContacts", kCrmReaders, true);

constexpr int kMaxImportBatch = 1000;

}  // namespace

grpc::Status ContactService::CreateContact(grpc::ServerContext* context,
                                           const v1::CreateContactRequest* request,
                                           v1::Contact* response) {
  return runner_.Run(context, kCreate, [&](CallContext& call) -> absl::Status {
    call.set_request_id(request->request_id());
    if (absl::Status status = CheckRequestId(request->request_id()); !status.ok()) return status;
    v1::Contact contact = request->contact();
    if (absl::Status status = NormalizeContact(nullptr, &contact); !status.ok()) return status;
    absl::StatusOr<v1::Contact> created =
        contacts_.Create(call.tenant(), contact, request->request_id(), call.deadline());
    if (!created.ok()) return created.status();
    *response = *std::move(created);
    return absl::OkStatus();
  });
}

grpc::Status ContactService::GetContact(grpc::ServerContext* context,
                                        const v1::GetContactRequest* request,
                                        v1::Contact* response) {
  return runner_.Run(context, kGet, [&](CallContext& call) -> absl::Status {
    absl::StatusOr<std::string> id = ParseResourceId("name", request->name(), "contacts");
    if (!id.ok()) return id.status();
    absl::StatusOr<v1::Contact> contact = contacts_.Get(call.tenant(), *id, call.deadline());
    if (!contact.ok()) return contact.status();
    *response = *std::move(contact);
    return absl::OkStatus();
  });
}

grpc::Status ContactService::ListContacts(grpc::ServerContext* context,
                                          const v1::ListContactsRequest* request,
                                          v1::ListContactsResponse* response) {
  return runner_.Run(context, kList, [&](CallContext& call) -> absl::Status {
    absl::StatusOr<ListRequest> list = ListRequest::Parse(
        kList.method(), call.tenant().value(),
        {request->page_size(), request->page_token(), request->filter(), request->order_by()},
        ContactFilterFields(), page_tokens_);
    if (!list.ok()) return list.status();
    absl::StatusOr<storage::Page<v1::Contact>> page =
        contacts_.List(call.tenant(), list->query(), call.deadline());
    if (!page.ok()) return page.status();
    for (v1::Contact& contact : page->items) *response->add_contacts() = std::move(contact);
    response->set_next_page_token(list->NextPageToken(page->next));
    return absl::OkStatus();
  });
}

grpc::Status ContactService::UpdateContact(grpc::ServerContext* context,
                                           const v1::UpdateContactRequest* request,
                                           v1::Contact* response) {
  return runner_.Run(context, kUpdate, [&](CallContext& call) -> absl::Status {
    absl::StatusOr<std::string> id =
        ParseResourceId("contact.name", request->contact().name(), "contacts");
    if (!id.ok()) return id.status();
    absl::StatusOr<v1::Contact> updated = contacts_.Update(
        call.tenant(), *id, request->contact().etag(),
        [&](v1::Contact& contact) -> absl::Status {
          const v1::Contact previous = contact;
          if (absl::Status status = ApplyUpdateMask(request->contact(), request->update_mask(),
                                                    ContactWritablePaths(), &contact);
              !status.ok()) {
            return status;
          }
          return NormalizeContact(&previous, &contact);
        },
        call.deadline());
    if (!updated.ok()) return updated.status();
    *response = *std::move(updated);
    return absl::OkStatus();
  });
}

grpc::Status ContactService::DeleteContact(grpc::ServerContext* context,
                                           const v1::DeleteContactRequest* request,
                                           google::protobuf::Empty*) {
  return runner_.Run(context, kDelete, [&](CallContext& call) -> absl::Status {
    absl::StatusOr<std::string> id = ParseResourceId("name", request->name(), "contacts");
    if (!id.ok()) return id.status();
    return contacts_.Delete(call.tenant(), *id, request->etag(), call.deadline());
  });
}

grpc::Status ContactService::LookupContact(grpc::ServerContext* context,
                                           const v1::LookupContactRequest* request,
                                           v1::Contact* response) {
  return runner_.Run(context, kLookup, [&](CallContext& call) -> absl::Status {
    storage::ContactLookupKey key;
    std::string value;
    switch (request->key_case()) {
      case v1::LookupContactRequest::kEmail:
        key = storage::ContactLookupKey::kEmail;
        value = request->email();
        if (absl::Status status = NormalizeEmail("email", &value); !status.ok()) return status;
        break;
      case v1::LookupContactRequest::kPhone:
        key = storage::ContactLookupKey::kPhone;
        value = request->phone();
        if (absl::Status status = NormalizePhone("phone", &value); !status.ok()) return status;
        break;
      case v1::LookupContactRequest::kExternalId:
        key = storage::ContactLookupKey::kExternalId;
        value = request->external_id();
        if (absl::Status status = CheckIdentifier("external_id", value, 128); !status.ok()) {
          return status;
        }
        if (value.empty()) return absl::InvalidArgumentError("external_id: required");
        break;
      default:
        return absl::InvalidArgumentError("key: set one of email, phone or external_id");
    }
    absl::StatusOr<v1::Contact> contact = contacts_.Lookup(call.tenant(), key, value, call.deadline());
    if (!contact.ok()) return contact.status();
    *response = *std::move(contact);
    return absl::OkStatus();
  });
}

grpc::Status ContactService::FindDuplicateContacts(grpc::ServerContext* context,
                                                  const v1::FindDuplicateContactsRequest* request,
                                                  v1::FindDuplicateContactsResponse* response) {
  return runner_.Run(context, kFindDuplicates, [&](CallContext& call) -> absl::Status {
    // The List plumbing checks page_size and binds the token to tenant and method.
    absl::StatusOr<ListRequest> list = ListRequest::Parse(
        kFindDuplicates.method(), call.tenant().value(),
        {request->page_size(), request->page_token(), "", ""}, ContactFilterFields(), page_tokens_);
    if (!list.ok()) return list.status();
    absl::StatusOr<storage::Page<v1::DuplicateContactGroup>> page = contacts_.FindDuplicates(
        call.tenant(), list->query().after, list->query().page_size, call.deadline());
    if (!page.ok()) return page.status();
    for (v1::DuplicateContactGroup& group : page->items) *response->add_groups() = std::move(group);
    response->set_next_page_token(list->NextPageToken(page->next));
    return absl::OkStatus();
  });
}

grpc::Status ContactService::MergeContacts(grpc::ServerContext* context,
                                           const v1::MergeContactsRequest* request,
                                           v1::Contact* response) {
  return runner_.Run(context, kMerge, [&](CallContext& call) -> absl::Status {
    call.set_request_id(request->request_id());
    if (absl::Status status = CheckRequestId(request->request_id()); !status.ok()) return status;
    absl::StatusOr<std::string> survivor = ParseResourceId("survivor", request->survivor(), "contacts");
    if (!survivor.ok()) return survivor.status();
    absl::StatusOr<std::string> merged = ParseResourceId("merged", request->merged(), "contacts");
    if (!merged.ok()) return merged.status();
    if (*survivor == *merged) {
      return absl::InvalidArgumentError("merged: a contact cannot be merged into itself");
    }
    absl::StatusOr<v1::Contact> result = contacts_.Merge(
        call.tenant(), *survivor, *merged, request->request_id(),
        [](v1::Contact& into, const v1::Contact& from) { return CombineContacts(from, &into); },
        call.deadline());
    if (!result.ok()) return result.status();
    *response = *std::move(result);
    return absl::OkStatus();
  });
}

grpc::Status ContactService::ExportContacts(grpc::ServerContext* context,
                                            const v1::ExportContactsRequest* request,
                                            grpc::ServerWriter<v1::Contact>* writer) {
  return runner_.Run(context, kExport, [&](CallContext& call) -> absl::Status {
    constexpr int kExportPageSize = 1000;
    absl::StatusOr<ListRequest> list =
        ListRequest::Parse(kExport.method(), call.tenant().value(),
                           {kExportPageSize, "", request->filter(), ""}, ContactFilterFields(),
                           page_tokens_);
    if (!list.ok()) return list.status();
    storage::ListQuery query = list->query();
    do {
      absl::StatusOr<storage::Page<v1::Contact>> page =
          contacts_.List(call.tenant(), query, call.StepDeadline());
      if (!page.ok()) return page.status();
      for (const v1::Contact& contact : page->items) {
        if (!writer->Write(contact)) {
          return absl::CancelledError("the client stopped reading the export");
        }
      }
      query.after = page->next;
    } while (query.after.has_value() && !context->IsCancelled());
    return absl::OkStatus();
  });
}

grpc::Status ContactService::ImportContacts(grpc::ServerContext* context,
                                            grpc::ServerReader<v1::ImportContactsRequest>* reader,
                                            v1::ImportContactsResponse* response) {
  return runner_.Run(context, kImport, [&](CallContext& call) -> absl::Status {
    int64_t stream_offset = 0;
    v1::ImportContactsRequest batch;  // one batch in memory at a time
    while (reader->Read(&batch)) {
      if (batch.contacts_size() > kMaxImportBatch) {
        return absl::InvalidArgumentError(absl::StrCat(
            "contacts: at most ", kMaxImportBatch, " rows per message (got ",
            batch.contacts_size(), " at row ", stream_offset, "); earlier batches are committed"));
      }
      std::vector<v1::Contact> rows;
      std::vector<int64_t> row_index;
      absl::flat_hash_set<std::string> external_ids;
      bool batch_rejected = false;
      for (int i = 0; i < batch.contacts_size(); ++i) {
        v1::Contact* contact = batch.mutable_contacts(i);
        absl::Status status = CheckIdentifier("external_id", contact->external_id(), 128);
        if (status.ok() && contact->external_id().empty()) {
          status = absl::InvalidArgumentError("external_id: required for an import (the upsert key)");
        }
        if (status.ok() && !external_ids.insert(contact->external_id()).second) {
          status = absl::InvalidArgumentError(absl::StrCat(
              "external_id: \"", contact->external_id(), "\" appears twice in this batch"));
        }
        if (!status.ok()) {
          AddImportRowError(stream_offset + i, status, response);
          batch_rejected = true;
          continue;
        }
        rows.push_back(std::move(*contact));
        row_index.push_back(stream_offset + i);
      }
      stream_offset += batch.contacts_size();
      if ((batch.all_or_nothing() && batch_rejected) || rows.empty()) continue;
      absl::StatusOr<storage::ContactImportResult> result = contacts_.ImportBatch(
          call.tenant(), rows, batch.all_or_nothing(),
          [](const v1::Contact* previous, v1::Contact* row) {
            // An upsert replaces every writable field, as UpdateContact with "*".
            if (previous != nullptr) {
              v1::Contact merged = *previous;
              if (absl::Status status = ApplyUpdateMask(*row, {}, ContactWritablePaths(), &merged);
                  !status.ok()) {
                return status;
              }
              *row = std::move(merged);
            }
            return NormalizeContact(previous, row);
          },
          call.StepDeadline());
      if (!result.ok()) return result.status();
      for (const auto& [row, status] : result->errors) AddImportRowError(row_index[row], status, response);
      response->set_created_count(response->created_count() + result->created);
      response->set_updated_count(response->updated_count() + result->updated);
    }
    if (context->IsCancelled()) {
      return absl::CancelledError("the client cancelled the import; committed batches stay");
    }
    return absl::OkStatus();
  });
}

}  // namespace crm::server
