'use strict';
// lib/crm_client.js against an in-process fake crm.v1 server on 127.0.0.1.
//
// What the wrapper promises and a live server cannot easily show: the key on every
// call, the default deadline on unary calls only, UNAVAILABLE retried (with one
// request_id across the attempts) for reads and request-id mutations and never for
// other mutations, client streams fed from an iterable, and the money / time
// conversions.

const { describe, it, before, after, beforeEach, afterEach } = require('node:test');
const assert = require('node:assert/strict');

const crm = require('../lib/crm_client');

const { grpc } = crm;
const API_KEY = 'crm_testkey_secret';
const DEFAULT_TIMEOUT_MS = 5_000;
const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

const calls = [];
const failures = new Map(); // method -> UNAVAILABLE answers still to give

function record(method, call) {
  const deadline = Number(call.getDeadline()); // a Date or epoch ms; Infinity without one
  calls.push({
    method,
    authorization: call.metadata.get('authorization'),
    request: call.request,
    remainingMs: Number.isFinite(deadline) ? deadline - Date.now() : Infinity,
  });
  const left = failures.get(method) || 0;
  if (left > 0) failures.set(method, left - 1);
  return left > 0 ? { code: grpc.status.UNAVAILABLE, details: 'database unreachable (injected)' } : null;
}

const unary = (method, respond) => (call, callback) => {
  const error = record(method, call);
  if (error) callback(error); else callback(null, respond(call.request));
};
const callsOf = (method) => calls.filter((c) => c.method === method);

let fakeServer;
let address;
let client;

before(async () => {
  const crmV1 = grpc.loadPackageDefinition(crm.loadCrmPackageDefinition()).crm.v1;
  fakeServer = new grpc.Server();
  fakeServer.addService(crmV1.ContactService.service, {
    CreateContact: unary('CreateContact', (request) => ({ name: 'contacts/c1', given_name: request.contact.given_name })),
    GetContact: unary('GetContact', (request) => ({ name: request.name })),
    UpdateContact: unary('UpdateContact', (request) => request.contact),
    ExportContacts: (call) => {
      record('ExportContacts', call);
      call.write({ name: 'contacts/c1' });
      call.end();
    },
  });
  fakeServer.addService(crmV1.PurchaseService.service, {
    ImportPurchases: (call, callback) => {
      record('ImportPurchases', call);
      let rows = 0;
      call.on('data', (batch) => { rows += batch.purchases.length; });
      call.on('end', () => callback(null, { imported_count: String(rows) }));
    },
  });
  fakeServer.addService(crmV1.TenantAdminService.service, {
    CreateApiKey: unary('CreateApiKey', () => ({ key: 'crm_new_key' })),
  });
  const port = await new Promise((resolve, reject) => {
    fakeServer.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(),
      (err, boundPort) => (err ? reject(err) : resolve(boundPort)));
  });
  address = `127.0.0.1:${port}`;
});

after(() => new Promise((resolve) => { fakeServer.tryShutdown(() => resolve()); }));

beforeEach(async () => {
  calls.length = 0;
  failures.clear();
  client = crm.connect({
    address, apiKey: API_KEY, timeoutMs: DEFAULT_TIMEOUT_MS, initialBackoffMs: 10, maxBackoffMs: 50,
  });
  await client.waitForReady(10_000);
});

afterEach(() => client.close());

async function expectUnavailable(promise) {
  await assert.rejects(promise, (err) => err.code === grpc.status.UNAVAILABLE);
}

