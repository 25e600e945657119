#include "clients/crmctl/import_contact_row.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <google/protobuf/util/message_differencer.h>

#include <sstream>

#include "clients/crmctl/csv_reader.h"
#include "clients/crmctl/csv_writer.h"
#include "clients/crmctl/export_contact_row.h"

namespace crm::crmctl {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Pair;
using ::testing::UnorderedElementsAre;

ContactRowMapper MapperFor(const std::vector<std::string>& header) {
  absl::StatusOr<ContactRowMapper> mapper = ContactRowMapper::FromHeader(header);
  EXPECT_TRUE(mapper.ok()) << mapper.status();
  return *std::move(mapper);
}

TEST(ContactLayoutTest, AcceptsKnownColumnsInAnyOrderAndCase) {
  const ContactRowMapper mapper = MapperFor({"Given_Name", " EXTERNAL_ID ", "attr.FavLine", "tags"});
  const ImportLayout& layout = mapper.layout();
  ASSERT_EQ(layout.size(), 4u);
  EXPECT_EQ(layout.name(0), "given_name");
  EXPECT_EQ(layout.name(1), "external_id");
  EXPECT_EQ(layout.id(2), kContactAttribute);
  EXPECT_EQ(layout.key(2), "FavLine");  // attribute keys keep their case
  EXPECT_EQ(layout.name(2), "attr.FavLine");
}

TEST(ContactLayoutTest, UnknownColumnsAreNamed) {
  const absl::StatusOr<ContactRowMapper> mapper =
      ContactRowMapper::FromHeader({"external_id", "e-mail", "given_name", "nickname"});
  ASSERT_FALSE(mapper.ok());
  EXPECT_EQ(mapper.status().code(), absl::StatusCode::kInvalidArgument);
  const std::string message(mapper.status().message());
  EXPECT_THAT(message, HasSubstr("unknown column \"e-mail\" (column 2)"));
  EXPECT_THAT(message, HasSubstr("unknown column \"nickname\" (column 4)"));
  EXPECT_THAT(message, HasSubstr("The columns are: external_id, given_name"));
  EXPECT_THAT(message, HasSubstr("attr.<key>"));
}

TEST(ContactLayoutTest, RepeatedNamelessAndMissingKeyColumnsAreErrors) {
  EXPECT_THAT(std::string(ContactRowMapper::FromHeader({"external_id", "emails", "Emails"})
                              .status()
                              .message()),
              HasSubstr("\"Emails\" (column 3) repeats column 2"));
  EXPECT_THAT(std::string(ContactRowMapper::FromHeader({"external_id", ""}).status().message()),
              HasSubstr("column 2 has no name"));
  EXPECT_THAT(std::string(ContactRowMapper::FromHeader({"external_id", "attr."}).status().message()),
              HasSubstr("unknown column \"attr.\""));
  EXPECT_THAT(
      std::string(ContactRowMapper::FromHeader({"attr.a", "attr.a"}).status().message()),
      HasSubstr("repeats"));
  const absl::StatusOr<ContactRowMapper> no_key = ContactRowMapper::FromHeader({"given_name"});
  ASSERT_FALSE(no_key.ok());
  EXPECT_THAT(std::string(no_key.status().message()), HasSubstr("no external_id column"));
}

TEST(ContactRowTest, MapsEveryColumn) {
  const ContactRowMapper mapper = MapperFor(
      {"external_id", "given_name", "family_name", "display_name", "emails", "phones", "birthday",
       "gender", "region", "city", "address", "account", "owner", "store_id", "source", "tags",
       "consent_email", "consent_email_time", "consent_sms", "attr.favourite_line", "attr.empty"});
  v1::Contact contact;
  RowProblem problem;
  ASSERT_TRUE(mapper.Map({"C-1", "Ann", "Lee", "Ann L.", "ann@x.com; ANN@work.org", "+33 1 23 45",
                          "1985-04-23", "female", "Île-de-France", "Paris", "1 rue A\nBât. B",
                          "accounts/0190aa", "rep7", "S01", "event", "vip;gold", "yes",
                          "2024-01-02T03:04:05Z", "OPTED_OUT", " anti-ageing ", ""},
                         &contact, &problem))
      << problem.column << ": " << problem.message;
  EXPECT_EQ(contact.external_id(), "C-1");
  EXPECT_EQ(contact.given_name(), "Ann");
  EXPECT_EQ(contact.family_name(), "Lee");
  EXPECT_EQ(contact.display_name(), "Ann L.");
  EXPECT_THAT(contact.emails(), ElementsAre("ann@x.com", "ANN@work.org"));
  EXPECT_THAT(contact.phones(), ElementsAre("+33 1 23 45"));  // the server normalises
  EXPECT_EQ(contact.birthday().year(), 1985);
  EXPECT_EQ(contact.gender(), v1::Contact::GENDER_FEMALE);
  EXPECT_EQ(contact.region(), "Île-de-France");
  EXPECT_EQ(contact.city(), "Paris");
  EXPECT_EQ(contact.address(), "1 rue A\nBât. B");
  EXPECT_EQ(contact.account(), "accounts/0190aa");
  EXPECT_EQ(contact.owner(), "rep7");
  EXPECT_EQ(contact.store_id(), "S01");
  EXPECT_EQ(contact.source(), "event");
  EXPECT_THAT(contact.tags(), ElementsAre("vip", "gold"));
  ASSERT_EQ(contact.consents_size(), 2);
  EXPECT_EQ(contact.consents(0).channel(), v1::CHANNEL_EMAIL);
  EXPECT_EQ(contact.consents(0).state(), v1::CONSENT_STATE_OPTED_IN);
  EXPECT_EQ(contact.consents(0).update_time().seconds(), 1704164645);
  EXPECT_EQ(contact.consents(1).channel(), v1::CHANNEL_SMS);
  EXPECT_EQ(contact.consents(1).state(), v1::CONSENT_STATE_OPTED_OUT);
  EXPECT_FALSE(contact.consents(1).has_update_time());  // the server stamps it
  EXPECT_THAT(contact.attributes(), UnorderedElementsAre(Pair("favourite_line", "anti-ageing")));
}

struct BadRow {
  std::vector<std::string> fields;
  std::string column;
  std::string message_part;
};

TEST(ContactRowTest, BadValuesNameTheirColumn) {
  const ContactRowMapper mapper = MapperFor({"external_id", "birthday", "gender", "consent_phone",
                                             "consent_phone_time", "consent_sms_time"});
  for (const BadRow& bad : std::vector<BadRow>{
           {{"", "", "", "", "", ""}, "external_id", "required"},
           {{"C", "23.04.1985", "", "", "", ""}, "birthday", "YYYY-MM-DD"},
           {{"C", "2023-02-29", "", "", "", ""}, "birthday", "not a day of the calendar"},
           {{"C", "", "woman", "", "", ""}, "gender", "not one of FEMALE, MALE, OTHER"},
           {{"C", "", "", "maybe", "", ""}, "consent_phone", "or yes / no"},
           {{"C", "", "", "yes", "last week", ""}, "consent_phone_time", "RFC 3339"},
           {{"C", "", "", "", "", "2024-01-01T00:00:00Z"}, "consent_sms_time",
            "without a consent state (set consent_sms)"},
           {{"C", "", ""}, "consent_phone", "the row has 3 fields, the header 6"},
           {{"C", "", "", "", "", "", "x"}, "7", "the row has 7 fields, the header 6"},
       }) {
    v1::Contact contact;
    RowProblem problem;
    EXPECT_FALSE(mapper.Map(bad.fields, &contact, &problem)) << bad.column;
    EXPECT_EQ(problem.column, bad.column);
    EXPECT_EQ(problem.code, absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(problem.message, HasSubstr(bad.message_part)) << bad.column;
  }
}

TEST(ContactRowTest, EmptyCellsLeaveFieldsUnset) {
  const ContactRowMapper mapper = MapperFor({"external_id", "emails", "gender", "attr.x", "tags"});
  v1::Contact contact;
  RowProblem problem;
  ASSERT_TRUE(mapper.Map({"C-9", " ", "", "", ";"}, &contact, &problem));
  v1::Contact expected;
  expected.set_external_id("C-9");
  EXPECT_TRUE(google::protobuf::util::MessageDifferencer::Equals(contact, expected))
      << contact.DebugString();
}

TEST(ContactRowTest, ServerFieldPathsMapToColumns) {
  const ContactRowMapper mapper = MapperFor({"external_id", "emails", "attr.tier"});
  EXPECT_EQ(mapper.ColumnForField("emails[1]"), "emails");
  EXPECT_EQ(mapper.ColumnForField("display_name"), "display_name");
  EXPECT_EQ(mapper.ColumnForField("attributes.tier"), "attr.tier");
  EXPECT_EQ(mapper.ColumnForField("consents[0].update_time"), "consents[0].update_time");
}

v1::Contact FullContact() {
  v1::Contact contact;
  contact.set_name("contacts/0190f1");  // output only: not in the CSV
  contact.set_external_id("EXT-1");
  contact.set_given_name("Zoë");
  contact.set_family_name("O'Neil, Jr.");
  contact.set_display_name("Zoë \"Z\" O'Neil");
  contact.add_emails("zoe@example.com");
  contact.add_emails("z.oneil@work.example");
  contact.add_phones("+8613812345678");
  contact.mutable_birthday()->set_year(1990);
  contact.mutable_birthday()->set_month(12);
  contact.mutable_birthday()->set_day(31);
  contact.set_gender(v1::Contact::GENDER_OTHER);
  contact.set_region("East");
  contact.set_city("Shanghai");
  contact.set_address("Line 1\nLine 2, \"Court\"");
  contact.set_account("accounts/0190ab");
  contact.set_owner("rep-3");
  contact.set_store_id("S-07");
  contact.set_source("exhibition");
  contact.add_tags("vip");
  contact.add_tags("tier:gold");
  v1::ChannelConsent* email = contact.add_consents();
  email->set_channel(v1::CHANNEL_EMAIL);
  email->set_state(v1::CONSENT_STATE_OPTED_IN);
  email->mutable_update_time()->set_seconds(1700000000);
  email->mutable_update_time()->set_nanos(123000000);
  v1::ChannelConsent* mail = contact.add_consents();
  mail->set_channel(v1::CHANNEL_DIRECT_MAIL);
  mail->set_state(v1::CONSENT_STATE_UNKNOWN);
  mail->mutable_update_time()->set_seconds(1600000000);
  (*contact.mutable_attributes())["favourite_line"] = "anti-ageing, night";
  (*contact.mutable_attributes())["Size"] = "M";
  contact.set_lifecycle_stage(v1::LIFECYCLE_STAGE_GROWTH);  // output only
  contact.set_etag("abc");                                   // output only
  return contact;
}

TEST(ContactRoundTripTest, AnExportedRowImportsBackToTheSameWritableFields) {
  const v1::Contact original = FullContact();
  v1::Contact sparse;
  sparse.set_external_id("EXT-2");
  sparse.set_display_name("Only a name");
  const std::vector<std::string> keys = {"Size", "favourite_line"};
  std::ostringstream file;
  CsvWriter writer(file);
  writer.WriteRecord(ContactCsvHeader(keys));
  writer.WriteRecord(ContactCsvFields(original, keys));
  writer.WriteRecord(ContactCsvFields(sparse, keys));

  std::istringstream input(file.str());
  CsvReader reader(input);
  CsvRecord header;
  ASSERT_TRUE(reader.Next(&header));
  const ContactRowMapper mapper = MapperFor(header.fields);
  std::vector<v1::Contact> imported;
  CsvRecord record;
  while (reader.Next(&record)) {
    ASSERT_FALSE(record.error.has_value()) << record.error->message;
    v1::Contact contact;
    RowProblem problem;
    ASSERT_TRUE(mapper.Map(record.fields, &contact, &problem)) << problem.message;
    imported.push_back(contact);
  }
  ASSERT_EQ(imported.size(), 2u);

  v1::Contact writable = original;
  writable.clear_name();
  writable.clear_lifecycle_stage();
  writable.clear_etag();
  EXPECT_TRUE(google::protobuf::util::MessageDifferencer::Equals(imported[0], writable))
      << "imported:\n" << imported[0].DebugString() << "\nwanted:\n" << writable.DebugString();
  EXPECT_TRUE(google::protobuf::util::MessageDifferencer::Equals(imported[1], sparse))
      << imported[1].DebugString();
}

TEST(ContactRoundTripTest, TheExportHeaderIsTheImportColumns) {
  const std::vector<std::string> header = ContactCsvHeader({"k"});
  ASSERT_EQ(header.size(), ContactColumns().size() + 1);
  EXPECT_EQ(header.front(), "external_id");
  EXPECT_EQ(header.back(), "attr.k");
  EXPECT_TRUE(ContactRowMapper::FromHeader(header).ok());
}

}  // namespace
}  // namespace crm::crmctl
