#include "clients/scheduler/command_adapter.h"

#include <signal.h>

#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "clients/scheduler/delivery_record.h"
#include "tests/unit/scheduler/test_util.h"

namespace crm::scheduler {
namespace {

using std::chrono::milliseconds;
using testing::MakeRecipient;
using testing::ReadFile;
using testing::ReadLines;
using testing::TempDir;

const SendContext kContext{"campaigns/c/runs/7", "sched-cmd"};

TEST(CommandAdapter, ExitZeroSendsAllAndGetsTheBatchOnStdin) {
  TempDir dir;
  CommandAdapter adapter("cat > '" + dir.File("in.jsonl") + "'", milliseconds(10000));
  const std::vector<crm::v1::Recipient> batch = {MakeRecipient("a"), MakeRecipient("b"),
                                                 MakeRecipient("c")};
  const std::vector<SendOutcome> outcomes =
      adapter.Send(crm::v1::CAMPAIGN_CHANNEL_EMAIL, batch, kContext);
  ASSERT_EQ(outcomes.size(), 3u);
  for (const SendOutcome& outcome : outcomes) {
    EXPECT_TRUE(outcome.sent) << outcome.error;
    EXPECT_TRUE(outcome.error.empty());
  }
  const std::vector<std::string> lines = ReadLines(dir.File("in.jsonl"));
  ASSERT_EQ(lines.size(), 3u);
  for (size_t k = 0; k < lines.size(); ++k) {
    const auto parsed = ParseDeliveryLine(lines[k]);
    ASSERT_TRUE(parsed.has_value());
    EXPECT_EQ(parsed->delivery_id, batch[k].delivery_id());
  }
  EXPECT_NE(lines[0].find(R"("run":"campaigns/c/runs/7")"), std::string::npos);
}

TEST(CommandAdapter, ChannelRunAndSchedulerAreInTheEnvironment) {
  TempDir dir;
  CommandAdapter adapter(
      "echo \"$CRM_CHANNEL $CRM_RUN $CRM_SCHEDULER_ID\" > '" + dir.File("env") + "'",
      milliseconds(10000));
  const auto outcomes = adapter.Send(crm::v1::CAMPAIGN_CHANNEL_DIRECT_MAIL,
                                     {MakeRecipient("a", crm::v1::CAMPAIGN_CHANNEL_DIRECT_MAIL)},
                                     kContext);
  EXPECT_TRUE(outcomes[0].sent) << outcomes[0].error;
  EXPECT_EQ(ReadFile(dir.File("env")), "direct_mail campaigns/c/runs/7 sched-cmd\n");
}

TEST(CommandAdapter, NonZeroExitFailsAllWithTheStderrTail) {
  CommandAdapter adapter("cat > /dev/null; echo 'first line' >&2; echo 'gateway said no' >&2; exit 3",
                         milliseconds(10000));
  const auto outcomes = adapter.Send(crm::v1::CAMPAIGN_CHANNEL_SMS,
                                     {MakeRecipient("a", crm::v1::CAMPAIGN_CHANNEL_SMS),
                                      MakeRecipient("b", crm::v1::CAMPAIGN_CHANNEL_SMS)},
                                     kContext);
  for (const SendOutcome& outcome : outcomes) {
    EXPECT_FALSE(outcome.sent);
    EXPECT_NE(outcome.error.find("exit"), std::string::npos) << outcome.error;
    EXPECT_NE(outcome.error.find("status 3"), std::string::npos) << outcome.error;
    EXPECT_NE(outcome.error.find("gateway said no"), std::string::npos) << outcome.error;
  }
}

TEST(CommandAdapter, HugeStderrKeepsOnlyTheTail) {
  CommandAdapter adapter(
      "i=0; while [ $i -lt 2000 ]; do echo \"noise line $i\" >&2; i=$((i+1)); done; "
      "echo 'the real reason' >&2; exit 1",
      milliseconds(20000));
  const CommandResult result = adapter.Run("", {});
  ASSERT_TRUE(result.exited);
  EXPECT_EQ(result.exit_status, 1);
  EXPECT_LE(result.stderr_tail.size(), 4096u);
  const std::string described = CommandAdapter::Describe(result);
  EXPECT_LE(described.size(), 500u);
  EXPECT_NE(described.find("the real reason"), std::string::npos);
  EXPECT_EQ(described.find("noise line 0\n"), std::string::npos);
}

// Running (not dead, not a zombie) according to /proc.
bool ProcessAlive(const std::string& pid) {
  const std::string stat = ReadFile("/proc/" + pid + "/stat");
  if (stat.empty()) return false;
  const size_t paren = stat.rfind(')');
  return paren != std::string::npos && paren + 2 < stat.size() && stat[paren + 2] != 'Z';
}

TEST(CommandAdapter, TimeoutKillsTheWholeProcessGroup) {
  TempDir dir;
  // The shell starts a background child; both must die at the timeout.
  CommandAdapter adapter("sleep 30 & echo $! > '" + dir.File("pid") + "'; wait",
                         milliseconds(500));
  const auto start = std::chrono::steady_clock::now();
  const auto outcomes =
      adapter.Send(crm::v1::CAMPAIGN_CHANNEL_EMAIL, {MakeRecipient("a")}, kContext);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(10));
  EXPECT_FALSE(outcomes[0].sent);
  EXPECT_NE(outcomes[0].error.find("timed out"), std::string::npos) << outcomes[0].error;

