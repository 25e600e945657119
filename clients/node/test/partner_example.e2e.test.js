'use strict';
// examples/partner_sync.js against a live crm-server, as a partner would run it.
//
// The platform admin makes a tenant and a TENANT_ADMIN key; the example runs as a
// separate process with only CRM_ADDR / CRM_API_KEY; its final JSON line must
// describe a sensible customer value from a run where both model fits worked, and the
// same values must be what the API itself answers for that contact.

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { execFile } = require('node:child_process');
const crypto = require('node:crypto');
const path = require('node:path');

const crm = require('../lib/crm_client');
const { startCrmServer } = require('./server_harness');

const EXAMPLE = path.join(__dirname, '..', 'examples', 'partner_sync.js');
const EXAMPLE_TIMEOUT_MS = 150_000;
const CUSTOMERS = 60;

let server;

before(async () => { server = await startCrmServer(); });

after(async () => {
  if (!server) return;
  const { code, signal } = await server.stop();
  // A clean SIGTERM shutdown (calls drained, embedded MariaDB stopped) exits 0.
  assert.equal(signal, null, `crm-server died of signal ${signal}`);
  assert.equal(code, 0, `crm-server exited with ${code}`);
});

async function createTenantAdminKey() {
  const admin = crm.connect({ address: server.address, apiKey: server.adminKey });
  try {
    const tenant = await admin.tenantAdmin.CreateTenant({
      tenant: { display_name: 'Partner example', currency_code: 'EUR' },
      tenant_id: `partner-node-${crypto.randomBytes(3).toString('hex')}`,
    });
    const created = await admin.tenantAdmin.CreateApiKey({
      parent: tenant.name, api_key: { display_name: 'partner_sync example', role: 'ROLE_TENANT_ADMIN' },
    });
    return created.key;
  } finally {
    admin.close();
  }
}

function runExample(env) {
  return new Promise((resolve) => {
    execFile(process.execPath, [EXAMPLE, '--customers', String(CUSTOMERS)],
      { env: { ...process.env, ...env }, timeout: EXAMPLE_TIMEOUT_MS, maxBuffer: 16 * 1024 * 1024 },
      (err, stdout, stderr) => resolve({ code: err ? (err.code ?? err.signal) : 0, stdout, stderr }));
  });
}

test('the partner example syncs contacts and purchases and reads a customer value', async () => {
  const key = await createTenantAdminKey();
  const result = await runExample({ CRM_ADDR: server.address, CRM_API_KEY: key });
  const context = `stdout:\n${result.stdout}\nstderr:\n${result.stderr}\nserver:\n${server.logTail()}`;
  assert.equal(result.code, 0, context);
  for (const step of ['created 60 contacts', 'past purchases with ImportPurchases',
    'recorded 60 latest purchases with RecordPurchase', 'succeeded: 60 customers', 'top 1 by CLV']) {
    assert.ok(result.stdout.includes(step), `missing "${step}"; ${context}`);
  }
  const value = JSON.parse(result.stdout.trim().split('\n').at(-1));

  // Both model fits worked: nothing unavailable, every model field present.
  assert.equal(value.customers, CUSTOMERS);
  assert.deepEqual(value.unavailable, []);
  assert.match(value.contact, /^contacts\//);
  assert.match(value.run, /^analysisRuns\//);
  assert.ok(value.p_alive >= 0 && value.p_alive <= 1, `p_alive ${value.p_alive}`);
  assert.ok(value.expected_purchases >= 0, `expected_purchases ${value.expected_purchases}`);
  assert.ok(value.clv >= 0, `clv ${value.clv}`);
  assert.ok(value.expected_value >= value.clv, `expected_value ${value.expected_value} < clv ${value.clv}`);
  // The loyal customer bought in the last month, several times in the window.
  assert.ok(value.recency_days <= 31, `recency_days ${value.recency_days}`);
  assert.ok(value.frequency >= 2, `frequency ${value.frequency}`);
  assert.ok(value.monetary > 0, `monetary ${value.monetary}`);
  assert.notEqual(value.rfm_segment, 'RFM_SEGMENT_UNSPECIFIED');
  assert.ok(['VALUE_TIER_A', 'VALUE_TIER_B', 'VALUE_TIER_C'].includes(value.value_tier), value.value_tier);
  assert.ok(!['LIFECYCLE_STAGE_UNSPECIFIED', 'LIFECYCLE_STAGE_PROSPECT'].includes(value.lifecycle_stage),
    value.lifecycle_stage);

  // What the example printed is what the API says.
  const tenant = crm.connect({ address: server.address, apiKey: key });
  try {
    const stored = await tenant.valueAnalysis.GetCustomerValue({ contact: value.contact });
    assert.equal(stored.run, value.run);
    assert.ok(Math.abs(stored.p_alive - value.p_alive) < 1e-9);
    assert.equal(Number(crm.fromMoney(stored.clv)), value.clv);
    const contacts = await tenant.contacts.ListContacts({ filter: 'tags:"partner-sync"', page_size: 1000 });
    assert.equal(contacts.contacts.length, CUSTOMERS);
  } finally {
    tenant.close();
  }
});
