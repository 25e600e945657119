// ContactService against a real MariaDB: the happy paths, and every bad input with
// its documented status code and proof that nothing was written.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <thread>

#include "absl/strings/str_cat.h"
#include "google/protobuf/util/message_differencer.h"
#include "tests/integration/crm_test_environment.h"

namespace crm::testing {
namespace {

using ::testing::HasSubstr;

class ContactServiceTest : public ::testing::Test {
 protected:
  void SetUp() override { tenant_ = CreateTestTenant("ct"); }

  grpc::Status Create(const v1::Contact& contact, v1::Contact* out,
                      const std::string& request_id = "") {
    v1::CreateContactRequest request;
    *request.mutable_contact() = contact;
    request.set_request_id(request_id);
    return stub_->CreateContact(WithKey(tenant_.integration_key).get(), request, out);
  }

  v1::Contact MustCreate(const v1::Contact& contact) {
    v1::Contact out;
    grpc::Status status = Create(contact, &out);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return out;
  }

  // A create that must fail with `code`, naming `field`, and write nothing.
  void ExpectRejected(const v1::Contact& contact, grpc::StatusCode code, const std::string& field) {
    v1::Contact out;
    grpc::Status status = Create(contact, &out);
    EXPECT_EQ(status.error_code(), code) << status.error_message();
    EXPECT_THAT(status.error_message(), HasSubstr(field));
    EXPECT_EQ(CountRows("contacts", tenant_.id), 0);
  }

  static v1::Contact Person(const std::string& given = "Ada", const std::string& family = "Lovelace") {
    v1::Contact contact;
    contact.set_given_name(given);
    contact.set_family_name(family);
    return contact;
  }

