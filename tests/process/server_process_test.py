#!/usr/bin/env python3
"""Process-level checks of the crm-server binary, driven from Python's gRPC.

Starts the real binary with its embedded MariaDB in a temp dir and checks what the
in-process integration tests cannot: the admin key file (created once, mode 0600,
reused on restart), the standard health service and server reflection answering
generic gRPC tools, and a clean SIGTERM shutdown that also stops the embedded
database. Messages are hand-encoded so no generated Python code is needed.
"""
import os
import shutil
import signal
import socket
import stat
import subprocess
import sys
import tempfile
import time
import unittest

import grpc

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SERVER = os.path.abspath(os.environ.get("CRM_SERVER_BIN", os.path.join(REPO, "build", "bin", "crm-server")))


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def read_varint(data, i):
    value, shift = 0, 0
    while True:
        byte = data[i]
        value |= (byte & 0x7F) << shift
        i += 1
        if not byte & 0x80:
            return value, i
        shift += 7


def decode_fields(data):
    """Top-level fields of a protobuf message: {number: [varint or bytes, ...]}."""
    fields, i = {}, 0
    while i < len(data):
        key, i = read_varint(data, i)
        number, wire_type = key >> 3, key & 7
        if wire_type == 0:
            value, i = read_varint(data, i)
        elif wire_type == 2:
            length, i = read_varint(data, i)
            value, i = data[i:i + length], i + length
        elif wire_type == 1:
            value, i = data[i:i + 8], i + 8
        else:
            value, i = data[i:i + 4], i + 4
        fields.setdefault(number, []).append(value)
    return fields


def encode_string_field(number, text):
    raw = text.encode()
    return bytes([number << 3 | 2, len(raw)]) + raw


class ServerProcess:
    def __init__(self, data_dir, extra_args=()):
        self.data_dir = data_dir
        self.port = free_port()
        self.log = open(os.path.join(data_dir, "server.log"), "ab")
        self.proc = subprocess.Popen(
            [SERVER, "--listen", f"127.0.0.1:{self.port}", "--data-dir", data_dir, *extra_args],
            stdout=self.log, stderr=self.log)
        self.channel = grpc.insecure_channel(f"127.0.0.1:{self.port}")
        grpc.channel_ready_future(self.channel).result(timeout=60)

    def stop(self):
        self.channel.close()
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
        code = self.proc.wait(timeout=60)
        self.log.close()
        return code

    def output(self):
        with open(os.path.join(self.data_dir, "server.log"), "rb") as f:
            return f.read().decode(errors="replace")


def mariadbd_alive(data_dir):
    pid_file = os.path.join(data_dir, "mariadb", "mysqld.pid")
    if not os.path.exists(pid_file):
        return False
    with open(pid_file) as f:
        pid = int(f.read().strip() or 0)
    try:
        os.kill(pid, 0)
        return True
    except ProcessLookupError:
        return False


class ServerProcessTest(unittest.TestCase):
    def setUp(self):
        self.data_dir = tempfile.mkdtemp(prefix="crm-proc-", dir="/tmp")
        self.server = None

    def tearDown(self):
        if self.server and self.server.proc.poll() is None:
            self.server.proc.kill()
            self.server.proc.wait()
        shutil.rmtree(self.data_dir, ignore_errors=True)

    def test_health_reflection_key_file_and_clean_shutdown(self):
        self.server = ServerProcess(self.data_dir)

        # grpc.health.v1.Health/Check with an empty request: SERVING is field 1 = 1.
        check = self.server.channel.unary_unary("/grpc.health.v1.Health/Check")
        self.assertEqual(check(b"", timeout=10), b"\x08\x01")

        # Reflection: list_services (field 7, empty string) names our services.
        info = self.server.channel.stream_stream(
            "/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo")
        replies = b"".join(info(iter([b"\x3a\x00"]), timeout=10))
        for service in (b"crm.v1.TenantAdminService", b"crm.v1.AccountService",
                        b"crm.v1.ContactService", b"grpc.health.v1.Health"):
            self.assertIn(service, replies)

        # The admin key file: private, and the key itself never reaches the log.
        key_file = os.path.join(self.data_dir, "admin.key")
        self.assertEqual(stat.S_IMODE(os.stat(key_file).st_mode), 0o600)
        with open(key_file) as f:
            key = f.read().strip()
        self.assertTrue(key.startswith("crm_"))

        # A call without a key is UNAUTHENTICATED; with the admin key it works.
        list_tenants = self.server.channel.unary_unary("/crm.v1.TenantAdminService/ListTenants")
        with self.assertRaises(grpc.RpcError) as error:
            list_tenants(b"", timeout=10)
        self.assertEqual(error.exception.code(), grpc.StatusCode.UNAUTHENTICATED)
        list_tenants(b"", timeout=10, metadata=[("authorization", f"Bearer {key}")])

        self.assertTrue(mariadbd_alive(self.data_dir))
        self.assertEqual(self.server.stop(), 0)
        self.assertFalse(mariadbd_alive(self.data_dir))
        log = self.server.output()
        self.assertNotIn(key.split("_")[2], log)
        self.assertIn('"method":"crm.v1.TenantAdminService/ListTenants"', log)

        # A restart reuses the same data and the same key.
        self.server = ServerProcess(self.data_dir)
        with open(key_file) as f:
            self.assertEqual(f.read().strip(), key)
        list_again = self.server.channel.unary_unary("/crm.v1.TenantAdminService/ListTenants")
        list_again(b"", timeout=10, metadata=[("authorization", f"Bearer {key}")])
        self.assertEqual(self.server.stop(), 0)

    def test_demo_tenant_runs_a_value_analysis(self):
        # The README's run command seeds a demo tenant whose purchases are enough for a
        # whole value analysis, both model fits included.
        self.server = ServerProcess(self.data_dir, ["--demo-data"])
        with open(os.path.join(self.data_dir, "demo-tenant.key")) as f:
            metadata = [("authorization", f"Bearer {f.read().strip()}")]
        run_analysis = self.server.channel.unary_unary("/crm.v1.ValueAnalysisService/RunAnalysis")
        started = decode_fields(run_analysis(b"", timeout=30, metadata=metadata))
        name = started[1][0].decode()
        self.assertTrue(name.startswith("analysisRuns/"))
        get_run = self.server.channel.unary_unary("/crm.v1.ValueAnalysisService/GetAnalysisRun")
        state = 0
        for _ in range(300):
            run = decode_fields(get_run(encode_string_field(1, name), timeout=10, metadata=metadata))
            state = run.get(2, [0])[0]
            if state in (3, 4):  # SUCCEEDED, FAILED
                break
            time.sleep(0.1)
        self.assertEqual(state, 3, run)
        self.assertEqual(run[15][0], 63)  # customers: 60 generated + 3 named buyers
        self.assertNotIn(14, run)  # nothing unavailable: both fits succeeded
        self.assertEqual(self.server.stop(), 0)

    def test_bad_flags_and_unreachable_database_fail_clearly(self):
        result = subprocess.run([SERVER, "--mysql", "postgres://nope"], capture_output=True,
                                text=True, timeout=30, cwd=self.data_dir)
        self.assertNotEqual(result.returncode, 0)
        self.assertIn("--mysql", result.stderr)
        result = subprocess.run([SERVER, "--no-such-flag"], capture_output=True, text=True,
                                timeout=30, cwd=self.data_dir)
        self.assertNotEqual(result.returncode, 0)


if __name__ == "__main__":
    unittest.main(verbosity=2)
