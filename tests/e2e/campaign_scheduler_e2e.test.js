'use strict';
// Campaigns end to end with real processes: a live crm-server, 26,000 contacts streamed
// in from Node, two overlapping campaigns under a contact policy of one email per
// contact, and two crm-scheduler daemons (the C++ client, JSONL adapter, one shared
// spool directory) working them; one daemon is killed with SIGKILL mid-run. At the end
// every eligible recipient was written exactly once, nobody in a control group (whose
// membership this test recomputes from the documented hash) or opted out was touched,
// the cap held across both campaigns, and the results agree with the files.
//
// Run: node --test tests/e2e/campaign_scheduler_e2e.test.js

const { describe, it, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { spawn } = require('node:child_process');
const crypto = require('node:crypto');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const {
  grpc, loadCrmV1, startCrmServer, stopCrmServer, serverTarget, call, expectCode, STARTUP_TIMEOUT_MS,
} = require('./crm_server_harness');

const REPO_ROOT = path.resolve(__dirname, '..', '..');
const SCHEDULER_BIN = process.env.CRM_SCHEDULER_BIN || path.join(REPO_ROOT, 'build', 'bin', 'crm-scheduler');
// Enough that campaign A alone sends over 20,000 (after opt-outs, its control group
// and the VIPs campaign B touched first).
const CONTACTS = 26_000;
const CONTROL_PERCENT = 10;

const crmV1 = loadCrmV1([
  'crm/v1/tenant_admin.proto', 'crm/v1/contact.proto', 'crm/v1/campaign.proto', 'crm/v1/scheduler.proto',
]);
const clients = {};
const keys = {};
const state = { campaigns: {}, contacts: [], schedulers: [], spool: null };
const suffix = crypto.randomBytes(3).toString('hex');
const as = (key, client, method, request) => call(clients[client], method, request, key);
const sleep = (ms) => new Promise((resolve) => { setTimeout(resolve, ms); });
const timestamp = (ms) => ({ seconds: String(Math.floor(ms / 1000)), nanos: 0 });

// docs/campaigns.md: draw = top 53 bits of SplitMix64(FNV-1a-64("<campaign>/<contact>")) / 2^53.
const MASK = (1n << 64n) - 1n;
function controlDraw(campaignId, contactId) {
  let hash = 14695981039346656037n;
  for (const byte of Buffer.from(`${campaignId}/${contactId}`, 'utf8')) {
    hash ^= BigInt(byte);
    hash = (hash * 1099511628211n) & MASK;
  }
  let x = (hash + 0x9e3779b97f4a7c15n) & MASK;
  x = ((x ^ (x >> 30n)) * 0xbf58476d1ce4e5b9n) & MASK;
  x = ((x ^ (x >> 27n)) * 0x94d049bb133111ebn) & MASK;
  x ^= x >> 31n;
  return Number(x >> 11n) / 2 ** 53;
}

function importContacts(key, rows) {
  return new Promise((resolve, reject) => {
    const metadata = new grpc.Metadata();
    metadata.set('authorization', `Bearer ${key}`);
    const stream = clients.contacts.ImportContacts(metadata, (err, res) => (err ? reject(err) : resolve(res)));
    for (let i = 0; i < rows.length; i += 1000) stream.write({ contacts: rows.slice(i, i + 1000) });
    stream.end();
  });
}

function startScheduler(id) {
  const log = [];
  const child = spawn(SCHEDULER_BIN, [
    '--target', serverTarget(), '--api-key-file', path.join(state.spool, 'scheduler.key'),
    '--scheduler-id', id, '--adapter', 'jsonl', '--jsonl-dir', path.join(state.spool, 'out'),
    '--batch-size', '200', '--lease-seconds', '5', '--poll-interval-ms', '200', '--exit-when-idle-seconds', '4',
  ], { stdio: ['ignore', 'pipe', 'pipe'] });
  for (const stream of [child.stdout, child.stderr]) stream.on('data', (chunk) => log.push(String(chunk)));
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  const scheduler = { id, child, exited, log };
  state.schedulers.push(scheduler);
  return scheduler;
}

function deliveries() {
  const file = path.join(state.spool, 'out', 'email.jsonl');
  if (!fs.existsSync(file)) return [];
  return fs.readFileSync(file, 'utf8').split('\n').filter((line) => line.length > 0).map((line) => JSON.parse(line));
}

before(async () => {
  assert.ok(fs.existsSync(SCHEDULER_BIN), `crm-scheduler not found at ${SCHEDULER_BIN} (set CRM_SCHEDULER_BIN)`);
  keys.admin = await startCrmServer();
  state.spool = fs.mkdtempSync(path.join(os.tmpdir(), 'crmsched-'));
  const creds = grpc.credentials.createInsecure();
  for (const [slot, service] of [['admin', 'TenantAdminService'], ['contacts', 'ContactService'],
    ['campaigns', 'CampaignService'], ['scheduler', 'SchedulerService']]) {
    clients[slot] = new crmV1[service](serverTarget(), creds);
  }
  await new Promise((resolve, reject) => clients.campaigns.waitForReady(
    new Date(Date.now() + STARTUP_TIMEOUT_MS), (err) => (err ? reject(err) : resolve())));
});

after(async () => {
  for (const scheduler of state.schedulers) {
    if (scheduler.child.exitCode === null && scheduler.child.signalCode === null) scheduler.child.kill('SIGKILL');
  }
  for (const c of Object.values(clients)) c.close();
  await stopCrmServer();
  if (state.spool) fs.rmSync(state.spool, { recursive: true, force: true });
});

describe('campaigns with two crm-scheduler processes', () => {
  it('sets up a tenant with a one-email-per-contact policy and 26,000 contacts', async () => {
    const tenant = await as(keys.admin, 'admin', 'CreateTenant', {
      tenant_id: `camp-${suffix}`, tenant: { display_name: 'Campaign e2e' },
    });
    state.tenant = tenant;
    for (const [slot, role] of [['integration', 'ROLE_INTEGRATION'], ['scheduler', 'ROLE_SCHEDULER'],
      ['analyst', 'ROLE_ANALYST']]) {
      const created = await as(keys.admin, 'admin', 'CreateApiKey', { parent: tenant.name, api_key: { role } });
      keys[slot] = created.key;
    }
    fs.writeFileSync(path.join(state.spool, 'scheduler.key'), `${keys.scheduler}\n`, { mode: 0o600 });
    const updated = await as(keys.admin, 'admin', 'UpdateTenant', {
      tenant: { ...tenant, contact_policy: { max_touches: 1, max_touches_per_channel: 1, period_days: 30 } },
      update_mask: { paths: ['contact_policy'] },
    });
    assert.equal(updated.contact_policy.max_touches, 1);

    // Every 50th contact opted out of email; every 10th is also in campaign B's audience.
    const rows = [];
    for (let i = 0; i < CONTACTS; i += 1) {
      rows.push({
        external_id: `c-${i}`,
        display_name: `Contact ${i}`,
        emails: [`c${i}@example.com`],
        tags: i % 10 === 0 ? ['all', 'vip'] : ['all'],
        consents: [{ channel: 'CHANNEL_EMAIL', state: i % 50 === 7 ? 'CONSENT_STATE_OPTED_OUT' : 'CONSENT_STATE_OPTED_IN' }],
      });
    }
    const imported = await importContacts(keys.integration, rows);
    assert.equal(Number(imported.created_count), CONTACTS);
    let page_token = '';
    do {
      const page = await as(keys.analyst, 'contacts', 'ListContacts', { page_size: 1000, page_token });
      for (const contact of page.contacts) {
        state.contacts.push({
          name: contact.name,
          id: contact.name.split('/')[1],
          vip: contact.tags.includes('vip'),
          optedIn: contact.consents.some((c) => c.channel === 'CHANNEL_EMAIL' && c.state === 'CONSENT_STATE_OPTED_IN'),
        });
      }
      page_token = page.next_page_token;
    } while (page_token);
    assert.equal(state.contacts.length, CONTACTS);
  });

  it('schedules two overlapping campaigns and checks bad input first', async () => {
    const now = Date.now();
    const campaign = (name, filter) => ({
      display_name: name,
      objective: 'OBJECTIVE_PROMOTION',
      audience_filter: filter,
      cells: [{ display_name: 'email', theme: name, incentive: '10% off', channel: 'CAMPAIGN_CHANNEL_EMAIL' }],
      schedule: { start_time: timestamp(now - 60_000), end_time: timestamp(now + 86400_000) },
      control_percent: CONTROL_PERCENT,
      touch_costs: [{ channel: 'CAMPAIGN_CHANNEL_EMAIL', cost_per_touch: { units: '0', nanos: 50_000_000 } }],
    });
    await expectCode(as(keys.integration, 'campaigns', 'CreateCampaign', {
      campaign: campaign('bad', 'no_such_field = 1'),
    }), grpc.status.INVALID_ARGUMENT, 'filter on a field ListContacts does not offer');
    await expectCode(as(keys.integration, 'campaigns', 'CreateCampaign', {
      campaign: { ...campaign('bad', ''), control_percent: 75 },
    }), grpc.status.INVALID_ARGUMENT, 'control above 50 %');
    // B (the VIPs) first, so the cap decides who of the VIPs A may still touch.
    for (const [slot, filter] of [['b', 'tags:"vip"'], ['a', 'tags:"all"']]) {
      const created = await as(keys.integration, 'campaigns', 'CreateCampaign', {
        campaign: campaign(`Campaign ${slot}`, filter),
      });
      const scheduled = await as(keys.integration, 'campaigns', 'ScheduleCampaign', { name: created.name });
      assert.equal(scheduled.state, 'STATE_SCHEDULED');
      state.campaigns[slot] = created.name;
    }
    const preview = await as(keys.analyst, 'campaigns', 'PreviewAudience', { name: state.campaigns.a });
    assert.equal(Number(preview.matched), CONTACTS);
    assert.equal(Number(preview.exclusions.opted_out), CONTACTS / 50);
  });

  it('runs both with two schedulers, one of them killed with SIGKILL mid-run', async () => {
    const first = startScheduler('sched-1');
    const second = startScheduler('sched-2');
    // Let the first one deliver part of the audience, then kill it without warning.
    const deadline = Date.now() + 90_000;
    while (deliveries().length < 3000) {
      assert.ok(Date.now() < deadline, `no progress; scheduler logs:\n${first.log.join('')}\n${second.log.join('')}`);
      await sleep(100);
    }
    first.child.kill('SIGKILL');
    const killed = await first.exited;
    assert.equal(killed.signal, 'SIGKILL');

    // The survivor takes over the dead one's run once its 5 s lease expires.
    const done = Date.now() + 150_000;
    for (;;) {
      const states = await Promise.all(Object.values(state.campaigns).map(
        (name) => as(keys.analyst, 'campaigns', 'GetCampaign', { name })));
      if (states.every((c) => c.state === 'STATE_COMPLETED')) break;
      assert.ok(Date.now() < done, `campaigns not completed: ${states.map((c) => c.state)}; log:\n${second.log.join('')}`);
      await sleep(250);
    }
    const exit = await second.exited;  // idle exit after the work
    assert.deepEqual(exit, { code: 0, signal: null }, second.log.join(''));
  });

  it('sent every eligible recipient exactly once and touched nobody else', async () => {
    const lines = deliveries();
    const byDelivery = new Map();
    const byContact = new Map();
    for (const line of lines) {
      assert.ok(!byDelivery.has(line.delivery_id), `delivery ${line.delivery_id} written twice`);
      byDelivery.set(line.delivery_id, line);
      byContact.set(line.contact, (byContact.get(line.contact) || 0) + 1);
    }
    const campaignId = (slot) => state.campaigns[slot].split('/')[1];
    const inControl = (slot, contact) => controlDraw(campaignId(slot), contact.id) * 100 < CONTROL_PERCENT;
    // Eligible: opted in and in the test group of at least one campaign whose audience
    // holds them. The cap (one email) means exactly one touch each, whichever campaign.
    let expected = 0;
    let controls = { a: 0, b: 0 };
    for (const contact of state.contacts) {
      const testIn = [];
      for (const slot of ['a', 'b']) {
        if (slot === 'b' && !contact.vip) continue;
        if (!contact.optedIn) continue;
        if (inControl(slot, contact)) controls[slot] += 1; else testIn.push(slot);
      }
      const touches = byContact.get(contact.name) || 0;
      if (!contact.optedIn) assert.equal(touches, 0, `${contact.name} opted out but was touched`);
      else if (testIn.length === 0) assert.equal(touches, 0, `${contact.name} is control only but was touched`);
      else assert.equal(touches, 1, `${contact.name} eligible, touched ${touches} times`);
      if (testIn.length > 0) expected += 1;
    }
    assert.equal(lines.length, expected);

    for (const slot of ['a', 'b']) {
      const results = await as(keys.analyst, 'campaigns', 'GetCampaignResults', { name: state.campaigns[slot] });
      const total = results.total;
      const written = lines.filter((line) => line.delivery_id.startsWith(`${campaignId(slot)}-`)).length;
      assert.equal(Number(total.sent), written, `campaign ${slot}: results vs files`);
      assert.equal(Number(total.control), controls[slot], `campaign ${slot}: control size`);
      assert.equal(Number(total.sent) + Number(total.skipped_by_policy), Number(total.test), `campaign ${slot}`);
      if (slot === 'a') assert.ok(written > 20_000, `campaign a sent only ${written}`);
      assert.equal(Number(total.cost.units) * 1e9 + total.cost.nanos, written * 50_000_000);
    }
    // The survivor re-handed the dead scheduler's unreported recipients (attempt 2) and
    // its adapter found those already written.
    assert.ok(lines.some((line) => line.scheduler === 'sched-1'));
    assert.ok(lines.some((line) => line.scheduler === 'sched-2'));
  });

  it('keeps another tenant away from the runs', async () => {
    const other = await as(keys.admin, 'admin', 'CreateTenant', {
      tenant_id: `other-${suffix}`, tenant: { display_name: 'Other' },
    });
    const key = (await as(keys.admin, 'admin', 'CreateApiKey', {
      parent: other.name, api_key: { role: 'ROLE_SCHEDULER' },
    })).key;
    const claimed = await as(key, 'scheduler', 'ClaimRun', { scheduler_id: 'intruder' });
    assert.equal(claimed.run, null);
    await expectCode(as(key, 'scheduler', 'CompleteRun', { run: `${state.campaigns.a}/runs/1`, lease_token: 'x' }),
      grpc.status.NOT_FOUND, 'another tenant\'s run');
  });
});
