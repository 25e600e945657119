'use strict';
// End-to-end test of the value analysis from Node's @grpc/grpc-js, as a partner's
// analytics job uses it: purchases streamed in, a run started and polled to the end,
// results read and used as a ListContacts audience filter, a report and a gap
// analysis, bad input answered with the documented codes, and a second tenant that
// sees none of it.
//
// Run: node --test tests/e2e/value_analysis_e2e.test.js

const { describe, it, before, after } = require('node:test');
const assert = require('node:assert/strict');
const crypto = require('node:crypto');

const {
  grpc, loadCrmV1, startCrmServer, stopCrmServer, serverTarget, call, expectCode, STARTUP_TIMEOUT_MS,
} = require('./crm_server_harness');

const crmV1 = loadCrmV1([
  'crm/v1/tenant_admin.proto', 'crm/v1/contact.proto', 'crm/v1/purchase.proto', 'crm/v1/value_analysis.proto',
]);
const clients = {};
const keys = {};
const state = { contacts: [], run: null };
const suffix = crypto.randomBytes(3).toString('hex');
const DAY_MS = 86400_000;

const timestamp = (date) => ({ seconds: String(Math.floor(date.getTime() / 1000)), nanos: 0 });
const as = (key, client, method, request) => call(clients[client], method, request, key);
const sleep = (ms) => new Promise((resolve) => { setTimeout(resolve, ms); });

function importPurchases(key, rows) {
  return new Promise((resolve, reject) => {
    const metadata = new grpc.Metadata();
    metadata.set('authorization', `Bearer ${key}`);
    const stream = clients.purchases.ImportPurchases(metadata, (err, res) => (err ? reject(err) : resolve(res)));
    for (let i = 0; i < rows.length; i += 500) stream.write({ purchases: rows.slice(i, i + 500) });
    stream.end();
  });
}

before(async () => {
  keys.admin = await startCrmServer();
  const creds = grpc.credentials.createInsecure();
  for (const [slot, service] of [['admin', 'TenantAdminService'], ['contacts', 'ContactService'],
    ['purchases', 'PurchaseService'], ['analysis', 'ValueAnalysisService']]) {
    clients[slot] = new crmV1[service](serverTarget(), creds);
  }
  await new Promise((resolve, reject) => clients.analysis.waitForReady(
    new Date(Date.now() + STARTUP_TIMEOUT_MS), (err) => (err ? reject(err) : resolve())));
});

after(async () => {
  for (const c of Object.values(clients)) c.close();
  await stopCrmServer();
});

