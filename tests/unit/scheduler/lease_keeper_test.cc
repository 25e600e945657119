#include "clients/scheduler/lease_keeper.h"

#include <gtest/gtest.h>
#include <google/protobuf/util/time_util.h>

#include <thread>

#include "tests/unit/scheduler/fake_scheduler_api.h"

namespace crm::scheduler {
namespace {

using std::chrono::milliseconds;
using testing::FakeSchedulerApi;

LeaseTiming Timing(int lease_ms) {
  LeaseTiming timing;
  timing.lease = milliseconds(lease_ms);
  timing.renew_every = milliseconds(lease_ms / 3);
  timing.backoff_initial = milliseconds(5);
  timing.backoff_max = milliseconds(20);
  return timing;
}

// Claims the fake's only run and returns its token.
std::string Claim(FakeSchedulerApi& api) {
  api.AddRun("campaigns/c/runs/1", {});
  crm::v1::ClaimRunResponse claim;
  EXPECT_TRUE(api.ClaimRun(crm::v1::ClaimRunRequest(), &claim).ok());
  return claim.lease_token();
}

TEST(LeaseKeeper, RenewsWellBeforeExpiry) {
  FakeSchedulerApi api;
  const std::string token = Claim(api);
  LeaseKeeper lease(api, "campaigns/c/runs/1", token, Timing(300),
                    std::chrono::steady_clock::now());
  lease.Start();
  std::this_thread::sleep_for(milliseconds(700));  // more than two lease lengths
  EXPECT_FALSE(lease.lost()) << lease.lost_reason();
  EXPECT_GE(lease.renewals(), 4);
  EXPECT_GT(lease.remaining(), milliseconds(0));
  lease.Stop();
  EXPECT_EQ(api.runs[0].token, token);
}

TEST(LeaseKeeper, RenewalRequestCarriesRunTokenAndDuration) {
  class Capture : public FakeSchedulerApi {
   public:
    grpc::Status RenewLease(const crm::v1::RenewLeaseRequest& request,
                            crm::v1::ClaimRunResponse* response) override {
      {
        std::lock_guard lock(capture_mutex);
        last = request;
      }
      return FakeSchedulerApi::RenewLease(request, response);
    }
    std::mutex capture_mutex;
    crm::v1::RenewLeaseRequest last;
  } api;
  const std::string token = Claim(api);
  LeaseKeeper lease(api, "campaigns/c/runs/1", token, Timing(150),
                    std::chrono::steady_clock::now());
  lease.Start();
  std::this_thread::sleep_for(milliseconds(120));
  lease.Stop();
  std::lock_guard lock(api.capture_mutex);
  EXPECT_EQ(api.last.run(), "campaigns/c/runs/1");
  EXPECT_EQ(api.last.lease_token(), token);
  EXPECT_EQ(google::protobuf::util::TimeUtil::DurationToMilliseconds(api.last.lease_duration()),
            150);
}

TEST(LeaseKeeper, FailedPreconditionLosesTheLease) {
  FakeSchedulerApi api;
  const std::string token = Claim(api);
  api.FailNext("RenewLease", grpc::Status(grpc::StatusCode::FAILED_PRECONDITION, "taken over"));
  LeaseKeeper lease(api, "campaigns/c/runs/1", token, Timing(300),
                    std::chrono::steady_clock::now());
  lease.Start();
  std::this_thread::sleep_for(milliseconds(200));
  EXPECT_TRUE(lease.lost());
  EXPECT_NE(lease.lost_reason().find("taken over"), std::string::npos);
  const int calls = api.renew_calls;
  std::this_thread::sleep_for(milliseconds(200));
  EXPECT_EQ(api.renew_calls, calls);  // no more renewals once lost
}

TEST(LeaseKeeper, TransientFailuresAreRetriedWithinTheLease) {
  FakeSchedulerApi api;
  const std::string token = Claim(api);
  api.FailNext("RenewLease", grpc::Status(grpc::StatusCode::UNAVAILABLE, "blip"), 3);
  LeaseKeeper lease(api, "campaigns/c/runs/1", token, Timing(600),
                    std::chrono::steady_clock::now());
  lease.Start();
  std::this_thread::sleep_for(milliseconds(900));
  EXPECT_FALSE(lease.lost()) << lease.lost_reason();
  EXPECT_GE(lease.renewals(), 1);
}

TEST(LeaseKeeper, LeaseRunsOutWhenRenewalsKeepFailing) {
  FakeSchedulerApi api;
  const std::string token = Claim(api);
  api.FailNext("RenewLease", grpc::Status(grpc::StatusCode::UNAVAILABLE, "down"), 1000);
  LeaseKeeper lease(api, "campaigns/c/runs/1", token, Timing(300),
                    std::chrono::steady_clock::now());
  lease.Start();
  std::this_thread::sleep_for(milliseconds(450));
  EXPECT_TRUE(lease.lost());
  EXPECT_LE(lease.remaining(), milliseconds(0));
  EXPECT_FALSE(lease.lost_reason().empty());
}

TEST(LeaseKeeper, AdoptsARenewedToken) {
  FakeSchedulerApi api;
  api.rotate_tokens = true;
  const std::string token = Claim(api);
  LeaseKeeper lease(api, "campaigns/c/runs/1", token, Timing(150),
                    std::chrono::steady_clock::now());
  lease.Start();
  std::this_thread::sleep_for(milliseconds(250));
  EXPECT_FALSE(lease.lost()) << lease.lost_reason();
  EXPECT_NE(lease.token(), token);
  std::lock_guard lock(api.mutex);
  EXPECT_EQ(lease.token(), api.runs[0].token);
}

TEST(LeaseKeeper, StopIsPromptAndIdempotent) {
  FakeSchedulerApi api;
  const std::string token = Claim(api);
  LeaseKeeper lease(api, "campaigns/c/runs/1", token, Timing(60000),
                    std::chrono::steady_clock::now());
  lease.Start();
  const auto start = std::chrono::steady_clock::now();
  lease.Stop();
  lease.Stop();
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(1));
  EXPECT_EQ(api.renew_calls, 0);
}

}  // namespace
}  // namespace crm::scheduler
