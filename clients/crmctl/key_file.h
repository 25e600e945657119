// API key files: one key on the first line, readable by its owner only. The secret
// is written nowhere else (no log, no stdout when a file was asked for).
#ifndef CRM_CLIENTS_CRMCTL_KEY_FILE_H_
#define CRM_CLIENTS_CRMCTL_KEY_FILE_H_

#include <string>

#include "absl/status/status.h"

namespace crm::crmctl {

// Writes `secret` and a newline to `path`, readable by its owner only (mode 0600).
absl::Status WriteKeyFile(const std::string& path, const std::string& secret);
// The first line of `path`, trimmed, or "" when it does not exist or is empty.
std::string ReadKeyFile(const std::string& path);

}  // namespace crm::crmctl

#endif  // CRM_CLIENTS_CRMCTL_KEY_FILE_H_
