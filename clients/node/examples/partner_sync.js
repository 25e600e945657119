#!/usr/bin/env node
'use strict';
// A partner's sync job against the CRM platform, written with lib/crm_client.js:
//
// 1. creates contacts (CreateContact; the client fills in each request_id),
// 2. imports their purchase history as one client stream (ImportPurchases) and records
//    each customer's latest purchase on its own (RecordPurchase),
// 3. starts a value analysis (RunAnalysis) and polls GetAnalysisRun until it is done,
// 4. reads the most loyal customer's value (GetCustomerValue) and the top customers by
//    lifetime value (ListCustomerValues).
//
// It prints what it does; the last line is one JSON object with that customer's value,
// for scripts. Needs a TENANT_ADMIN key (or one key that may write contacts and
// purchases and run analyses).
//
//   CRM_ADDR=127.0.0.1:50051 CRM_API_KEY="$(cat var/demo-tenant.key)" \
//     node clients/node/examples/partner_sync.js

const crypto = require('node:crypto');
const fs = require('node:fs');
const { parseArgs } = require('node:util');

const crm = require('../lib/crm_client');
const { makeCustomers } = require('./sample_history');

const IMPORT_BATCH_ROWS = 500; // ImportPurchases takes 1..1000 rows per message
const POLL_INTERVAL_MS = 500;
const FINISHED = ['STATE_SUCCEEDED', 'STATE_FAILED'];

const say = (message) => console.log(`partner_sync: ${message}`);
const sleep = (ms) => new Promise((resolve) => { setTimeout(resolve, ms); });

class ExampleError extends Error {}

const USAGE = `usage: partner_sync.js [--addr HOST:PORT] [--api-key KEY] [--tls] [--ca-file PEM]
       [--customers N] [--months N] [--seed N] [--analysis-timeout SECONDS]
Address and key default to CRM_ADDR (else 127.0.0.1:50051) and CRM_API_KEY.`;

const OPTION_SPEC = {
  addr: { type: 'string', default: process.env.CRM_ADDR || '127.0.0.1:50051' },
  'api-key': { type: 'string', default: process.env.CRM_API_KEY || '' },
  tls: { type: 'boolean', default: false },
  'ca-file': { type: 'string' },
  customers: { type: 'string', default: '60' },
  months: { type: 'string', default: '18' },
  seed: { type: 'string', default: '2026' },
  'analysis-timeout': { type: 'string', default: '120' },
  help: { type: 'boolean', default: false },
};

function parseOptions(argv) {
  let values;
  try {
    ({ values } = parseArgs({ args: argv, options: OPTION_SPEC }));
  } catch (err) {
    throw new ExampleError(`${err.message}\n${USAGE}`);
  }
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  const options = {
    address: values.addr,
    apiKey: values['api-key'],
    tls: values.tls || Boolean(values['ca-file']),
    caFile: values['ca-file'],
    customers: Number(values.customers),
    months: Number(values.months),
    seed: Number(values.seed),
    analysisTimeoutMs: Number(values['analysis-timeout']) * 1000,
  };
  if (!options.apiKey) throw new ExampleError(`no API key: set CRM_API_KEY or pass --api-key\n${USAGE}`);
  for (const [flag, key] of [['customers', 'customers'], ['months', 'months'], ['seed', 'seed'],
    ['analysis-timeout', 'analysisTimeoutMs']]) {
    if (!Number.isInteger(options[key]) || options[key] < 1) throw new ExampleError(`bad --${flag}\n${USAGE}`);
  }
  return options;
}

async function createContacts(client, customers) {
  const names = [];
  for (const customer of customers) {
    const contact = await client.contacts.CreateContact({
      contact: {
        given_name: customer.givenName, family_name: customer.familyName, emails: [customer.email],
        store_id: customer.storeId, source: 'partner_sync', tags: ['partner-sync', customer.profile],
        external_id: customer.externalId,
      },
    });
    names.push(contact.name);
  }
  say(`created ${names.length} contacts (${names[0]} .. ${names[names.length - 1]})`);
  return names;
}

function toPurchase(contactName, sample) {
  return {
    contact: contactName,
    purchase_time: crm.toTimestamp(sample.purchaseTime),
    amount: crm.toMoney(sample.amount),
    gross_margin: crm.toMoney(sample.grossMargin),
    quantity: '1',
    product_category: sample.productCategory,
    store_id: sample.storeId,
    channel: sample.storeId ? 'CHANNEL_STORE' : 'CHANNEL_ONLINE',
    type: 'TYPE_PURCHASE',
    external_id: sample.externalId,
  };
}

function* importBatches(rows) {
  for (let i = 0; i < rows.length; i += IMPORT_BATCH_ROWS) yield { purchases: rows.slice(i, i + IMPORT_BATCH_ROWS) };
}

