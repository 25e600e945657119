"""The client interceptor: API key, default deadline and request ids on every call."""
import collections
import uuid

import grpc

from crm_client.method_policy import RetryClass


def new_request_id():
    """A fresh idempotency key (AIP-155) for a create: a random UUID, 36 characters.

    Set it yourself when the call may be repeated by your own code (say, after a crash
    of the sync job) and keep it with the record; otherwise the client fills one in.
    """
    return str(uuid.uuid4())


class _CallDetails(
        collections.namedtuple("_CallDetails", ("method", "timeout", "metadata", "credentials",
                                                "wait_for_ready", "compression")),
        grpc.ClientCallDetails):
    """grpc.ClientCallDetails is an interface without a constructor: this is one."""


class CrmClientInterceptor(grpc.UnaryUnaryClientInterceptor, grpc.UnaryStreamClientInterceptor,
                           grpc.StreamUnaryClientInterceptor, grpc.StreamStreamClientInterceptor):
    """Adds `authorization: Bearer <key>`, the default deadline and missing request ids.

    - The key is added unless the call brings its own `authorization` metadata (an
      admin tool acting with another key on one call).
    - Unary calls without a timeout get `default_timeout` seconds. Streaming calls get
      none: an import of a million rows takes as long as it takes; pass `timeout=` to
      bound one.
    - A unary mutation with an empty `request_id` gets a fresh UUID before it is sent,
      so the retries of the channel's service config replay the same id and the server
      returns the first result instead of writing twice. The caller's message is not
      modified (it is copied), so reusing it for another create makes another record.
    """

    def __init__(self, api_key, default_timeout, policies):
        self._authorization = f"Bearer {api_key}" if api_key else None
        self._default_timeout = default_timeout
        self._fills_request_id = frozenset(
            p.path for p in policies if p.retry_class is RetryClass.REQUEST_ID_MUTATION)

    def _details(self, details, unary):
        metadata = list(details.metadata or ())
        if self._authorization and not any(key == "authorization" for key, _ in metadata):
            metadata.append(("authorization", self._authorization))
        timeout = details.timeout
        if timeout is None and unary:
            timeout = self._default_timeout
        return _CallDetails(details.method, timeout, metadata, details.credentials,
                            details.wait_for_ready, details.compression)

    def _with_request_id(self, method, request):
        if _method_path(method) not in self._fills_request_id or request.request_id:
            return request
        filled = type(request)()
        filled.CopyFrom(request)
        filled.request_id = new_request_id()
        return filled

    def intercept_unary_unary(self, continuation, client_call_details, request):
        request = self._with_request_id(client_call_details.method, request)
        return continuation(self._details(client_call_details, unary=True), request)

    def intercept_unary_stream(self, continuation, client_call_details, request):
        return continuation(self._details(client_call_details, unary=False), request)

    def intercept_stream_unary(self, continuation, client_call_details, request_iterator):
        return continuation(self._details(client_call_details, unary=False), request_iterator)

    def intercept_stream_stream(self, continuation, client_call_details, request_iterator):
        return continuation(self._details(client_call_details, unary=False), request_iterator)


def _method_path(method):
    return method.decode() if isinstance(method, bytes) else method
