'use strict';
// End-to-end test of a partner's customer-activity integration from Node's
// @grpc/grpc-js: a prospect registered and followed up, converted by its first
// purchase, purchases streamed in with ImportPurchases (a bad row reported by index),
// the contact timeline, the lead funnel, and another tenant kept out of all of it.
//
// Run: node --test tests/e2e/activity_e2e.test.js

const { describe, it, before, after } = require('node:test');
const assert = require('node:assert/strict');
const crypto = require('node:crypto');

const {
  grpc, loadCrmV1, startCrmServer, stopCrmServer, serverTarget, call, expectCode, STARTUP_TIMEOUT_MS,
} = require('./crm_server_harness');

const crmV1 = loadCrmV1([
  'crm/v1/tenant_admin.proto', 'crm/v1/contact.proto', 'crm/v1/purchase.proto',
  'crm/v1/interaction.proto', 'crm/v1/lead.proto',
]);
const clients = {};
const state = { adminKey: null, keyA: null, keyB: null, contact: null, lead: null, purchase: null };
const suffix = crypto.randomBytes(3).toString('hex');

const timestamp = (date) => ({ seconds: String(Math.floor(date.getTime() / 1000)), nanos: 0 });
const as = (key, client, method, request) => call(clients[client], method, request, key);

before(async () => {
  state.adminKey = await startCrmServer();
  const creds = grpc.credentials.createInsecure();
  for (const [slot, service] of [['admin', 'TenantAdminService'], ['contacts', 'ContactService'],
    ['purchases', 'PurchaseService'], ['interactions', 'InteractionService'], ['leads', 'LeadService']]) {
    clients[slot] = new crmV1[service](serverTarget(), creds);
  }
  await new Promise((resolve, reject) => clients.leads.waitForReady(
    new Date(Date.now() + STARTUP_TIMEOUT_MS), (err) => (err ? reject(err) : resolve())));
});

after(async () => {
  for (const c of Object.values(clients)) c.close();
  await stopCrmServer();
});

