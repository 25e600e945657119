#!/usr/bin/env python3
"""crmctl as an operator uses it: tenants, keys, accounts, contacts, analysis and
campaigns against a live crm-server, and every documented bad input with its exit code
(clients/crmctl/README.md "Exit codes"): usage errors 2, unreachable server 3, a key
without the role 4, not found 5, rejected input 6 (with the field named), local files 8.
"""
import json
import os
import socket
import stat
import tempfile
import unittest

import crmctl_harness

EXIT_USAGE, EXIT_UNAVAILABLE, EXIT_PERMISSION, EXIT_NOT_FOUND, EXIT_REJECTED, EXIT_LOCAL_FILE = 2, 3, 4, 5, 6, 8

CAMPAIGN_YAML = """
display_name: Anti-ageing launch
objective: NEW_PRODUCT_LAUNCH
audience_filter: 'tags:"member"'
control_percent: 20
cells:
  - display_name: email members
    filter: 'region = "East"'
    theme: New serum
    incentive: free sample
    channel: EMAIL
  - display_name: everyone else
    channel: MEMBER_WEB
touch_costs:
  - channel: EMAIL
    cost_per_touch: "0.05"
schedule:
  start_time: "2030-01-01T09:00:00Z"
  end_time: "2030-02-01T09:00:00Z"
response_definition:
  product_categories: [anti-ageing]
attribution_window_days: 30
"""