describe('value analysis end to end from @grpc/grpc-js', () => {
  it('sets up two tenants with INTEGRATION and ANALYST keys', async () => {
    for (const t of ['a', 'b']) {
      const tenant = await as(keys.admin, 'admin', 'CreateTenant', {
        tenant: { display_name: `Value ${t}`, currency_code: 'EUR' }, tenant_id: `val-${t}-${suffix}`,
      });
      for (const role of ['ROLE_INTEGRATION', 'ROLE_ANALYST']) {
        const key = await as(keys.admin, 'admin', 'CreateApiKey', {
          parent: tenant.name, api_key: { display_name: 'e2e', role },
        });
        keys[`${t}_${role === 'ROLE_ANALYST' ? 'analyst' : 'integration'}`] = key.key;
      }
    }
  });

  it('refuses a run before there are purchases, with the documented codes', async () => {
    const err = await expectCode(as(keys.a_analyst, 'analysis', 'RunAnalysis', {}),
      grpc.status.FAILED_PRECONDITION, 'no purchases');
    assert.match(err.details, /no purchases/);
    const future = await expectCode(as(keys.a_analyst, 'analysis', 'RunAnalysis', {
      as_of: timestamp(new Date(Date.now() + DAY_MS)),
    }), grpc.status.INVALID_ARGUMENT, 'as_of in the future');
    assert.match(future.details, /^as_of:/);
    const empty = await expectCode(as(keys.a_analyst, 'analysis', 'RunAnalysis', {
      window: { seconds: '0', nanos: 0 },
    }), grpc.status.INVALID_ARGUMENT, 'empty window');
    assert.match(empty.details, /^window:/);
    await expectCode(as(keys.a_integration, 'analysis', 'RunAnalysis', {}),
      grpc.status.PERMISSION_DENIED, 'INTEGRATION keys do not start runs');
  });

  it('streams two years of purchases for 40 customers', async () => {
    const rows = [];
    for (let i = 0; i < 40; i += 1) {
      const contact = await as(keys.a_integration, 'contacts', 'CreateContact', {
        contact: { display_name: `Customer ${i}`, store_id: `S${i % 2}` },
      });
      state.contacts.push(contact);
      for (let k = 0; k <= i % 6; k += 1) {
        rows.push({
          contact: contact.name,
          purchase_time: timestamp(new Date(Date.now() - ((i * 37 + k * 53) % 700 + 1) * DAY_MS)),
          amount: { units: String(20 + ((i * 13 + k * 7) % 300)) },
          gross_margin: { units: String(5 + ((i * 13 + k * 7) % 100)) },
          quantity: '1', product_category: 'skincare', store_id: `S${i % 2}`,
          external_id: `va-${suffix}-${i}-${k}`,
        });
      }
    }
    const response = await importPurchases(keys.a_integration, rows);
    assert.equal(Number(response.imported_count), rows.length);
  });

  it('runs an analysis in the background and polls it to SUCCEEDED', async () => {
    const requestId = crypto.randomUUID();
    const started = await as(keys.a_analyst, 'analysis', 'RunAnalysis', { request_id: requestId });
    assert.match(started.name, /^analysisRuns\/[0-9a-z]{26}$/);
    assert.ok(['STATE_PENDING', 'STATE_RUNNING', 'STATE_SUCCEEDED'].includes(started.state), started.state);
    const replay = await as(keys.a_analyst, 'analysis', 'RunAnalysis', { request_id: requestId });
    assert.equal(replay.name, started.name, 'a replayed request_id returns the first run');
    let run = started;
    for (let i = 0; i < 300 && !['STATE_SUCCEEDED', 'STATE_FAILED'].includes(run.state); i += 1) {
      await sleep(100);
      run = await as(keys.a_analyst, 'analysis', 'GetAnalysisRun', { name: started.name });
    }
    assert.equal(run.state, 'STATE_SUCCEEDED', JSON.stringify(run));
    assert.equal(run.current, true);
    assert.equal(Number(run.customers), 40);
    assert.equal(run.progress, 1);
    assert.deepEqual(run.timings.map((t) => t.stage), ['reading purchases', 'computing', 'writing results']);
    state.run = run;
  });

  it('reads results, orders them by CLV and uses them as a ListContacts audience', async () => {
    const byClv = await as(keys.a_analyst, 'analysis', 'ListCustomerValues', { order_by: 'clv desc', page_size: 100 });
    assert.equal(byClv.customer_values.length, 40);
    const clv = byClv.customer_values.map((v) => Number(v.clv.units) + v.clv.nanos / 1e9);
    for (let i = 1; i < clv.length; i += 1) assert.ok(clv[i - 1] >= clv[i], 'clv desc');

    const one = await as(keys.a_analyst, 'analysis', 'GetCustomerValue', { contact: state.contacts[5].name });
    assert.equal(one.contact, state.contacts[5].name);
    assert.equal(one.run, state.run.name);
    assert.ok(one.p_alive >= 0 && one.p_alive <= 1);

    const filter = 'value_tier = A OR value_tier = B';
    const audience = await as(keys.a_integration, 'contacts', 'ListContacts', { filter, page_size: 100 });
    const values = await as(keys.a_analyst, 'analysis', 'ListCustomerValues', { filter, page_size: 100 });
    assert.equal(audience.contacts.length, values.customer_values.length);
    assert.ok(audience.contacts.length > 0 && audience.contacts.length < 40);
    const winback = await as(keys.a_integration, 'contacts', 'ListContacts', {
      filter: 'rfm_segment = "IMPORTANT_WINBACK" AND p_alive < 0.5', page_size: 100,
    });
    assert.ok(Array.isArray(winback.contacts));
    await expectCode(as(keys.a_integration, 'contacts', 'ListContacts', { filter: 'rfm_segment = "BEST"' }),
      grpc.status.INVALID_ARGUMENT, 'unknown segment');
  });

  it('serves the reports and the on-request analyses', async () => {
    const summary = await as(keys.a_analyst, 'analysis', 'GetSegmentSummary', {});
    assert.equal(summary.value_tiers.reduce((n, g) => n + Number(g.customers), 0), 40);
    const pareto = await as(keys.a_analyst, 'analysis', 'GetParetoCurve', {});
    assert.equal(pareto.points.length, 100);
    const fit = await as(keys.a_analyst, 'analysis', 'GetModelFit', {});
    assert.equal(fit.bgnbd_error, '');
    assert.ok(fit.bgnbd.r > 0 && fit.bgnbd_fit.iterations > 0);
    const gaps = await as(keys.a_analyst, 'analysis', 'ComputeGapAnalysis', { period: 'PERIOD_KIND_YEAR' });
    assert.deepEqual(gaps.stores.map((s) => s.store_id), ['S0', 'S1']);
    const clusters = await as(keys.a_analyst, 'analysis', 'ClusterStores', { k: 2 });
    assert.equal(clusters.stores.length, 2);
    const tooMany = await expectCode(as(keys.a_analyst, 'analysis', 'ClusterStores', { k: 3 }),
      grpc.status.INVALID_ARGUMENT, 'k above the number of stores');
    assert.match(tooMany.details, /^k:/);
    const brand = await as(keys.a_analyst, 'analysis', 'ComputeBrandValue', {
      product_category: 'printer-cartridges', category_customers: 100000, our_customers: 40000,
      buying_rate: 24, share_of_purchase: 0.65, contribution_margin: 6.5,
    });
    assert.ok(Math.abs(brand.our_value_per_category_customer - 40.56) < 1e-9);
    const over = await expectCode(as(keys.a_analyst, 'analysis', 'ComputeBrandValue', {
      product_category: 'skincare', category_customers: 10, our_customers: 20, buying_rate: 1,
    }), grpc.status.INVALID_ARGUMENT, 'penetration above 1');
    assert.match(over.details, /^our_customers:/);
  });

  it('keeps the other tenant out of every run and result', async () => {
    await expectCode(as(keys.b_analyst, 'analysis', 'GetAnalysisRun', { name: state.run.name }),
      grpc.status.NOT_FOUND, 'another tenant\'s run');
    const runs = await as(keys.b_analyst, 'analysis', 'ListAnalysisRuns', {});
    assert.equal(runs.analysis_runs.length, 0);
    await expectCode(as(keys.b_analyst, 'analysis', 'GetCustomerValue', { contact: state.contacts[0].name }),
      grpc.status.FAILED_PRECONDITION, 'no run of its own yet');
    await expectCode(as(keys.b_analyst, 'analysis', 'ListCustomerValues', { run: state.run.name }),
      grpc.status.NOT_FOUND, 'another tenant\'s run by name');
    await expectCode(as(keys.b_analyst, 'analysis', 'GetModelFit', { run: state.run.name }),
      grpc.status.NOT_FOUND, 'another tenant\'s report');
    const audience = await as(keys.b_integration, 'contacts', 'ListContacts', { filter: 'value_tier = A' });
    assert.equal(audience.contacts.length, 0);
  });
});
