#include "server/rpc/list_request.h"

#include <gtest/gtest.h>

#include "server/filter_catalogs.h"
#include "server/validation/field_mask.h"
#include "server/validation/resource_name.h"
#include "server/validation/resource_rules.h"

namespace crm::server {
namespace {

const PageTokenCodec& Codec() {
  static const PageTokenCodec codec("0123456789abcdef0123456789abcdef");
  return codec;
}

absl::StatusOr<ListRequest> Parse(int page_size, std::string order_by, std::string filter = "",
                                  std::string token = "") {
  return ListRequest::Parse("m", "tenant", {page_size, token, filter, order_by},
                            ContactFilterFields(), Codec());
}

TEST(ListRequestTest, DefaultsAndOrderBy) {
  absl::StatusOr<ListRequest> request = Parse(0, "");
  ASSERT_TRUE(request.ok());
  EXPECT_EQ(request->query().page_size, kDefaultPageSize);
  EXPECT_EQ(request->query().sort_key, storage::SortKey::kCreateTime);
  request = Parse(1000, "  display_name   desc ");
  ASSERT_TRUE(request.ok());
  EXPECT_EQ(request->query().sort_key, storage::SortKey::kDisplayName);
  EXPECT_TRUE(request->query().descending);
  request = Parse(5, "update_time asc");
  ASSERT_TRUE(request.ok());
  EXPECT_FALSE(request->query().descending);
  for (const char* bad : {"emails", "display_name sideways", "create_time desc extra", "1"}) {
    EXPECT_EQ(Parse(5, bad).status().code(), absl::StatusCode::kInvalidArgument) << bad;
  }
  EXPECT_EQ(Parse(1001, "").status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(ListRequestTest, TokenBindsFilterAndOrderButNotPageSize) {
  absl::StatusOr<ListRequest> first = Parse(2, "display_name", "region = \"x\"");
  ASSERT_TRUE(first.ok());
  const std::string token = first->NextPageToken(storage::ListCursor{"Bob", "id1"});
  EXPECT_TRUE(Parse(7, "display_name", "region = \"x\"", token).ok());
  EXPECT_FALSE(Parse(2, "display_name desc", "region = \"x\"", token).ok());
  EXPECT_FALSE(Parse(2, "display_name", "region = \"y\"", token).ok());
  EXPECT_EQ(first->NextPageToken(std::nullopt), "");
}

TEST(ResourceNameTest, ParsesOnlyWellFormedNames) {
  EXPECT_TRUE(ParseResourceId("name", "contacts/01jbq0x4w2y5k3m8n9p7r6s5t4", "contacts").ok());
  for (const char* bad : {"", "contacts/", "contacts/x", "accounts/01jbq0x4w2y5k3m8n9p7r6s5t4",
                          "contacts/01JBQ0X4W2Y5K3M8N9P7R6S5T4", "contacts/01jbq0x4w2y5k3m8n9p7r6s5t4/x"}) {
    EXPECT_EQ(ParseResourceId("name", bad, "contacts").status().code(),
              absl::StatusCode::kInvalidArgument)
        << bad;
  }
  auto key = ParseApiKeyName("name", "tenants/acme/apiKeys/abc123");
  ASSERT_TRUE(key.ok());
  EXPECT_EQ(key->first, "acme");
  EXPECT_EQ(key->second, "abc123");
}

TEST(FieldMaskTest, CopiesOnlyMaskedWritableFields) {
  v1::Contact target, patch;
  target.set_given_name("Ada");
  target.add_tags("old");
  patch.set_given_name("Grace");
  patch.add_tags("new");
  patch.set_lifecycle_stage(v1::LIFECYCLE_STAGE_CHURNED);
  google::protobuf::FieldMask mask;
  mask.add_paths("tags");
  ASSERT_TRUE(ApplyUpdateMask(patch, mask, ContactWritablePaths(), &target).ok());
  EXPECT_EQ(target.given_name(), "Ada");
  ASSERT_EQ(target.tags_size(), 1);
  EXPECT_EQ(target.tags(0), "new");
  mask.add_paths("lifecycle_stage");
  EXPECT_EQ(ApplyUpdateMask(patch, mask, ContactWritablePaths(), &target).code(),
            absl::StatusCode::kInvalidArgument);
  mask.Clear();
  mask.add_paths("no_such_field");
  EXPECT_EQ(ApplyUpdateMask(patch, mask, ContactWritablePaths(), &target).code(),
            absl::StatusCode::kInvalidArgument);
  mask.Clear();  // empty mask: every writable field
  ASSERT_TRUE(ApplyUpdateMask(patch, mask, ContactWritablePaths(), &target).ok());
  EXPECT_EQ(target.given_name(), "Grace");
  EXPECT_EQ(target.lifecycle_stage(), v1::LIFECYCLE_STAGE_UNSPECIFIED);
}

}  // namespace
}  // namespace crm::server
