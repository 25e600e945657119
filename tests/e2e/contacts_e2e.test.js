'use strict';
// End-to-end test of crm-server driven from Node's @grpc/grpc-js: tenants and keys
// through TenantAdminService, then the ContactService life cycle, tenant isolation and
// the documented error codes. It starts its own server (CRM_SERVER_BIN, default
// <repo>/build/bin/crm-server) on a free 127.0.0.1 port with a fresh data directory,
// and always stops it and removes the directory at the end.
//
// Run: node --test tests/e2e/contacts_e2e.test.js

const { describe, it, before, after } = require('node:test');
const assert = require('node:assert/strict');
const crypto = require('node:crypto');

const {
  grpc, loadCrmV1, startCrmServer, stopCrmServer, serverTarget, call, expectCode, STARTUP_TIMEOUT_MS,
} = require('./crm_server_harness');

const crmV1 = loadCrmV1(['crm/v1/tenant_admin.proto', 'crm/v1/contact.proto']);
const clients = {};

const admin = (method, request) => call(clients.admin, method, request, state.adminKey);
const contactsAs = (key, method, request) => call(clients.contacts, method, request, key);

const sorted = (xs) => [...xs].sort();

// ---------------------------------------------------------------------------------
// Shared state between the ordered steps below.

const state = {
  adminKey: null,
  tenantA: null, // Tenant
  tenantB: null,
  keyA: null, // full API key strings
  keyB: null,
  alice: null, // Contacts of tenant A
  bob: null,
  carol: null,
  dave: null, // Contact of tenant B
};

const suffix = crypto.randomBytes(3).toString('hex');

before(async () => {
  state.adminKey = await startCrmServer();
  const creds = grpc.credentials.createInsecure();
  clients.admin = new crmV1.TenantAdminService(serverTarget(), creds);
  clients.contacts = new crmV1.ContactService(serverTarget(), creds);
  await new Promise((resolve, reject) => clients.contacts.waitForReady(
    new Date(Date.now() + STARTUP_TIMEOUT_MS), (err) => (err ? reject(err) : resolve())));
});

after(async () => {
  for (const c of Object.values(clients)) c.close();
  await stopCrmServer();
});

// ---------------------------------------------------------------------------------
// The scenario. Steps run in order and build on each other.

