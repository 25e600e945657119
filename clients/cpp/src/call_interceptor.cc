#include "call_interceptor.h"

#include <utility>
#include <vector>

#include <google/protobuf/descriptor.h>
#include <google/protobuf/dynamic_message.h>
#include <google/protobuf/message.h>
#include <grpcpp/support/byte_buffer.h>

#include "absl/strings/str_replace.h"
#include "crm/client/client.h"
#include "method_policy.h"

namespace crm::client_internal {
namespace {

using grpc::experimental::ClientRpcInfo;
using grpc::experimental::InterceptionHookPoints;
using grpc::experimental::InterceptorBatchMethods;

// "/crm.v1.ContactService/CreateContact" → its descriptor, or null.
const google::protobuf::MethodDescriptor* FindMethod(const std::string& method_path) {
  if (method_path.size() < 2 || method_path[0] != '/') return nullptr;
  const std::string full_name = absl::StrReplaceAll(method_path.substr(1), {{"/", "."}});
  return google::protobuf::DescriptorPool::generated_pool()->FindMethodByName(full_name);
}

class CallInterceptor : public grpc::experimental::Interceptor {
 public:
  CallInterceptor(const std::string* authorization, std::string method_path)
      : authorization_(authorization), method_path_(std::move(method_path)) {}

  void Intercept(InterceptorBatchMethods* methods) override {
    if (methods->QueryInterceptionHookPoint(InterceptionHookPoints::PRE_SEND_INITIAL_METADATA)) {
      std::multimap<std::string, std::string>* metadata = methods->GetSendInitialMetadata();
      if (!authorization_->empty() && metadata->find("authorization") == metadata->end()) {
        metadata->emplace("authorization", *authorization_);
      }
    }
    if (methods->QueryInterceptionHookPoint(InterceptionHookPoints::PRE_SEND_MESSAGE)) {
      MaybeFillRequestId(methods);
    }
    methods->Proceed();
  }

 private:
  void MaybeFillRequestId(InterceptorBatchMethods* methods) {
    const google::protobuf::MethodDescriptor* method = FindMethod(method_path_);
    if (method == nullptr || ClassifyMethod(*method) != RetryClass::kRequestIdMutation) return;
    // Work on the serialised bytes: this is right for generated and generic stubs alike.
    grpc::ByteBuffer* buffer = methods->GetSerializedSendMessage();
    std::vector<grpc::Slice> slices;
    if (buffer == nullptr || !buffer->Dump(&slices).ok()) return;
    std::string serialized;
    for (const grpc::Slice& slice : slices) {
      serialized.append(reinterpret_cast<const char*>(slice.begin()), slice.size());
    }
    if (!FillMissingRequestId(method_path_, serialized)) return;
    grpc::Slice replacement(serialized);
    *buffer = grpc::ByteBuffer(&replacement, 1);
  }

  const std::string* authorization_;  // owned by the factory, which outlives calls
  std::string method_path_;
};

class CallInterceptorFactory : public grpc::experimental::ClientInterceptorFactoryInterface {
 public:
  explicit CallInterceptorFactory(std::string api_key)
      : authorization_(api_key.empty() ? std::string() : "Bearer " + api_key) {}

  grpc::experimental::Interceptor* CreateClientInterceptor(ClientRpcInfo* info) override {
    return new CallInterceptor(&authorization_, info->method());
  }

 private:
  const std::string authorization_;
};

}  // namespace

bool FillMissingRequestId(const std::string& method_path, std::string& serialized) {
  const google::protobuf::MethodDescriptor* method = FindMethod(method_path);
  if (method == nullptr || ClassifyMethod(*method) != RetryClass::kRequestIdMutation) {
    return false;
  }
  const google::protobuf::Message* prototype =
      google::protobuf::MessageFactory::generated_factory()->GetPrototype(method->input_type());
  if (prototype == nullptr) return false;
  std::unique_ptr<google::protobuf::Message> request(prototype->New());
  if (!request->ParseFromString(serialized)) return false;
  const google::protobuf::FieldDescriptor* field =
      method->input_type()->FindFieldByName("request_id");
  const google::protobuf::Reflection* reflection = request->GetReflection();
  if (!reflection->GetString(*request, field).empty()) return false;
  reflection->SetString(request.get(), field, NewRequestId());
  return request->SerializeToString(&serialized);
}

std::unique_ptr<grpc::experimental::ClientInterceptorFactoryInterface>
NewCallInterceptorFactory(std::string api_key) {
  return std::make_unique<CallInterceptorFactory>(std::move(api_key));
}

}  // namespace crm::client_internal
