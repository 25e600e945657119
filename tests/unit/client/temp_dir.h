// A private directory under /tmp for one test, removed with everything in it.
#ifndef CRM_TESTS_UNIT_CLIENT_TEMP_DIR_H_
#define CRM_TESTS_UNIT_CLIENT_TEMP_DIR_H_

#include <string>

namespace crm::client_test {

class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::string& path() const { return path_; }
  // Writes `contents` to path()/name and returns that path.
  std::string Write(const std::string& name, const std::string& contents) const;
  // The contents of path()/name ("" when unreadable).
  std::string Read(const std::string& name) const;

 private:
  std::string path_;
};

}  // namespace crm::client_test

#endif  // CRM_TESTS_UNIT_CLIENT_TEMP_DIR_H_
