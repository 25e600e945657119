// crmctl's exit codes (README.md "Exit codes"): scripts branch on them, so they are
// part of the tool's contract and never renumbered.
#ifndef CRM_CLIENTS_CRMCTL_EXIT_CODES_H_
#define CRM_CLIENTS_CRMCTL_EXIT_CODES_H_

#include <grpcpp/support/status.h>

namespace crm::crmctl {

enum ExitCode : int {
  kExitOk = 0,
  // The server failed the call (INTERNAL, UNKNOWN, DATA_LOSS, UNIMPLEMENTED, ...).
  kExitServerError = 1,
  // Unknown subcommand or flag, a missing or malformed argument: nothing was sent.
  kExitUsage = 2,
  // The server could not be reached or did not answer in time (UNAVAILABLE,
  // DEADLINE_EXCEEDED, CANCELLED).
  kExitUnavailable = 3,
  // UNAUTHENTICATED or PERMISSION_DENIED: wrong, revoked or under-privileged key.
  kExitPermission = 4,
  // NOT_FOUND.
  kExitNotFound = 5,
  // The request was refused as it stands: INVALID_ARGUMENT, FAILED_PRECONDITION,
  // ALREADY_EXISTS, ABORTED, OUT_OF_RANGE. Fix the input (or re-read) and retry.
  kExitRejected = 6,
  // Part of a batch failed (an import with bad rows): the rest was done.
  kExitPartialFailure = 7,
  // A local file could not be read or written.
  kExitLocalFile = 8,
  // RESOURCE_EXHAUSTED: over a quota; retry later.
  kExitQuota = 9,
};

// The exit code for a failed call's status (kExitOk for OK).
ExitCode ExitCodeFor(const grpc::Status& status);

}  // namespace crm::crmctl

#endif  // CRM_CLIENTS_CRMCTL_EXIT_CODES_H_
