#include "clients/scheduler/jsonl_adapter.h"

#include <sys/stat.h>
#include <unistd.h>

#include <gtest/gtest.h>
#include <google/protobuf/util/time_util.h>
#include <nlohmann/json.hpp>

#include <fstream>
#include <set>
#include <thread>

#include "clients/scheduler/delivery_record.h"
#include "tests/unit/scheduler/test_util.h"

namespace crm::scheduler {
namespace {

using google::protobuf::util::TimeUtil;
using testing::MakeRecipient;
using testing::ReadLines;
using testing::TempDir;

const SendContext kContext{"campaigns/c/runs/1", "sched-test"};

std::vector<std::string> DeliveryIds(const std::string& path) {
  std::vector<std::string> ids;
  for (const std::string& line : ReadLines(path)) {
    const auto parsed = ParseDeliveryLine(line);
    if (parsed.has_value()) ids.push_back(parsed->delivery_id);
  }
  return ids;
}

TEST(JsonlAdapter, AppendsOneLinePerRecipientToTheChannelFile) {
  TempDir dir;
  JsonlAdapter adapter(dir.path());
  const std::vector<crm::v1::Recipient> batch = {MakeRecipient("a"), MakeRecipient("b")};
  const std::vector<SendOutcome> outcomes =
      adapter.Send(crm::v1::CAMPAIGN_CHANNEL_EMAIL, batch, kContext);
  ASSERT_EQ(outcomes.size(), 2u);
  for (const SendOutcome& outcome : outcomes) {
    EXPECT_TRUE(outcome.sent) << outcome.error;
    EXPECT_FALSE(outcome.duplicate);
    EXPECT_TRUE(outcome.time.has_value());
  }
  EXPECT_EQ(adapter.PathFor(crm::v1::CAMPAIGN_CHANNEL_EMAIL), dir.File("email.jsonl"));
  const std::vector<std::string> lines = ReadLines(dir.File("email.jsonl"));
  ASSERT_EQ(lines.size(), 2u);
  const nlohmann::json first = nlohmann::json::parse(lines[0]);
  EXPECT_EQ(first["delivery_id"], "dlv-a");
  EXPECT_EQ(first["run"], "campaigns/c/runs/1");
  EXPECT_EQ(first["scheduler"], "sched-test");
  EXPECT_EQ(first["channel"], "email");
  EXPECT_EQ(first["address"], "a@example.com");

  // A second batch appends.
  adapter.Send(crm::v1::CAMPAIGN_CHANNEL_EMAIL, {MakeRecipient("c")}, kContext);
  EXPECT_EQ(DeliveryIds(dir.File("email.jsonl")),
            (std::vector<std::string>{"dlv-a", "dlv-b", "dlv-c"}));
}

TEST(JsonlAdapter, OneFilePerChannel) {
  TempDir dir;
  JsonlAdapter adapter(dir.path());
  const std::vector<std::pair<crm::v1::CampaignChannel, std::string>> channels = {
      {crm::v1::CAMPAIGN_CHANNEL_SMS, "sms.jsonl"},
      {crm::v1::CAMPAIGN_CHANNEL_DIRECT_MAIL, "direct_mail.jsonl"},
      {crm::v1::CAMPAIGN_CHANNEL_CALL_CENTER, "call_center.jsonl"},
      {crm::v1::CAMPAIGN_CHANNEL_MEMBER_WEB, "member_web.jsonl"}};
  for (const auto& [channel, file] : channels) {
    adapter.Send(channel, {MakeRecipient(file, channel)}, kContext);
    EXPECT_EQ(ReadLines(dir.File(file)).size(), 1u) << file;
  }
  struct stat info {};
  EXPECT_NE(::stat(dir.File("email.jsonl").c_str(), &info), 0);
}

TEST(JsonlAdapter, RetriedRecipientsAlreadyWrittenAreNotWrittenAgain) {
  TempDir dir;
  JsonlAdapter adapter(dir.path());
  // A scheduler wrote a and b, then died before reporting.
  const auto first = adapter.Send(crm::v1::CAMPAIGN_CHANNEL_EMAIL,
                                  {MakeRecipient("a"), MakeRecipient("b")}, kContext);
  const google::protobuf::Timestamp original_time = *first[0].time;

  // The next lease hands out a and b again (attempt 2) along with new c and d.
  const std::vector<crm::v1::Recipient> retry = {
      MakeRecipient("a", crm::v1::CAMPAIGN_CHANNEL_EMAIL, 2), MakeRecipient("c"),
      MakeRecipient("b", crm::v1::CAMPAIGN_CHANNEL_EMAIL, 3),
      MakeRecipient("d", crm::v1::CAMPAIGN_CHANNEL_EMAIL, 2)};
  const std::vector<SendOutcome> outcomes =
      adapter.Send(crm::v1::CAMPAIGN_CHANNEL_EMAIL, retry, kContext);
  ASSERT_EQ(outcomes.size(), 4u);
  EXPECT_TRUE(outcomes[0].sent);
  EXPECT_TRUE(outcomes[0].duplicate);
  ASSERT_TRUE(outcomes[0].time.has_value());
  EXPECT_EQ(TimeUtil::TimestampToMilliseconds(*outcomes[0].time),
            TimeUtil::TimestampToMilliseconds(original_time));
  EXPECT_TRUE(outcomes[1].sent);
  EXPECT_FALSE(outcomes[1].duplicate);
  EXPECT_TRUE(outcomes[2].sent);
  EXPECT_TRUE(outcomes[2].duplicate);
  EXPECT_TRUE(outcomes[3].sent);  // retried but never written: written now
  EXPECT_FALSE(outcomes[3].duplicate);
  EXPECT_EQ(DeliveryIds(dir.File("email.jsonl")),
            (std::vector<std::string>{"dlv-a", "dlv-b", "dlv-c", "dlv-d"}));
}

TEST(JsonlAdapter, FirstAttemptsAreNotScanned) {
  TempDir dir;
  JsonlAdapter adapter(dir.path());
  adapter.Send(crm::v1::CAMPAIGN_CHANNEL_EMAIL, {MakeRecipient("a")}, kContext);
  // attempt == 1 means no scheduler had it before: written without looking.
  const auto outcomes =
      adapter.Send(crm::v1::CAMPAIGN_CHANNEL_EMAIL, {MakeRecipient("a")}, kContext);
  EXPECT_TRUE(outcomes[0].sent);
  EXPECT_FALSE(outcomes[0].duplicate);
  EXPECT_EQ(DeliveryIds(dir.File("email.jsonl")).size(), 2u);
}

TEST(JsonlAdapter, SameDeliveryTwiceInOneBatchIsWrittenOnce) {
  TempDir dir;
  JsonlAdapter adapter(dir.path());
  const auto outcomes = adapter.Send(crm::v1::CAMPAIGN_CHANNEL_EMAIL,
                                     {MakeRecipient("a"), MakeRecipient("a")}, kContext);
  EXPECT_TRUE(outcomes[0].sent);
  EXPECT_TRUE(outcomes[1].sent);
  EXPECT_TRUE(outcomes[1].duplicate);
  EXPECT_EQ(DeliveryIds(dir.File("email.jsonl")).size(), 1u);
}

TEST(JsonlAdapter, TornLastLineDoesNotCountAndIsNotGluedTo) {
  TempDir dir;
  JsonlAdapter adapter(dir.path());
  // A scheduler died in the middle of writing a's record.
  const std::string whole =
      FormatDeliveryLine(MakeRecipient("a"), kContext, TimeUtil::GetCurrentTime());
  {
    std::ofstream out(dir.File("email.jsonl"), std::ios::binary);
    out << FormatDeliveryLine(MakeRecipient("x"), kContext, TimeUtil::GetCurrentTime());
    out << whole.substr(0, whole.size() - 10);
  }
  const auto outcomes = adapter.Send(
      crm::v1::CAMPAIGN_CHANNEL_EMAIL, {MakeRecipient("a", crm::v1::CAMPAIGN_CHANNEL_EMAIL, 2)},
      kContext);
  EXPECT_TRUE(outcomes[0].sent);
  EXPECT_FALSE(outcomes[0].duplicate);
  const std::vector<std::string> lines = ReadLines(dir.File("email.jsonl"));
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_FALSE(ParseDeliveryLine(lines[1]).has_value());  // the torn one, alone
  EXPECT_EQ(DeliveryIds(dir.File("email.jsonl")), (std::vector<std::string>{"dlv-x", "dlv-a"}));
  // Now it is present: a third attempt finds it.
  const auto again = adapter.Send(
      crm::v1::CAMPAIGN_CHANNEL_EMAIL, {MakeRecipient("a", crm::v1::CAMPAIGN_CHANNEL_EMAIL, 3)},
      kContext);
  EXPECT_TRUE(again[0].duplicate);
}

TEST(JsonlAdapter, FindDeliveryIdsSeesOnlyWantedCompleteRecords) {
  TempDir dir;
  const std::string path = dir.File("sms.jsonl");
  {
    std::ofstream out(path, std::ios::binary);
    out << "\n";
    out << "not json\n";
    // Key order and spacing not as we write them: still found (full parse).
    out << R"({ "time": "2024-05-01T12:00:00Z", "delivery_id": "dlv-q" })" << "\n";
    out << FormatDeliveryLine(MakeRecipient("r"), kContext, TimeUtil::GetCurrentTime());
    out << R"({"delivery_id":"dlv-s")";  // torn, no newline
  }
  std::string error;
  const auto found =
      JsonlAdapter::FindDeliveryIds(path, {"dlv-q", "dlv-r", "dlv-s", "dlv-t"}, &error);
  EXPECT_EQ(error, "");
  EXPECT_EQ(found.size(), 2u);
  ASSERT_TRUE(found.count("dlv-q"));
  ASSERT_TRUE(found.at("dlv-q").has_value());
  EXPECT_EQ(FormatRfc3339(*found.at("dlv-q")), "2024-05-01T12:00:00Z");
  EXPECT_TRUE(found.count("dlv-r"));
  EXPECT_TRUE(JsonlAdapter::FindDeliveryIds(dir.File("missing.jsonl"), {"dlv-q"}, &error).empty());
  EXPECT_EQ(error, "");
}

TEST(JsonlAdapter, ConcurrentWritersNeverInterleaveLines) {
  TempDir dir;
  constexpr int kThreads = 4;
  constexpr int kBatches = 25;
  constexpr int kBatchSize = 40;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      JsonlAdapter adapter(dir.path());  // separate instances, as separate processes
      for (int b = 0; b < kBatches; ++b) {
        std::vector<crm::v1::Recipient> batch;
        for (int r = 0; r < kBatchSize; ++r) {
          batch.push_back(MakeRecipient(std::to_string(t) + "-" + std::to_string(b) + "-" +
                                        std::to_string(r) + std::string(200, 'p')));
        }
        adapter.Send(crm::v1::CAMPAIGN_CHANNEL_EMAIL, batch, kContext);
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  const std::vector<std::string> lines = ReadLines(dir.File("email.jsonl"));
  ASSERT_EQ(lines.size(), static_cast<size_t>(kThreads * kBatches * kBatchSize));
  std::set<std::string> ids;
  for (const std::string& line : lines) {
    const auto parsed = ParseDeliveryLine(line);
    ASSERT_TRUE(parsed.has_value()) << line.substr(0, 80);
    ids.insert(parsed->delivery_id);
  }
  EXPECT_EQ(ids.size(), lines.size());
}

TEST(JsonlAdapter, UnwritableDirectoryFailsEveryRecipient) {
  // A "directory" that is a regular file cannot hold the channel file, for root too
  // (permission bits would not stop root).
  TempDir dir;
  const std::string not_a_directory = dir.File("plain-file");
  { std::ofstream(not_a_directory) << "x"; }
  JsonlAdapter adapter(not_a_directory);
  const auto outcomes = adapter.Send(crm::v1::CAMPAIGN_CHANNEL_EMAIL,
                                     {MakeRecipient("a"), MakeRecipient("b")}, kContext);
  ASSERT_EQ(outcomes.size(), 2u);
  for (const SendOutcome& outcome : outcomes) {
    EXPECT_FALSE(outcome.sent);
    EXPECT_NE(outcome.error.find("email.jsonl"), std::string::npos) << outcome.error;
  }
  EXPECT_NE(JsonlAdapter::PrepareDirectory(not_a_directory), "");
}

TEST(JsonlAdapter, PrepareDirectoryCreatesIt) {
  TempDir dir;
  const std::string nested = dir.File("a/b");
  EXPECT_EQ(JsonlAdapter::PrepareDirectory(nested), "");
  struct stat info {};
  ASSERT_EQ(::stat(nested.c_str(), &info), 0);
  EXPECT_TRUE(S_ISDIR(info.st_mode));
  EXPECT_NE(JsonlAdapter::PrepareDirectory(""), "");
}

}  // namespace
}  // namespace crm::scheduler