describe('crm_client', () => {
  it('fills a request_id once and keeps it across the retries of a create', async () => {
    failures.set('CreateContact', 2);
    const request = { contact: { given_name: 'Ada' } };
    const contact = await client.contacts.CreateContact(request);
    assert.equal(contact.given_name, 'Ada');
    const attempts = callsOf('CreateContact');
    assert.equal(attempts.length, 3);
    const ids = new Set(attempts.map((c) => c.request.request_id));
    assert.equal(ids.size, 1);
    assert.match([...ids][0], UUID_V4);
    for (const attempt of attempts) assert.deepEqual(attempt.authorization, [`Bearer ${API_KEY}`]);
    assert.equal(request.request_id, undefined, "the caller's message is left alone");
  });

  it('gives each create its own request_id and keeps one the caller set', async () => {
    const request = { contact: { given_name: 'Bo' } };
    await client.contacts.CreateContact(request);
    await client.contacts.CreateContact(request);
    const mine = crm.newRequestId();
    await client.contacts.CreateContact({ contact: { given_name: 'Bo' }, request_id: mine });
    const ids = callsOf('CreateContact').map((c) => c.request.request_id);
    assert.equal(ids.length, 3);
    assert.notEqual(ids[0], ids[1]);
    assert.equal(ids[2], mine);
  });

  it('retries reads but not other mutations', async () => {
    failures.set('GetContact', 1);
    assert.equal((await client.contacts.GetContact({ name: 'contacts/c1' })).name, 'contacts/c1');
    assert.equal(callsOf('GetContact').length, 2);

    failures.set('UpdateContact', 1);
    await expectUnavailable(client.contacts.UpdateContact({ contact: {} }));
    assert.equal(callsOf('UpdateContact').length, 1);

    // No request_id, and the secret is not stored: a retried CreateApiKey would mint
    // a second key, so it is never retried.
    failures.set('CreateApiKey', 1);
    await expectUnavailable(client.tenantAdmin.CreateApiKey({ parent: 'tenants/t' }));
    assert.equal(callsOf('CreateApiKey').length, 1);
  });

  it('gives up after maxAttempts, and one attempt means no retry', async () => {
    failures.set('GetContact', 10);
    await expectUnavailable(client.contacts.GetContact({ name: 'contacts/c1' }));
    assert.equal(callsOf('GetContact').length, crm.DEFAULT_MAX_ATTEMPTS);

    const once = crm.connect({ address, apiKey: API_KEY, maxAttempts: 1 });
    try {
      failures.set('CreateContact', 1);
      await expectUnavailable(once.contacts.CreateContact({ contact: {} }));
    } finally {
      once.close();
    }
    const attempts = callsOf('CreateContact');
    assert.equal(attempts.length, 1);
    assert.match(attempts[0].request.request_id, UUID_V4, 'the id is filled in even without retries');
  });

  it('sets the default deadline on unary calls only; a call may set its own', async () => {
    await client.contacts.GetContact({ name: 'contacts/c1' });
    await client.contacts.GetContact({ name: 'contacts/c1' }, { timeoutMs: 60_000 });
    const [byDefault, own] = callsOf('GetContact');
    assert.ok(byDefault.remainingMs <= DEFAULT_TIMEOUT_MS + 500 && byDefault.remainingMs > DEFAULT_TIMEOUT_MS - 2000,
      `default deadline: ${byDefault.remainingMs} ms left`);
    assert.ok(own.remainingMs > DEFAULT_TIMEOUT_MS + 30_000, 'a longer deadline of the call wins');

    const exported = [];
    for await (const contact of client.contacts.ExportContacts({})) exported.push(contact.name);
    assert.deepEqual(exported, ['contacts/c1']);
    const [exportCall] = callsOf('ExportContacts');
    assert.equal(exportCall.remainingMs, Infinity, 'streams get no default deadline');
    assert.deepEqual(exportCall.authorization, [`Bearer ${API_KEY}`]);
  });

  it('does not replace an authorization the call brings', async () => {
    await client.contacts.GetContact({ name: 'contacts/c1' }, { metadata: { authorization: 'Bearer other' } });
    assert.deepEqual(callsOf('GetContact')[0].authorization, ['Bearer other']);
  });

  it('feeds a client stream from an iterable of batches', async () => {
    function* batches() {
      for (let i = 0; i < 3; i += 1) yield { purchases: [{ contact: 'contacts/c1' }, { contact: 'contacts/c2' }] };
    }
    const response = await client.purchases.ImportPurchases(batches());
    assert.equal(response.imported_count, '6');
    assert.deepEqual(callsOf('ImportPurchases')[0].authorization, [`Bearer ${API_KEY}`]);
  });

  it('has a client for every crm.v1 service in the protos', () => {
    const definition = crm.loadCrmPackageDefinition();
    const services = new Set(client.policies.map((p) => p.service));
    const declared = Object.keys(definition).filter((name) => name.startsWith('crm.v1.')
      && Object.values(definition[name]).every((m) => m && typeof m.path === 'string'));
    assert.deepEqual([...services].sort(), declared.sort());
    assert.deepEqual(Object.values(crm.SERVICES).map((s) => `crm.v1.${s}`).sort(), declared.sort());
  });

  it('refuses bad options', () => {
    for (const options of [{ timeoutMs: 0 }, { maxAttempts: 0 }, { initialBackoffMs: 2, maxBackoffMs: 1 },
      { rootCerts: Buffer.from('pem') }, { serverNameOverride: 'crm.test' }, { tls: true, clientCert: Buffer.from('pem') }]) {
      assert.throws(() => crm.connect({ address, apiKey: API_KEY, ...options }), Error, JSON.stringify(options));
    }
    assert.throws(() => crm.connect({ apiKey: API_KEY }), /address/);
  });
});

describe('values', () => {
  it('converts money exactly, as decimal strings', () => {
    assert.deepEqual(crm.toMoney('1234.567891', 'EUR'), { currency_code: 'EUR', units: '1234', nanos: 567891000 });
    assert.deepEqual(crm.toMoney('-0.25'), { currency_code: '', units: '0', nanos: -250000000 });
    assert.equal(crm.fromMoney(crm.toMoney('-12.5')), '-12.5');
    assert.equal(crm.fromMoney({ units: '7', nanos: 0 }), '7');
    assert.throws(() => crm.toMoney('0.0000001'), RangeError);
    assert.throws(() => crm.toMoney(0.1), TypeError);
  });

  it('converts timestamps', () => {
    const date = new Date('2025-03-01T04:30:00.250Z');
    const timestamp = crm.toTimestamp(date);
    assert.deepEqual(timestamp, { seconds: String(Math.floor(date.getTime() / 1000)), nanos: 250_000_000 });
    assert.equal(crm.fromTimestamp(timestamp).getTime(), date.getTime());
  });
});
