'use strict';
// Runs a real crm-server for a test: free 127.0.0.1 port, temp data dir (its embedded
// MariaDB lives there), SIGTERM at the end with a clean exit checked. CRM_SERVER_BIN
// names the binary (CTest sets it; default build/bin/crm-server).

const { spawn } = require('node:child_process');
const fs = require('node:fs');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');

const REPO_ROOT = path.resolve(__dirname, '..', '..', '..');
const SERVER_BIN = process.env.CRM_SERVER_BIN || path.join(REPO_ROOT, 'build', 'bin', 'crm-server');
const STARTUP_TIMEOUT_MS = 90_000;
const SHUTDOWN_TIMEOUT_MS = 60_000;
const LOG_LINES_KEPT = 2000;

/** A free TCP port on 127.0.0.1 (bind to port 0, read it, close). */
function freePort() {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.unref();
    probe.on('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
}

class CrmServer {
  constructor() {
    this.child = null;
    this.exited = null;
    this.log = [];
    this.address = null;
    this.adminKey = null;
    // Short path: the embedded MariaDB's Unix socket lives under it (limit 107 bytes).
    this.dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'crm-node-'));
  }

  logTail(lines = 40) {
    return this.log.slice(-lines).join('\n');
  }

  /** Starts the server and resolves once it says it is listening. */
  async start() {
    if (!fs.existsSync(SERVER_BIN)) throw new Error(`crm-server not found at ${SERVER_BIN} (set CRM_SERVER_BIN)`);
    this.address = `127.0.0.1:${await freePort()}`;
    const child = spawn(SERVER_BIN, ['--listen', this.address, '--data-dir', this.dataDir],
      { stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    this.exited = new Promise((resolve) => { child.once('exit', (code, signal) => resolve({ code, signal })); });
    await new Promise((resolve, reject) => {
      let settled = false;
      const finish = (err) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        if (err) reject(err); else resolve();
      };
      const timer = setTimeout(() => finish(new Error(
        `crm-server not listening after ${STARTUP_TIMEOUT_MS} ms; log tail:\n${this.logTail()}`)), STARTUP_TIMEOUT_MS);
      for (const stream of [child.stdout, child.stderr]) {
        let pending = '';
        stream.setEncoding('utf8');
        stream.on('data', (chunk) => {
          pending += chunk;
          let newline;
          while ((newline = pending.indexOf('\n')) >= 0) {
            const line = pending.slice(0, newline);
            pending = pending.slice(newline + 1);
            this.log.push(line);
            if (this.log.length > LOG_LINES_KEPT) this.log.splice(0, LOG_LINES_KEPT / 2);
            if (line.includes('crm-server listening on')) finish();
          }
        });
      }
      child.once('error', (err) => finish(new Error(`cannot start ${SERVER_BIN}: ${err.message}`)));
      child.once('exit', (code, signal) => finish(new Error(
        `crm-server exited during startup (code ${code}, signal ${signal}); log tail:\n${this.logTail()}`)));
    });
    this.adminKey = fs.readFileSync(path.join(this.dataDir, 'admin.key'), 'utf8').trim();
    return this;
  }

  /**
   * SIGTERM, wait for the drain (SIGKILL if it hangs), remove the data dir. Resolves
   * with {code, signal}; a clean shutdown is {code: 0, signal: null}.
   */
  async stop() {
    try {
      if (!this.child) return { code: null, signal: null };
      if (this.child.exitCode === null && this.child.signalCode === null) {
        this.child.kill('SIGTERM');
        let timer;
        const timeout = new Promise((resolve) => { timer = setTimeout(() => resolve('timeout'), SHUTDOWN_TIMEOUT_MS); });
        const result = await Promise.race([this.exited, timeout]);
        clearTimeout(timer);
        if (result === 'timeout') {
          this.child.kill('SIGKILL');
          await this.exited;
          throw new Error(`crm-server did not exit within ${SHUTDOWN_TIMEOUT_MS} ms of SIGTERM; log tail:\n${this.logTail()}`);
        }
      }
      return await this.exited;
    } finally {
      this.child = null;
      running.delete(this);
      fs.rmSync(this.dataDir, { recursive: true, force: true });
    }
  }
}

// Last resort if the test process is torn down without running its `after` hook: ask
// every server still running to shut itself (and its embedded MariaDB) down.
const running = new Set();
process.on('exit', () => {
  for (const server of running) {
    if (server.child && server.child.exitCode === null && server.child.signalCode === null) {
      try { server.child.kill('SIGTERM'); } catch { /* already gone */ }
    }
  }
});
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.once(signal, () => process.exit(128 + os.constants.signals[signal]));
}

/** A started CrmServer (its start failure stops it again). */
async function startCrmServer() {
  const server = new CrmServer();
  running.add(server);
  try {
    return await server.start();
  } catch (err) {
    await server.stop().catch(() => {});
    throw err;
  }
}

module.exports = { startCrmServer, CrmServer };