async function recordPurchases(client, customers, contactNames) {
  // Everything but each customer's newest purchase goes in as a bulk import (one
  // transaction per batch; external ids make a re-sent stream add nothing) ...
  const history = customers.flatMap((customer, i) => customer.purchases.slice(0, -1)
    .map((sample) => toPurchase(contactNames[i], sample)));
  const imported = await client.purchases.ImportPurchases(importBatches(history), { timeoutMs: 120_000 });
  if (Number(imported.error_count) > 0) {
    throw new ExampleError(`${imported.error_count} purchases rejected, first: ${imported.errors[0].message}`);
  }
  say(`imported ${imported.imported_count} past purchases with ImportPurchases `
    + `(${imported.skipped_count} already there)`);
  // ... and the newest one as a single call, as a till would send it. RecordPurchase
  // is retried on UNAVAILABLE with the request_id the client filled in.
  for (const [i, customer] of customers.entries()) {
    await client.purchases.RecordPurchase({ purchase: toPurchase(contactNames[i], customer.purchases.at(-1)) });
  }
  say(`recorded ${customers.length} latest purchases with RecordPurchase`);
}

async function runAnalysis(client, timeoutMs) {
  // An explicit request_id: kept by a real job, a restart would replay it and get the
  // same run back instead of starting a second one.
  let run = await client.valueAnalysis.RunAnalysis({ request_id: crm.newRequestId() });
  say(`started ${run.name} (${run.state})`);
  const giveUp = Date.now() + timeoutMs;
  let lastStage = null;
  while (!FINISHED.includes(run.state)) {
    if (Date.now() > giveUp) throw new ExampleError(`${run.name} not finished after ${timeoutMs / 1000} s (stage ${run.stage})`);
    await sleep(POLL_INTERVAL_MS);
    run = await client.valueAnalysis.GetAnalysisRun({ name: run.name });
    if (run.stage !== lastStage) {
      say(`${run.name}: ${run.state}, ${run.stage} (${Math.round(run.progress * 100)}%)`);
      lastStage = run.stage;
    }
  }
  if (run.state !== 'STATE_SUCCEEDED') throw new ExampleError(`${run.name} failed: ${run.error_code}: ${run.error_message}`);
  say(`${run.name} succeeded: ${run.customers} customers, ${run.purchases} purchases`);
  for (const unavailable of run.unavailable) say(`unavailable: ${unavailable.fields.join(', ')}: ${unavailable.reason}`);
  return run;
}

const moneyNumber = (money) => Number(crm.fromMoney(money));

function customerValueSummary(run, value) {
  // proto3 `optional` fields are absent when unset (the fit was unavailable).
  const optional = (field, convert = (x) => x) => (field in value ? convert(value[field]) : null);
  return {
    contact: value.contact,
    run: value.run,
    customers: Number(run.customers),
    unavailable: run.unavailable.flatMap((u) => u.fields),
    recency_days: Number(value.recency_days),
    frequency: Number(value.frequency),
    monetary: moneyNumber(value.monetary),
    rfm_segment: value.rfm_segment,
    value_tier: value.value_tier,
    lifecycle_stage: value.lifecycle_stage,
    p_alive: optional('p_alive'),
    expected_purchases: optional('expected_purchases'),
    clv: optional('clv', moneyNumber),
    expected_value: moneyNumber(value.expected_value),
  };
}

async function report(client, run, contactName) {
  const value = await client.valueAnalysis.GetCustomerValue({ contact: contactName, run: run.name });
  const summary = customerValueSummary(run, value);
  say(`${contactName}: ${summary.rfm_segment}, tier ${summary.value_tier}, ${summary.lifecycle_stage}, `
    + `P(alive) ${summary.p_alive}, CLV ${summary.clv}`);
  const top = await client.valueAnalysis.ListCustomerValues({ run: run.name, order_by: 'clv desc', page_size: 3 });
  top.customer_values.forEach((entry, i) => say(`top ${i + 1} by CLV: ${entry.contact} CLV ${crm.fromMoney(entry.clv)}`));
  return summary;
}

async function main(argv) {
  const options = parseOptions(argv);
  const runTag = crypto.randomBytes(4).toString('hex');
  const customers = makeCustomers({
    count: options.customers, months: options.months, seed: options.seed, runTag, now: new Date(),
  });
  const purchaseCount = customers.reduce((sum, c) => sum + c.purchases.length, 0);
  say(`syncing ${customers.length} customers with ${purchaseCount} purchases over ${options.months} months `
    + `to ${options.address} (run tag ${runTag})`);
  const client = crm.connect({
    address: options.address, apiKey: options.apiKey, tls: options.tls,
    rootCerts: options.caFile ? fs.readFileSync(options.caFile) : undefined, timeoutMs: 15_000,
  });
  let step = 'connecting';
  try {
    await client.waitForReady(30_000);
    step = 'creating contacts';
    const contactNames = await createContacts(client, customers);
    step = 'recording purchases';
    await recordPurchases(client, customers, contactNames);
    step = 'running the value analysis';
    const run = await runAnalysis(client, options.analysisTimeoutMs);
    step = 'reading customer values';
    // The first customer is a loyal one: bought last month and many times before.
    const summary = await report(client, run, contactNames[0]);
    console.log(JSON.stringify(summary));
  } catch (err) {
    if (typeof err.code === 'number' && err.details !== undefined) {
      const codeName = Object.keys(crm.grpc.status).find((k) => crm.grpc.status[k] === err.code);
      throw new ExampleError(`${step} failed: ${codeName}: ${err.details}`);
    }
    throw err;
  } finally {
    client.close();
  }
}

main(process.argv.slice(2)).catch((err) => {
  console.error(`partner_sync: ${err instanceof ExampleError ? err.message : err.stack}`);
  process.exitCode = 1;
});
