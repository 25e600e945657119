"""Which crm.v1 methods are safe to retry, and the gRPC service config that says so.

The same rules as the C++ client (clients/cpp/src/method_policy.cc), so every
partner client behaves alike (AIP-194: clients retry UNAVAILABLE only):
- reads (Get*, List*, Lookup*, Find*, Export*, Preview*, Compute*, Cluster*) change
  nothing, so a repeat is harmless;
- ReportDeliveries, RenewLease and ImportContacts are idempotent by design;
- a unary mutation whose request has a `request_id` (the creates, RecordPurchase,
  RunAnalysis, ...) is retried with the same id, which the server answers with the
  first result instead of a second row. The client interceptor fills the id in when
  the caller left it empty, so every attempt carries one;
- everything else (updates without an etag, CreateApiKey, deletes...) is not retried:
  a lost answer would hide whether the first attempt took effect.
"""
import dataclasses
import enum
import json

from google.protobuf import descriptor as descriptor_lib

READ_PREFIXES = ("Get", "List", "Lookup", "Find", "Export", "Preview", "Compute", "Cluster")
IDEMPOTENT_MUTATIONS = frozenset({"ReportDeliveries", "RenewLease", "ImportContacts"})


class RetryClass(enum.Enum):
    READ = "read"
    IDEMPOTENT_MUTATION = "idempotent mutation"
    REQUEST_ID_MUTATION = "mutation with request_id"
    NOT_RETRIED = "not retried"


@dataclasses.dataclass(frozen=True)
class MethodPolicy:
    service: str  # "crm.v1.ContactService"
    method: str  # "CreateContact"
    retry_class: RetryClass
    streaming: bool

    @property
    def path(self):
        """The method's HTTP/2 path, as gRPC names it in calls: /package.Service/Method."""
        return f"/{self.service}/{self.method}"


def classify(method):
    """The RetryClass of a google.protobuf MethodDescriptor."""
    if method.name.startswith(READ_PREFIXES):
        return RetryClass.READ
    if method.name in IDEMPOTENT_MUTATIONS:
        return RetryClass.IDEMPOTENT_MUTATION
    request_id = method.input_type.fields_by_name.get("request_id")
    if (request_id is not None and not method.client_streaming
            and request_id.type == descriptor_lib.FieldDescriptor.TYPE_STRING
            and request_id.label != descriptor_lib.FieldDescriptor.LABEL_REPEATED):
        return RetryClass.REQUEST_ID_MUTATION
    return RetryClass.NOT_RETRIED


def method_policies(service_descriptors):
    """A MethodPolicy for every method of the given service descriptors."""
    return [
        MethodPolicy(service.full_name, method.name, classify(method),
                     method.client_streaming or method.server_streaming)
        for service in service_descriptors for method in service.methods
    ]


def _seconds(value):
    return f"{value:.3f}s"


def service_config_json(policies, max_attempts, initial_backoff, max_backoff):
    """The channel's service config: a retry policy for UNAVAILABLE on retryable methods.

    Deadlines are not in here on purpose: a service-config timeout caps every call, so a
    caller could not give one slow call more time. The interceptor sets the default
    deadline instead, and only on calls that set none.
    """
    retried = [{"service": p.service, "method": p.method}
               for p in policies if p.retry_class is not RetryClass.NOT_RETRIED]
    method_config = []
    # gRPC rejects a retry policy with maxAttempts < 2: one attempt is no policy at all.
    if retried and max_attempts >= 2:
        method_config.append({
            "name": retried,
            "retryPolicy": {
                "maxAttempts": max_attempts,
                "initialBackoff": _seconds(initial_backoff),
                "maxBackoff": _seconds(max_backoff),
                "backoffMultiplier": 2,
                "retryableStatusCodes": ["UNAVAILABLE"],
            },
        })
    return json.dumps({"methodConfig": method_config})
