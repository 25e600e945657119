// Reads everything `crmctl report` shows through the crm::Client into a ReportData.
#ifndef CRM_CLIENTS_CRMCTL_REPORT_FETCH_H_
#define CRM_CLIENTS_CRMCTL_REPORT_FETCH_H_

#include <functional>
#include <memory>
#include <optional>
#include <string>

#include <grpcpp/client_context.h>
#include <grpcpp/support/status.h>

#include "clients/crmctl/report_data.h"
#include "clients/crmctl/report_period.h"
#include "crm/client/client.h"

namespace crm::crmctl {

struct ReportOptions {
  std::string tenant;  // --tenant: "tenants/{id}" or "{id}"; empty: no tenant record read
  // --period (report_period.h), read in the tenant's time zone when it is known.
  std::string period = "month";
  int clusters = kDefaultClusters;
  int max_customers = kDefaultMaxCustomers;
};

// A call that failed for real: the server is unreachable, the key may not read the
// data, the server broke. The report is then not written.
struct RpcFailure {
  std::string what;  // "list campaigns"
  grpc::Status status;
};

struct FetchResult {
  ReportData data;
  std::optional<RpcFailure> failure;
};

// Calls the server: the tenant record (with --tenant), the analysis runs and the
// current run's segment summary, Pareto curve and customer values, the gap analysis,
// the store clustering, the campaigns and the results of started ones. Only
// FAILED_PRECONDITION ("not possible with the data as it is") becomes a section
// note; any other error stops the fetch and is returned as the failure.
// `new_call_context` gives each call its deadline.
FetchResult FetchReportData(crm::Client& client, const ReportOptions& options,
                            const std::function<std::unique_ptr<grpc::ClientContext>()>& new_call_context);

}  // namespace crm::crmctl

#endif  // CRM_CLIENTS_CRMCTL_REPORT_FETCH_H_
