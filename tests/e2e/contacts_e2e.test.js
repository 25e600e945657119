// End-to-end test from another gRPC implementation: Node's @grpc/grpc-js drives the
// real crm-server binary (with its embedded MariaDB) through the public protos only.
// It proves the contract works outside C++: tenants, keys, contacts, pagination,
// filters, etags, isolation and the documented error codes.
'use strict';

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { spawn } = require('node:child_process');
const crypto = require('node:crypto');
const fs = require('node:fs');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');
const grpc = require('@grpc/grpc-js');
const protoLoader = require('@grpc/proto-loader');

const REPO = path.resolve(__dirname, '..', '..');
const SERVER = process.env.CRM_SERVER_BIN || path.join(REPO, 'build', 'bin', 'crm-server');

const definition = protoLoader.loadSync(
  ['crm/v1/tenant_admin.proto', 'crm/v1/account.proto', 'crm/v1/contact.proto'],
  { includeDirs: [path.join(REPO, 'protos')], keepCase: true, longs: String, enums: String,
    defaults: true, oneofs: true });
const crm = grpc.loadPackageDefinition(definition).crm.v1;

let server;       // child process
let dataDir;
let address;
let adminKey;
let admin;        // TenantAdminService client
let contacts;     // ContactService client
let accounts;     // AccountService client

function freePort() {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
}

// Promisified unary call with the key as bearer token.
function call(client, method, request, key) {
  const metadata = new grpc.Metadata();
  if (key) metadata.set('authorization', `Bearer ${key}`);
  return new Promise((resolve, reject) => {
    client[method](request, metadata, { deadline: Date.now() + 20000 }, (error, response) => {
      if (error) reject(error); else resolve(response);
    });
  });
}

async function expectCode(promise, code, messagePart) {
  await assert.rejects(promise, (error) => {
    assert.equal(error.code, code, `expected ${code}, got ${error.code}: ${error.details}`);
    if (messagePart) assert.match(error.details, new RegExp(messagePart));
    return true;
  });
}

