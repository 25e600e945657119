'use strict';
// Which crm.v1 methods are safe to retry, and the gRPC service config that says so.
//
// The same rules as the C++ and Python clients (clients/cpp/src/method_policy.cc,
// clients/python/crm_client/method_policy.py), so every partner client behaves alike
// (AIP-194: clients retry UNAVAILABLE only):
// - reads (Get*, List*, Lookup*, Find*, Export*, Preview*, Compute*, Cluster*) change
//   nothing, so a repeat is harmless;
// - ReportDeliveries, RenewLease and ImportContacts are idempotent by design;
// - a unary mutation whose request has a `request_id` (the creates, RecordPurchase,
//   RunAnalysis, ...) is retried with the same id, which the server answers with the
//   first result instead of a second row; the interceptor fills the id in when the
//   caller left it empty, so every attempt carries one;
// - everything else (updates, deletes, CreateApiKey, ...) is not retried: a lost answer
//   would hide whether the first attempt took effect.

const READ_PREFIXES = ['Get', 'List', 'Lookup', 'Find', 'Export', 'Preview', 'Compute', 'Cluster'];
const IDEMPOTENT_MUTATIONS = new Set(['ReportDeliveries', 'RenewLease', 'ImportContacts']);

const RetryClass = Object.freeze({
  READ: 'read',
  IDEMPOTENT_MUTATION: 'idempotent mutation',
  REQUEST_ID_MUTATION: 'mutation with request_id',
  NOT_RETRIED: 'not retried',
});

/** The RetryClass of a proto-loader method definition named `methodName`. */
function classify(methodName, method) {
  if (READ_PREFIXES.some((prefix) => methodName.startsWith(prefix))) return RetryClass.READ;
  if (IDEMPOTENT_MUTATIONS.has(methodName)) return RetryClass.IDEMPOTENT_MUTATION;
  const requestId = method.requestType.type.field.find((f) => f.name === 'request_id');
  if (requestId && !method.requestStream && requestId.type === 'TYPE_STRING'
      && requestId.label !== 'LABEL_REPEATED') {
    return RetryClass.REQUEST_ID_MUTATION;
  }
  return RetryClass.NOT_RETRIED;
}

/** Services map method names to definitions with a path; messages and enums do not. */
function isServiceDefinition(definition) {
  const methods = Object.values(definition);
  return methods.length > 0 && methods.every((m) => m && typeof m.path === 'string');
}

/**
 * One policy per method of the crm.v1 services of a proto-loader package definition:
 * {service: 'crm.v1.ContactService', method: 'CreateContact', path, retryClass, streaming}.
 */
function methodPolicies(packageDefinition) {
  const policies = [];
  for (const [serviceName, service] of Object.entries(packageDefinition)) {
    if (!serviceName.startsWith('crm.v1.') || !isServiceDefinition(service)) continue;
    for (const [methodName, method] of Object.entries(service)) {
      policies.push({
        service: serviceName,
        method: methodName,
        path: method.path,
        retryClass: classify(methodName, method),
        streaming: method.requestStream || method.responseStream,
      });
    }
  }
  return policies;
}

const seconds = (ms) => `${(ms / 1000).toFixed(3)}s`;

/**
 * The channel's service config: a retry policy for UNAVAILABLE on the retryable
 * methods. No timeout in here on purpose: a service-config timeout caps every call, so
 * one slow call could not be given more time; the interceptor sets the default
 * deadline instead, and only on calls that set none.
 */
function serviceConfigJson(policies, { maxAttempts, initialBackoffMs, maxBackoffMs }) {
  const retried = policies.filter((p) => p.retryClass !== RetryClass.NOT_RETRIED)
    .map((p) => ({ service: p.service, method: p.method }));
  const methodConfig = [];
  // gRPC rejects a retry policy with maxAttempts < 2: one attempt is no policy at all.
  if (retried.length > 0 && maxAttempts >= 2) {
    methodConfig.push({
      name: retried,
      retryPolicy: {
        maxAttempts,
        initialBackoff: seconds(initialBackoffMs),
        maxBackoff: seconds(maxBackoffMs),
        backoffMultiplier: 2,
        retryableStatusCodes: ['UNAVAILABLE'],
      },
    });
  }
  return JSON.stringify({ methodConfig });
}

module.exports = { RetryClass, classify, isServiceDefinition, methodPolicies, serviceConfigJson };
