// main() of every integration test binary: registers the shared environment (private
// MariaDB + in-process server) before the tests run.
#include <gtest/gtest.h>
#include <spdlog/spdlog.h>

#include <cstdlib>

#include "tests/integration/crm_test_environment.h"

int main(int argc, char** argv) {
  ::testing::InitGoogleTest(&argc, argv);
  // The per-call log lines drown test output; CRM_TEST_LOG=1 shows them.
  if (std::getenv("CRM_TEST_LOG") == nullptr) spdlog::set_level(spdlog::level::err);
  crm::testing::CrmTestEnvironment::Get();
  return RUN_ALL_TESTS();
}
