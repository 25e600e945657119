'use strict';
// A small client around the crm.v1 stubs for Node (see clients/node/README.md).
//
// The .proto files are loaded at run time with @grpc/proto-loader (nothing is
// generated); connect() opens one channel with one stub per crm.v1 service and an
// interceptor that adds the API key, a default deadline and missing request ids, and
// a service config that retries UNAVAILABLE on the methods that are safe to retry.
//
//   const { connect } = require('./lib/crm_client');
//   const crm = connect({ address: '127.0.0.1:50051', apiKey });
//   const contact = await crm.contacts.CreateContact({ contact: { given_name: 'Ada' } });
//   crm.close();

const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');

const grpc = require('@grpc/grpc-js');
const protoLoader = require('@grpc/proto-loader');

const { RetryClass, isServiceDefinition, methodPolicies, serviceConfigJson } = require('./method_policy');
const values = require('./values');

const DEFAULT_PROTO_DIR = path.resolve(__dirname, '..', '..', '..', 'protos');
const DEFAULT_TIMEOUT_MS = 30_000;
const DEFAULT_MAX_ATTEMPTS = 4;

// Client attribute for each crm.v1 service.
const SERVICES = Object.freeze({
  tenantAdmin: 'TenantAdminService',
  accounts: 'AccountService',
  contacts: 'ContactService',
  purchases: 'PurchaseService',
  interactions: 'InteractionService',
  complaints: 'ComplaintService',
  leads: 'LeadService',
  valueAnalysis: 'ValueAnalysisService',
  campaigns: 'CampaignService',
  scheduler: 'SchedulerService',
});

// How the messages look in JavaScript: field names as in the .proto, int64 as
// strings, enums as their names, unset scalars as their defaults (proto3 `optional`
// fields stay absent when unset, so `'p_alive' in value` tells presence).
const LOADER_OPTIONS = Object.freeze({
  keepCase: true, longs: String, enums: String, defaults: true, oneofs: true,
});

/** A fresh idempotency key (AIP-155) for a create: a random UUID, 36 characters. */
const newRequestId = () => crypto.randomUUID();

/** The crm.v1 package definition of every .proto file under `protoDir`/crm/v1. */
function loadCrmPackageDefinition(protoDir = DEFAULT_PROTO_DIR) {
  const v1Dir = path.join(protoDir, 'crm', 'v1');
  if (!fs.existsSync(v1Dir)) throw new Error(`no crm/v1 protos under ${protoDir} (set protoDir or CRM_PROTO_DIR)`);
  const files = fs.readdirSync(v1Dir).filter((f) => f.endsWith('.proto')).sort().map((f) => `crm/v1/${f}`);
  return protoLoader.loadSync(files, { ...LOADER_OPTIONS, includeDirs: [protoDir] });
}

/**
 * The interceptor: `authorization: Bearer <key>` unless the call brings its own; the
 * default deadline on unary calls that set none (streams get none: an import of a
 * million rows takes as long as it takes); a fresh request_id on request-id mutations
 * that have none, added to a copy before the first attempt so every retry replays it.
 */
function makeInterceptor({ apiKey, timeoutMs, fillsRequestId }) {
  const authorization = apiKey ? `Bearer ${apiKey}` : null;
  return (options, nextCall) => {
    const { path: methodPath, requestStream, responseStream } = options.method_definition;
    const callOptions = { ...options };
    if (callOptions.deadline === undefined && !requestStream && !responseStream) {
      callOptions.deadline = new Date(Date.now() + timeoutMs);
    }
    const requester = new grpc.RequesterBuilder()
      .withStart((metadata, listener, next) => {
        if (authorization && metadata.get('authorization').length === 0) {
          metadata.set('authorization', authorization);
        }
        next(metadata, listener);
      })
      .withSendMessage((message, next) => {
        const needsId = fillsRequestId.has(methodPath) && message && !message.request_id;
        next(needsId ? { ...message, request_id: newRequestId() } : message);
      })
      .build();
    return new grpc.InterceptingCall(nextCall(callOptions), requester);
  };
}

function callOptionsOf({ deadline, timeoutMs } = {}) {
  if (deadline !== undefined) return { deadline };
  if (timeoutMs !== undefined) return { deadline: new Date(Date.now() + timeoutMs) };
  return {};
}

function metadataOf(extra) {
  const metadata = new grpc.Metadata();
  for (const [key, value] of Object.entries(extra || {})) metadata.set(key, value);
  return metadata;
}

/** Writes every message of an (async) iterable to a client stream, minding backpressure. */
async function writeAll(call, messages) {
  try {
    for await (const message of messages) {
      if (!call.write(message)) await new Promise((resolve) => { call.once('drain', resolve); });
    }
    call.end();
  } catch (err) {
    call.cancel();
    throw err;
  }
}

/**
 * Promise-shaped methods over a grpc-js stub, by the method's shape:
 * - unary: `(request, opts) => Promise<response>`;
 * - client streaming: `(iterable of requests, opts) => Promise<response>`;
 * - server streaming: `(request, opts) => readable call` (use `for await`);
 * - bidirectional: `(opts) => duplex call`.
 * `opts`: `{ timeoutMs }` or `{ deadline }` for this call, `{ metadata: {key: value} }`.
 */
