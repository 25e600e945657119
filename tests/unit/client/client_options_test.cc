// crm::ClientOptions::FromEnvironment, the option checks of crm::Client::Create and
// crm::NewRequestId.
#include <cstdlib>
#include <fstream>
#include <map>
#include <optional>
#include <regex>
#include <set>
#include <string>

#include <gtest/gtest.h>

#include "absl/status/status.h"
#include "crm/client/client.h"
#include "crm/client/client_options.h"
#include "tests/unit/client/temp_dir.h"

namespace crm {
namespace {

constexpr const char* kVariables[] = {"CRM_ADDR", "CRM_API_KEY",     "CRM_API_KEY_FILE",
                                      "CRM_TLS",  "CRM_TLS_CA_FILE", "CRM_TLS_SERVER_NAME"};

// Clears the CRM_* variables for the test and puts the caller's values back after.
class FromEnvironmentTest : public ::testing::Test {
 protected:
  void SetUp() override {
    for (const char* name : kVariables) {
      const char* value = std::getenv(name);
      saved_[name] = value == nullptr ? std::nullopt : std::optional<std::string>(value);
      unsetenv(name);
    }
  }
  void TearDown() override {
    for (const auto& [name, value] : saved_) {
      if (value.has_value()) {
        setenv(name.c_str(), value->c_str(), 1);
      } else {
        unsetenv(name.c_str());
      }
    }
  }

