"""Shared harness of the crmctl process tests (crmctl_*_test.py).

Starts one real crm-server (embedded MariaDB, free 127.0.0.1 port, temp data dir) per
test class, and runs the real crmctl binary against it. Tenants and keys are made with
crmctl itself, so every test also exercises `tenants create` and `keys create`.

    class MyTest(crmctl_harness.CrmctlTestCase):
        def test_something(self):
            key = self.new_tenant_key()            # a TENANT_ADMIN key of a fresh tenant
            result = self.crmctl("contacts", "list", key=key)
            self.assertEqual(result.returncode, 0, result.stderr)
"""
import json
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import unittest
import uuid

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SERVER = os.path.abspath(os.environ.get("CRM_SERVER_BIN", os.path.join(REPO, "build", "bin", "crm-server")))
CRMCTL = os.path.abspath(os.environ.get("CRMCTL_BIN", os.path.join(REPO, "build", "bin", "crmctl")))


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class ServerProcess:
    """crm-server with its embedded MariaDB; stop() always ends both."""

    def __init__(self, extra_args=()):
        self.data_dir = tempfile.mkdtemp(prefix="crmctl-test-")
        self.port = free_port()
        self.address = f"127.0.0.1:{self.port}"
        self.log_path = os.path.join(self.data_dir, "server.log")
        self.log = open(self.log_path, "ab")
        self.proc = subprocess.Popen(
            [SERVER, "--listen", self.address, "--data-dir", self.data_dir, *extra_args],
            stdout=self.log, stderr=self.log)
        self.admin_key_file = os.path.join(self.data_dir, "admin.key")
        self._wait_until_serving()

    def _wait_until_serving(self):
        # The admin key file is written before the server listens; a health probe through
        # crmctl would need a key, so probe the port instead.
        import time
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"crm-server exited early; log: {self.log_path}")
            if os.path.exists(self.admin_key_file):
                try:
                    with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                        return
                except OSError:
                    pass
            time.sleep(0.1)
        raise RuntimeError("crm-server did not start in time")

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=60)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()
        shutil.rmtree(self.data_dir, ignore_errors=True)


class CrmctlTestCase(unittest.TestCase):
    """One server per test class; helpers to run crmctl and make tenants."""

    server_args = ()

    @classmethod
    def setUpClass(cls):
        cls.server = ServerProcess(cls.server_args)
        with open(cls.server.admin_key_file) as f:
            cls.admin_key = f.read().strip()

    @classmethod
    def tearDownClass(cls):
        cls.server.stop()

    def crmctl(self, *args, key=None, input=None, env=None, timeout=300, address=None):
        """Runs crmctl; returns the CompletedProcess (text mode). No key: none is sent."""
        full_env = {k: v for k, v in os.environ.items()
                    if k not in ("CRM_ADDR", "CRM_API_KEY", "CRM_API_KEY_FILE")}
        full_env["CRM_ADDR"] = address or self.server.address
        if key is not None:
            full_env["CRM_API_KEY"] = key
        full_env.update(env or {})
        return subprocess.run([CRMCTL, *args], input=input, capture_output=True, text=True,
                              env=full_env, timeout=timeout)

    def crmctl_json(self, *args, key=None, **kwargs):
        """Runs crmctl -o json, asserts exit code 0 and returns the parsed output."""
        result = self.crmctl("-o", "json", *args, key=key, **kwargs)
        self.assertEqual(result.returncode, 0, f"crmctl {' '.join(args)}: {result.stderr}")
        return json.loads(result.stdout)

    def new_tenant(self, display_name=None):
        """A fresh tenant (its resource name) created with the platform-admin key."""
        tenant = self.crmctl_json("tenants", "create", "--display-name",
                                  display_name or f"test-{uuid.uuid4().hex[:8]}", key=self.admin_key)
        return tenant["name"]

    def new_key(self, tenant, role="TENANT_ADMIN"):
        """A key of `tenant` with `role` (TENANT_ADMIN, INTEGRATION, SCHEDULER, ANALYST)."""
        created = self.crmctl_json("keys", "create", "--tenant", tenant, "--role", role,
                                   key=self.admin_key)
        return created["key"]

    def new_tenant_key(self, role="TENANT_ADMIN"):
        return self.new_key(self.new_tenant(), role)