  TestTenant tenant_;
  std::unique_ptr<v1::ContactService::Stub> stub_ = Contacts();
};

TEST_F(ContactServiceTest, CreateGetRoundTripNormalisesInput) {
  v1::Contact contact = Person();
  contact.add_emails("Ada@Example.COM");
  contact.add_emails("ada@example.com");  // duplicate after lower-casing
  contact.add_phones("+44 (20) 7946-0958");
  contact.mutable_birthday()->set_year(1815);
  contact.mutable_birthday()->set_month(12);
  contact.mutable_birthday()->set_day(10);
  contact.mutable_birthday()->set_year(1990);
  contact.set_gender(v1::Contact::GENDER_FEMALE);
  contact.add_tags("vip");
  contact.add_tags("vip");
  (*contact.mutable_attributes())["favourite_line"] = "anti-ageing";
  auto* consent = contact.add_consents();
  consent->set_channel(v1::CHANNEL_EMAIL);
  consent->set_state(v1::CONSENT_STATE_OPTED_IN);
  contact.set_store_id("store-sh-01");
  contact.set_external_id("crm-42");
  contact.set_lifecycle_stage(v1::LIFECYCLE_STAGE_CHURNED);  // output only: ignored

  const v1::Contact created = MustCreate(contact);
  EXPECT_THAT(created.name(), ::testing::StartsWith("contacts/"));
  EXPECT_EQ(created.display_name(), "Ada Lovelace");
  ASSERT_EQ(created.emails_size(), 1);
  EXPECT_EQ(created.emails(0), "ada@example.com");
  EXPECT_EQ(created.phones(0), "+442079460958");
  EXPECT_EQ(created.tags_size(), 1);
  EXPECT_EQ(created.attributes().at("favourite_line"), "anti-ageing");
  ASSERT_EQ(created.consents_size(), 1);
  EXPECT_TRUE(created.consents(0).has_update_time());
  EXPECT_EQ(created.lifecycle_stage(), v1::LIFECYCLE_STAGE_PROSPECT);
  EXPECT_FALSE(created.etag().empty());
  EXPECT_TRUE(created.has_create_time());

  v1::GetContactRequest get;
  get.set_name(created.name());
  v1::Contact fetched;
  ASSERT_TRUE(stub_->GetContact(WithKey(tenant_.analyst_key).get(), get, &fetched).ok());
  EXPECT_TRUE(google::protobuf::util::MessageDifferencer::Equals(created, fetched))
      << created.DebugString() << "\nvs\n" << fetched.DebugString();
}

TEST_F(ContactServiceTest, SqlLookingTextIsStoredVerbatim) {
  v1::Contact contact = Person("Robert'); DROP TABLE contacts;--", "Tables");
  (*contact.mutable_attributes())["note"] = "1' OR '1'='1";
  const v1::Contact created = MustCreate(contact);
  v1::GetContactRequest get;
  get.set_name(created.name());
  v1::Contact fetched;
  ASSERT_TRUE(stub_->GetContact(WithKey(tenant_.integration_key).get(), get, &fetched).ok());
  EXPECT_EQ(fetched.given_name(), "Robert'); DROP TABLE contacts;--");
  EXPECT_EQ(fetched.attributes().at("note"), "1' OR '1'='1");
  EXPECT_EQ(CountRows("contacts", tenant_.id), 1);
}

TEST_F(ContactServiceTest, RequestIdReplayReturnsTheFirstContactAndWritesNoSecondRow) {
  const std::string request_id = "5f0c8a52-0b0e-4c8f-9d43-1c2b3a4d5e6f";
  v1::Contact first, second;
  ASSERT_TRUE(Create(Person(), &first, request_id).ok());
  v1::Contact different = Person("Someone", "Else");
  ASSERT_TRUE(Create(different, &second, request_id).ok());
  EXPECT_EQ(first.name(), second.name());
  EXPECT_EQ(second.given_name(), "Ada");
  EXPECT_EQ(CountRows("contacts", tenant_.id), 1);
}

TEST_F(ContactServiceTest, RequestIdTooLongOrMalformedIsInvalid) {
  v1::Contact out;
  grpc::Status status = Create(Person(), &out, std::string(37, 'a'));
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(), HasSubstr("request_id"));
  status = Create(Person(), &out, "has space");
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(CountRows("contacts", tenant_.id), 0);
}

TEST_F(ContactServiceTest, BadInputIsInvalidArgumentAndWritesNothing) {
  v1::Contact c;

  c = Person("", "");
  ExpectRejected(c, grpc::StatusCode::INVALID_ARGUMENT, "display_name");

  c = Person();
  c.add_emails("not-an-email");
  ExpectRejected(c, grpc::StatusCode::INVALID_ARGUMENT, "emails[0]");
  c = Person();
  c.add_emails("a@b");
  ExpectRejected(c, grpc::StatusCode::INVALID_ARGUMENT, "emails[0]");
  c = Person();
  c.add_emails(absl::StrCat(std::string(250, 'a'), "@example.com"));
  ExpectRejected(c, grpc::StatusCode::INVALID_ARGUMENT, "emails[0]");
  c = Person();
  for (int i = 0; i < 11; ++i) c.add_emails(absl::StrCat("p", i, "@example.com"));
  ExpectRejected(c, grpc::StatusCode::INVALID_ARGUMENT, "emails");

  c = Person();
  c.add_phones("12345");
  ExpectRejected(c, grpc::StatusCode::INVALID_ARGUMENT, "phones[0]");
  c = Person();
  c.add_phones("+86 138 0013 800x");
  ExpectRejected(c, grpc::StatusCode::INVALID_ARGUMENT, "phones[0]");

  c = Person(std::string(101, 'x'));
  ExpectRejected(c, grpc::StatusCode::INVALID_ARGUMENT, "given_name");
  c = Person();
  c.set_display_name(std::string(201, 'x'));
  ExpectRejected(c, grpc::StatusCode::INVALID_ARGUMENT, "display_name");
  c = Person();
  c.set_address(std::string(501, 'x'));
  ExpectRejected(c, grpc::StatusCode::INVALID_ARGUMENT, "address");
  c = Person("Ada\x01");
  ExpectRejected(c, grpc::StatusCode::INVALID_ARGUMENT, "given_name");
  c = Person();
  c.set_external_id(std::string(129, 'e'));
  ExpectRejected(c, grpc::StatusCode::INVALID_ARGUMENT, "external_id");

  c = Person();
  for (int i = 0; i < 51; ++i) c.add_tags(absl::StrCat("tag", i));
  ExpectRejected(c, grpc::StatusCode::INVALID_ARGUMENT, "tags");
  c = Person();
  c.add_tags("no spaces allowed");
  ExpectRejected(c, grpc::StatusCode::INVALID_ARGUMENT, "tags[0]");
  c = Person();
  for (int i = 0; i < 51; ++i) (*c.mutable_attributes())[absl::StrCat("k", i)] = "v";
  ExpectRejected(c, grpc::StatusCode::INVALID_ARGUMENT, "attributes");
  c = Person();
  (*c.mutable_attributes())["bad key"] = "v";
  ExpectRejected(c, grpc::StatusCode::INVALID_ARGUMENT, "attributes");
  c = Person();
  (*c.mutable_attributes())["k"] = std::string(1025, 'v');
  ExpectRejected(c, grpc::StatusCode::INVALID_ARGUMENT, "attributes.k");

  c = Person();
  c.set_gender(static_cast<v1::Contact::Gender>(42));
  ExpectRejected(c, grpc::StatusCode::INVALID_ARGUMENT, "gender");
  c = Person();
  auto* consent = c.add_consents();
  consent->set_channel(static_cast<v1::Channel>(9));
  consent->set_state(v1::CONSENT_STATE_OPTED_IN);
  ExpectRejected(c, grpc::StatusCode::INVALID_ARGUMENT, "consents[0].channel");
  c = Person();
  consent = c.add_consents();
  consent->set_channel(v1::CHANNEL_SMS);
  ExpectRejected(c, grpc::StatusCode::INVALID_ARGUMENT, "consents[0].state");
  c = Person();
  for (int i = 0; i < 2; ++i) {
    consent = c.add_consents();
    consent->set_channel(v1::CHANNEL_SMS);
    consent->set_state(v1::CONSENT_STATE_OPTED_OUT);
  }
  ExpectRejected(c, grpc::StatusCode::INVALID_ARGUMENT, "consents[1].channel");

  c = Person();
  c.mutable_birthday()->set_year(2001);
  c.mutable_birthday()->set_month(2);
  c.mutable_birthday()->set_day(29);
  ExpectRejected(c, grpc::StatusCode::INVALID_ARGUMENT, "birthday");
  c = Person();
  c.mutable_birthday()->set_year(9000);
  c.mutable_birthday()->set_month(1);
  c.mutable_birthday()->set_day(1);
  ExpectRejected(c, grpc::StatusCode::INVALID_ARGUMENT, "birthday");

  c = Person();
  c.set_account("accounts/not-an-id");
  ExpectRejected(c, grpc::StatusCode::INVALID_ARGUMENT, "account");
  c = Person();
  c.set_account("accounts/01jbq0x4w2y5k3m8n9p7r6s5t4");  // well-formed, missing
  ExpectRejected(c, grpc::StatusCode::NOT_FOUND, "account");
}

TEST_F(ContactServiceTest, DuplicateExternalIdIsAlreadyExists) {
  v1::Contact contact = Person();
  contact.set_external_id("ext-1");
  MustCreate(contact);
  v1::Contact out;
  grpc::Status status = Create(contact, &out);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::ALREADY_EXISTS);
  EXPECT_THAT(status.error_message(), HasSubstr("external_id"));
  EXPECT_EQ(CountRows("contacts", tenant_.id), 1);
}

