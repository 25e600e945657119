// What every call of a crm::Client carries, seen by an in-process server: the API
// key as `authorization: Bearer <key>` and a request_id on creates.
#include "clients/cpp/src/call_interceptor.h"

#include <memory>
#include <regex>
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

const std::regex kUuidV4("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");

class CallInterceptorTest : public ::testing::Test {
 protected:
  void SetUp() override {
    server_ = TestServer::Start(&service_, grpc::InsecureServerCredentials());
    ASSERT_NE(server_, nullptr);
  }

  std::unique_ptr<Client> NewClient(const std::string& api_key) {
    ClientOptions options;
    options.address = server_->address();
    options.api_key = api_key;
    absl::StatusOr<std::unique_ptr<Client>> client = Client::Create(options);
    EXPECT_TRUE(client.ok()) << client.status();
    return client.ok() ? *std::move(client) : nullptr;
  }

  ReceivedCall OnlyCall() {
    std::vector<ReceivedCall> calls = service_.ReceivedCalls();
    EXPECT_EQ(calls.size(), 1u);
    return calls.empty() ? ReceivedCall{} : calls.front();
  }

  FakeContactService service_;
  std::unique_ptr<TestServer> server_;
};

TEST_F(CallInterceptorTest, SendsTheKeyAsBearerToken) {
  std::unique_ptr<Client> client = NewClient("crm_key1_secret");
  ASSERT_NE(client, nullptr);
  crm::v1::GetContactRequest request;
  request.set_name("contacts/1");
  crm::v1::Contact contact;
  grpc::ClientContext context;
  ASSERT_TRUE(client->contacts().GetContact(&context, request, &contact).ok());
  EXPECT_EQ(OnlyCall().authorization, std::vector<std::string>{"Bearer crm_key1_secret"});
}

TEST_F(CallInterceptorTest, KeepsAnAuthorizationTheCallerSet) {
  std::unique_ptr<Client> client = NewClient("crm_key1_secret");
  ASSERT_NE(client, nullptr);
  crm::v1::GetContactRequest request;
  crm::v1::Contact contact;
  grpc::ClientContext context;
  context.AddMetadata("authorization", "Bearer crm_other_key");
  ASSERT_TRUE(client->contacts().GetContact(&context, request, &contact).ok());
  EXPECT_EQ(OnlyCall().authorization, std::vector<std::string>{"Bearer crm_other_key"});
}

TEST_F(CallInterceptorTest, SendsNoAuthorizationWithoutAKey) {
  std::unique_ptr<Client> client = NewClient("");
  ASSERT_NE(client, nullptr);
  crm::v1::GetContactRequest request;
  crm::v1::Contact contact;
  grpc::ClientContext context;
  ASSERT_TRUE(client->contacts().GetContact(&context, request, &contact).ok());
  EXPECT_TRUE(OnlyCall().authorization.empty());
}

TEST_F(CallInterceptorTest, FillsAnEmptyRequestIdOnCreate) {
  std::unique_ptr<Client> client = NewClient("crm_key1_secret");
  ASSERT_NE(client, nullptr);
  crm::v1::CreateContactRequest request;
  request.mutable_contact()->set_given_name("Ada");
  crm::v1::Contact contact;
  grpc::ClientContext context;
  ASSERT_TRUE(client->contacts().CreateContact(&context, request, &contact).ok());
  const ReceivedCall call = OnlyCall();
  EXPECT_TRUE(std::regex_match(call.request_id, kUuidV4)) << call.request_id;
  // The rest of the request arrives unchanged.
  EXPECT_EQ(contact.given_name(), "Ada");
}

TEST_F(CallInterceptorTest, KeepsARequestIdTheCallerSet) {
  std::unique_ptr<Client> client = NewClient("crm_key1_secret");
  ASSERT_NE(client, nullptr);
  crm::v1::CreateContactRequest request;
  request.mutable_contact()->set_given_name("Ada");
  request.set_request_id("partner-request-17");
  crm::v1::Contact contact;
  grpc::ClientContext context;
  ASSERT_TRUE(client->contacts().CreateContact(&context, request, &contact).ok());
  EXPECT_EQ(OnlyCall().request_id, "partner-request-17");
}

TEST_F(CallInterceptorTest, EachCreateGetsItsOwnRequestId) {
  std::unique_ptr<Client> client = NewClient("crm_key1_secret");
  ASSERT_NE(client, nullptr);
  for (int i = 0; i < 2; ++i) {
    crm::v1::CreateContactRequest request;
    crm::v1::Contact contact;
    grpc::ClientContext context;
    ASSERT_TRUE(client->contacts().CreateContact(&context, request, &contact).ok());
  }
  std::vector<ReceivedCall> calls = service_.ReceivedCalls();
  ASSERT_EQ(calls.size(), 2u);
  EXPECT_NE(calls[0].request_id, calls[1].request_id);
}

TEST(FillMissingRequestIdTest, SetsAUuidAndKeepsTheOtherFields) {
  crm::v1::CreateContactRequest request;
  request.mutable_contact()->set_display_name("Grace Hopper");
  std::string serialized = request.SerializeAsString();
  ASSERT_TRUE(
      client_internal::FillMissingRequestId("/crm.v1.ContactService/CreateContact", serialized));
  crm::v1::CreateContactRequest filled;
  ASSERT_TRUE(filled.ParseFromString(serialized));
  EXPECT_TRUE(std::regex_match(filled.request_id(), kUuidV4)) << filled.request_id();
  EXPECT_EQ(filled.contact().display_name(), "Grace Hopper");
}

TEST(FillMissingRequestIdTest, LeavesOtherRequestsAlone) {
  crm::v1::CreateContactRequest with_id;
  with_id.set_request_id("given");
  std::string serialized = with_id.SerializeAsString();
  EXPECT_FALSE(
      client_internal::FillMissingRequestId("/crm.v1.ContactService/CreateContact", serialized));
  EXPECT_EQ(serialized, with_id.SerializeAsString());

  crm::v1::GetContactRequest read;
  read.set_name("contacts/1");
  serialized = read.SerializeAsString();
  EXPECT_FALSE(
      client_internal::FillMissingRequestId("/crm.v1.ContactService/GetContact", serialized));
  EXPECT_FALSE(client_internal::FillMissingRequestId("/grpc.health.v1.Health/Check", serialized));
  EXPECT_FALSE(client_internal::FillMissingRequestId("not a path", serialized));
  EXPECT_EQ(serialized, read.SerializeAsString());
}

}  // namespace
}  // namespace crm
