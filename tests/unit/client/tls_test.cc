// TLS between crm::Client and a server with a certificate made for "localhost" at
// test time (openssl CLI): verified against the given roots with the name override,
// refused in plaintext and without the override.
#include <cstdlib>
#include <memory>
#include <string>

#include <grpcpp/client_context.h>
#include <grpcpp/security/server_credentials.h>
#include <gtest/gtest.h>

#include "absl/strings/str_cat.h"
#include "crm/client/client.h"
#include "crm/v1/contact.pb.h"
#include "tests/unit/client/fake_contact_service.h"
#include "tests/unit/client/temp_dir.h"

namespace crm {
namespace {

using client_test::FakeContactService;
using client_test::TempDir;
using client_test::TestServer;

class TlsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const std::string command = absl::StrCat(
        "openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=localhost"
        " -addext subjectAltName=DNS:localhost -keyout ",
        temp_dir_.path(), "/key.pem -out ", temp_dir_.path(), "/cert.pem 2>", temp_dir_.path(),
        "/openssl.log");
    ASSERT_EQ(std::system(command.c_str()), 0) << temp_dir_.Read("openssl.log");
    certificate_pem_ = temp_dir_.Read("cert.pem");
    ASSERT_FALSE(certificate_pem_.empty());

    grpc::SslServerCredentialsOptions ssl;
    ssl.pem_key_cert_pairs.push_back({temp_dir_.Read("key.pem"), certificate_pem_});
    server_ = TestServer::Start(&service_, grpc::SslServerCredentials(ssl));
    ASSERT_NE(server_, nullptr);
  }

  ClientOptions BaseOptions() const {
    ClientOptions options;
    options.address = server_->address();  // 127.0.0.1:<port>, not the certificate's name
    options.api_key = "crm_key1_secret";
    options.max_attempts = 1;
    return options;
  }

  grpc::Status GetContact(const ClientOptions& options) {
    absl::StatusOr<std::unique_ptr<Client>> client = Client::Create(options);
    if (!client.ok()) return grpc::Status(grpc::StatusCode::INTERNAL, client.status().ToString());
    crm::v1::GetContactRequest request;
    request.set_name("contacts/1");
    crm::v1::Contact contact;
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
    return (*client)->contacts().GetContact(&context, request, &contact);
  }

  TempDir temp_dir_;
  std::string certificate_pem_;
  FakeContactService service_;
  std::unique_ptr<TestServer> server_;
};

TEST_F(TlsTest, VerifiesTheServerAgainstTheGivenRoots) {
  ClientOptions options = BaseOptions();
  options.tls.enabled = true;
  options.tls.root_certs_pem = certificate_pem_;
  options.tls.server_name_override = "localhost";
  grpc::Status status = GetContact(options);
  EXPECT_TRUE(status.ok()) << status.error_code() << ": " << status.error_message();
  EXPECT_EQ(service_.AttemptCount("GetContact"), 1);
}

TEST_F(TlsTest, PlaintextToATlsServerIsUnavailable) {
  EXPECT_EQ(GetContact(BaseOptions()).error_code(), grpc::StatusCode::UNAVAILABLE);
  EXPECT_EQ(service_.AttemptCount("GetContact"), 0);
}

TEST_F(TlsTest, ANameTheCertificateDoesNotCoverIsRefused) {
  ClientOptions options = BaseOptions();
  options.tls.enabled = true;
  options.tls.root_certs_pem = certificate_pem_;  // trusted, but issued for localhost only
  EXPECT_EQ(GetContact(options).error_code(), grpc::StatusCode::UNAVAILABLE);
  EXPECT_EQ(service_.AttemptCount("GetContact"), 0);
}

}  // namespace
}  // namespace crm
