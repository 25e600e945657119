// The crmctl command groups. Each Register* adds its subcommands to the root app;
// their callbacks run the command and leave the exit code in the CliContext.
#ifndef CRM_CLIENTS_CRMCTL_COMMANDS_H_
#define CRM_CLIENTS_CRMCTL_COMMANDS_H_

#include <CLI/CLI.hpp>

#include "clients/crmctl/cli_context.h"

namespace crm::crmctl {

// tenants create|list|get|suspend|resume (platform-admin key).
void RegisterTenantCommands(CLI::App& app, CliContext& context);
// keys create|list|revoke.
void RegisterKeyCommands(CLI::App& app, CliContext& context);
// accounts|contacts get|list|create|update|delete.
void RegisterResourceCommands(CLI::App& app, CliContext& context);
// import contacts|purchases FILE.csv.
void RegisterImportCommands(CLI::App& app, CliContext& context);
// export contacts.
void RegisterExportCommands(CLI::App& app, CliContext& context);
// analysis run|get|segments|pareto|fit|gaps|stores.
void RegisterAnalysisCommands(CLI::App& app, CliContext& context);
// campaigns create|list|get|preview|schedule|pause|resume|cancel|results.
void RegisterCampaignCommands(CLI::App& app, CliContext& context);
// demo seed.
void RegisterDemoCommands(CLI::App& app, CliContext& context);
// report --html FILE.
void RegisterReportCommands(CLI::App& app, CliContext& context);

}  // namespace crm::crmctl

#endif  // CRM_CLIENTS_CRMCTL_COMMANDS_H_