TEST_F(ContactServiceTest, UpdateAppliesMaskAndChecksEtag) {
  v1::Contact contact = Person();
  contact.add_tags("member");
  contact.set_region("North");
  const v1::Contact created = MustCreate(contact);

  v1::UpdateContactRequest update;
  *update.mutable_contact() = created;
  update.mutable_contact()->set_region("South");
  update.mutable_contact()->clear_tags();
  update.mutable_contact()->add_tags("vip");
  update.mutable_contact()->set_given_name("ignored: not in mask");
  update.mutable_update_mask()->add_paths("region");
  update.mutable_update_mask()->add_paths("tags");
  v1::Contact updated;
  grpc::Status status = stub_->UpdateContact(WithKey(tenant_.integration_key).get(), update, &updated);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(updated.region(), "South");
  ASSERT_EQ(updated.tags_size(), 1);
  EXPECT_EQ(updated.tags(0), "vip");
  EXPECT_EQ(updated.given_name(), "Ada");
  EXPECT_NE(updated.etag(), created.etag());

  // The stale etag of the first version is ABORTED and changes nothing.
  update.mutable_contact()->set_region("West");
  status = stub_->UpdateContact(WithKey(tenant_.integration_key).get(), update, &updated);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::ABORTED);
  v1::GetContactRequest get;
  get.set_name(created.name());
  v1::Contact fetched;
  ASSERT_TRUE(stub_->GetContact(WithKey(tenant_.integration_key).get(), get, &fetched).ok());
  EXPECT_EQ(fetched.region(), "South");

  // Output-only or unknown mask paths are rejected.
  update.mutable_contact()->set_etag(fetched.etag());
  update.mutable_update_mask()->Clear();
  update.mutable_update_mask()->add_paths("lifecycle_stage");
  status = stub_->UpdateContact(WithKey(tenant_.integration_key).get(), update, &updated);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(), HasSubstr("update_mask"));

  // An invalid value in the merged result is INVALID_ARGUMENT and not stored.
  update.mutable_update_mask()->Clear();
  update.mutable_update_mask()->add_paths("emails");
  update.mutable_contact()->add_emails("broken");
  status = stub_->UpdateContact(WithKey(tenant_.integration_key).get(), update, &updated);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  ASSERT_TRUE(stub_->GetContact(WithKey(tenant_.integration_key).get(), get, &fetched).ok());
  EXPECT_EQ(fetched.emails_size(), 0);
}

TEST_F(ContactServiceTest, DeleteWithStaleEtagIsAbortedThenDeleteWorks) {
  const v1::Contact created = MustCreate(Person());
  v1::UpdateContactRequest update;
  *update.mutable_contact() = created;
  update.mutable_contact()->set_city("Paris");
  update.mutable_update_mask()->add_paths("city");
  v1::Contact updated;
  ASSERT_TRUE(stub_->UpdateContact(WithKey(tenant_.integration_key).get(), update, &updated).ok());

  v1::DeleteContactRequest del;
  del.set_name(created.name());
  del.set_etag(created.etag());
  google::protobuf::Empty empty;
  EXPECT_EQ(stub_->DeleteContact(WithKey(tenant_.integration_key).get(), del, &empty).error_code(),
            grpc::StatusCode::ABORTED);
  EXPECT_EQ(CountRows("contacts", tenant_.id), 1);
  del.set_etag(updated.etag());
  EXPECT_TRUE(stub_->DeleteContact(WithKey(tenant_.integration_key).get(), del, &empty).ok());
  EXPECT_EQ(CountRows("contacts", tenant_.id), 0);
  EXPECT_EQ(CountRows("contact_identities", tenant_.id), 0);
  EXPECT_EQ(stub_->DeleteContact(WithKey(tenant_.integration_key).get(), del, &empty).error_code(),
            grpc::StatusCode::NOT_FOUND);
}

