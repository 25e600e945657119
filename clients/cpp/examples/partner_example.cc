// A partner system's first steps with the CRM: create a customer under the
// partner's own id, record two purchases for them, then read back what the CRM
// holds. Configured from the environment (CRM_ADDR, CRM_API_KEY or
// CRM_API_KEY_FILE, CRM_TLS_CA_FILE, ...; see crm/client/client_options.h).
//
//   partner_example [EXTERNAL_ID]
//
// EXTERNAL_ID is the partner's customer id (default: one derived from the time, so
// that reruns do not collide: an external id is unique in the tenant). Exit code 0
// on success, 1 when a call fails (the message names the call and status code),
// 2 for bad configuration.
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include <google/protobuf/util/time_util.h>
#include <grpcpp/client_context.h>

#include "crm/client/client.h"
#include "crm/client/status_names.h"
#include "crm/v1/contact.pb.h"
#include "crm/v1/purchase.pb.h"

namespace {

// True when the call succeeded; otherwise says which call failed and why.
bool Succeeded(const char* call, const grpc::Status& status) {
  if (status.ok()) return true;
  std::fprintf(stderr, "%s failed: %s (code %d): %s\n", call, crm::StatusCodeName(status.error_code()).c_str(),
               static_cast<int>(status.error_code()), status.error_message().c_str());
  return false;
}

crm::v1::Money Euros(int64_t units, int32_t cents) {
  crm::v1::Money money;
  money.set_units(units);
  money.set_nanos(cents * 10'000'000);
  return money;
}

// Money in micros: the platform's amounts are exact to the micro.
int64_t Micros(const crm::v1::Money& money) {
  return money.units() * 1'000'000 + money.nanos() / 1'000;
}

std::string FormatMicros(int64_t micros) {
  char text[64];
  std::snprintf(text, sizeof text, "%lld.%02lld", static_cast<long long>(micros / 1'000'000),
                static_cast<long long>((micros % 1'000'000) / 10'000));
  return text;
}

struct PurchaseToRecord {
  std::string receipt;  // the partner's receipt number, the purchase's external_id
  std::string product;
  crm::v1::Money amount;
};

int Run(crm::Client& client, const std::string& external_id) {
  // 1. The customer, under the partner's id. request_id is left empty: the library
  // fills one in, so a retried create cannot make a second contact.
  crm::v1::CreateContactRequest create_contact;
  crm::v1::Contact* new_contact = create_contact.mutable_contact();
  new_contact->set_given_name("Ada");
  new_contact->set_family_name("Lovelace");
  new_contact->add_emails(external_id + "@partner.example");
  new_contact->set_external_id(external_id);
  new_contact->set_source("partner_example");
  crm::v1::Contact contact;
  {
    grpc::ClientContext context;  // no deadline set: the client's default applies
    if (!Succeeded("CreateContact",
                   client.contacts().CreateContact(&context, create_contact, &contact))) {
      return 1;
    }
  }
  std::printf("created %s (external id %s)\n", contact.name().c_str(),
              contact.external_id().c_str());

  // 2. Two purchases of that customer.
  const std::vector<PurchaseToRecord> purchases = {
      {external_id + "-r1", "serum", Euros(42, 50)},
      {external_id + "-r2", "day cream", Euros(19, 90)},
  };
  using google::protobuf::util::TimeUtil;
  const google::protobuf::Timestamp now = TimeUtil::GetCurrentTime();
  for (size_t i = 0; i < purchases.size(); ++i) {
    crm::v1::RecordPurchaseRequest record;
    crm::v1::Purchase* purchase = record.mutable_purchase();
    purchase->set_contact(contact.name());
    // A day apart, the latest an hour ago.
    const int64_t seconds_ago = 3600 + 86400 * static_cast<int64_t>(i);
    *purchase->mutable_purchase_time() = now - TimeUtil::SecondsToDuration(seconds_ago);
    *purchase->mutable_amount() = purchases[i].amount;
    purchase->set_product(purchases[i].product);
    purchase->set_channel(crm::v1::Purchase::CHANNEL_ONLINE);
    purchase->set_external_id(purchases[i].receipt);
    crm::v1::Purchase recorded;
    grpc::ClientContext context;
    if (!Succeeded("RecordPurchase",
                   client.purchases().RecordPurchase(&context, record, &recorded))) {
      return 1;
    }
    std::printf("recorded %s: %s %s\n", recorded.name().c_str(), recorded.product().c_str(),
                FormatMicros(Micros(recorded.amount())).c_str());
  }

  // 3. The customer's purchases, every page.
  int purchase_count = 0;
  int64_t total_micros = 0;
  crm::v1::ListPurchasesRequest list;
  list.set_filter("contact = \"" + contact.name() + "\"");
  list.set_page_size(100);
  do {
    crm::v1::ListPurchasesResponse page;
    grpc::ClientContext context;
    if (!Succeeded("ListPurchases", client.purchases().ListPurchases(&context, list, &page))) {
      return 1;
    }
    for (const crm::v1::Purchase& purchase : page.purchases()) {
      ++purchase_count;
      total_micros += Micros(purchase.amount());
    }
    list.set_page_token(page.next_page_token());
  } while (!list.page_token().empty());

  // 4. The customer as the CRM holds them now.
  crm::v1::GetContactRequest get;
  get.set_name(contact.name());
  crm::v1::Contact stored;
  {
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(5));
    if (!Succeeded("GetContact", client.contacts().GetContact(&context, get, &stored))) return 1;
  }

  std::printf("summary: %s \"%s\" external_id=%s purchases=%d total=%s\n", stored.name().c_str(),
              stored.display_name().c_str(), stored.external_id().c_str(), purchase_count,
              FormatMicros(total_micros).c_str());
  return 0;
}

// "partner-<unix seconds>": a fresh id per run.
std::string DefaultExternalId() {
  const auto now = std::chrono::system_clock::now().time_since_epoch();
  return "partner-" + std::to_string(std::chrono::duration_cast<std::chrono::seconds>(now).count());
}

}  // namespace

int main(int argc, char** argv) {
  if (argc > 2) {
    std::fprintf(stderr, "usage: %s [EXTERNAL_ID]\n", argv[0]);
    return 2;
  }
  const std::string external_id = argc == 2 ? argv[1] : DefaultExternalId();

  absl::StatusOr<crm::ClientOptions> options = crm::ClientOptions::FromEnvironment();
  if (!options.ok()) {
    std::fprintf(stderr, "configuration: %s\n", options.status().ToString().c_str());
    return 2;
  }
  if (options->api_key.empty()) {
    std::fprintf(stderr, "configuration: set CRM_API_KEY or CRM_API_KEY_FILE\n");
    return 2;
  }
  absl::StatusOr<std::unique_ptr<crm::Client>> client = crm::Client::Create(*options);
  if (!client.ok()) {
    std::fprintf(stderr, "configuration: %s\n", client.status().ToString().c_str());
    return 2;
  }
  return Run(**client, external_id);
}
