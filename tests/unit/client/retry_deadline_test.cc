// The service config at work against an in-process server: UNAVAILABLE is retried
// for reads and request-id creates only, and unary calls get the default deadline.
#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <grpcpp/client_context.h>
#include <grpcpp/security/server_credentials.h>
#include <gtest/gtest.h>

#include "crm/client/client.h"
#include "crm/v1/contact.pb.h"
#include "tests/unit/client/fake_contact_service.h"

namespace crm {
namespace {

using client_test::FakeContactService;
using client_test::ReceivedCall;
using client_test::TestServer;

class RetryDeadlineTest : public ::testing::Test {
 protected:
  void SetUp() override {
    server_ = TestServer::Start(&service_, grpc::InsecureServerCredentials());
    ASSERT_NE(server_, nullptr);
  }

  std::unique_ptr<Client> NewClient(ClientOptions options) {
    options.address = server_->address();
    options.api_key = "crm_key1_secret";
    absl::StatusOr<std::unique_ptr<Client>> client = Client::Create(options);
    EXPECT_TRUE(client.ok()) << client.status();
    return client.ok() ? *std::move(client) : nullptr;
  }

  // Fast backoff so that retries do not slow the test down.
  static ClientOptions FastRetries() {
    ClientOptions options;
    options.initial_backoff = std::chrono::milliseconds(10);
    options.max_backoff = std::chrono::milliseconds(20);
    return options;
  }

  grpc::Status GetContact(Client& client, grpc::ClientContext& context) {
    crm::v1::GetContactRequest request;
    request.set_name("contacts/1");
    crm::v1::Contact contact;
    return client.contacts().GetContact(&context, request, &contact);
  }