  std::map<std::string, std::optional<std::string>> saved_;
  client_test::TempDir temp_dir_;
};

TEST_F(FromEnvironmentTest, NothingSetKeepsTheDefaults) {
  absl::StatusOr<ClientOptions> options = ClientOptions::FromEnvironment();
  ASSERT_TRUE(options.ok()) << options.status();
  EXPECT_EQ(options->address, ClientOptions().address);
  EXPECT_EQ(options->api_key, "");
  EXPECT_FALSE(options->tls.enabled);
}

TEST_F(FromEnvironmentTest, ReadsAddressAndKey) {
  setenv("CRM_ADDR", "crm.example.com:443", 1);
  setenv("CRM_API_KEY", " crm_abc_def\n", 1);
  absl::StatusOr<ClientOptions> options = ClientOptions::FromEnvironment();
  ASSERT_TRUE(options.ok()) << options.status();
  EXPECT_EQ(options->address, "crm.example.com:443");
  EXPECT_EQ(options->api_key, "crm_abc_def");
}

TEST_F(FromEnvironmentTest, ReadsTheFirstLineOfTheKeyFile) {
  const std::string key_file = temp_dir_.Write("tenant.key", "crm_from_file  \nsecond line\n");
  setenv("CRM_API_KEY_FILE", key_file.c_str(), 1);
  absl::StatusOr<ClientOptions> options = ClientOptions::FromEnvironment();
  ASSERT_TRUE(options.ok()) << options.status();
  EXPECT_EQ(options->api_key, "crm_from_file");
}

TEST_F(FromEnvironmentTest, TheKeyVariableWinsOverTheKeyFile) {
  const std::string key_file = temp_dir_.Write("tenant.key", "crm_from_file\n");
  setenv("CRM_API_KEY_FILE", key_file.c_str(), 1);
  setenv("CRM_API_KEY", "crm_from_variable", 1);
  absl::StatusOr<ClientOptions> options = ClientOptions::FromEnvironment();
  ASSERT_TRUE(options.ok()) << options.status();
  EXPECT_EQ(options->api_key, "crm_from_variable");
}

TEST_F(FromEnvironmentTest, MissingKeyFileIsNotFound) {
  setenv("CRM_API_KEY_FILE", (temp_dir_.path() + "/absent.key").c_str(), 1);
  absl::StatusOr<ClientOptions> options = ClientOptions::FromEnvironment();
  EXPECT_EQ(options.status().code(), absl::StatusCode::kNotFound);
  EXPECT_NE(options.status().message().find("CRM_API_KEY_FILE"), std::string::npos);
}

TEST_F(FromEnvironmentTest, CaFileTurnsOnTlsWithThoseRoots) {
  const std::string ca_file = temp_dir_.Write("ca.pem", "-----BEGIN CERTIFICATE-----\n");
  setenv("CRM_TLS_CA_FILE", ca_file.c_str(), 1);
  setenv("CRM_TLS_SERVER_NAME", "localhost", 1);
  absl::StatusOr<ClientOptions> options = ClientOptions::FromEnvironment();
  ASSERT_TRUE(options.ok()) << options.status();
  EXPECT_TRUE(options->tls.enabled);
  EXPECT_EQ(options->tls.root_certs_pem, "-----BEGIN CERTIFICATE-----\n");
  EXPECT_EQ(options->tls.server_name_override, "localhost");
}

TEST_F(FromEnvironmentTest, TlsOneUsesTheSystemRoots) {
  setenv("CRM_TLS", "1", 1);
  absl::StatusOr<ClientOptions> options = ClientOptions::FromEnvironment();
  ASSERT_TRUE(options.ok()) << options.status();
  EXPECT_TRUE(options->tls.enabled);
  EXPECT_EQ(options->tls.root_certs_pem, "");
}

absl::StatusCode CreateCode(const ClientOptions& options) {
  return Client::Create(options).status().code();
}

TEST(ClientCreateTest, AcceptsTheDefaults) {
  EXPECT_EQ(CreateCode(ClientOptions()), absl::StatusCode::kOk);
}

TEST(ClientCreateTest, RejectsAnEmptyAddress) {
  ClientOptions options;
  options.address = "";
  EXPECT_EQ(CreateCode(options), absl::StatusCode::kInvalidArgument);
}

TEST(ClientCreateTest, RejectsACertificateWithoutItsKey) {
  ClientOptions options;
  options.tls.enabled = true;
  options.tls.client_cert_pem = "-----BEGIN CERTIFICATE-----";
  EXPECT_EQ(CreateCode(options), absl::StatusCode::kInvalidArgument);
  options.tls.client_cert_pem = "";
  options.tls.client_key_pem = "-----BEGIN PRIVATE KEY-----";
  EXPECT_EQ(CreateCode(options), absl::StatusCode::kInvalidArgument);
}

TEST(ClientCreateTest, RejectsZeroAttempts) {
  ClientOptions options;
  options.max_attempts = 0;
  EXPECT_EQ(CreateCode(options), absl::StatusCode::kInvalidArgument);
}

TEST(ClientCreateTest, RejectsNonPositiveTimeoutsAndBackoffs) {
  ClientOptions zero_timeout;
  zero_timeout.default_timeout = std::chrono::milliseconds(0);
  EXPECT_EQ(CreateCode(zero_timeout), absl::StatusCode::kInvalidArgument);
  ClientOptions inverted_backoff;
  inverted_backoff.initial_backoff = std::chrono::milliseconds(500);
  inverted_backoff.max_backoff = std::chrono::milliseconds(100);
  EXPECT_EQ(CreateCode(inverted_backoff), absl::StatusCode::kInvalidArgument);
}

TEST(ClientCreateTest, RejectsTlsSettingsWithTlsOff) {
  ClientOptions options;
  options.tls.root_certs_pem = "-----BEGIN CERTIFICATE-----";
  EXPECT_EQ(CreateCode(options), absl::StatusCode::kInvalidArgument);
}

TEST(NewRequestIdTest, IsARandomUuidVersion4) {
  const std::regex uuid_v4("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");
  std::set<std::string> seen;
  for (int i = 0; i < 1000; ++i) {
    const std::string id = NewRequestId();
    ASSERT_TRUE(std::regex_match(id, uuid_v4)) << id;
    seen.insert(id);
  }
  EXPECT_EQ(seen.size(), 1000u);
}

}  // namespace
}  // namespace crm
