#include "clients/scheduler/api_key.h"

#include <unistd.h>

#include <fstream>

#include "clients/scheduler/text_util.h"

namespace crm::scheduler {

ApiKeyOrError LoadApiKey(const std::string& file, const char* env_value) {
  ApiKeyOrError result;
  if (!file.empty()) {
    std::ifstream in(file);
    if (!in) {
      result.error = "cannot read --api-key-file " + file;
      return result;
    }
    std::string line;
    std::getline(in, line);
    result.key = TrimWhitespace(line);
    if (result.key.empty()) result.error = "--api-key-file " + file + " has an empty first line";
    return result;
  }
  if (env_value != nullptr) result.key = TrimWhitespace(env_value);
  if (result.key.empty()) result.error = "no API key: pass --api-key-file or set CRM_API_KEY";
  return result;
}

std::string DefaultSchedulerId() {
  char host[256] = {};
  if (::gethostname(host, sizeof host - 1) != 0 || host[0] == '\0') {
    std::string("scheduler").copy(host, sizeof host - 1);
  }
  const std::string suffix = "-" + std::to_string(::getpid());
  std::string name(host);
  if (name.size() + suffix.size() > 100) name.resize(100 - suffix.size());
  return name + suffix;
}

}  // namespace crm::scheduler
