#include "tests/unit/client/fake_contact_service.h"

#include <thread>
#include <utility>

#include <grpcpp/server_builder.h>
#include <gtest/gtest.h>

#include "absl/strings/str_cat.h"

namespace crm::client_test {

void FakeContactService::FailNextAttempts(const std::string& method, int count) {
  absl::MutexLock lock(&mutex_);
  pending_failures_[method] = count;
}

void FakeContactService::SetGetContactDelay(std::chrono::milliseconds delay) {
  absl::MutexLock lock(&mutex_);
  get_contact_delay_ = delay;
}

std::vector<ReceivedCall> FakeContactService::ReceivedCalls() const {
  absl::MutexLock lock(&mutex_);
  return received_;
}

int FakeContactService::AttemptCount(const std::string& method) const {
  absl::MutexLock lock(&mutex_);
  int count = 0;
  for (const ReceivedCall& call : received_) count += call.method == method ? 1 : 0;
  return count;
}

grpc::Status FakeContactService::Receive(const grpc::ServerContext& context,
                                         const std::string& method, const std::string& request_id) {
  ReceivedCall call{method, {}, request_id};
  const auto [begin, end] = context.client_metadata().equal_range("authorization");
  for (auto it = begin; it != end; ++it) {
    call.authorization.emplace_back(it->second.data(), it->second.size());
  }
  absl::MutexLock lock(&mutex_);
  received_.push_back(std::move(call));
  int& failures = pending_failures_[method];
  if (failures > 0) {
    --failures;
    return grpc::Status(grpc::StatusCode::UNAVAILABLE, "injected failure");
  }
  return grpc::Status::OK;
}

grpc::Status FakeContactService::CreateContact(grpc::ServerContext* context,
                                               const crm::v1::CreateContactRequest* request,
                                               crm::v1::Contact* response) {
  grpc::Status status = Receive(*context, "CreateContact", request->request_id());
  if (!status.ok()) return status;
  *response = request->contact();
  response->set_name("contacts/created");
  return grpc::Status::OK;
}

grpc::Status FakeContactService::GetContact(grpc::ServerContext* context,
                                            const crm::v1::GetContactRequest* request,
                                            crm::v1::Contact* response) {
  grpc::Status status = Receive(*context, "GetContact", "");
  if (!status.ok()) return status;
  std::chrono::milliseconds delay;
  {
    absl::MutexLock lock(&mutex_);
    delay = get_contact_delay_;
  }
  const auto until = std::chrono::steady_clock::now() + delay;
  while (std::chrono::steady_clock::now() < until) {
    if (context->IsCancelled()) return grpc::Status(grpc::StatusCode::CANCELLED, "cancelled");
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  response->set_name(request->name());
  response->set_display_name("Found");
  return grpc::Status::OK;
}

grpc::Status FakeContactService::UpdateContact(grpc::ServerContext* context,
                                               const crm::v1::UpdateContactRequest* request,
                                               crm::v1::Contact* response) {
  grpc::Status status = Receive(*context, "UpdateContact", "");
  if (!status.ok()) return status;
  *response = request->contact();
  return grpc::Status::OK;
}

std::unique_ptr<TestServer> TestServer::Start(
    grpc::Service* service, std::shared_ptr<grpc::ServerCredentials> credentials) {
  int port = 0;
  grpc::ServerBuilder builder;
  builder.AddListeningPort("127.0.0.1:0", std::move(credentials), &port);
  builder.RegisterService(service);
  std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
  if (server == nullptr || port == 0) {
    ADD_FAILURE() << "the test server did not start";
    return nullptr;
  }
  return std::unique_ptr<TestServer>(
      new TestServer(std::move(server), absl::StrCat("127.0.0.1:", port)));
}

TestServer::~TestServer() {
  // A deadline cancels handlers still waiting (a stalled GetContact).
  server_->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(2));
}

}  // namespace crm::client_test
