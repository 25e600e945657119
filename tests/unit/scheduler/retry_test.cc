#include "clients/scheduler/retry.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>

namespace crm::scheduler {
namespace {

using std::chrono::milliseconds;

TEST(IsTransient, OnlyTheRetryableCodes) {
  EXPECT_TRUE(IsTransient(grpc::StatusCode::UNAVAILABLE));
  EXPECT_TRUE(IsTransient(grpc::StatusCode::DEADLINE_EXCEEDED));
  EXPECT_TRUE(IsTransient(grpc::StatusCode::RESOURCE_EXHAUSTED));
  EXPECT_TRUE(IsTransient(grpc::StatusCode::ABORTED));
  EXPECT_FALSE(IsTransient(grpc::StatusCode::FAILED_PRECONDITION));
  EXPECT_FALSE(IsTransient(grpc::StatusCode::INVALID_ARGUMENT));
  EXPECT_FALSE(IsTransient(grpc::StatusCode::UNAUTHENTICATED));
  EXPECT_FALSE(IsTransient(grpc::StatusCode::NOT_FOUND));
  EXPECT_FALSE(IsTransient(grpc::StatusCode::OK));
}

TEST(DescribeStatus, CodeAndMessage) {
  EXPECT_EQ(DescribeStatus(grpc::Status(grpc::StatusCode::FAILED_PRECONDITION, "stale lease")),
            "FAILED_PRECONDITION: stale lease");
  EXPECT_EQ(DescribeStatus(grpc::Status::OK), "OK");
}

TEST(Backoff, GrowsWithJitterAndIsCapped) {
  Backoff backoff(milliseconds(100), milliseconds(5000));
  milliseconds ceiling(100);
  for (int k = 0; k < 12; ++k) {
    const milliseconds delay = backoff.Next();
    EXPECT_GE(delay, ceiling / 2) << k;
    EXPECT_LE(delay, ceiling) << k;
    ceiling = std::min(ceiling * 2, milliseconds(5000));
  }
  backoff.Reset();
  EXPECT_LE(backoff.Next(), milliseconds(100));
}

TEST(SleepUnless, FullSleepWithoutInterrupt) {
  const auto start = std::chrono::steady_clock::now();
  EXPECT_TRUE(SleepUnless(milliseconds(50), [] { return false; }));
  EXPECT_GE(std::chrono::steady_clock::now() - start, milliseconds(50));
}

TEST(SleepUnless, EndsEarlyWhenInterrupted) {
  std::atomic<bool> stop{false};
  std::thread stopper([&] {
    std::this_thread::sleep_for(milliseconds(50));
    stop = true;
  });
  const auto start = std::chrono::steady_clock::now();
  EXPECT_FALSE(SleepUnless(milliseconds(60000), [&] { return stop.load(); }));
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(10));
  stopper.join();
  EXPECT_FALSE(SleepUnless(milliseconds(60000), [] { return true; }));
}

}  // namespace
}  // namespace crm::scheduler
