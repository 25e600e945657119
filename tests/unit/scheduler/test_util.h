// Helpers shared by the scheduler unit tests.
#ifndef CRM_TESTS_UNIT_SCHEDULER_TEST_UTIL_H_
#define CRM_TESTS_UNIT_SCHEDULER_TEST_UTIL_H_

#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "crm/v1/scheduler.pb.h"

namespace crm::scheduler::testing {

// A fresh directory, removed at scope exit.
class TempDir {
 public:
  TempDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "crm-sched-XXXXXX").string();
    path_ = ::mkdtemp(pattern.data());
  }
  ~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  const std::string& path() const { return path_; }
  std::string File(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

inline std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream content;
  content << in.rdbuf();
  return content.str();
}

inline std::vector<std::string> ReadLines(const std::string& path) {
  std::vector<std::string> lines;
  std::ifstream in(path);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

inline std::string TrimLine(std::string text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
  return text;
}

inline crm::v1::Recipient MakeRecipient(const std::string& id,
                                        crm::v1::CampaignChannel channel =
                                            crm::v1::CAMPAIGN_CHANNEL_EMAIL,
                                        int attempt = 1) {
  crm::v1::Recipient recipient;
  recipient.set_contact("contacts/" + id);
  recipient.set_delivery_id("dlv-" + id);
  recipient.set_cell("cell-a");
  recipient.set_theme("theme");
  recipient.set_incentive("incentive");
  recipient.set_channel(channel);
  recipient.set_address(id + "@example.com");
  recipient.set_display_name("Name " + id);
  recipient.set_attempt(attempt);
  return recipient;
}

}  // namespace crm::scheduler::testing

#endif  // CRM_TESTS_UNIT_SCHEDULER_TEST_UTIL_H_
