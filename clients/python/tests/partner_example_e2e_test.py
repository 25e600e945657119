#!/usr/bin/python3
"""examples/partner_sync.py against a live crm-server, as a partner would run it.

The platform admin makes a tenant and a TENANT_ADMIN key; the example runs as a
separate process with only CRM_ADDR / CRM_API_KEY; its final JSON line must describe a
sensible customer value from a run where both model fits worked, and the same values
must be what the API itself answers for that contact.
"""
import json
import os
import secrets
import subprocess
import sys
import unittest

import crm_client
from crm.v1 import contact_pb2, tenant_admin_pb2, value_analysis_pb2
from server_harness import CrmServer

CLIENT_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
EXAMPLE = os.path.join(CLIENT_DIR, "examples", "partner_sync.py")
EXAMPLE_TIMEOUT_SECONDS = 150
CUSTOMERS = 60


def create_tenant_admin_key(server):
    with crm_client.connect(server.address, server.admin_key) as admin:
        tenant = admin.tenant_admin.CreateTenant(tenant_admin_pb2.CreateTenantRequest(
            tenant=tenant_admin_pb2.Tenant(display_name="Partner example", currency_code="EUR"),
            tenant_id=f"partner-py-{secrets.token_hex(3)}"))
        created = admin.tenant_admin.CreateApiKey(tenant_admin_pb2.CreateApiKeyRequest(
            parent=tenant.name,
            api_key=tenant_admin_pb2.ApiKey(display_name="partner_sync example",
                                            role=tenant_admin_pb2.ROLE_TENANT_ADMIN)))
        return created.key


class PartnerExampleTest(unittest.TestCase):
    def test_example_syncs_and_reads_a_customer_value(self):
        with CrmServer() as server:
            key = create_tenant_admin_key(server)
            env = dict(os.environ, CRM_ADDR=server.address, CRM_API_KEY=key)
            result = subprocess.run([sys.executable, EXAMPLE, "--customers", str(CUSTOMERS)],
                                    env=env, capture_output=True, text=True,
                                    timeout=EXAMPLE_TIMEOUT_SECONDS)
            self.assertEqual(result.returncode, 0,
                             f"stdout:\n{result.stdout}\nstderr:\n{result.stderr}\nserver:\n{server.log_tail()}")
            lines = result.stdout.strip().splitlines()
            for step in ("created 60 contacts", "past purchases with ImportPurchases",
                         "recorded 60 latest purchases with RecordPurchase", "succeeded: 60 customers",
                         "top 1 by CLV"):
                self.assertIn(step, result.stdout)
            value = json.loads(lines[-1])

            # Both model fits worked: nothing unavailable, every model field present.
            self.assertEqual(value["customers"], CUSTOMERS)
            self.assertEqual(value["unavailable"], [])
            self.assertTrue(value["contact"].startswith("contacts/"), value)
            self.assertTrue(value["run"].startswith("analysisRuns/"), value)
            self.assertGreaterEqual(value["p_alive"], 0.0)
            self.assertLessEqual(value["p_alive"], 1.0)
            self.assertGreaterEqual(value["expected_purchases"], 0.0)
            self.assertGreaterEqual(value["clv"], 0.0)
            self.assertGreaterEqual(value["expected_value"], value["clv"])
            # The loyal customer bought in the last month, several times in the window.
            self.assertLessEqual(value["recency_days"], 31)
            self.assertGreaterEqual(value["frequency"], 2)
            self.assertGreater(value["monetary"], 0.0)
            self.assertNotEqual(value["rfm_segment"], "RFM_SEGMENT_UNSPECIFIED")
            self.assertIn(value["value_tier"], ("VALUE_TIER_A", "VALUE_TIER_B", "VALUE_TIER_C"))
            self.assertNotIn(value["lifecycle_stage"], ("LIFECYCLE_STAGE_UNSPECIFIED", "LIFECYCLE_STAGE_PROSPECT"))

            # What the example printed is what the API says.
            with crm_client.connect(server.address, key) as crm:
                stored = crm.value_analysis.GetCustomerValue(
                    value_analysis_pb2.GetCustomerValueRequest(contact=value["contact"]))
                self.assertEqual(stored.run, value["run"])
                self.assertAlmostEqual(stored.p_alive, value["p_alive"], places=9)
                self.assertEqual(float(crm_client.from_money(stored.clv)), value["clv"])
                contacts = crm.contacts.ListContacts(
                    contact_pb2.ListContactsRequest(filter='tags:"partner-sync"', page_size=1000))
                self.assertEqual(len(contacts.contacts), CUSTOMERS)


if __name__ == "__main__":
    unittest.main(verbosity=2)