TEST_F(ContactServiceTest, LookupByEmailPhoneAndExternalId) {
  v1::Contact contact = Person();
  contact.add_emails("ada@example.com");
  contact.add_phones("+8613800138000");
  contact.set_external_id("pos-7");
  const v1::Contact created = MustCreate(contact);

  v1::LookupContactRequest lookup;
  v1::Contact found;
  lookup.set_email("ADA@example.com");
  ASSERT_TRUE(stub_->LookupContact(WithKey(tenant_.analyst_key).get(), lookup, &found).ok());
  EXPECT_EQ(found.name(), created.name());
  lookup.set_phone("+86 138 0013 8000");
  ASSERT_TRUE(stub_->LookupContact(WithKey(tenant_.analyst_key).get(), lookup, &found).ok());
  EXPECT_EQ(found.name(), created.name());
  lookup.set_external_id("pos-7");
  ASSERT_TRUE(stub_->LookupContact(WithKey(tenant_.analyst_key).get(), lookup, &found).ok());
  EXPECT_EQ(found.name(), created.name());

  lookup.set_email("nobody@example.com");
  EXPECT_EQ(stub_->LookupContact(WithKey(tenant_.analyst_key).get(), lookup, &found).error_code(),
            grpc::StatusCode::NOT_FOUND);
  lookup.set_email("broken");
  EXPECT_EQ(stub_->LookupContact(WithKey(tenant_.analyst_key).get(), lookup, &found).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
  lookup.Clear();
  EXPECT_EQ(stub_->LookupContact(WithKey(tenant_.analyst_key).get(), lookup, &found).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
}

TEST_F(ContactServiceTest, ListPaginatesFiltersAndOrders) {
  for (int i = 0; i < 7; ++i) {
    v1::Contact contact = Person(absl::StrCat("P", i), "Tester");
    contact.set_display_name(absl::StrCat("Person ", 6 - i));
    if (i % 2 == 0) contact.add_tags("vip");
    contact.set_region(i < 3 ? "North" : "South");
    (*contact.mutable_attributes())["tier"] = i < 2 ? "gold" : "silver";
    MustCreate(contact);
  }
  // Page through everything, two at a time, in creation order.
  std::vector<std::string> seen;
  v1::ListContactsRequest list;
  list.set_page_size(2);
  do {
    v1::ListContactsResponse page;
    grpc::Status status = stub_->ListContacts(WithKey(tenant_.analyst_key).get(), list, &page);
    ASSERT_TRUE(status.ok()) << status.error_message();
    EXPECT_LE(page.contacts_size(), 2);
    for (const auto& c : page.contacts()) seen.push_back(c.given_name());
    list.set_page_token(page.next_page_token());
  } while (!list.page_token().empty());
  EXPECT_THAT(seen, ::testing::ElementsAre("P0", "P1", "P2", "P3", "P4", "P5", "P6"));

  // Order by display_name descending, with a filter, across pages.
  list.Clear();
  list.set_page_size(2);
  list.set_filter("tags:\"vip\" AND region = \"South\" OR region = \"North\"");
  list.set_order_by("display_name desc");
  seen.clear();
  do {
    v1::ListContactsResponse page;
    ASSERT_TRUE(stub_->ListContacts(WithKey(tenant_.analyst_key).get(), list, &page).ok());
    for (const auto& c : page.contacts()) seen.push_back(c.display_name());
    list.set_page_token(page.next_page_token());
  } while (!list.page_token().empty());
  // tags:vip AND (region South OR North): P0, P2, P4, P6 -> names 6, 4, 2, 0.
  EXPECT_THAT(seen, ::testing::ElementsAre("Person 6", "Person 4", "Person 2", "Person 0"));

  list.Clear();
  list.set_filter("attributes.tier = \"gold\" AND NOT display_name:\"5\"");
  v1::ListContactsResponse page;
  ASSERT_TRUE(stub_->ListContacts(WithKey(tenant_.analyst_key).get(), list, &page).ok());
  ASSERT_EQ(page.contacts_size(), 1);
  EXPECT_EQ(page.contacts(0).given_name(), "P0");
}

TEST_F(ContactServiceTest, BadListRequestsAreInvalidArgument) {
  MustCreate(Person());
  MustCreate(Person("Grace", "Hopper"));
  auto list = [&](v1::ListContactsRequest request) {
    v1::ListContactsResponse page;
    return stub_->ListContacts(WithKey(tenant_.analyst_key).get(), request, &page);
  };
  v1::ListContactsRequest request;
  request.set_filter("colour = \"red\"");
  grpc::Status status = list(request);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(), HasSubstr("position 1"));
  request.set_filter("region = \"x\" AND (");
  status = list(request);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(), HasSubstr("position"));
  request.set_filter("region = x; DROP TABLE contacts");
  EXPECT_EQ(list(request).error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  request.set_filter("region = \"x\" OR 1=1");
  EXPECT_EQ(list(request).error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  request.set_filter("gender = MARTIAN");
  EXPECT_EQ(list(request).error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  request.set_filter("");
  request.set_order_by("emails");
  EXPECT_EQ(list(request).error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  request.set_order_by("");
  request.set_page_size(1001);
  EXPECT_EQ(list(request).error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  request.set_page_size(-1);
  EXPECT_EQ(list(request).error_code(), grpc::StatusCode::INVALID_ARGUMENT);

  // Page tokens: forged, edited, or reused with another query.
  request.set_page_size(1);
  v1::ListContactsResponse first;
  ASSERT_TRUE(stub_->ListContacts(WithKey(tenant_.analyst_key).get(), request, &first).ok());
  ASSERT_FALSE(first.next_page_token().empty());
  request.set_page_token("not-a-token");
  EXPECT_EQ(list(request).error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  std::string edited = first.next_page_token();
  edited[edited.size() / 2] = edited[edited.size() / 2] == 'A' ? 'B' : 'A';
  request.set_page_token(edited);
  EXPECT_EQ(list(request).error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  request.set_page_token(first.next_page_token());
  request.set_filter("region = \"North\"");
  status = list(request);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(), HasSubstr("page_token"));
  request.set_filter("");
  EXPECT_TRUE(list(request).ok());  // the same query again is fine
}

TEST_F(ContactServiceTest, AccountFromAnotherTenantIsNotFound) {
  TestTenant other = CreateTestTenant("ot");
  v1::CreateAccountRequest account_request;
  account_request.mutable_account()->set_display_name("Other Co");
  v1::Account other_account;
  ASSERT_TRUE(Accounts()->CreateAccount(WithKey(other.integration_key).get(), account_request,
                                        &other_account).ok());
  v1::Contact contact = Person();
  contact.set_account(other_account.name());
  ExpectRejected(contact, grpc::StatusCode::NOT_FOUND, "account");

  // With an account of its own tenant it works.
  v1::Account own;
  ASSERT_TRUE(Accounts()->CreateAccount(WithKey(tenant_.integration_key).get(), account_request, &own).ok());
  contact.set_account(own.name());
  EXPECT_EQ(MustCreate(contact).account(), own.name());
}

TEST_F(ContactServiceTest, RolesAndKeysAreEnforced) {
  v1::CreateContactRequest request;
  *request.mutable_contact() = Person();
  v1::Contact out;
  grpc::Status status = stub_->CreateContact(WithKey(tenant_.analyst_key).get(), request, &out);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  status = stub_->CreateContact(WithKey(tenant_.scheduler_key).get(), request, &out);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  status = stub_->CreateContact(WithKey(CrmTestEnvironment::Get().admin_key()).get(), request, &out);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  status = stub_->CreateContact(WithKey("").get(), request, &out);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAUTHENTICATED);
  status = stub_->CreateContact(WithKey("crm_garbage").get(), request, &out);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAUTHENTICATED);
  std::string wrong_secret = tenant_.integration_key;
  wrong_secret.back() = wrong_secret.back() == 'a' ? 'b' : 'a';
  status = stub_->CreateContact(WithKey(wrong_secret).get(), request, &out);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(CountRows("contacts", tenant_.id), 0);
  EXPECT_TRUE(stub_->CreateContact(WithKey(tenant_.tenant_admin_key).get(), request, &out).ok());
}

TEST_F(ContactServiceTest, OversizeMessageIsResourceExhausted) {
  v1::CreateContactRequest request;
  *request.mutable_contact() = Person();
  (*request.mutable_contact()->mutable_attributes())["blob"] = std::string(5 * 1024 * 1024, 'x');
  v1::Contact out;
  grpc::Status status = stub_->CreateContact(WithKey(tenant_.integration_key).get(), request, &out);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
  EXPECT_EQ(CountRows("contacts", tenant_.id), 0);
}

TEST_F(ContactServiceTest, ConsentTimeIsKeptWhileStateIsUnchanged) {
  v1::Contact contact = Person();
  auto* consent = contact.add_consents();
  consent->set_channel(v1::CHANNEL_SMS);
  consent->set_state(v1::CONSENT_STATE_OPTED_IN);
  consent->mutable_update_time()->set_seconds(1700000000);
  const v1::Contact created = MustCreate(contact);
  ASSERT_EQ(created.consents(0).update_time().seconds(), 1700000000);

  v1::UpdateContactRequest update;
  *update.mutable_contact() = created;
  update.mutable_contact()->mutable_consents(0)->clear_update_time();
  update.mutable_update_mask()->add_paths("consents");
  v1::Contact same;
  ASSERT_TRUE(stub_->UpdateContact(WithKey(tenant_.integration_key).get(), update, &same).ok());
  EXPECT_EQ(same.consents(0).update_time().seconds(), 1700000000);

  update.mutable_contact()->set_etag(same.etag());
  update.mutable_contact()->mutable_consents(0)->set_state(v1::CONSENT_STATE_OPTED_OUT);
  v1::Contact changed;
  ASSERT_TRUE(stub_->UpdateContact(WithKey(tenant_.integration_key).get(), update, &changed).ok());
  EXPECT_GT(changed.consents(0).update_time().seconds(), 1700000000);

  update.mutable_contact()->set_etag(changed.etag());
  update.mutable_contact()->mutable_consents(0)->mutable_update_time()->set_seconds(4102444800);
  EXPECT_EQ(stub_->UpdateContact(WithKey(tenant_.integration_key).get(), update, &changed).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
}

}  // namespace
}  // namespace crm::testing

namespace crm::testing {
namespace {

TEST(FindDuplicateContactsTest, GroupsSharedEmailsAndPhonesPerTenantAcrossPages) {
  TestTenant tenant = CreateTestTenant("dup");
  TestTenant other = CreateTestTenant("dup-o");
  auto stub = Contacts();
  auto create = [&](const TestTenant& t, const std::string& name, const std::string& email,
                    const std::string& phone) {
    v1::CreateContactRequest request;
    request.mutable_contact()->set_display_name(name);
    if (!email.empty()) request.mutable_contact()->add_emails(email);
    if (!phone.empty()) request.mutable_contact()->add_phones(phone);
    v1::Contact contact;
    EXPECT_TRUE(stub->CreateContact(WithKey(t.integration_key).get(), request, &contact).ok());
    return contact.name();
  };
  const std::string a = create(tenant, "A", "shared@example.com", "+8613800000001");
  const std::string b = create(tenant, "B", "SHARED@example.com", "+86 138 0000 0001");
  const std::string c = create(tenant, "C", "shared@example.com", "");
  create(tenant, "D", "unique@example.com", "+8613800000002");
  create(other, "X", "shared@example.com", "+8613800000001");  // another tenant: never grouped

  v1::FindDuplicateContactsRequest request;
  request.set_page_size(1);
  std::vector<v1::DuplicateContactGroup> groups;
  do {
    v1::FindDuplicateContactsResponse page;
    grpc::Status status = stub->FindDuplicateContacts(WithKey(tenant.analyst_key).get(), request, &page);
    ASSERT_TRUE(status.ok()) << status.error_message();
    ASSERT_LE(page.groups_size(), 1);
    for (const auto& group : page.groups()) groups.push_back(group);
    request.set_page_token(page.next_page_token());
  } while (!request.page_token().empty());
  ASSERT_EQ(groups.size(), 2u);
  EXPECT_EQ(groups[0].match_kind(), v1::DuplicateContactGroup::MATCH_KIND_EMAIL);
  EXPECT_EQ(groups[0].value(), "shared@example.com");
  EXPECT_EQ(groups[0].contact_count(), 3);
  EXPECT_THAT(groups[0].contacts(), ::testing::ElementsAre(a, b, c));
  EXPECT_EQ(groups[1].match_kind(), v1::DuplicateContactGroup::MATCH_KIND_PHONE);
  EXPECT_EQ(groups[1].value(), "+8613800000001");
  EXPECT_THAT(groups[1].contacts(), ::testing::ElementsAre(a, b));

  v1::FindDuplicateContactsResponse other_page;
  request.Clear();
  ASSERT_TRUE(stub->FindDuplicateContacts(WithKey(other.analyst_key).get(), request, &other_page).ok());
  EXPECT_EQ(other_page.groups_size(), 0);

  request.set_page_size(1);
  v1::FindDuplicateContactsResponse first;
  ASSERT_TRUE(stub->FindDuplicateContacts(WithKey(tenant.analyst_key).get(), request, &first).ok());
  request.set_page_token(first.next_page_token());
  EXPECT_EQ(stub->FindDuplicateContacts(WithKey(other.analyst_key).get(), request, &other_page).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
  request.set_page_token("");
  request.set_page_size(1001);
  EXPECT_EQ(stub->FindDuplicateContacts(WithKey(tenant.analyst_key).get(), request, &other_page).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
}

}  // namespace
}  // namespace crm::testing

namespace crm::testing {
namespace {

TEST(MergeContactsTest, SurvivorKeepsHistoryAndTheMergedNameIsGone) {
  TestTenant tenant = CreateTestTenant("mrg");
  auto contacts = Contacts();
  auto create = [&](const TestTenant& t, v1::Contact contact) {
    v1::CreateContactRequest request;
    *request.mutable_contact() = contact;
    v1::Contact created;
    EXPECT_TRUE(contacts->CreateContact(WithKey(t.integration_key).get(), request, &created).ok());
    return created;
  };
  v1::Contact survivor_in;
  survivor_in.set_display_name("Mei Wang");
  survivor_in.add_emails("mei@example.com");
  survivor_in.add_tags("vip");
  v1::Contact merged_in;
  merged_in.set_display_name("M. Wang");
  merged_in.add_emails("mei.wang@work.example.com");
  merged_in.add_phones("+8613800000008");
  merged_in.add_tags("member");
  merged_in.set_city("Shanghai");
  merged_in.set_external_id("pos-mei");
  const v1::Contact survivor = create(tenant, survivor_in);
  const v1::Contact merged = create(tenant, merged_in);

  // History on the merged contact.
  v1::RecordPurchaseRequest record;
  record.mutable_purchase()->set_contact(merged.name());
  record.mutable_purchase()->mutable_purchase_time()->set_seconds(1700000000);
  record.mutable_purchase()->mutable_amount()->set_units(88);
  v1::Purchase purchase;
  ASSERT_TRUE(Purchases()->RecordPurchase(WithKey(tenant.integration_key).get(), record, &purchase).ok());
  v1::LogInteractionRequest log;
  log.mutable_interaction()->set_contact(merged.name());
  log.mutable_interaction()->set_type(v1::Interaction::TYPE_CALL);
  log.mutable_interaction()->mutable_interaction_time()->set_seconds(1700000100);
  v1::Interaction interaction;
  ASSERT_TRUE(Interactions()->LogInteraction(WithKey(tenant.integration_key).get(), log, &interaction).ok());

  v1::MergeContactsRequest merge;
  merge.set_survivor(survivor.name());
  merge.set_merged(merged.name());
  merge.set_request_id("5a1e0000-0000-4000-8000-00000000abcd");
  v1::Contact result;
  grpc::Status status = contacts->MergeContacts(WithKey(tenant.integration_key).get(), merge, &result);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(result.name(), survivor.name());
  EXPECT_EQ(result.display_name(), "Mei Wang");
  EXPECT_THAT(result.emails(), ::testing::ElementsAre("mei@example.com", "mei.wang@work.example.com"));
  EXPECT_THAT(result.phones(), ::testing::ElementsAre("+8613800000008"));
  EXPECT_THAT(result.tags(), ::testing::ElementsAre("vip", "member"));
  EXPECT_EQ(result.city(), "Shanghai");
  EXPECT_EQ(result.external_id(), "pos-mei");
  EXPECT_NE(result.etag(), survivor.etag());

  // The merged name is gone; its history answers under the survivor.
  v1::GetContactRequest get;
  get.set_name(merged.name());
  v1::Contact missing;
  EXPECT_EQ(contacts->GetContact(WithKey(tenant.integration_key).get(), get, &missing).error_code(),
            grpc::StatusCode::NOT_FOUND);
  v1::GetPurchaseRequest get_purchase;
  get_purchase.set_name(purchase.name());
  ASSERT_TRUE(Purchases()->GetPurchase(WithKey(tenant.integration_key).get(), get_purchase, &purchase).ok());
  EXPECT_EQ(purchase.contact(), survivor.name());
  v1::GetContactTimelineRequest timeline;
  timeline.set_contact(survivor.name());
  v1::GetContactTimelineResponse entries;
  ASSERT_TRUE(Interactions()->GetContactTimeline(WithKey(tenant.integration_key).get(), timeline, &entries).ok());
  EXPECT_EQ(entries.entries_size(), 2);
  v1::LookupContactRequest lookup;
  lookup.set_phone("+8613800000008");
  v1::Contact found;
  ASSERT_TRUE(contacts->LookupContact(WithKey(tenant.integration_key).get(), lookup, &found).ok());
  EXPECT_EQ(found.name(), survivor.name());
  EXPECT_EQ(CountRows("contact_merges", tenant.id), 1);
  EXPECT_EQ(CountRows("contacts", tenant.id), 1);

  // Replaying the request returns the survivor, not NOT_FOUND for the merged contact.
  ASSERT_TRUE(contacts->MergeContacts(WithKey(tenant.integration_key).get(), merge, &result).ok());
  EXPECT_EQ(result.name(), survivor.name());
  EXPECT_EQ(CountRows("contact_merges", tenant.id), 1);
}

TEST(MergeContactsTest, BadMergesAreRejectedAndChangeNothing) {
  TestTenant tenant = CreateTestTenant("mrg-bad");
  TestTenant other = CreateTestTenant("mrg-oth");
  auto contacts = Contacts();
  auto create = [&](const TestTenant& t) {
    v1::CreateContactRequest request;
    request.mutable_contact()->set_display_name("Someone");
    v1::Contact created;
    EXPECT_TRUE(contacts->CreateContact(WithKey(t.integration_key).get(), request, &created).ok());
    return created.name();
  };
  const std::string mine = create(tenant);
  const std::string theirs = create(other);
  v1::MergeContactsRequest merge;
  v1::Contact result;
  merge.set_survivor(mine);
  merge.set_merged(mine);
  grpc::Status status = contacts->MergeContacts(WithKey(tenant.integration_key).get(), merge, &result);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(), ::testing::HasSubstr("itself"));
  merge.set_merged(theirs);
  status = contacts->MergeContacts(WithKey(tenant.integration_key).get(), merge, &result);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_THAT(status.error_message(), ::testing::HasSubstr("merged"));
  merge.set_survivor(theirs);
  merge.set_merged(mine);
  status = contacts->MergeContacts(WithKey(tenant.integration_key).get(), merge, &result);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_THAT(status.error_message(), ::testing::HasSubstr("survivor"));
  merge.set_survivor("contacts/bad");
  EXPECT_EQ(contacts->MergeContacts(WithKey(tenant.integration_key).get(), merge, &result).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
  merge.set_survivor(mine);
  merge.set_merged(theirs);
  EXPECT_EQ(contacts->MergeContacts(WithKey(tenant.analyst_key).get(), merge, &result).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(CountRows("contacts", tenant.id), 1);
  EXPECT_EQ(CountRows("contacts", other.id), 1);
  EXPECT_EQ(CountRows("contact_merges", tenant.id), 0);
}

}  // namespace
}  // namespace crm::testing

namespace crm::testing {
namespace {

TEST(ExportContactsTest, StreamsEveryMatchAcrossPagesAndOnlyTheTenants) {
  TestTenant tenant = CreateTestTenant("exp");
  TestTenant other = CreateTestTenant("exp-o");
  auto contacts = Contacts();
  std::vector<std::string> vip_names;
  // More than one internal page (1000) of contacts, a third of them tagged.
  for (int i = 0; i < 1200; ++i) {
    v1::CreateContactRequest request;
    request.mutable_contact()->set_display_name(absl::StrCat("Person ", i));
    if (i % 3 == 0) request.mutable_contact()->add_tags("vip");
    v1::Contact created;
    ASSERT_TRUE(contacts->CreateContact(WithKey(tenant.integration_key).get(), request, &created).ok());
    if (i % 3 == 0) vip_names.push_back(created.name());
  }
  auto export_names = [&](const std::string& key, const std::string& filter, grpc::Status* status) {
    auto context = WithKey(key);
    v1::ExportContactsRequest request;
    request.set_filter(filter);
    auto reader = contacts->ExportContacts(context.get(), request);
    std::vector<std::string> names;
    v1::Contact contact;
    while (reader->Read(&contact)) names.push_back(contact.name());
    *status = reader->Finish();
    return names;
  };
  grpc::Status status;
  EXPECT_EQ(export_names(tenant.analyst_key, "", &status).size(), 1200u);
  EXPECT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(export_names(tenant.analyst_key, "tags:\"vip\"", &status), vip_names);
  EXPECT_TRUE(status.ok());
  EXPECT_TRUE(export_names(other.analyst_key, "", &status).empty());
  EXPECT_TRUE(status.ok());
  export_names(tenant.analyst_key, "colour = \"red\"", &status);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  export_names("", "", &status);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAUTHENTICATED);
}

}  // namespace
}  // namespace crm::testing

namespace crm::testing {
namespace {

class ImportContactsTest : public ::testing::Test {
 protected:
  void SetUp() override { tenant_ = CreateTestTenant("imc"); }

  v1::ImportContactsResponse Import(const std::vector<v1::ImportContactsRequest>& batches,
                                    grpc::Status* status, const std::string& key = "") {
    auto context = WithKey(key.empty() ? tenant_.integration_key : key);
    v1::ImportContactsResponse response;
    auto writer = Contacts()->ImportContacts(context.get(), &response);
    for (const auto& batch : batches) {
      if (!writer->Write(batch)) break;
    }
    writer->WritesDone();
    *status = writer->Finish();
    return response;
  }

  static v1::Contact Row(const std::string& external_id, const std::string& name) {
    v1::Contact contact;
    contact.set_external_id(external_id);
    contact.set_display_name(name);
    contact.add_emails(absl::StrCat(external_id, "@example.com"));
    return contact;
  }

  TestTenant tenant_;
};

TEST_F(ImportContactsTest, UpsertsByExternalIdAndReportsBadRows) {
  v1::ImportContactsRequest first;
  for (int i = 0; i < 5; ++i) *first.add_contacts() = Row(absl::StrCat("pos-", i), absl::StrCat("P", i));
  grpc::Status status;
  v1::ImportContactsResponse response = Import({first}, &status);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(response.created_count(), 5);
  EXPECT_EQ(response.updated_count(), 0);
  EXPECT_EQ(CountRows("contacts", tenant_.id), 5);

  // Second stream: two updates, one new, and four bad rows.
  v1::ImportContactsRequest second;
  *second.add_contacts() = Row("pos-0", "P0 renamed");
  *second.add_contacts() = Row("pos-1", "P1 renamed");
  *second.add_contacts() = Row("pos-9", "P9");
  *second.add_contacts() = Row("", "no external id");          // index 3
  v1::Contact bad_email = Row("pos-10", "bad email");
  bad_email.add_emails("broken");
  *second.add_contacts() = bad_email;                            // index 4
  *second.add_contacts() = Row("pos-9", "twice");                // index 5
  v1::Contact bad_account = Row("pos-11", "bad account");
  bad_account.set_account("accounts/01jbq0x4w2y5k3m8n9p7r6s5t4");
  *second.add_contacts() = bad_account;                          // index 6
  response = Import({second}, &status);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(response.created_count(), 1);
  EXPECT_EQ(response.updated_count(), 2);
  EXPECT_EQ(response.error_count(), 4);
  std::vector<int64_t> indexes;
  for (const auto& error : response.errors()) indexes.push_back(error.index());
  std::sort(indexes.begin(), indexes.end());
  EXPECT_THAT(indexes, ::testing::ElementsAre(3, 4, 5, 6));
  EXPECT_EQ(CountRows("contacts", tenant_.id), 6);

  v1::LookupContactRequest lookup;
  lookup.set_external_id("pos-0");
  v1::Contact found;
  ASSERT_TRUE(Contacts()->LookupContact(WithKey(tenant_.analyst_key).get(), lookup, &found).ok());
  EXPECT_EQ(found.display_name(), "P0 renamed");

  // Re-sending the first stream updates, it never duplicates.
  response = Import({first}, &status);
  ASSERT_TRUE(status.ok());
  EXPECT_EQ(response.created_count(), 0);
  EXPECT_EQ(response.updated_count(), 5);
  EXPECT_EQ(CountRows("contacts", tenant_.id), 6);
}

TEST_F(ImportContactsTest, AllOrNothingOversizeRolesAndTenants) {
  v1::ImportContactsRequest mixed;
  mixed.set_all_or_nothing(true);
  *mixed.add_contacts() = Row("aon-1", "good");
  v1::Contact bad = Row("aon-2", "bad");
  bad.add_phones("123");
  *mixed.add_contacts() = bad;
  grpc::Status status;
  v1::ImportContactsResponse response = Import({mixed}, &status);
  ASSERT_TRUE(status.ok());
  EXPECT_EQ(response.created_count(), 0);
  EXPECT_EQ(response.error_count(), 1);
  EXPECT_EQ(CountRows("contacts", tenant_.id), 0);

  v1::ImportContactsRequest huge;
  for (int i = 0; i < 1001; ++i) *huge.add_contacts() = Row(absl::StrCat("h-", i), "x");
  Import({huge}, &status);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(CountRows("contacts", tenant_.id), 0);

  v1::ImportContactsRequest one;
  *one.add_contacts() = Row("r-1", "x");
  Import({one}, &status, tenant_.analyst_key);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::PERMISSION_DENIED);

  // The same external id in two tenants makes two independent contacts.
  TestTenant other = CreateTestTenant("imc-o");
  ASSERT_TRUE(Import({one}, &status).created_count() == 1 && status.ok());
  response = Import({one}, &status, other.integration_key);
  ASSERT_TRUE(status.ok());
  EXPECT_EQ(response.created_count(), 1);
  EXPECT_EQ(CountRows("contacts", tenant_.id), 1);
  EXPECT_EQ(CountRows("contacts", other.id), 1);
}

TEST_F(ImportContactsTest, ManyRowsGoInMultiRowInsertsWithTheirLookupRows) {
  // 1,234 rows in two batches: chunks of 1000, 50, 10 and 1 rows.
  v1::ImportContactsRequest first, second;
  for (int i = 0; i < 1234; ++i) {
    *(i < 1000 ? first : second).add_contacts() = Row(absl::StrCat("bulk-", i), absl::StrCat("B", i));
  }
  grpc::Status status;
  v1::ImportContactsResponse response = Import({first, second}, &status);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(response.created_count(), 1234);
  EXPECT_EQ(CountRows("contacts", tenant_.id), 1234);
  EXPECT_EQ(CountRows("contact_identities", tenant_.id), 1234);
  v1::LookupContactRequest lookup;
  lookup.set_email("bulk-1233@example.com");
  v1::Contact found;
  ASSERT_TRUE(Contacts()->LookupContact(WithKey(tenant_.integration_key).get(), lookup, &found).ok());
  EXPECT_EQ(found.external_id(), "bulk-1233");

  // Re-sending the stream updates and creates nothing new.
  response = Import({first, second}, &status);
  ASSERT_TRUE(status.ok());
  EXPECT_EQ(response.created_count(), 0);
  EXPECT_EQ(response.updated_count(), 1234);
  EXPECT_EQ(CountRows("contacts", tenant_.id), 1234);
}

TEST_F(ImportContactsTest, ConcurrentStreamsOfTheSameExternalIdsCreateEachContactOnce) {
  v1::ImportContactsRequest batch;
  for (int i = 0; i < 300; ++i) *batch.add_contacts() = Row(absl::StrCat("race-", i), "R");
  v1::ImportContactsResponse responses[2];
  grpc::Status statuses[2];
  std::thread other([&] { responses[1] = Import({batch, batch}, &statuses[1]); });
  responses[0] = Import({batch, batch}, &statuses[0]);
  other.join();
  int64_t created = 0;
  for (int s = 0; s < 2; ++s) {
    ASSERT_TRUE(statuses[s].ok()) << statuses[s].error_message();
    // Each row of each stream was created, updated, or lost the race (ALREADY_EXISTS).
    EXPECT_EQ(responses[s].created_count() + responses[s].updated_count() + responses[s].error_count(), 600);
    for (const v1::ImportRowError& error : responses[s].errors()) {
      EXPECT_EQ(error.code(), static_cast<int>(grpc::StatusCode::ALREADY_EXISTS)) << error.message();
    }
    created += responses[s].created_count();
  }
  EXPECT_EQ(created, 300);
  EXPECT_EQ(CountRows("contacts", tenant_.id), 300);
  EXPECT_EQ(CountRows("contact_identities", tenant_.id), 300);
}

}  // namespace
}  // namespace crm::testing
