#include "server/rpc/call_logger.h"

#include <spdlog/spdlog.h>

#include <nlohmann/json.hpp>

namespace crm::server {
namespace {

bool IsServerSideFailure(absl::StatusCode code) {
  return code == absl::StatusCode::kInternal || code == absl::StatusCode::kUnavailable ||
         code == absl::StatusCode::kDataLoss || code == absl::StatusCode::kUnknown;
}

}  // namespace

void LogCall(const CallRecord& record) {
  nlohmann::json line = {
      {"event", "rpc"},
      {"method", record.method},
      {"tenant", record.tenant},
      {"key", record.key_id},
      {"status", absl::StatusCodeToString(record.status->code())},
      {"latency_ms", absl::ToDoubleMilliseconds(record.latency)},
  };
  if (!record.request_id.empty()) line["request_id"] = record.request_id;
  if (!record.peer.empty()) line["peer"] = record.peer;
  if (IsServerSideFailure(record.status->code())) line["error"] = record.status->message();
  const std::string text = line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  if (record.status->ok()) {
    spdlog::info(text);
  } else {
    spdlog::warn(text);
  }
}

}  // namespace crm::server
