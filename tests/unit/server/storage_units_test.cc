#include <gtest/gtest.h>

#include <set>

#include "storage/ids.h"
#include "storage/list_query.h"
#include "storage/mysql_endpoint.h"
#include "storage/tenant_id.h"

namespace crm::storage {
namespace {

TEST(IdsTest, TimeOrderedUniqueAndRecognised) {
  std::set<std::string> ids;
  std::string previous;
  for (int i = 0; i < 2000; ++i) {
    std::string id = NewResourceId();
    EXPECT_TRUE(IsResourceId(id)) << id;
    // Ids made by one process are strictly increasing (monotonic within a ms).
    EXPECT_GT(id, previous);
    previous = id;
    ids.insert(id);
  }
  EXPECT_EQ(ids.size(), 2000u);
  EXPECT_FALSE(IsResourceId("01jbq0x4w2y5k3m8n9p7r6s5tu"));  // 'u' is not Crockford
  EXPECT_FALSE(IsResourceId("81jbq0x4w2y5k3m8n9p7r6s5t4"));  // > 128 bits
}

TEST(TenantIdTest, OnlyWellFormedIdsCanBeMade) {
  EXPECT_TRUE(TenantId::Make("acme-01").ok());
  for (const char* bad : {"", "ab", "1abc", "Acme", "acme_01", "acme 01", "a'; --"}) {
    EXPECT_FALSE(TenantId::Make(bad).ok()) << bad;
  }
}

TEST(MysqlEndpointTest, ParsesTcpAndUnixUrls) {
  absl::StatusOr<MysqlEndpoint> tcp = ParseMysqlUrl("tcp://db.internal:3307/crm_prod");
  ASSERT_TRUE(tcp.ok());
  EXPECT_EQ(tcp->host, "db.internal");
  EXPECT_EQ(tcp->port, 3307);
  EXPECT_EQ(tcp->database, "crm_prod");
  absl::StatusOr<MysqlEndpoint> unix_socket = ParseMysqlUrl("unix:///run/mysqld/mysqld.sock?database=x");
  ASSERT_TRUE(unix_socket.ok());
  EXPECT_EQ(unix_socket->unix_socket, "/run/mysqld/mysqld.sock");
  EXPECT_EQ(unix_socket->database, "x");
  for (const char* bad : {"", "mysql://h/db", "tcp://:3306/db", "tcp://h:99999/db", "tcp://h/db;drop",
                          "unix://relative.sock"}) {
    EXPECT_FALSE(ParseMysqlUrl(bad).ok()) << bad;
  }
}

TEST(ListQueryTest, KeysetStatementBindsTenantFilterCursorAndLimit) {
  ListTable table{"contacts", "contact_id", "contact_id, display_name"};
  ListQuery query;
  query.filter = SqlFragment{"region = ?", {std::string("North")}};
  query.sort_key = SortKey::kDisplayName;
  query.descending = true;
  query.after = ListCursor{"Bob", "id7"};
  query.page_size = 10;
  const SqlFragment sql = BuildListStatement(table, "acme", query);
  EXPECT_EQ(sql.sql,
            "SELECT contact_id, display_name FROM contacts WHERE tenant_id = ? AND (region = ?) "
            "AND (display_name < ? OR (display_name = ? AND contact_id < ?)) ORDER BY display_name "
            "DESC, contact_id DESC LIMIT ?");
  ASSERT_EQ(sql.params.size(), 6u);
  EXPECT_EQ(std::get<std::string>(sql.params[0]), "acme");
  EXPECT_EQ(std::get<int64_t>(sql.params[5]), 11);
}

}  // namespace
}  // namespace crm::storage