  FakeContactService service_;
  std::unique_ptr<TestServer> server_;
};

TEST_F(RetryDeadlineTest, ReadIsRetriedAfterUnavailable) {
  std::unique_ptr<Client> client = NewClient(FastRetries());
  ASSERT_NE(client, nullptr);
  service_.FailNextAttempts("GetContact", 1);
  grpc::ClientContext context;
  grpc::Status status = GetContact(*client, context);
  EXPECT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(service_.AttemptCount("GetContact"), 2);
}

TEST_F(RetryDeadlineTest, RetriesStopAtMaxAttempts) {
  ClientOptions options = FastRetries();
  options.max_attempts = 3;
  std::unique_ptr<Client> client = NewClient(options);
  ASSERT_NE(client, nullptr);
  service_.FailNextAttempts("GetContact", 10);
  grpc::ClientContext context;
  EXPECT_EQ(GetContact(*client, context).error_code(), grpc::StatusCode::UNAVAILABLE);
  EXPECT_EQ(service_.AttemptCount("GetContact"), 3);
}

TEST_F(RetryDeadlineTest, OneAttemptMeansNoRetry) {
  ClientOptions options = FastRetries();
  options.max_attempts = 1;
  std::unique_ptr<Client> client = NewClient(options);
  ASSERT_NE(client, nullptr);
  service_.FailNextAttempts("GetContact", 1);
  grpc::ClientContext context;
  EXPECT_EQ(GetContact(*client, context).error_code(), grpc::StatusCode::UNAVAILABLE);
  EXPECT_EQ(service_.AttemptCount("GetContact"), 1);
}

TEST_F(RetryDeadlineTest, CreateIsRetriedWithTheSameRequestId) {
  std::unique_ptr<Client> client = NewClient(FastRetries());
  ASSERT_NE(client, nullptr);
  service_.FailNextAttempts("CreateContact", 1);
  crm::v1::CreateContactRequest request;  // request_id left empty: the library fills it
  request.mutable_contact()->set_given_name("Ada");
  crm::v1::Contact contact;
  grpc::ClientContext context;
  grpc::Status status = client->contacts().CreateContact(&context, request, &contact);
  EXPECT_TRUE(status.ok()) << status.error_message();
  std::vector<ReceivedCall> calls = service_.ReceivedCalls();
  ASSERT_EQ(calls.size(), 2u);
  EXPECT_FALSE(calls[0].request_id.empty());
  EXPECT_EQ(calls[0].request_id, calls[1].request_id);
  // Every attempt is authorised, not only the first.
  EXPECT_EQ(calls[1].authorization, std::vector<std::string>{"Bearer crm_key1_secret"});
}

TEST_F(RetryDeadlineTest, UpdateIsNotRetried) {
  std::unique_ptr<Client> client = NewClient(FastRetries());
  ASSERT_NE(client, nullptr);
  service_.FailNextAttempts("UpdateContact", 1);
  crm::v1::UpdateContactRequest request;
  request.mutable_contact()->set_name("contacts/1");
  crm::v1::Contact contact;
  grpc::ClientContext context;
  EXPECT_EQ(client->contacts().UpdateContact(&context, request, &contact).error_code(),
            grpc::StatusCode::UNAVAILABLE);
  EXPECT_EQ(service_.AttemptCount("UpdateContact"), 1);
}

// How long a GetContact that the server never answers in time takes to fail.
std::chrono::milliseconds TimeToFail(const std::function<grpc::Status()>& call,
                                     grpc::StatusCode* code) {
  const auto start = std::chrono::steady_clock::now();
  *code = call().error_code();
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() -
                                                               start);
}

// The deadline a call gets from default_timeout: not shorter, and less than 1 s
// longer (client_internal::kServiceConfigTimeoutSkew); the rest is scheduling slack.
constexpr std::chrono::milliseconds kDefaultTimeout{300};
constexpr std::chrono::milliseconds kLatestFailure =
    kDefaultTimeout + std::chrono::milliseconds(1600);

TEST_F(RetryDeadlineTest, DefaultDeadlineAppliesWhenTheCallerSetsNone) {
  ClientOptions options;
  options.default_timeout = kDefaultTimeout;
  std::unique_ptr<Client> client = NewClient(options);
  ASSERT_NE(client, nullptr);
  service_.SetGetContactDelay(std::chrono::seconds(10));
  grpc::StatusCode code;
  const std::chrono::milliseconds elapsed = TimeToFail(
      [&] {
        grpc::ClientContext context;
        return GetContact(*client, context);
      },
      &code);
  EXPECT_EQ(code, grpc::StatusCode::DEADLINE_EXCEEDED);
  EXPECT_GE(elapsed, kDefaultTimeout);
  EXPECT_LT(elapsed, kLatestFailure);
  // The call reached the server: the deadline did not expire before it was sent.
  EXPECT_EQ(service_.AttemptCount("GetContact"), 1);
}

TEST_F(RetryDeadlineTest, AShorterCallerDeadlineWins) {
  ClientOptions options;
  options.default_timeout = std::chrono::seconds(20);
  std::unique_ptr<Client> client = NewClient(options);
  ASSERT_NE(client, nullptr);
  service_.SetGetContactDelay(std::chrono::seconds(10));
  grpc::StatusCode code;
  const std::chrono::milliseconds elapsed = TimeToFail(
      [&] {
        grpc::ClientContext context;
        context.set_deadline(std::chrono::system_clock::now() + kDefaultTimeout);
        return GetContact(*client, context);
      },
      &code);
  EXPECT_EQ(code, grpc::StatusCode::DEADLINE_EXCEEDED);
  EXPECT_GE(elapsed, kDefaultTimeout);
  EXPECT_LT(elapsed, kDefaultTimeout + std::chrono::milliseconds(600));
}

// gRPC applies the smaller of the call's deadline and the configured timeout, so
// default_timeout bounds every unary call; long calls need a larger default_timeout.
TEST_F(RetryDeadlineTest, DefaultTimeoutAlsoBoundsALongerCallerDeadline) {
  ClientOptions options;
  options.default_timeout = kDefaultTimeout;
  std::unique_ptr<Client> client = NewClient(options);
  ASSERT_NE(client, nullptr);
  service_.SetGetContactDelay(std::chrono::seconds(10));
  grpc::StatusCode code;
  const std::chrono::milliseconds elapsed = TimeToFail(
      [&] {
        grpc::ClientContext context;
        context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(20));
        return GetContact(*client, context);
      },
      &code);
  EXPECT_EQ(code, grpc::StatusCode::DEADLINE_EXCEEDED);
  EXPECT_GE(elapsed, kDefaultTimeout);
  EXPECT_LT(elapsed, kLatestFailure);
}

TEST_F(RetryDeadlineTest, AFastCallWithinTheDefaultDeadlineSucceeds) {
  ClientOptions options;
  options.default_timeout = std::chrono::seconds(5);
  std::unique_ptr<Client> client = NewClient(options);
  ASSERT_NE(client, nullptr);
  service_.SetGetContactDelay(std::chrono::milliseconds(100));
  grpc::ClientContext context;
  grpc::Status status = GetContact(*client, context);
  EXPECT_TRUE(status.ok()) << status.error_message();
}

}  // namespace
}  // namespace crm
