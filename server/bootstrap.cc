#include "server/bootstrap.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <random>
#include <sstream>

#include "absl/time/clock.h"
#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "server/auth/api_key_codec.h"
#include "server/validation/resource_rules.h"
#include "storage/account_repository.h"
#include "storage/api_key_repository.h"
#include "storage/contact_repository.h"
#include "storage/purchase_repository.h"
#include "storage/row_codec.h"
#include "storage/tenant_repository.h"

namespace crm::server {
namespace {

constexpr absl::Duration kTimeout = absl::Seconds(30);

absl::Status WriteSecretFile(const std::string& path, const std::string& content) {
  const int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) {
    return absl::FailedPreconditionError(
        absl::StrCat("cannot create ", path, ": ", std::strerror(errno)));
  }
  const std::string line = content + "\n";
  const bool ok = write(fd, line.data(), line.size()) == static_cast<ssize_t>(line.size());
  close(fd);
  if (!ok) return absl::InternalError(absl::StrCat("cannot write ", path));
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<bool> EnsureBootstrapAdminKey(storage::ConnectionPool& pool, const std::string& path) {
  std::string key;
  bool created = false;
  if (std::ifstream in(path); in) {
    std::stringstream buffer;
    buffer << in.rdbuf();
    key = std::string(absl::StripAsciiWhitespace(buffer.str()));
  } else {
    key = GenerateApiKey().full_key;
    if (absl::Status status = WriteSecretFile(path, key); !status.ok()) return status;
    created = true;
  }
  std::optional<ParsedApiKey> parsed = ParseApiKey(key);
  if (!parsed) {
    return absl::FailedPreconditionError(absl::StrCat(
        path, " does not hold a crm_<key id>_<secret> key; delete it to have a new one made"));
  }
  storage::ApiKeyRepository keys(pool);
  if (absl::Status status =
          keys.EnsurePlatformKey(parsed->key_id, Sha256(parsed->secret), absl::Now() + kTimeout);
      !status.ok()) {
    return status;
  }
  return created;
}

namespace {

// Sixty store customers with two years of purchases (deterministic), so a newcomer can
// run a value analysis on the demo tenant right away (both model fits need 30).
absl::Status SeedDemoCustomers(storage::ConnectionPool& pool, const storage::TenantId& demo,
                               const std::vector<std::string>& named_contacts, absl::Time deadline) {
  storage::ContactRepository contacts(pool);
  std::vector<std::string> customers = named_contacts;
  for (int i = 0; i < 60; ++i) {
    v1::Contact contact;
    contact.set_given_name(absl::StrCat("Customer ", i + 1));
    contact.set_family_name("Demo");
    contact.set_store_id(i % 3 == 2 ? "" : (i % 3 == 0 ? "store-sh-01" : "store-bj-02"));
    contact.mutable_birthday()->set_year(1965 + i % 35);
    contact.mutable_birthday()->set_month(1 + i % 12);
    contact.mutable_birthday()->set_day(1 + i % 28);
    contact.add_tags("member");
    contact.set_source("demo");
    if (absl::Status status = NormalizeContact(nullptr, &contact); !status.ok()) return status;
    absl::StatusOr<v1::Contact> stored = contacts.Create(demo, contact, "", deadline);
    if (!stored.ok()) return stored.status();
    customers.push_back(stored->name());
  }
  std::mt19937 random(2026);
  const char* categories[] = {"skincare", "makeup", "fragrance"};
  const absl::Time now = absl::Now();
  std::vector<v1::Purchase> purchases;
  for (size_t c = 0; c < customers.size(); ++c) {
    // Loyal customers buy every month or two; others once or twice a year and lapse.
    const int count = 1 + static_cast<int>(random() % (c % 4 == 0 ? 14 : 5));
    for (int k = 0; k < count; ++k) {
      v1::Purchase purchase;
      purchase.set_contact(customers[c]);
      const absl::Duration ago = absl::Hours(24) * static_cast<double>(1 + random() % 720);
      storage::ToProtoTimestamp(now - ago, purchase.mutable_purchase_time());
      const int64_t amount = 80 + static_cast<int64_t>(random() % 1400);
      purchase.mutable_amount()->set_units(amount);
      purchase.mutable_gross_margin()->set_units(amount * 55 / 100);
      purchase.set_quantity(1 + static_cast<int64_t>(random() % 3));
      purchase.set_product_category(categories[random() % 3]);
      purchase.set_product(absl::StrCat(purchase.product_category(), "-", 1 + random() % 5));
      purchase.set_channel(v1::Purchase::CHANNEL_STORE);
      purchase.set_store_id(c % 2 == 0 ? "store-sh-01" : "store-bj-02");
      purchase.set_type(v1::Purchase::TYPE_PURCHASE);
      purchase.set_external_id(absl::StrCat("demo-receipt-", c, "-", k));
      if (absl::Status status = NormalizePurchase("CNY", &purchase); !status.ok()) return status;
      purchases.push_back(std::move(purchase));
    }
  }
  storage::PurchaseRepository repository(pool);
  absl::StatusOr<storage::ImportBatchResult> imported = repository.ImportBatch(demo, purchases, true, deadline);
  return imported.status();
}

}  // namespace

absl::Status SeedDemoData(storage::ConnectionPool& pool, const std::string& key_path) {
  storage::TenantRepository tenants(pool);
  const absl::Time deadline = absl::Now() + kTimeout;
  if (tenants.Get("demo", deadline).ok()) return absl::OkStatus();

  v1::Tenant tenant;
  tenant.set_display_name("Demo Cosmetics Ltd");
  tenant.set_currency_code("CNY");
  tenant.set_time_zone("Asia/Shanghai");
  if (absl::Status status = NormalizeTenant(&tenant); !status.ok()) return status;
  if (absl::StatusOr<v1::Tenant> created = tenants.Create("demo", tenant, "", deadline); !created.ok()) {
    return created.status();
  }
  const NewApiKey key = GenerateApiKey();
  v1::ApiKey api_key;
  api_key.set_display_name("demo tenant admin");
  api_key.set_role(v1::ROLE_TENANT_ADMIN);
  storage::ApiKeyRepository keys(pool);
  if (auto stored = keys.Create(key.key_id, "demo", api_key, key.secret_sha256, deadline); !stored.ok()) {
    return stored.status();
  }
  unlink(key_path.c_str());  // a key file of an earlier, wiped database
  if (absl::Status status = WriteSecretFile(key_path, key.full_key); !status.ok()) return status;

  const storage::TenantId demo = *storage::TenantId::Make("demo");
  storage::AccountRepository accounts(pool);
  v1::Account account;
  account.set_display_name("Shanghai Beauty Retail Group");
  account.set_industry("retail");
  account.set_size(v1::Account::SIZE_LARGE);
  account.set_region("East China");
  account.set_tier(v1::Account::TIER_A);
  account.set_key_account(true);
  account.mutable_annual_revenue()->set_units(120'000'000);
  account.set_payment_terms_days(60);
  absl::StatusOr<v1::Account> stored_account = accounts.Create(demo, account, "", deadline);
  if (!stored_account.ok()) return stored_account.status();

  storage::ContactRepository contacts(pool);
  struct Person {
    const char* given;
    const char* family;
    const char* email;
    const char* phone;
    const char* store;
    const char* tag;
  };
  const Person people[] = {
      {"Mei", "Wang", "mei.wang@example.com", "+8613800000001", "store-sh-01", "vip"},
      {"Lei", "Zhang", "lei.zhang@example.com", "+8613800000002", "store-sh-01", "member"},
      {"Na", "Li", "na.li@example.com", "+8613800000003", "store-bj-02", "member"},
      {"Jun", "Chen", "jun.chen@example.com", "+8613800000004", "", "prospect"},
  };
  std::vector<std::string> customers;
  for (const Person& person : people) {
    v1::Contact contact;
    contact.set_given_name(person.given);
    contact.set_family_name(person.family);
    contact.add_emails(person.email);
    contact.add_phones(person.phone);
    contact.set_store_id(person.store);
    contact.add_tags(person.tag);
    contact.set_source("demo");
    if (absl::Status status = NormalizeContact(nullptr, &contact); !status.ok()) return status;
    absl::StatusOr<v1::Contact> stored = contacts.Create(demo, contact, "", deadline);
    if (!stored.ok()) return stored.status();
    if (person.store[0] != '\0') customers.push_back(stored->name());  // the prospect buys nothing
  }
  v1::Contact buyer;
  buyer.set_given_name("Hui");
  buyer.set_family_name("Zhao");
  buyer.set_account(stored_account->name());
  buyer.add_emails("hui.zhao@example.com");
  if (absl::Status status = NormalizeContact(nullptr, &buyer); !status.ok()) return status;
  if (auto stored = contacts.Create(demo, buyer, "", deadline); !stored.ok()) return stored.status();
  return SeedDemoCustomers(pool, demo, customers, deadline);
}

}  // namespace crm::server
