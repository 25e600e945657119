#!/usr/bin/python3
"""crm_client against an in-process fake crm.v1 server on 127.0.0.1.

What the wrapper promises and a live server cannot easily show: the key on every
call, the default deadline on unary calls only, UNAVAILABLE retried (with one
request_id across the attempts) for reads and request-id mutations and never for
other mutations, and the money / time conversions.
"""
import collections
import datetime
import decimal
import glob
import importlib
import os
import threading
import unittest
import uuid
from concurrent import futures

import grpc

import crm_client
from crm_client import generated
from crm.v1 import contact_pb2, contact_pb2_grpc, tenant_admin_pb2, tenant_admin_pb2_grpc

API_KEY = "crm_testkey_secret"
DEFAULT_TIMEOUT = 5.0

Call = collections.namedtuple("Call", ("method", "metadata", "request", "time_remaining"))


class Recorder:
    """Calls as the server saw them, and how many UNAVAILABLE answers each method gets."""

    def __init__(self):
        self.lock = threading.Lock()
        self.calls = []
        self.failures = collections.Counter()

    def handle(self, method, request, context):
        with self.lock:
            self.calls.append(Call(method, dict(context.invocation_metadata()), request,
                                   context.time_remaining()))
            fail = self.failures[method] > 0
            if fail:
                self.failures[method] -= 1
        if fail:
            context.abort(grpc.StatusCode.UNAVAILABLE, "database unreachable (injected)")

    def calls_of(self, method):
        with self.lock:
            return [c for c in self.calls if c.method == method]


class FakeContacts(contact_pb2_grpc.ContactServiceServicer):
    def __init__(self, recorder):
        self.recorder = recorder

    def CreateContact(self, request, context):
        self.recorder.handle("CreateContact", request, context)
        return contact_pb2.Contact(name="contacts/c1", given_name=request.contact.given_name)

    def GetContact(self, request, context):
        self.recorder.handle("GetContact", request, context)
        return contact_pb2.Contact(name=request.name)

    def UpdateContact(self, request, context):
        self.recorder.handle("UpdateContact", request, context)
        return request.contact

    def ExportContacts(self, request, context):
        self.recorder.handle("ExportContacts", request, context)
        yield contact_pb2.Contact(name="contacts/c1")


class FakeTenantAdmin(tenant_admin_pb2_grpc.TenantAdminServiceServicer):
    def __init__(self, recorder):
        self.recorder = recorder

    def CreateApiKey(self, request, context):
        self.recorder.handle("CreateApiKey", request, context)
        return tenant_admin_pb2.CreateApiKeyResponse(key="crm_new_key")


class ClientTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.server = grpc.server(futures.ThreadPoolExecutor(max_workers=4))
        cls.recorder = Recorder()
        contact_pb2_grpc.add_ContactServiceServicer_to_server(FakeContacts(cls.recorder), cls.server)
        tenant_admin_pb2_grpc.add_TenantAdminServiceServicer_to_server(FakeTenantAdmin(cls.recorder), cls.server)
        port = cls.server.add_insecure_port("127.0.0.1:0")
        cls.server.start()
        cls.address = f"127.0.0.1:{port}"

    @classmethod
    def tearDownClass(cls):
        cls.server.stop(grace=None)

    def setUp(self):
        with self.recorder.lock:
            self.recorder.calls.clear()
            self.recorder.failures.clear()
        self.crm = crm_client.connect(self.address, API_KEY, timeout=DEFAULT_TIMEOUT,
                                      initial_backoff=0.01, max_backoff=0.05)
        self.crm.wait_ready(timeout=10)

    def tearDown(self):
        self.crm.close()

    def test_create_without_request_id_gets_one_kept_across_retries(self):
        self.recorder.failures["CreateContact"] = 2
        request = contact_pb2.CreateContactRequest(contact=contact_pb2.Contact(given_name="Ada"))
        contact = self.crm.contacts.CreateContact(request)
        self.assertEqual(contact.given_name, "Ada")
        calls = self.recorder.calls_of("CreateContact")
        self.assertEqual(len(calls), 3)
        request_ids = {c.request.request_id for c in calls}
        self.assertEqual(len(request_ids), 1, request_ids)
        self.assertEqual(uuid.UUID(request_ids.pop()).version, 4)
        for call in calls:
            self.assertEqual(call.metadata["authorization"], f"Bearer {API_KEY}")
        self.assertEqual(request.request_id, "", "the caller's message is left alone")

    def test_each_create_gets_its_own_request_id_and_a_given_one_is_kept(self):
        request = contact_pb2.CreateContactRequest(contact=contact_pb2.Contact(given_name="Bo"))
        self.crm.contacts.CreateContact(request)
        self.crm.contacts.CreateContact(request)
        mine = crm_client.new_request_id()
        self.crm.contacts.CreateContact(contact_pb2.CreateContactRequest(
            contact=contact_pb2.Contact(given_name="Bo"), request_id=mine))
        ids = [c.request.request_id for c in self.recorder.calls_of("CreateContact")]
        self.assertEqual(len(ids), 3)
        self.assertNotEqual(ids[0], ids[1])
        self.assertEqual(ids[2], mine)

    def test_reads_are_retried_other_mutations_are_not(self):
        self.recorder.failures["GetContact"] = 1
        self.assertEqual(self.crm.contacts.GetContact(contact_pb2.GetContactRequest(name="contacts/c1")).name,
                         "contacts/c1")
        self.assertEqual(len(self.recorder.calls_of("GetContact")), 2)

        self.recorder.failures["UpdateContact"] = 1
        with self.assertRaises(grpc.RpcError) as update:
            self.crm.contacts.UpdateContact(contact_pb2.UpdateContactRequest(contact=contact_pb2.Contact()))
        self.assertEqual(update.exception.code(), grpc.StatusCode.UNAVAILABLE)
        self.assertEqual(len(self.recorder.calls_of("UpdateContact")), 1)

        # No request_id, and the secret is not stored: a retried CreateApiKey would mint a
        # second key, so it is never retried.
        self.recorder.failures["CreateApiKey"] = 1
        with self.assertRaises(grpc.RpcError) as create_key:
            self.crm.tenant_admin.CreateApiKey(tenant_admin_pb2.CreateApiKeyRequest(parent="tenants/t"))
        self.assertEqual(create_key.exception.code(), grpc.StatusCode.UNAVAILABLE)
        self.assertEqual(len(self.recorder.calls_of("CreateApiKey")), 1)

    def test_retries_give_up_after_max_attempts(self):
        self.recorder.failures["GetContact"] = 10
        with self.assertRaises(grpc.RpcError) as error:
            self.crm.contacts.GetContact(contact_pb2.GetContactRequest(name="contacts/c1"))
        self.assertEqual(error.exception.code(), grpc.StatusCode.UNAVAILABLE)
        self.assertEqual(len(self.recorder.calls_of("GetContact")), crm_client.DEFAULT_MAX_ATTEMPTS)

    def test_one_attempt_means_no_retry(self):
        with crm_client.connect(self.address, API_KEY, max_attempts=1) as once:
            self.recorder.failures["CreateContact"] = 1
            with self.assertRaises(grpc.RpcError) as error:
                once.contacts.CreateContact(contact_pb2.CreateContactRequest(contact=contact_pb2.Contact()))
            self.assertEqual(error.exception.code(), grpc.StatusCode.UNAVAILABLE)
        calls = self.recorder.calls_of("CreateContact")
        self.assertEqual(len(calls), 1)
        self.assertTrue(calls[0].request.request_id, "the id is filled in even without retries")

    def test_default_deadline_on_unary_calls_only_and_a_call_may_set_its_own(self):
        self.crm.contacts.GetContact(contact_pb2.GetContactRequest(name="contacts/c1"))
        self.crm.contacts.GetContact(contact_pb2.GetContactRequest(name="contacts/c1"), timeout=60)
        default, own = self.recorder.calls_of("GetContact")
        # The wire format rounds deadlines up a little.
        self.assertLessEqual(default.time_remaining, DEFAULT_TIMEOUT + 0.5)
        self.assertGreater(default.time_remaining, DEFAULT_TIMEOUT - 2)
        self.assertGreater(own.time_remaining, DEFAULT_TIMEOUT + 30, "a longer deadline of the call wins")

        exported = list(self.crm.contacts.ExportContacts(contact_pb2.ExportContactsRequest()))
        self.assertEqual(len(exported), 1)
        (export,) = self.recorder.calls_of("ExportContacts")
        # No deadline: grpc reports "infinite" as None or as a time beyond any call's.
        self.assertTrue(export.time_remaining is None or export.time_remaining > 1e9,
                        f"streams get no default deadline, got {export.time_remaining}")
        self.assertEqual(export.metadata["authorization"], f"Bearer {API_KEY}")

    def test_authorization_given_on_a_call_is_not_replaced(self):
        self.crm.contacts.GetContact(contact_pb2.GetContactRequest(name="contacts/c1"),
                                     metadata=[("authorization", "Bearer other")])
        (call,) = self.recorder.calls_of("GetContact")
        self.assertEqual(call.metadata["authorization"], "Bearer other")

    def test_every_generated_service_has_a_stub(self):
        gen_dir = os.path.dirname(contact_pb2.__file__)
        declared = set()
        for path in glob.glob(os.path.join(gen_dir, "*_pb2.py")):
            module = importlib.import_module(f"crm.v1.{os.path.basename(path)[:-3]}")
            declared.update(s.full_name for s in module.DESCRIPTOR.services_by_name.values())
        self.assertEqual(declared, {s.full_name for s in generated.service_descriptors()})
        for attribute, _, stub_class in generated.SERVICES:
            self.assertIsInstance(getattr(self.crm, attribute), stub_class)

    def test_bad_options_are_refused(self):
        for kwargs in ({"timeout": 0}, {"max_attempts": 0}, {"initial_backoff": 2, "max_backoff": 1},
                       {"root_certificates": b"pem"}, {"server_name_override": "crm.test"},
                       {"tls": True, "certificate_chain": b"pem"}):
            with self.subTest(kwargs=kwargs), self.assertRaises(ValueError):
                crm_client.connect(self.address, API_KEY, **kwargs)
        with self.assertRaises(ValueError):
            crm_client.connect("", API_KEY)


class ValuesTest(unittest.TestCase):
    def test_money_is_exact_micros(self):
        money = crm_client.to_money("1234.567891", "EUR")
        self.assertEqual((money.units, money.nanos, money.currency_code), (1234, 567891000, "EUR"))
        negative = crm_client.to_money(decimal.Decimal("-0.25"))
        self.assertEqual((negative.units, negative.nanos), (0, -250000000))
        self.assertEqual(crm_client.from_money(crm_client.to_money("-12.5")), decimal.Decimal("-12.5"))
        with self.assertRaises(ValueError):
            crm_client.to_money("0.0000001")
        with self.assertRaises(TypeError):
            crm_client.to_money(0.1)

    def test_timestamps_need_a_time_zone(self):
        moment = datetime.datetime(2025, 3, 1, 12, 30, tzinfo=datetime.timezone(datetime.timedelta(hours=8)))
        timestamp = crm_client.to_timestamp(moment)
        self.assertEqual(timestamp.seconds, int(moment.timestamp()))
        self.assertEqual(crm_client.from_timestamp(timestamp), moment)
        with self.assertRaises(ValueError):
            crm_client.to_timestamp(datetime.datetime(2025, 3, 1))


if __name__ == "__main__":
    unittest.main(verbosity=2)