function wrapService(stub, serviceDefinition) {
  const wrapped = {};
  for (const [name, method] of Object.entries(serviceDefinition)) {
    const invoke = stub[name].bind(stub);
    if (!method.requestStream && !method.responseStream) {
      wrapped[name] = (request, opts = {}) => new Promise((resolve, reject) => {
        invoke(request, metadataOf(opts.metadata), callOptionsOf(opts),
          (err, response) => (err ? reject(err) : resolve(response)));
      });
    } else if (method.requestStream && !method.responseStream) {
      wrapped[name] = (requests, opts = {}) => new Promise((resolve, reject) => {
        const call = invoke(metadataOf(opts.metadata), callOptionsOf(opts),
          (err, response) => (err ? reject(err) : resolve(response)));
        writeAll(call, requests).catch(reject);
      });
    } else if (!method.requestStream) {
      wrapped[name] = (request, opts = {}) => invoke(request, metadataOf(opts.metadata), callOptionsOf(opts));
    } else {
      wrapped[name] = (opts = {}) => invoke(metadataOf(opts.metadata), callOptionsOf(opts));
    }
  }
  return wrapped;
}

function credentialsOf({ tls, rootCerts, clientCert, clientKey }) {
  if (Boolean(clientCert) !== Boolean(clientKey)) {
    throw new Error('a TLS client certificate needs its key, and the other way round');
  }
  if (!tls) {
    if (rootCerts || clientCert) throw new Error('TLS certificates given but tls is false');
    return grpc.credentials.createInsecure();
  }
  return grpc.credentials.createSsl(rootCerts || null, clientKey || null, clientCert || null);
}

/**
 * Opens a channel to a crm-server.
 *
 * options:
 * - address: host:port or any gRPC target (required).
 * - apiKey: sent as `authorization: Bearer <key>` on every call; never logged here.
 * - tls: false = plaintext (loopback and tests only); true = TLS, verifying the server
 *   against rootCerts (PEM Buffer; default the system's roots); clientCert + clientKey
 *   (PEM Buffers) present a client certificate; serverNameOverride checks the
 *   certificate for that name instead of the host.
 * - timeoutMs: deadline of every unary call that sets none (default 30 s).
 * - maxAttempts: attempts per call of the methods safe to retry (1 = never; gRPC caps
 *   it at 5); only UNAVAILABLE is retried, backing off from initialBackoffMs to
 *   maxBackoffMs.
 * - protoDir: where crm/v1/*.proto are (default: the repository's protos/, or
 *   CRM_PROTO_DIR).
 *
 * Returns { contacts, purchases, valueAnalysis, ... } (promise-shaped methods, see
 * wrapService), `stubs` (the grpc-js clients, same keys), `policies`,
 * waitForReady(timeoutMs) and close().
 */
function connect({
  address, apiKey, tls = false, rootCerts, clientCert, clientKey, serverNameOverride,
  timeoutMs = DEFAULT_TIMEOUT_MS, maxAttempts = DEFAULT_MAX_ATTEMPTS, initialBackoffMs = 100,
  maxBackoffMs = 5_000, protoDir = process.env.CRM_PROTO_DIR || DEFAULT_PROTO_DIR,
  userAgent = 'crm-client-node',
} = {}) {
  if (!address) throw new Error('address is empty');
  if (!(timeoutMs > 0)) throw new Error('timeoutMs must be positive');
  if (!(maxAttempts >= 1)) throw new Error('maxAttempts must be at least 1');
  if (!(initialBackoffMs > 0 && maxBackoffMs >= initialBackoffMs)) {
    throw new Error('need 0 < initialBackoffMs <= maxBackoffMs');
  }
  if (serverNameOverride && !tls) throw new Error('serverNameOverride given but tls is false');

  const packageDefinition = loadCrmPackageDefinition(protoDir);
  const policies = methodPolicies(packageDefinition);
  const channelOptions = {
    'grpc.service_config': serviceConfigJson(policies, { maxAttempts, initialBackoffMs, maxBackoffMs }),
    'grpc.enable_retries': maxAttempts > 1 ? 1 : 0,
    'grpc.primary_user_agent': userAgent,
  };
  if (serverNameOverride) channelOptions['grpc.ssl_target_name_override'] = serverNameOverride;
  const credentials = credentialsOf({ tls, rootCerts, clientCert, clientKey });
  const channel = new grpc.Channel(address, credentials, channelOptions);
  const interceptor = makeInterceptor({
    apiKey,
    timeoutMs,
    fillsRequestId: new Set(policies.filter((p) => p.retryClass === RetryClass.REQUEST_ID_MUTATION)
      .map((p) => p.path)),
  });

  const crmV1 = grpc.loadPackageDefinition(packageDefinition).crm.v1;
  const client = { address, policies, stubs: {} };
  for (const [attribute, serviceName] of Object.entries(SERVICES)) {
    const definition = packageDefinition[`crm.v1.${serviceName}`];
    if (!definition || !isServiceDefinition(definition)) throw new Error(`crm.v1.${serviceName} missing in ${protoDir}`);
    const stub = new crmV1[serviceName](address, credentials, { channelOverride: channel, interceptors: [interceptor] });
    client.stubs[attribute] = stub;
    client[attribute] = wrapService(stub, definition);
  }
  client.waitForReady = (readyTimeoutMs) => new Promise((resolve, reject) => {
    client.stubs.contacts.waitForReady(new Date(Date.now() + readyTimeoutMs),
      (err) => (err ? reject(new Error(`cannot reach ${address} within ${readyTimeoutMs} ms: ${err.message}`)) : resolve()));
  });
  client.close = () => channel.close();
  return client;
}

module.exports = {
  connect, newRequestId, loadCrmPackageDefinition, SERVICES, DEFAULT_TIMEOUT_MS, DEFAULT_MAX_ATTEMPTS,
  grpc, ...values,
};