class CrmctlCliTest(crmctl_harness.CrmctlTestCase):
    server_args = ("--demo-data",)

    def test_usage_errors_exit_2_and_send_nothing(self):
        for args in (["no-such-command"], ["contacts", "frobnicate"], ["contacts", "list", "--no-such-flag"],
                     ["-o", "yaml", "contacts", "list"], []):
            result = self.crmctl(*args, key=self.admin_key)
            self.assertEqual(result.returncode, EXIT_USAGE, f"{args}: {result.stderr}")
            self.assertTrue(result.stderr.strip(), args)
        result = self.crmctl("contacts", "update", "contacts/x", "--set", "no_such_field=1", key=self.admin_key)
        self.assertEqual(result.returncode, EXIT_USAGE)
        self.assertIn("no_such_field", result.stderr)
        result = self.crmctl("keys", "create", "--tenant", "t", "--role", "WIZARD", key=self.admin_key)
        self.assertEqual(result.returncode, EXIT_USAGE)
        self.assertIn("TENANT_ADMIN", result.stderr)

    def test_help_exits_0(self):
        result = self.crmctl("--help")
        self.assertEqual(result.returncode, 0)
        for group in ("tenants", "keys", "accounts", "contacts", "import", "export", "analysis", "campaigns",
                      "demo", "report"):
            self.assertIn(group, result.stdout)

    def test_unreachable_server_is_exit_3_with_a_clear_message(self):
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            closed_port = s.getsockname()[1]
        result = self.crmctl("--timeout", "2", "tenants", "list", key=self.admin_key,
                             address=f"127.0.0.1:{closed_port}")
        self.assertEqual(result.returncode, EXIT_UNAVAILABLE, result.stderr)
        self.assertIn("UNAVAILABLE", result.stderr)
        self.assertIn(f"127.0.0.1:{closed_port}", result.stderr)

    def test_tenant_lifecycle_and_keys(self):
        tenant = self.crmctl_json("tenants", "create", "--display-name", "Acme Cosmetics", "--currency-code",
                                  "CNY", "--time-zone", "Asia/Shanghai", key=self.admin_key)
        self.assertTrue(tenant["name"].startswith("tenants/"))
        self.assertEqual(tenant["currency_code"], "CNY")
        tenant_id = tenant["name"].split("/")[1]
        got = self.crmctl_json("tenants", "get", tenant_id, key=self.admin_key)
        self.assertEqual(got["display_name"], "Acme Cosmetics")
        listed = self.crmctl_json("tenants", "list", "--all", "--filter", 'display_name = "Acme Cosmetics"',
                                  key=self.admin_key)
        self.assertEqual([t["name"] for t in listed["tenants"]], [tenant["name"]])
        table = self.crmctl("tenants", "list", key=self.admin_key)
        self.assertEqual(table.returncode, 0)
        self.assertIn("DISPLAY_NAME", table.stdout.splitlines()[0])
        self.assertIn("Acme Cosmetics", table.stdout)

        with tempfile.TemporaryDirectory() as tmp:
            key_file = os.path.join(tmp, "acme.key")
            created = self.crmctl("keys", "create", "--tenant", tenant_id, "--role", "integration",
                                  "--display-name", "sync", "--key-out", key_file, key=self.admin_key)
            self.assertEqual(created.returncode, 0, created.stderr)
            self.assertEqual(stat.S_IMODE(os.stat(key_file).st_mode), 0o600)
            with open(key_file) as f:
                key = f.read().strip()
            self.assertNotIn(key, created.stdout + created.stderr)  # the secret only in the file
            listed = self.crmctl("--api-key-file", key_file, "contacts", "list")
            self.assertEqual(listed.returncode, 0, listed.stderr)

            keys = self.crmctl_json("keys", "list", "--tenant", tenant_id, key=self.admin_key)
            self.assertEqual(len(keys["api_keys"]), 1)
            self.assertEqual(keys["api_keys"][0]["role"], "ROLE_INTEGRATION")

            suspended = self.crmctl_json("tenants", "suspend", tenant_id, key=self.admin_key)
            self.assertEqual(suspended["state"], "STATE_SUSPENDED")
            refused = self.crmctl("contacts", "list", key=key)
            self.assertEqual(refused.returncode, EXIT_PERMISSION, refused.stderr)
            self.assertIn("PERMISSION_DENIED", refused.stderr)
            self.crmctl_json("tenants", "resume", tenant_id, key=self.admin_key)
            self.assertEqual(self.crmctl("contacts", "list", key=key).returncode, 0)

            self.crmctl_json("keys", "revoke", keys["api_keys"][0]["name"], key=self.admin_key)
            revoked = self.crmctl("contacts", "list", key=key)
            self.assertEqual(revoked.returncode, EXIT_PERMISSION)
            self.assertIn("UNAUTHENTICATED", revoked.stderr)

    def test_key_without_the_role_shows_permission_denied_plainly(self):
        analyst = self.new_tenant_key("ANALYST")
        result = self.crmctl("contacts", "create", "--set", "given_name=Ann", key=analyst)
        self.assertEqual(result.returncode, EXIT_PERMISSION, result.stderr)
        self.assertIn("PERMISSION_DENIED", result.stderr)
        self.assertIn("create contact", result.stderr)
        # The platform key reaches no tenant data either.
        result = self.crmctl("contacts", "list", key=self.admin_key)
        self.assertEqual(result.returncode, EXIT_PERMISSION)
        # And a tenant key cannot list tenants.
        result = self.crmctl("tenants", "list", key=analyst)
        self.assertEqual(result.returncode, EXIT_PERMISSION)
        # No key at all.
        result = self.crmctl("contacts", "list")
        self.assertEqual(result.returncode, EXIT_PERMISSION)
        self.assertIn("UNAUTHENTICATED", result.stderr)

    def test_contacts_and_accounts_crud(self):
        key = self.new_tenant_key()
        account = self.crmctl_json("accounts", "create", "--set", "display_name=Globex", "--set", "tier=A",
                                   "--set", "annual_revenue=1250000.50", key=key)
        self.assertEqual(account["tier"], "TIER_A")
        self.assertEqual(account["annual_revenue"]["units"], "1250000")
        self.assertEqual(account["annual_revenue"]["nanos"], 500000000)
        contact = self.crmctl_json(
            "contacts", "create", "--set", "given_name=Mei", "--set", "family_name=Lin",
            "--set", "emails=Mei.Lin@Example.com", "--set", "tags=member,vip", "--set", "attributes.line=serum",
            "--set", "birthday=1985-03-02", "--set", f"account={account['name']}", key=key)
        self.assertEqual(contact["display_name"], "Mei Lin")
        self.assertEqual(contact["emails"], ["mei.lin@example.com"])
        contact_id = contact["name"].split("/")[1]

        got = self.crmctl("contacts", "get", contact_id, key=key)
        self.assertEqual(got.returncode, 0, got.stderr)
        self.assertIn("mei.lin@example.com", got.stdout)

        updated = self.crmctl_json("contacts", "update", contact_id, "--set", "region=East", "--etag",
                                   contact["etag"], key=key)
        self.assertEqual(updated["region"], "East")
        self.assertEqual(updated["tags"], ["member", "vip"])  # untouched: not in the mask
        stale = self.crmctl("contacts", "update", contact_id, "--set", "region=West", "--etag", contact["etag"],
                            key=key)
        self.assertEqual(stale.returncode, EXIT_REJECTED)
        self.assertIn("ABORTED", stale.stderr)

        listed = self.crmctl_json("contacts", "list", "--filter", 'region = "East" AND tags:"vip"', key=key)
        self.assertEqual([c["name"] for c in listed["contacts"]], [contact["name"]])

        bad = self.crmctl("contacts", "create", "--set", "given_name=Bo", "--set", "emails=not-an-email", key=key)
        self.assertEqual(bad.returncode, EXIT_REJECTED, bad.stderr)
        self.assertIn("INVALID_ARGUMENT", bad.stderr)
        self.assertIn("field: emails[0]", bad.stderr)
        bad_filter = self.crmctl("contacts", "list", "--filter", "password = 1", key=key)
        self.assertEqual(bad_filter.returncode, EXIT_REJECTED)

        deleted = self.crmctl("contacts", "delete", contact_id, key=key)
        self.assertEqual(deleted.returncode, 0, deleted.stderr)
        missing = self.crmctl("contacts", "get", contact_id, key=key)
        self.assertEqual(missing.returncode, EXIT_NOT_FOUND)
        self.assertIn("NOT_FOUND", missing.stderr)
        # Another tenant's account is NOT_FOUND, exactly like a missing one.
        other = self.new_tenant_key()
        self.assertEqual(self.crmctl("accounts", "get", account["name"], key=other).returncode, EXIT_NOT_FOUND)

    def test_paging_follows_tokens_with_all(self):
        key = self.new_tenant_key()
        for i in range(5):
            self.crmctl_json("accounts", "create", "--set", f"display_name=Account {i}", key=key)
        page = self.crmctl_json("accounts", "list", "--page-size", "2", key=key)
        self.assertEqual(len(page["accounts"]), 2)
        self.assertTrue(page["next_page_token"])
        rest = self.crmctl_json("accounts", "list", "--page-size", "2", "--page-token", page["next_page_token"],
                                key=key)
        self.assertEqual(len(rest["accounts"]), 2)
        everything = self.crmctl_json("accounts", "list", "--page-size", "2", "--all", key=key)
        self.assertEqual(len(everything["accounts"]), 5)
        self.assertNotIn("next_page_token", everything)

    def test_analysis_on_the_demo_tenant(self):
        with open(os.path.join(self.server.data_dir, "demo-tenant.key")) as f:
            demo_key = f.read().strip()
        run = self.crmctl_json("analysis", "run", "--wait", "--poll-seconds", "0.2", key=demo_key)
        self.assertEqual(run["state"], "STATE_SUCCEEDED", run)
        segments = self.crmctl("analysis", "segments", key=demo_key)
        self.assertEqual(segments.returncode, 0, segments.stderr)
        self.assertIn("RFM segments", segments.stdout)
        fit = self.crmctl("analysis", "fit", key=demo_key)
        self.assertEqual(fit.returncode, 0, fit.stderr)
        self.assertIn("BG/NBD", fit.stdout)
        pareto = self.crmctl_json("analysis", "pareto", key=demo_key)
        self.assertTrue(pareto["points"])
        for command in (["analysis", "gaps", "--period", "quarter"], ["analysis", "list"],
                        ["analysis", "customers", "--order-by", "clv desc", "--page-size", "5"]):
            result = self.crmctl(*command, key=demo_key)
            self.assertEqual(result.returncode, 0, f"{command}: {result.stderr}")
        bad_period = self.crmctl("analysis", "gaps", "--period", "fortnight", key=demo_key)
        self.assertEqual(bad_period.returncode, EXIT_USAGE)
        # A tenant with no purchases cannot be clustered: the server's answer, plainly.
        empty = self.crmctl("analysis", "stores", "-k", "2", key=self.new_tenant_key())
        self.assertEqual(empty.returncode, EXIT_REJECTED, empty.stderr)

    def test_campaign_from_yaml(self):
        key = self.new_tenant_key()
        for region, tags in (("East", "member"), ("West", "member"), ("East", "prospect")):
            self.crmctl_json("contacts", "create", "--set", f"given_name={region} {tags}", "--set", f"region={region}", "--set", f"tags={tags}",
                             "--set", "emails=" + f"{region}.{tags}@example.com".lower(),
                             "--json", '{consents: [{channel: EMAIL, state: OPTED_IN}]}', key=key)
        with tempfile.TemporaryDirectory() as tmp:
            path = os.path.join(tmp, "launch.yaml")
            with open(path, "w") as f:
                f.write(CAMPAIGN_YAML)
            campaign = self.crmctl_json("campaigns", "create", path, key=key)
            self.assertEqual(campaign["state"], "STATE_DRAFT")
            self.assertEqual(campaign["cells"][0]["channel"], "CAMPAIGN_CHANNEL_EMAIL")
            preview = self.crmctl_json("campaigns", "preview", campaign["name"], key=key)
            self.assertEqual(int(preview["matched"]), 2)
            table = self.crmctl("campaigns", "preview", campaign["name"], key=key)
            self.assertIn("email members", table.stdout)
            scheduled = self.crmctl_json("campaigns", "schedule", campaign["name"], key=key)
            self.assertEqual(scheduled["state"], "STATE_SCHEDULED")
            paused = self.crmctl_json("campaigns", "pause", campaign["name"], key=key)
            self.assertEqual(paused["state"], "STATE_PAUSED")
            again = self.crmctl("campaigns", "schedule", campaign["name"], key=key)
            self.assertEqual(again.returncode, EXIT_REJECTED)
            self.assertIn("FAILED_PRECONDITION", again.stderr)
            not_started = self.crmctl("campaigns", "results", campaign["name"], key=key)
            self.assertEqual(not_started.returncode, EXIT_REJECTED)
            cancelled = self.crmctl_json("campaigns", "cancel", campaign["name"], key=key)
            self.assertEqual(cancelled["state"], "STATE_CANCELLED")

            with open(path, "w") as f:
                f.write(CAMPAIGN_YAML.replace("control_percent: 20", "control_percent: 80"))
            out_of_range = self.crmctl("campaigns", "create", path, key=key)
            self.assertEqual(out_of_range.returncode, EXIT_REJECTED)
            self.assertIn("control_percent", out_of_range.stderr)
            with open(path, "w") as f:
                f.write(CAMPAIGN_YAML.replace("objective:", "objectiv:"))
            typo = self.crmctl("campaigns", "create", path, key=key)
            self.assertEqual(typo.returncode, EXIT_USAGE)
            self.assertIn("line 3", typo.stderr)
            self.assertIn("objectiv", typo.stderr)
            missing = self.crmctl("campaigns", "create", os.path.join(tmp, "missing.yaml"), key=key)
            self.assertEqual(missing.returncode, EXIT_LOCAL_FILE)


if __name__ == "__main__":
    unittest.main(verbosity=2)
