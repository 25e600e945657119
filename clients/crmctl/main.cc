// crmctl: the platform operator's command-line client (README.md).
#include <iostream>

#include <CLI/CLI.hpp>

#include "clients/crmctl/cli_context.h"
#include "clients/crmctl/commands.h"

int main(int argc, char** argv) {
  using namespace crm::crmctl;
  CliContext context(std::cout, std::cerr);
  CLI::App app{"crmctl: administer a crm-server and its tenants' data", "crmctl"};
  app.require_subcommand(1);
  app.fallthrough();  // global flags may also follow the subcommand
  GlobalFlags& flags = context.flags();
  app.add_option("--addr", flags.address, "server address host:port (default $CRM_ADDR, else 127.0.0.1:50051)");
  app.add_option("--api-key", flags.api_key, "API key (default $CRM_API_KEY); prefer --api-key-file");
  app.add_option("--api-key-file", flags.api_key_file,
                 "file whose first line is the API key (default $CRM_API_KEY_FILE)");
  app.add_option("-o,--output", flags.output, "table (for people) or json (for scripts)")
      ->capture_default_str()
      ->check(CLI::IsMember({"table", "json"}));
  app.add_option("--timeout", flags.timeout_seconds, "deadline of each call, seconds")
      ->capture_default_str()
      ->check(CLI::Range(0.1, 3600.0));
  app.add_flag("--tls", flags.tls, "use TLS with the system's trust store");
  app.add_option("--tls-ca-file", flags.tls_ca_file, "use TLS, trusting this PEM file");
  app.add_option("--tls-server-name", flags.tls_server_name,
                 "name to check the server certificate against");

  RegisterTenantCommands(app, context);
  RegisterKeyCommands(app, context);
  RegisterResourceCommands(app, context);
  RegisterImportCommands(app, context);
  RegisterExportCommands(app, context);
  RegisterAnalysisCommands(app, context);
  RegisterCampaignCommands(app, context);
  RegisterDemoCommands(app, context);
  RegisterReportCommands(app, context);

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& help) {
    return app.exit(help);
  } catch (const CLI::CallForAllHelp& help) {
    return app.exit(help);
  } catch (const CLI::ParseError& error) {
    // Usage errors (unknown subcommand or flag, bad value) are exit code 2, always.
    app.exit(error);
    return kExitUsage;
  }
  return context.exit_code();
}
