'use strict';
// Shared by the Node end-to-end tests: starts a real crm-server (CRM_SERVER_BIN,
// default <repo>/build/bin/crm-server) on a free 127.0.0.1 port with a fresh data
// directory (its embedded MariaDB lives there), stops it with SIGTERM and checks the
// clean exit, and wraps unary calls and expected status codes.

const assert = require('node:assert/strict');
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');

const grpc = require('@grpc/grpc-js');
const protoLoader = require('@grpc/proto-loader');

const REPO_ROOT = path.resolve(__dirname, '..', '..');
const PROTO_DIR = path.join(REPO_ROOT, 'protos');
const SERVER_BIN = process.env.CRM_SERVER_BIN || path.join(REPO_ROOT, 'build', 'bin', 'crm-server');

const STARTUP_TIMEOUT_MS = 60_000;
const SHUTDOWN_TIMEOUT_MS = 30_000;
const CALL_DEADLINE_MS = 15_000;

/** The crm.v1 package from the given proto files (paths under protos/). */
function loadCrmV1(protoFiles) {
  const definition = protoLoader.loadSync(protoFiles, {
    includeDirs: [PROTO_DIR], keepCase: true, longs: String, enums: String, defaults: true, oneofs: true,
  });
  return grpc.loadPackageDefinition(definition).crm.v1;
}

// ---------------------------------------------------------------------------------
// Server process management.

/** A free TCP port on 127.0.0.1 (bind to port 0, read it, close). */
function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

const server = {
  child: null,
  exited: null, // Promise resolved with {code, signal} when the child exits.
  dataDir: null,
  port: 0,
  log: [], // stderr/stdout lines, for diagnostics on failure
};

function logTail(n = 40) {
  return server.log.slice(-n).join('\n');
}

function startServer() {
  return new Promise((resolve, reject) => {
    const args = ['--listen', `127.0.0.1:${server.port}`, '--data-dir', server.dataDir];
    const child = spawn(SERVER_BIN, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    server.child = child;
    server.exited = new Promise((res) => child.once('exit', (code, signal) => res({ code, signal })));

    let settled = false;
    const finish = (err) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (err) reject(err); else resolve();
    };
    const timer = setTimeout(() => finish(new Error(
      `crm-server did not report "listening" within ${STARTUP_TIMEOUT_MS} ms; log tail:\n${logTail()}`)),
    STARTUP_TIMEOUT_MS);

    const onData = (stream) => {
      let buf = '';
      stream.setEncoding('utf8');
      stream.on('data', (chunk) => {
        buf += chunk;
        let nl;
        while ((nl = buf.indexOf('\n')) >= 0) {
          const line = buf.slice(0, nl);
          buf = buf.slice(nl + 1);
          server.log.push(line);
          if (server.log.length > 2000) server.log.splice(0, 1000);
          if (line.includes('crm-server listening on')) finish();
        }
      });
    };
    onData(child.stdout);
    onData(child.stderr);
    child.once('error', (err) => finish(new Error(`cannot start ${SERVER_BIN}: ${err.message}`)));
    child.once('exit', (code, signal) => finish(new Error(
      `crm-server exited during startup (code ${code}, signal ${signal}); log tail:\n${logTail()}`)));
  });
}

async function stopServer() {
  const child = server.child;
  if (!child) return;
  if (child.exitCode === null && child.signalCode === null) {
    child.kill('SIGTERM');
    const timeout = new Promise((res) => setTimeout(() => res('timeout'), SHUTDOWN_TIMEOUT_MS).unref());
    const result = await Promise.race([server.exited, timeout]);
    if (result === 'timeout') {
      child.kill('SIGKILL');
      await server.exited;
      server.child = null;
      throw new Error(`crm-server did not exit within ${SHUTDOWN_TIMEOUT_MS} ms of SIGTERM; log tail:\n${logTail()}`);
    }
  }
  const { code, signal } = await server.exited;
  server.child = null;
  // A clean SIGTERM shutdown exits with status 0.
  assert.equal(signal, null, `crm-server died of signal ${signal}; log tail:\n${logTail()}`);
  assert.equal(code, 0, `crm-server exited with status ${code}; log tail:\n${logTail()}`);
}

// Last resort if the test process is torn down without running `after`: ask the
// server to shut itself (and its embedded MariaDB) down.
process.on('exit', () => {
  if (server.child && server.child.exitCode === null && server.child.signalCode === null) {
    try { server.child.kill('SIGTERM'); } catch { /* already gone */ }
  }
});
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.once(sig, () => process.exit(128 + os.constants.signals[sig]));
}

// ---------------------------------------------------------------------------------
// gRPC helpers.

function metadataFor(key) {
  const md = new grpc.Metadata();
  if (key !== undefined && key !== null) md.set('authorization', `Bearer ${key}`);
  return md;
}

/** Calls a unary method; resolves with the response, rejects with the grpc error. */
function call(client, method, request, key) {
  return new Promise((resolve, reject) => {
    const deadline = new Date(Date.now() + CALL_DEADLINE_MS);
    client[method](request, metadataFor(key), { deadline }, (err, response) => {
      if (err) reject(err); else resolve(response);
    });
  });
}

const codeName = (code) => Object.keys(grpc.status).find((k) => grpc.status[k] === code) || String(code);

/** Asserts that `promise` fails with `code`; returns the error. */
async function expectCode(promise, code, what) {
  let response;
  try {
    response = await promise;
  } catch (err) {
    assert.ok(err && typeof err.code === 'number', `${what}: not a gRPC error: ${err}`);
    assert.equal(codeName(err.code), codeName(code),
      `${what}: expected ${codeName(code)}, got ${codeName(err.code)}: ${err.details}`);
    assert.ok(typeof err.details === 'string' && err.details.length > 0, `${what}: empty error message`);
    return err;
  }
  assert.fail(`${what}: expected ${codeName(code)}, but the call succeeded: ${JSON.stringify(response)}`);
}

/** Starts the server in a fresh temp data dir; returns the platform admin key. */
async function startCrmServer() {
  assert.ok(fs.existsSync(SERVER_BIN), `crm-server binary not found at ${SERVER_BIN} (set CRM_SERVER_BIN)`);
  // Short path: the embedded MariaDB's Unix socket lives under it (limit 107 bytes).
  server.dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'crme2e-'));
  server.port = await freePort();
  await startServer();
  const adminKey = fs.readFileSync(path.join(server.dataDir, 'admin.key'), 'utf8').trim();
  assert.ok(adminKey.length > 0, 'admin key file is empty');
  return adminKey;
}

/** Stops the server (asserting a clean exit) and removes its data dir. */
async function stopCrmServer() {
  try {
    await stopServer();
  } finally {
    if (server.dataDir) fs.rmSync(server.dataDir, { recursive: true, force: true });
  }
}

const serverTarget = () => `127.0.0.1:${server.port}`;

module.exports = {
  grpc, loadCrmV1, startCrmServer, stopCrmServer, serverTarget, call, expectCode, codeName,
  STARTUP_TIMEOUT_MS,
};
