"""Runs a real crm-server for a test: free 127.0.0.1 port, temp data dir, SIGTERM at the end.

CRM_SERVER_BIN names the binary (CTest sets it; default build/bin/crm-server). With no
--mysql the server starts its own MariaDB under the data dir and writes the
platform-admin key to DIR/admin.key.
"""
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time

import grpc

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
SERVER_BIN = os.path.abspath(os.environ.get("CRM_SERVER_BIN", os.path.join(REPO, "build", "bin", "crm-server")))
STARTUP_TIMEOUT_SECONDS = 90
SHUTDOWN_TIMEOUT_SECONDS = 60


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class CrmServer:
    """Use as a context manager; `address` and `admin_key` are set once it is up."""

    def __init__(self):
        # Short path under /tmp: the embedded MariaDB's Unix socket lives in it (107 bytes max).
        self.data_dir = tempfile.mkdtemp(prefix="crm-client-", dir="/tmp")
        self.address = f"127.0.0.1:{free_port()}"
        self.admin_key = None
        self.exit_code = None
        self._log_path = os.path.join(self.data_dir, "server.log")
        self._log = None
        self._process = None

    def __enter__(self):
        try:
            self._start()
        except BaseException:
            self._stop_quietly()
            raise
        return self

    def __exit__(self, exc_type, exc, tb):
        tail = ""
        try:
            self.exit_code = self.stop()
            if self.exit_code != 0:
                tail = self.log_tail()
        finally:
            shutil.rmtree(self.data_dir, ignore_errors=True)
        # A clean SIGTERM shutdown (calls drained, embedded MariaDB stopped) exits 0.
        if exc_type is None and self.exit_code != 0:
            raise AssertionError(f"crm-server exited with {self.exit_code} after SIGTERM:\n{tail}")

    def _start(self):
        if not os.access(SERVER_BIN, os.X_OK):
            raise FileNotFoundError(f"crm-server not found at {SERVER_BIN} (set CRM_SERVER_BIN)")
        self._log = open(self._log_path, "ab")
        self._process = subprocess.Popen(
            [SERVER_BIN, "--listen", self.address, "--data-dir", self.data_dir],
            stdin=subprocess.DEVNULL, stdout=self._log, stderr=self._log)
        give_up = time.monotonic() + STARTUP_TIMEOUT_SECONDS
        with grpc.insecure_channel(self.address) as channel:
            ready = grpc.channel_ready_future(channel)
            while True:
                if self._process.poll() is not None:
                    raise RuntimeError(f"crm-server exited with {self._process.returncode} during "
                                       f"startup:\n{self.log_tail()}")
                try:
                    ready.result(timeout=0.5)
                    break
                except grpc.FutureTimeoutError:
                    if time.monotonic() > give_up:
                        raise TimeoutError(f"crm-server not serving after {STARTUP_TIMEOUT_SECONDS} s:\n"
                                           f"{self.log_tail()}")
        with open(os.path.join(self.data_dir, "admin.key")) as f:
            self.admin_key = f.read().strip()

    def stop(self):
        """SIGTERM, wait for the drain; SIGKILL if it hangs. Returns the exit status."""
        if self._process is None:
            return None
        try:
            if self._process.poll() is None:
                self._process.send_signal(signal.SIGTERM)
            try:
                return self._process.wait(timeout=SHUTDOWN_TIMEOUT_SECONDS)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()
                return f"no exit within {SHUTDOWN_TIMEOUT_SECONDS} s of SIGTERM (killed)"
        finally:
            self._process = None
            if self._log:
                self._log.close()

    def _stop_quietly(self):
        try:
            self.stop()
        finally:
            shutil.rmtree(self.data_dir, ignore_errors=True)

    def log_tail(self, lines=40):
        try:
            with open(self._log_path, "rb") as f:
                return "\n".join(f.read().decode(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no server log)"