describe('customer activity end to end from @grpc/grpc-js', () => {
  it('sets up two tenants, each with an INTEGRATION key', async () => {
    for (const slot of ['keyA', 'keyB']) {
      const tenant = await as(state.adminKey, 'admin', 'CreateTenant', {
        tenant: { display_name: `Activity ${slot}`, currency_code: 'CNY' },
        tenant_id: `act-${slot.toLowerCase()}-${suffix}`,
      });
      const key = await as(state.adminKey, 'admin', 'CreateApiKey', {
        parent: tenant.name, api_key: { display_name: 'e2e', role: 'ROLE_INTEGRATION' },
      });
      state[slot] = key.key;
    }
    state.contact = await as(state.keyA, 'contacts', 'CreateContact', {
      contact: { given_name: 'Wei', family_name: 'Zhang', phones: ['+86 139 1234 5678'] },
    });
  });

  it('registers a lead from an event and records follow-ups', async () => {
    const requestId = crypto.randomUUID();
    const create = {
      lead: {
        contact: state.contact.name, source: 'SOURCE_EVENT', source_detail: 'Auto show',
        needs: 'seven seats', intended_product: 'X7', intent: 'INTENT_HOT', owner: 'li.na',
        intended_purchase_date: { year: 2027, month: 3, day: 1 },
      },
      request_id: requestId,
    };
    state.lead = await as(state.keyA, 'leads', 'CreateLead', create);
    assert.match(state.lead.name, /^leads\/[0-9a-z]{26}$/);
    assert.equal(state.lead.status, 'STATUS_ACTIVE');
    assert.equal((await as(state.keyA, 'leads', 'CreateLead', create)).name, state.lead.name,
      'a replayed request_id returns the first lead');

    const due = new Date(Date.now() + 3600_000);
    const followUp = await as(state.keyA, 'leads', 'RecordFollowUp', {
      lead: state.lead.name,
      follow_up: { method: 'METHOD_PHONE', outcome: 'OUTCOME_APPOINTMENT_SET', notes: 'test drive Friday' },
      next_follow_up_time: timestamp(due),
      next_follow_up_method: 'METHOD_VISIT',
    });
    assert.match(followUp.follow_up.name, /^leadFollowUps\//);
    assert.equal(followUp.lead.follow_up_count, 1);
    assert.ok(followUp.lead.first_reach_time, 'an appointment reaches the prospect');
    assert.equal(followUp.lead.next_follow_up_method, 'METHOD_VISIT');

    const dueList = await as(state.keyA, 'leads', 'ListDueFollowUps', {
      due_before: timestamp(new Date(Date.now() + 2 * 3600_000)),
    });
    assert.deepEqual(dueList.leads.map((l) => l.name), [state.lead.name]);

    const bad = await expectCode(as(state.keyA, 'leads', 'RecordFollowUp', {
      lead: state.lead.name, follow_up: { method: 'METHOD_PHONE', outcome: 'OUTCOME_UNSPECIFIED' },
    }), grpc.status.INVALID_ARGUMENT, 'follow-up without an outcome');
    assert.match(bad.details, /follow_up\.outcome/);
  });

  it('converts the lead on the first purchase', async () => {
    state.purchase = await as(state.keyA, 'purchases', 'RecordPurchase', {
      purchase: {
        contact: state.contact.name, purchase_time: timestamp(new Date()),
        amount: { units: '320000' }, gross_margin: { units: '25000' }, product_category: 'cars',
        product: 'X7', channel: 'CHANNEL_STORE', store_id: 'sh-01', external_id: `so-${suffix}`,
      },
      request_id: crypto.randomUUID(),
    });
    const lead = await as(state.keyA, 'leads', 'GetLead', { name: state.lead.name });
    assert.equal(lead.status, 'STATUS_CONVERTED');
    assert.equal(lead.conversion_purchase, state.purchase.name);
    await expectCode(as(state.keyA, 'leads', 'ConvertLead', { name: state.lead.name }),
      grpc.status.FAILED_PRECONDITION, 'converting twice');
  });

  it('streams purchases with ImportPurchases and reports the bad row by index', async () => {
    const rows = [];
    for (let i = 0; i < 3; i += 1) {
      rows.push({
        contact: state.contact.name, purchase_time: timestamp(new Date(Date.now() - (i + 1) * 86400_000)),
        amount: { units: String(100 + i) }, product_category: 'service', external_id: `svc-${suffix}-${i}`,
      });
    }
    rows.push({ ...rows[0], external_id: `svc-${suffix}-bad`, quantity: -1 });
    const response = await new Promise((resolve, reject) => {
      const metadata = new grpc.Metadata();
      metadata.set('authorization', `Bearer ${state.keyA}`);
      const stream = clients.purchases.ImportPurchases(metadata, (err, res) => (err ? reject(err) : resolve(res)));
      stream.write({ purchases: rows.slice(0, 2) });
      stream.write({ purchases: rows.slice(2) });
      stream.end();
    });
    assert.equal(Number(response.imported_count), 3);
    assert.equal(Number(response.error_count), 1);
    assert.equal(Number(response.errors[0].index), 3, 'index counts across batches');
    assert.equal(response.errors[0].code, grpc.status.INVALID_ARGUMENT);
    assert.match(response.errors[0].message, /quantity/);
  });

  it('shows purchases and follow-ups on the contact timeline, newest first', async () => {
    const timeline = await as(state.keyA, 'interactions', 'GetContactTimeline', {
      contact: state.contact.name, page_size: 10,
    });
    const kinds = timeline.entries.map((e) => e.item);
    assert.equal(kinds.filter((k) => k === 'purchase').length, 4);
    assert.equal(kinds.filter((k) => k === 'follow_up').length, 1);
    const times = timeline.entries.map((e) => Number(e.time.seconds));
    assert.deepEqual(times, [...times].sort((a, b) => b - a));
  });

  it('reports the funnel by source', async () => {
    const funnel = await as(state.keyA, 'leads', 'GetLeadFunnel', {});
    const event = funnel.sources.find((s) => s.source === 'SOURCE_EVENT');
    assert.equal(Number(event.created), 1);
    assert.equal(Number(event.contacted), 1);
    assert.equal(Number(event.converted), 1);
    assert.equal(event.conversion_rate, 1);
    assert.equal(Number(funnel.total.created), 1);
  });

  it('keeps another tenant out of every lead call', async () => {
    await expectCode(as(state.keyB, 'leads', 'GetLead', { name: state.lead.name }),
      grpc.status.NOT_FOUND, 'GetLead across tenants');
    await expectCode(as(state.keyB, 'leads', 'InvalidateLead', { name: state.lead.name, reason: 'INVALID_REASON_OTHER' }),
      grpc.status.NOT_FOUND, 'InvalidateLead across tenants');
    await expectCode(as(state.keyB, 'leads', 'CreateLead', {
      lead: { contact: state.contact.name, source: 'SOURCE_OTHER', intent: 'INTENT_COLD' },
    }), grpc.status.NOT_FOUND, "CreateLead on another tenant's contact");
    const listed = await as(state.keyB, 'leads', 'ListLeads', {});
    assert.equal(listed.leads.length, 0);
    const funnel = await as(state.keyB, 'leads', 'GetLeadFunnel', {});
    assert.equal(Number(funnel.total.created), 0);
  });
});