describe('crm-server end to end from @grpc/grpc-js', () => {
  it('creates two tenants idempotently and an INTEGRATION key for each', async () => {
    const requestIdA = crypto.randomUUID();
    const tenantIdA = `e2e-a-${suffix}`;
    const createA = {
      tenant: { display_name: 'E2E Tenant A', currency_code: 'EUR', time_zone: 'Europe/Berlin' },
      tenant_id: tenantIdA,
      request_id: requestIdA,
    };
    state.tenantA = await admin('CreateTenant', createA);
    assert.equal(state.tenantA.name, `tenants/${tenantIdA}`);
    assert.equal(state.tenantA.display_name, 'E2E Tenant A');
    assert.equal(state.tenantA.state, 'STATE_ACTIVE');
    assert.equal(state.tenantA.currency_code, 'EUR');
    assert.ok(state.tenantA.etag, 'tenant etag is empty');

    // Replaying the same request_id returns the first result, not a second tenant or
    // an ALREADY_EXISTS.
    const replay = await admin('CreateTenant', createA);
    assert.equal(replay.name, state.tenantA.name);
    assert.equal(replay.etag, state.tenantA.etag);
    assert.deepEqual(replay.create_time, state.tenantA.create_time);

    state.tenantB = await admin('CreateTenant', {
      tenant: { display_name: 'E2E Tenant B' },
      tenant_id: `e2e-b-${suffix}`,
      request_id: crypto.randomUUID(),
    });
    assert.equal(state.tenantB.name, `tenants/e2e-b-${suffix}`);
    assert.equal(state.tenantB.currency_code, 'EUR', 'currency_code defaults to EUR');
    assert.equal(state.tenantB.time_zone, 'UTC', 'time_zone defaults to UTC');

    const listed = await admin('ListTenants', { page_size: 1000 });
    const names = listed.tenants.map((t) => t.name);
    assert.equal(names.filter((n) => n === state.tenantA.name).length, 1, 'replay created a duplicate tenant');
    assert.ok(names.includes(state.tenantB.name));

    for (const [tenant, slot] of [[state.tenantA, 'keyA'], [state.tenantB, 'keyB']]) {
      const res = await admin('CreateApiKey', {
        parent: tenant.name,
        api_key: { display_name: 'e2e integration', role: 'ROLE_INTEGRATION' },
      });
      assert.ok(res.key && res.key.startsWith('crm_'), `unexpected key format: ${res.key}`);
      assert.ok(res.api_key.name.startsWith(`${tenant.name}/apiKeys/`), res.api_key.name);
      assert.equal(res.api_key.role, 'ROLE_INTEGRATION');
      assert.equal(res.api_key.state, 'STATE_ACTIVE');
      state[slot] = res.key;
    }
  });

  it('creates contacts with emails, phones, tags, attributes and consents', async () => {
    const requestId = crypto.randomUUID();
    const aliceReq = {
      contact: {
        given_name: 'Alice',
        family_name: 'Anders',
        emails: ['Alice.Anders@Example.COM', 'alice@work.example.org'],
        phones: ['+49 (30) 1234-5678'],
        tags: ['vip', 'newsletter'],
        attributes: { loyalty_tier: 'gold', shoe_size: '38' },
        consents: [
          { channel: 'CHANNEL_EMAIL', state: 'CONSENT_STATE_OPTED_IN' },
          { channel: 'CHANNEL_SMS', state: 'CONSENT_STATE_OPTED_OUT' },
        ],
        birthday: { year: 1985, month: 4, day: 12 },
        gender: 'GENDER_FEMALE',
        city: 'Berlin',
        external_id: `ext-alice-${suffix}`,
      },
      request_id: requestId,
    };
    const alice = await contactsAs(state.keyA, 'CreateContact', aliceReq);
    assert.match(alice.name, /^contacts\/[^/]+$/);
    assert.equal(alice.display_name, 'Alice Anders', 'display_name defaults to "given family"');
    assert.deepEqual(sorted(alice.emails), ['alice.anders@example.com', 'alice@work.example.org']);
    assert.deepEqual(alice.phones, ['+493012345678']);
    assert.deepEqual(sorted(alice.tags), ['newsletter', 'vip']);
    assert.deepEqual(alice.attributes, { loyalty_tier: 'gold', shoe_size: '38' });
    const consents = Object.fromEntries(alice.consents.map((c) => [c.channel, c.state]));
    assert.equal(consents.CHANNEL_EMAIL, 'CONSENT_STATE_OPTED_IN');
    assert.equal(consents.CHANNEL_SMS, 'CONSENT_STATE_OPTED_OUT');
    for (const c of alice.consents) {
      assert.ok(c.update_time && Number(c.update_time.seconds) > 0, `consent ${c.channel} has no update_time`);
    }
    assert.deepEqual(alice.birthday, { year: 1985, month: 4, day: 12 });
    assert.equal(alice.gender, 'GENDER_FEMALE');
    assert.equal(alice.lifecycle_stage, 'LIFECYCLE_STAGE_PROSPECT');
    assert.ok(alice.etag, 'contact etag is empty');
    assert.ok(alice.create_time && Number(alice.create_time.seconds) > 0, 'create_time not set');
    state.alice = alice;

    // Replaying the request_id returns the first contact, not a second one.
    const replay = await contactsAs(state.keyA, 'CreateContact', aliceReq);
    assert.equal(replay.name, alice.name);
    assert.equal(replay.etag, alice.etag);

    state.bob = await contactsAs(state.keyA, 'CreateContact', {
      contact: { display_name: 'Bob Builder', emails: ['bob@example.com'], tags: ['newsletter'] },
      request_id: crypto.randomUUID(),
    });
    state.carol = await contactsAs(state.keyA, 'CreateContact', {
      contact: { given_name: 'Carol', emails: ['carol@example.com'], tags: ['vip'], attributes: { loyalty_tier: 'silver' } },
      request_id: crypto.randomUUID(),
    });
    assert.equal(state.carol.display_name, 'Carol');

    // A second contact with the same external_id is ALREADY_EXISTS (new request_id).
    await expectCode(contactsAs(state.keyA, 'CreateContact', {
      contact: { given_name: 'Alice2', external_id: `ext-alice-${suffix}` },
      request_id: crypto.randomUUID(),
    }), grpc.status.ALREADY_EXISTS, 'duplicate external_id');

    // Tenant B's own contact, with the same external_id as A's: ids are per tenant.
    state.dave = await contactsAs(state.keyB, 'CreateContact', {
      contact: { given_name: 'Dave', emails: ['dave@example.com'], tags: ['vip'], external_id: `ext-alice-${suffix}` },
      request_id: crypto.randomUUID(),
    });
  });

  it('gets a contact', async () => {
    const got = await contactsAs(state.keyA, 'GetContact', { name: state.alice.name });
    assert.equal(got.name, state.alice.name);
    assert.equal(got.etag, state.alice.etag);
    assert.equal(got.display_name, 'Alice Anders');
    assert.deepEqual(sorted(got.emails), sorted(state.alice.emails));
    assert.deepEqual(got.attributes, state.alice.attributes);
    assert.equal(got.external_id, `ext-alice-${suffix}`);
  });

  it('lists page by page with page_size 1 to the end', async () => {
    const seen = [];
    let pageToken = '';
    let pages = 0;
    do {
      const res = await contactsAs(state.keyA, 'ListContacts', { page_size: 1, page_token: pageToken });
      assert.ok(res.contacts.length <= 1, `page_size 1 returned ${res.contacts.length} contacts`);
      seen.push(...res.contacts.map((c) => c.name));
      pageToken = res.next_page_token;
      pages += 1;
      assert.ok(pages <= 10, 'pagination does not terminate');
    } while (pageToken);
    // Default order is create_time: creation order.
    assert.deepEqual(seen, [state.alice.name, state.bob.name, state.carol.name]);
    assert.ok(!seen.includes(state.dave.name), "tenant A's list returned tenant B's contact");
  });

  it('lists with a filter', async () => {
    const vip = await contactsAs(state.keyA, 'ListContacts', { filter: 'tags:"vip"' });
    assert.deepEqual(vip.contacts.map((c) => c.name), [state.alice.name, state.carol.name]);
    assert.equal(vip.next_page_token, '');

    const gold = await contactsAs(state.keyA, 'ListContacts', {
      filter: 'attributes.loyalty_tier = "gold" AND NOT tags:"nope"',
    });
    assert.deepEqual(gold.contacts.map((c) => c.name), [state.alice.name]);

    const byName = await contactsAs(state.keyA, 'ListContacts', {
      filter: 'display_name:"bob" OR display_name:"carol"', order_by: 'display_name desc',
    });
    assert.deepEqual(byName.contacts.map((c) => c.name), [state.carol.name, state.bob.name]);
  });

  it('updates with an update_mask and etag, and rejects a stale etag with ABORTED', async () => {
    const before = await contactsAs(state.keyA, 'GetContact', { name: state.alice.name });
    const updated = await contactsAs(state.keyA, 'UpdateContact', {
      contact: {
        name: before.name,
        etag: before.etag,
        city: 'Hamburg',
        tags: ['vip', 'gold-club'],
        // Not in the mask: must be left alone.
        family_name: 'Ignored',
        emails: ['ignored@example.com'],
      },
      update_mask: { paths: ['city', 'tags'] },
    });
    assert.equal(updated.name, before.name);
    assert.equal(updated.city, 'Hamburg');
    assert.deepEqual(sorted(updated.tags), ['gold-club', 'vip']);
    assert.equal(updated.family_name, 'Anders', 'a field outside update_mask changed');
    assert.deepEqual(sorted(updated.emails), sorted(before.emails), 'a field outside update_mask changed');
    assert.notEqual(updated.etag, before.etag, 'etag did not change on update');

    const reread = await contactsAs(state.keyA, 'GetContact', { name: before.name });
    assert.equal(reread.city, 'Hamburg');
    assert.equal(reread.etag, updated.etag);

    // The etag read before the first update is stale now.
    const err = await expectCode(contactsAs(state.keyA, 'UpdateContact', {
      contact: { name: before.name, etag: before.etag, city: 'Munich' },
      update_mask: { paths: ['city'] },
    }), grpc.status.ABORTED, 'update with stale etag');
    assert.ok(!/select|update\s+\w+\s+set|sql/i.test(err.details), `SQL in message: ${err.details}`);

    const unchanged = await contactsAs(state.keyA, 'GetContact', { name: before.name });
    assert.equal(unchanged.city, 'Hamburg', 'the stale update was applied');
    state.alice = unchanged;
  });

  it('looks a contact up by email', async () => {
    const found = await contactsAs(state.keyA, 'LookupContact', { email: 'ALICE.ANDERS@example.com' });
    assert.equal(found.name, state.alice.name);
    const byPhone = await contactsAs(state.keyA, 'LookupContact', { phone: '+493012345678' });
    assert.equal(byPhone.name, state.alice.name);
    await expectCode(contactsAs(state.keyA, 'LookupContact', { email: 'nobody@example.com' }),
      grpc.status.NOT_FOUND, 'lookup of an unknown email');
    // Tenant B has no contact with A's email.
    await expectCode(contactsAs(state.keyB, 'LookupContact', { email: 'alice.anders@example.com' }),
      grpc.status.NOT_FOUND, "tenant B looking up tenant A's email");
  });

  it("isolates tenants: B cannot read A's contacts", async () => {
    const other = await expectCode(contactsAs(state.keyB, 'GetContact', { name: state.alice.name }),
      grpc.status.NOT_FOUND, "tenant B getting tenant A's contact");
    // The same answer as for a contact that does not exist at all: existence never leaks.
    const missing = state.alice.name.slice(0, -1) + (state.alice.name.endsWith('0') ? '1' : '0');
    const absent = await expectCode(contactsAs(state.keyB, 'GetContact', { name: missing }),
      grpc.status.NOT_FOUND, 'tenant B getting a missing contact');
    assert.equal(other.details.split(state.alice.name).join('<name>'), absent.details.split(missing).join('<name>'),
      "another tenant's contact and a missing one give different messages");

    const listB = await contactsAs(state.keyB, 'ListContacts', { page_size: 1000 });
    assert.deepEqual(listB.contacts.map((c) => c.name), [state.dave.name]);
    const vipB = await contactsAs(state.keyB, 'ListContacts', { filter: 'tags:"vip"' });
    assert.deepEqual(vipB.contacts.map((c) => c.name), [state.dave.name]);

    await expectCode(contactsAs(state.keyB, 'UpdateContact', {
      contact: { name: state.alice.name, city: 'Nowhere' }, update_mask: { paths: ['city'] },
    }), grpc.status.NOT_FOUND, "tenant B updating tenant A's contact");
    await expectCode(contactsAs(state.keyB, 'DeleteContact', { name: state.alice.name }),
      grpc.status.NOT_FOUND, "tenant B deleting tenant A's contact");
    const stillThere = await contactsAs(state.keyA, 'GetContact', { name: state.alice.name });
    assert.equal(stillThere.city, 'Hamburg');
  });

  it('returns the documented error codes', async () => {
    const badEmail = await expectCode(contactsAs(state.keyA, 'CreateContact', {
      contact: { given_name: 'Eve', emails: ['not-an-email'] }, request_id: crypto.randomUUID(),
    }), grpc.status.INVALID_ARGUMENT, 'invalid email');
    assert.match(badEmail.details, /^emails\b/, `message does not start with the field: ${badEmail.details}`);

    const badFilter = await expectCode(contactsAs(state.keyA, 'ListContacts', { filter: 'tags:("vip"' }),
      grpc.status.INVALID_ARGUMENT, 'malformed filter');
    assert.match(badFilter.details, /^filter\b/, `message does not start with the field: ${badFilter.details}`);
    await expectCode(contactsAs(state.keyA, 'ListContacts', { filter: 'no_such_field = "x"' }),
      grpc.status.INVALID_ARGUMENT, 'filter on an unknown field');

    await expectCode(contactsAs(undefined, 'ListContacts', {}), grpc.status.UNAUTHENTICATED, 'no key');
    await expectCode(contactsAs('crm_bogus_notakey', 'ListContacts', {}),
      grpc.status.UNAUTHENTICATED, 'malformed key');
    await expectCode(contactsAs(state.adminKey, 'ListContacts', {}),
      grpc.status.PERMISSION_DENIED, 'platform-admin key calling ContactService');
    await expectCode(contactsAs(state.adminKey, 'GetContact', { name: state.alice.name }),
      grpc.status.PERMISSION_DENIED, 'platform-admin key getting a contact');
    await expectCode(call(clients.admin, 'CreateTenant', {
      tenant: { display_name: 'nope' }, request_id: crypto.randomUUID(),
    }, state.keyA), grpc.status.PERMISSION_DENIED, 'integration key calling CreateTenant');

    // A page token belongs to its tenant (and query).
    const pageA = await contactsAs(state.keyA, 'ListContacts', { page_size: 1 });
    assert.ok(pageA.next_page_token, 'tenant A has more than one contact, expected a next_page_token');
    const foreignToken = await expectCode(
      contactsAs(state.keyB, 'ListContacts', { page_size: 1, page_token: pageA.next_page_token }),
      grpc.status.INVALID_ARGUMENT, "tenant B using tenant A's page token");
    assert.match(foreignToken.details, /^page_token\b/, `message does not start with the field: ${foreignToken.details}`);
    await expectCode(contactsAs(state.keyA, 'ListContacts', {
      page_size: 1, page_token: pageA.next_page_token, filter: 'tags:"vip"',
    }), grpc.status.INVALID_ARGUMENT, 'page token reused with a different filter');
  });

  it('deletes a contact', async () => {
    // Change Bob so that the etag from his creation is stale, then delete with it.
    const current = await contactsAs(state.keyA, 'UpdateContact', {
      contact: { name: state.bob.name, etag: state.bob.etag, city: 'Leipzig' },
      update_mask: { paths: ['city'] },
    });
    assert.notEqual(current.etag, state.bob.etag, 'etag did not change on update');
    await expectCode(contactsAs(state.keyA, 'DeleteContact', { name: current.name, etag: state.bob.etag }),
      grpc.status.ABORTED, 'delete with a stale etag');
    await contactsAs(state.keyA, 'GetContact', { name: current.name }); // still there
    const empty = await contactsAs(state.keyA, 'DeleteContact', { name: current.name, etag: current.etag });
    assert.deepEqual(empty, {});
    await expectCode(contactsAs(state.keyA, 'GetContact', { name: current.name }),
      grpc.status.NOT_FOUND, 'get after delete');
    await expectCode(contactsAs(state.keyA, 'LookupContact', { email: 'bob@example.com' }),
      grpc.status.NOT_FOUND, 'lookup after delete');
    const list = await contactsAs(state.keyA, 'ListContacts', {});
    assert.deepEqual(list.contacts.map((c) => c.name), [state.alice.name, state.carol.name]);
  });

  it('rejects a revoked key with UNAUTHENTICATED', async () => {
    const res = await admin('CreateApiKey', {
      parent: state.tenantA.name, api_key: { display_name: 'short-lived', role: 'ROLE_ANALYST' },
    });
    const list = await contactsAs(res.key, 'ListContacts', { page_size: 1 });
    assert.equal(list.contacts.length, 1);
    await expectCode(contactsAs(res.key, 'CreateContact', {
      contact: { given_name: 'Readonly' }, request_id: crypto.randomUUID(),
    }), grpc.status.PERMISSION_DENIED, 'ANALYST key writing a contact');
    const revoked = await admin('RevokeApiKey', { name: res.api_key.name });
    assert.equal(revoked.state, 'STATE_REVOKED');
    await expectCode(contactsAs(res.key, 'ListContacts', {}), grpc.status.UNAUTHENTICATED, 'revoked key');
  });
});