before(async () => {
  assert.ok(fs.existsSync(SERVER), `crm-server binary not found at ${SERVER}`);
  // Short path: the embedded MariaDB's Unix socket must stay under 108 bytes.
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'crm-e2e-'));
  address = `127.0.0.1:${await freePort()}`;
  server = spawn(SERVER, ['--listen', address, '--data-dir', dataDir],
                 { stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  server.stderr.on('data', (chunk) => { log += chunk; });
  await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server not ready in 60 s:\n${log}`)), 60000);
    const poll = setInterval(() => {
      if (log.includes('crm-server listening')) {
        clearInterval(poll); clearTimeout(timer); resolve();
      }
    }, 50);
    server.once('exit', (code) => {
      clearInterval(poll); clearTimeout(timer);
      reject(new Error(`server exited with ${code}:\n${log}`));
    });
  });
  adminKey = fs.readFileSync(path.join(dataDir, 'admin.key'), 'utf8').trim();
  const credentials = grpc.credentials.createInsecure();
  admin = new crm.TenantAdminService(address, credentials);
  contacts = new crm.ContactService(address, credentials);
  accounts = new crm.AccountService(address, credentials);
});

after(async () => {
  for (const client of [admin, contacts, accounts]) client?.close();
  if (server && server.exitCode === null) {
    const exited = new Promise((resolve) => server.once('exit', resolve));
    server.kill('SIGTERM');
    const timer = setTimeout(() => server.kill('SIGKILL'), 30000);
    await exited;
    clearTimeout(timer);
  }
  if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
});

async function newTenant(prefix) {
  const tenantId = `${prefix}-${crypto.randomBytes(4).toString('hex')}`;
  const requestId = crypto.randomUUID();
  const request = { tenant_id: tenantId, request_id: requestId,
                    tenant: { display_name: `E2E ${prefix}`, currency_code: 'EUR' } };
  const tenant = await call(admin, 'CreateTenant', request, adminKey);
  assert.equal(tenant.name, `tenants/${tenantId}`);
  assert.equal(tenant.state, 'STATE_ACTIVE');
  // Replaying the request id returns the same tenant instead of failing or duplicating.
  const replay = await call(admin, 'CreateTenant', request, adminKey);
  assert.equal(replay.name, tenant.name);
  assert.equal(replay.etag, tenant.etag);
  const created = await call(admin, 'CreateApiKey',
    { parent: tenant.name, api_key: { role: 'ROLE_INTEGRATION', display_name: 'node e2e' } },
    adminKey);
  assert.match(created.key, /^crm_[0-9a-z]{16}_[0-9a-z]{52}$/);
  assert.equal(created.api_key.role, 'ROLE_INTEGRATION');
  return { tenant, key: created.key };
}

test('tenants, keys and contacts from JavaScript', async () => {
  const a = await newTenant('node-a');
  const b = await newTenant('node-b');

  const created = [];
  for (let i = 0; i < 3; i++) {
    created.push(await call(contacts, 'CreateContact', {
      request_id: crypto.randomUUID(),
      contact: {
        given_name: `Mei${i}`, family_name: 'Wang',
        emails: [`Mei${i}@Example.com`], phones: [`+86 138 0000 000${i}`],
        tags: i === 0 ? ['vip'] : ['member'],
        attributes: { favourite_line: 'anti-ageing' },
        consents: [{ channel: 'CHANNEL_SMS', state: 'CONSENT_STATE_OPTED_IN' }],
      },
    }, a.key));
  }
  const first = created[0];
  assert.match(first.name, /^contacts\/[0-9a-z]{26}$/);
  assert.equal(first.display_name, 'Mei0 Wang');
  assert.deepEqual(first.emails, ['mei0@example.com']);
  assert.deepEqual(first.phones, ['+8613800000000']);
  assert.equal(first.lifecycle_stage, 'LIFECYCLE_STAGE_PROSPECT');
  assert.equal(first.consents[0].state, 'CONSENT_STATE_OPTED_IN');

  const fetched = await call(contacts, 'GetContact', { name: first.name }, a.key);
  assert.equal(fetched.etag, first.etag);

  // Page through with page_size 1 until the token runs out.
  const seen = [];
  let pageToken = '';
  do {
    const page = await call(contacts, 'ListContacts', { page_size: 1, page_token: pageToken }, a.key);
    assert.ok(page.contacts.length <= 1);
    seen.push(...page.contacts.map((c) => c.name));
    pageToken = page.next_page_token;
  } while (pageToken);
  assert.deepEqual(seen, created.map((c) => c.name));

  const vip = await call(contacts, 'ListContacts', { filter: 'tags:"vip"' }, a.key);
  assert.deepEqual(vip.contacts.map((c) => c.name), [first.name]);

  // Update with a field mask and the current etag; then the stale etag is ABORTED.
  const updated = await call(contacts, 'UpdateContact', {
    contact: { ...first, region: 'East China', city: 'ignored' },
    update_mask: { paths: ['region'] },
  }, a.key);
  assert.equal(updated.region, 'East China');
  assert.equal(updated.city, '');
  assert.notEqual(updated.etag, first.etag);
  await expectCode(call(contacts, 'UpdateContact', {
    contact: { ...first, region: 'West' }, update_mask: { paths: ['region'] },
  }, a.key), grpc.status.ABORTED, 'etag');

  const found = await call(contacts, 'LookupContact', { email: 'MEI0@example.com' }, a.key);
  assert.equal(found.name, first.name);

  // Isolation: tenant B sees none of A's contacts, by name, lookup or list.
  await expectCode(call(contacts, 'GetContact', { name: first.name }, b.key), grpc.status.NOT_FOUND);
  await expectCode(call(contacts, 'LookupContact', { email: 'mei0@example.com' }, b.key),
                   grpc.status.NOT_FOUND);
  const bList = await call(contacts, 'ListContacts', {}, b.key);
  assert.equal(bList.contacts.length, 0);
  await expectCode(call(contacts, 'DeleteContact', { name: first.name }, b.key), grpc.status.NOT_FOUND);

  // A's page token is worthless to B.
  const aPage = await call(contacts, 'ListContacts', { page_size: 1 }, a.key);
  assert.ok(aPage.next_page_token);
  await expectCode(call(contacts, 'ListContacts', { page_size: 1, page_token: aPage.next_page_token },
                        b.key), grpc.status.INVALID_ARGUMENT, 'page_token');

  // Errors a partner developer will meet, with the documented codes.
  await expectCode(call(contacts, 'CreateContact', { contact: { given_name: 'X', emails: ['nope'] } },
                        a.key), grpc.status.INVALID_ARGUMENT, 'emails\\[0\\]');
  await expectCode(call(contacts, 'ListContacts', { filter: 'region = ' }, a.key),
                   grpc.status.INVALID_ARGUMENT, 'position');
  await expectCode(call(contacts, 'ListContacts', {}, null), grpc.status.UNAUTHENTICATED);
  await expectCode(call(contacts, 'ListContacts', {}, adminKey), grpc.status.PERMISSION_DENIED);
  await expectCode(call(admin, 'ListTenants', {}, a.key), grpc.status.PERMISSION_DENIED);

  await call(contacts, 'DeleteContact', { name: first.name, etag: updated.etag }, a.key);
  await expectCode(call(contacts, 'GetContact', { name: first.name }, a.key), grpc.status.NOT_FOUND);

  // Accounts work the same way; money comes back in the tenant's currency.
  const account = await call(accounts, 'CreateAccount', {
    account: { display_name: 'Acme GmbH', annual_revenue: { units: '2500000', nanos: 500000000 },
               tier: 'TIER_A' },
  }, a.key);
  assert.equal(account.annual_revenue.currency_code, 'EUR');
  assert.equal(account.annual_revenue.units, '2500000');
  await expectCode(call(accounts, 'GetAccount', { name: account.name }, b.key), grpc.status.NOT_FOUND);

  // A revoked key stops working at once on this server.
  const keys = await call(admin, 'ListApiKeys', { parent: a.tenant.name }, adminKey);
  await call(admin, 'RevokeApiKey', { name: keys.api_keys[0].name }, adminKey);
  await expectCode(call(contacts, 'ListContacts', {}, a.key), grpc.status.UNAUTHENTICATED);
});
