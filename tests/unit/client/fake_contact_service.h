// An in-process stand-in for crm-server's ContactService that records what each
// call carried (authorization metadata, request_id) and can fail or stall on
// demand, so the client library's interceptor, retry policy and deadlines can be
// observed from the server side.
#ifndef CRM_TESTS_UNIT_CLIENT_FAKE_CONTACT_SERVICE_H_
#define CRM_TESTS_UNIT_CLIENT_FAKE_CONTACT_SERVICE_H_

#include <chrono>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <grpcpp/security/server_credentials.h>
#include <grpcpp/server.h>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "crm/v1/contact.grpc.pb.h"

namespace crm::client_test {

// One attempt as the server received it.
struct ReceivedCall {
  std::string method;  // "CreateContact"
  // Every `authorization` value of the call's metadata, in order.
  std::vector<std::string> authorization;
  std::string request_id;  // CreateContact only
};

class FakeContactService final : public crm::v1::ContactService::Service {
 public:
  // The next `count` attempts of `method` ("GetContact") answer UNAVAILABLE.
  void FailNextAttempts(const std::string& method, int count);
  // GetContact answers only after `delay` (or when the call is cancelled first).
  void SetGetContactDelay(std::chrono::milliseconds delay);

  std::vector<ReceivedCall> ReceivedCalls() const;
  int AttemptCount(const std::string& method) const;

  grpc::Status CreateContact(grpc::ServerContext* context,
                             const crm::v1::CreateContactRequest* request,
                             crm::v1::Contact* response) override;
  grpc::Status GetContact(grpc::ServerContext* context, const crm::v1::GetContactRequest* request,
                          crm::v1::Contact* response) override;
  grpc::Status UpdateContact(grpc::ServerContext* context,
                             const crm::v1::UpdateContactRequest* request,
                             crm::v1::Contact* response) override;

 private:
  // Records the attempt; UNAVAILABLE when a failure is pending for `method`.
  grpc::Status Receive(const grpc::ServerContext& context, const std::string& method,
                       const std::string& request_id);

  mutable absl::Mutex mutex_;
  std::vector<ReceivedCall> received_ ABSL_GUARDED_BY(mutex_);
  std::map<std::string, int> pending_failures_ ABSL_GUARDED_BY(mutex_);
  std::chrono::milliseconds get_contact_delay_ ABSL_GUARDED_BY(mutex_){0};
};

// A grpc::Server on 127.0.0.1, on a port the OS picks; shut down on destruction.
class TestServer {
 public:
  // Null (and a test failure) when the server cannot start.
  static std::unique_ptr<TestServer> Start(grpc::Service* service,
                                           std::shared_ptr<grpc::ServerCredentials> credentials);
  ~TestServer();

  // "127.0.0.1:<port>"
  const std::string& address() const { return address_; }

 private:
  TestServer(std::unique_ptr<grpc::Server> server, std::string address)
      : server_(std::move(server)), address_(std::move(address)) {}

  std::unique_ptr<grpc::Server> server_;
  std::string address_;
};

}  // namespace crm::client_test

#endif  // CRM_TESTS_UNIT_CLIENT_FAKE_CONTACT_SERVICE_H_
