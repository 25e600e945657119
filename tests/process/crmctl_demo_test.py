"""crmctl demo seed against a real crm-server (tests/process/crmctl_harness.py).

A small tenant is seeded through the streaming imports and the unary creates, analysed
and given a scheduled campaign with a control group; seeding it again finds it done,
and forcing a re-send adds no contact, purchase or other record. With the platform-admin
key, --create-tenant makes the tenant and writes its key to a 0600 file.
"""
import json
import os
import stat
import tempfile
import unittest

import crmctl_harness


class DemoSeedTest(crmctl_harness.CrmctlTestCase):

    def seed(self, *args, key):
        result = self.crmctl("-o", "json", "demo", "seed", *args, key=key, timeout=300)
        self.assertEqual(result.returncode, 0, result.stderr)
        return json.loads(result.stdout), result.stderr

    def demo_contacts(self, key):
        listed = self.crmctl_json("contacts", "list", "--filter", 'external_id:"demo-s"',
                                  "--page-size", "1000", "--all", key=key)
        return listed.get("contacts", [])

    def test_seeds_a_small_tenant_and_reseeding_adds_nothing(self):
        key = self.new_tenant_key()
        first, progress = self.seed("--contacts", "400", key=key)

        self.assertIn("demo seed [", progress)  # progress lines: stage, counts, elapsed
        self.assertIn("purchases:", progress)
        self.assertEqual(first["contacts"], {"created": 400, "already_there": 0})
        self.assertGreater(first["purchases"]["imported"], 2500)
        self.assertEqual(first["purchases"]["already_there"], 0)
        self.assertEqual(first["rows_refused"], 0, first["row_errors"])
        leads = first["leads"]
        self.assertGreater(leads["total"], 5)
        self.assertEqual(leads["created"], leads["total"])
        self.assertEqual(leads["total"], leads["active"] + leads["converted"] + leads["invalid"])
        self.assertGreater(leads["converted"], 0)  # the purchases converted them
        self.assertGreater(first["interactions"]["total"], 20)
        self.assertEqual(first["analysis_run"]["state"], "STATE_SUCCEEDED")
        self.assertGreater(first["analysis_run"]["customers"], 300)
        campaign = first["campaign"]
        self.assertEqual(campaign["state"], "STATE_SCHEDULED")
        self.assertGreater(campaign["control_percent"], 0)
        self.assertGreater(campaign["audience"], 0)

        contacts = self.demo_contacts(key)
        self.assertEqual(len(contacts), 400)
        tag = contacts[0]["attributes"]["demo_dataset"]
        self.assertEqual(tag, f"seed=2026 as_of={first['as_of']}")
        # Lifecycle stages come from the analysis run the seeding waited for.
        self.assertGreater(sum(1 for c in contacts if c.get("lifecycle_stage", "") not in
                               ("", "LIFECYCLE_STAGE_PROSPECT")), 300)

        # A second run finds everything there and does nothing.
        again, progress = self.seed("--contacts", "400", key=key)
        self.assertTrue(again["already_seeded"], progress)
        self.assertEqual(again["as_of"], first["as_of"])

        # Forcing a re-send goes through every stage and creates nothing.
        forced, _ = self.seed("--contacts", "400", "--force", key=key)
        self.assertFalse(forced["already_seeded"])
        self.assertEqual(forced["as_of"], first["as_of"])  # the anchor of the first run
        self.assertEqual(forced["contacts"], {"created": 0, "already_there": 400})
        self.assertEqual(forced["purchases"]["imported"], 0)
        self.assertEqual(forced["purchases"]["already_there"], first["purchases"]["imported"])
        self.assertEqual(forced["leads"]["created"], 0)
        self.assertEqual(forced["leads"]["total"], leads["total"])
        self.assertEqual(forced["leads"]["converted"], leads["converted"])
        self.assertEqual(forced["complaints"]["created"], 0)
        self.assertEqual(forced["interactions"]["created"], 0)
        self.assertEqual(forced["analysis_run"]["name"], first["analysis_run"]["name"])
        self.assertEqual(forced["campaign"]["name"], campaign["name"])
        self.assertEqual(len(self.demo_contacts(key)), 400)

        # Another as_of for the same seed would draw a second, shifted history: refused.
        result = self.crmctl("demo", "seed", "--contacts", "400", "--as-of", "2025-01-01", key=key)
        self.assertEqual(result.returncode, 6, result.stderr)
        self.assertIn("another --seed", result.stderr)

    def test_create_tenant_writes_the_key_to_a_private_file_and_reuses_it(self):
        with tempfile.TemporaryDirectory() as tmp:
            key_file = os.path.join(tmp, "demo.key")
            out, progress = self.seed("--create-tenant", "seeded-demo", "--key-out", key_file,
                                      "--contacts", "60", key=self.admin_key)
            self.assertEqual(out["tenant"], "tenants/seeded-demo")
            self.assertNotIn("key", out)
            self.assertEqual(stat.S_IMODE(os.stat(key_file).st_mode), 0o600)
            with open(key_file) as f:
                key = f.read().strip()
            self.assertTrue(key.startswith("crm_"))
            self.assertNotIn(key, progress)
            self.assertEqual(len(self.demo_contacts(key)), 60)
            self.assertEqual(out["campaign"]["state"], "STATE_SCHEDULED")

            again, progress = self.seed("--create-tenant", "seeded-demo", "--key-out", key_file,
                                        "--contacts", "60", key=self.admin_key)
            self.assertTrue(again["already_seeded"])
            self.assertIn("reusing the key", progress)
            with open(key_file) as f:
                self.assertEqual(f.read().strip(), key)

    def test_platform_key_alone_is_refused_with_a_hint(self):
        result = self.crmctl("demo", "seed", "--contacts", "10", key=self.admin_key)
        self.assertEqual(result.returncode, 4, result.stderr)
        self.assertIn("--create-tenant", result.stderr)

    def test_usage_errors(self):
        key = self.new_tenant_key()
        future = self.crmctl("demo", "seed", "--as-of", "2999-01-01T00:00:00Z", key=key)
        self.assertEqual(future.returncode, 2, future.stderr)
        key_out = self.crmctl("demo", "seed", "--key-out", "/tmp/x.key", key=key)
        self.assertEqual(key_out.returncode, 2, key_out.stderr)
        zero = self.crmctl("demo", "seed", "--contacts", "0", key=key)
        self.assertEqual(zero.returncode, 2, zero.stderr)


if __name__ == "__main__":
    unittest.main()