  const std::string pid = testing::TrimLine(ReadFile(dir.File("pid")));
  ASSERT_FALSE(pid.empty());
  bool alive = true;
  for (int k = 0; k < 100 && alive; ++k) {
    alive = ProcessAlive(pid);
    if (alive) std::this_thread::sleep_for(milliseconds(20));
  }
  EXPECT_FALSE(alive) << "background child " << pid << " survived the timeout";
}

TEST(CommandAdapter, TimeoutResult) {
  CommandAdapter adapter("sleep 30", milliseconds(100));
  const CommandResult result = adapter.Run("", {});
  EXPECT_TRUE(result.timed_out);
  EXPECT_FALSE(result.exited);
}

TEST(CommandAdapter, CommandThatIgnoresStdinDoesNotKillUs) {
  // Big input, the command exits at once without reading: our writes get EPIPE, and
  // SIGPIPE must not terminate the test process. The exit status decides.
  CommandAdapter adapter("exit 0", milliseconds(10000));
  std::vector<crm::v1::Recipient> batch;
  for (int k = 0; k < 1000; ++k) batch.push_back(MakeRecipient(std::to_string(k)));
  const auto outcomes = adapter.Send(crm::v1::CAMPAIGN_CHANNEL_EMAIL, batch, kContext);
  EXPECT_TRUE(outcomes[0].sent) << outcomes[0].error;
  EXPECT_TRUE(outcomes[999].sent);
  // No SIGPIPE left pending for this thread either.
  sigset_t pending;
  sigemptyset(&pending);
  sigpending(&pending);
  EXPECT_EQ(sigismember(&pending, SIGPIPE), 0);
}

TEST(CommandAdapter, KilledBySignalFails) {
  CommandAdapter adapter("kill -9 $$", milliseconds(10000));
  const CommandResult result = adapter.Run("x\n", {});
  EXPECT_FALSE(result.exited);
  EXPECT_EQ(result.signal, 9);
  EXPECT_NE(CommandAdapter::Describe(result).find("signal 9"), std::string::npos);
}

TEST(CommandAdapter, InheritsEnvironmentButOverridesOurVariables) {
  TempDir dir;
  ::setenv("CRM_SCHEDULER_TEST_INHERITED", "yes", 1);
  ::setenv("CRM_CHANNEL", "stale", 1);
  CommandAdapter adapter("echo \"$CRM_SCHEDULER_TEST_INHERITED $CRM_CHANNEL\" > '" +
                             dir.File("env") + "'",
                         milliseconds(10000));
  adapter.Send(crm::v1::CAMPAIGN_CHANNEL_SMS, {MakeRecipient("a", crm::v1::CAMPAIGN_CHANNEL_SMS)},
               kContext);
  ::unsetenv("CRM_CHANNEL");
  ::unsetenv("CRM_SCHEDULER_TEST_INHERITED");
  EXPECT_EQ(ReadFile(dir.File("env")), "yes sms\n");
}

TEST(CommandAdapter, ConcurrentBatchesAreIndependent) {
  TempDir dir;
  CommandAdapter adapter("cat > \"" + dir.path() + "/$CRM_CHANNEL\"; test \"$CRM_CHANNEL\" = sms",
                         milliseconds(10000));
  std::vector<SendOutcome> email, sms;
  std::thread a([&] {
    email = adapter.Send(crm::v1::CAMPAIGN_CHANNEL_EMAIL, {MakeRecipient("e")}, kContext);
  });
  std::thread b([&] {
    sms = adapter.Send(crm::v1::CAMPAIGN_CHANNEL_SMS,
                       {MakeRecipient("s", crm::v1::CAMPAIGN_CHANNEL_SMS)}, kContext);
  });
  a.join();
  b.join();
  EXPECT_FALSE(email[0].sent);
  EXPECT_TRUE(sms[0].sent) << sms[0].error;
  EXPECT_EQ(ReadLines(dir.File("email")).size(), 1u);
  EXPECT_EQ(ReadLines(dir.File("sms")).size(), 1u);
}

}  // namespace
}  // namespace crm::scheduler
