// Where the scheduler's API key comes from. The key is a secret: never logged.
#ifndef CRM_CLIENTS_SCHEDULER_API_KEY_H_
#define CRM_CLIENTS_SCHEDULER_API_KEY_H_

#include <string>

namespace crm::scheduler {

struct ApiKeyOrError {
  std::string key;
  // Set when there is no usable key; never contains the key.
  std::string error;
};

// The first line of `file`, trimmed, when `file` is not empty; else `env_value` (the
// value of CRM_API_KEY, may be null), trimmed. An empty key is an error.
ApiKeyOrError LoadApiKey(const std::string& file, const char* env_value);

// `<hostname>-<pid>`, at most 100 characters (ClaimRunRequest.scheduler_id).
std::string DefaultSchedulerId();

}  // namespace crm::scheduler

#endif  // CRM_CLIENTS_SCHEDULER_API_KEY_H_
