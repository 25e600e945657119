"""connect(): one channel to a crm-server with one stub per crm.v1 service."""
import grpc

from crm_client import generated
from crm_client.interceptor import CrmClientInterceptor
from crm_client.method_policy import method_policies, service_config_json

DEFAULT_TIMEOUT_SECONDS = 30.0
DEFAULT_MAX_ATTEMPTS = 4


class CrmClient:
    """Stubs of every crm.v1 service over one channel that carries the key.

    Attributes are the generated stubs: tenant_admin, accounts, contacts, purchases,
    interactions, complaints, leads, value_analysis, campaigns, scheduler. Calls take
    the usual grpc arguments (`timeout=`, `metadata=`) and raise grpc.RpcError.
    Use as a context manager, or call close().
    """

    def __init__(self, address, raw_channel, intercepted_channel):
        self.address = address
        self._raw_channel = raw_channel
        self._channel = intercepted_channel
        for attribute, _, stub_class in generated.SERVICES:
            setattr(self, attribute, stub_class(intercepted_channel))

    def wait_ready(self, timeout):
        """Blocks until the channel connects; grpc.FutureTimeoutError after `timeout` s."""
        grpc.channel_ready_future(self._raw_channel).result(timeout=timeout)

    def close(self):
        self._channel.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.close()


def _credentials(tls, root_certificates, certificate_chain, private_key):
    if (certificate_chain is None) != (private_key is None):
        raise ValueError("a TLS client certificate needs its private key, and the other way round")
    if not tls:
        if root_certificates or certificate_chain:
            raise ValueError("TLS certificates given but tls is False")
        return None
    return grpc.ssl_channel_credentials(root_certificates=root_certificates,
                                        private_key=private_key,
                                        certificate_chain=certificate_chain)


def connect(address, api_key, *, tls=False, root_certificates=None, certificate_chain=None,
            private_key=None, server_name_override=None, timeout=DEFAULT_TIMEOUT_SECONDS,
            max_attempts=DEFAULT_MAX_ATTEMPTS, initial_backoff=0.1, max_backoff=5.0,
            user_agent="crm-client-python"):
    """Opens a channel to `address` (host:port or any gRPC target) and returns a CrmClient.

    api_key: sent as `authorization: Bearer <key>` on every call (may be None for
      health checks only). Never logged by this package.
    tls: False = plaintext (loopback and tests only). True = TLS, verifying the server
      against `root_certificates` (PEM bytes; None = the system's trust store);
      `certificate_chain` + `private_key` (PEM bytes) present a client certificate.
      `server_name_override` checks the certificate for that name instead of the host.
    timeout: seconds, the deadline of every unary call that sets no `timeout=` itself.
    max_attempts: attempts per call (1 = never retry; gRPC caps it at 5) of the methods
      that are safe to retry (method_policy.py); only UNAVAILABLE is retried, with
      exponential backoff from initial_backoff to max_backoff seconds.
    """
    if not address:
        raise ValueError("address is empty")
    if timeout is None or timeout <= 0:
        raise ValueError("timeout must be a positive number of seconds")
    if max_attempts < 1:
        raise ValueError("max_attempts must be at least 1")
    if not 0 < initial_backoff <= max_backoff:
        raise ValueError("need 0 < initial_backoff <= max_backoff")
    if server_name_override and not tls:
        raise ValueError("server_name_override given but tls is False")

    policies = method_policies(generated.service_descriptors())
    options = [
        ("grpc.service_config",
         service_config_json(policies, max_attempts, initial_backoff, max_backoff)),
        ("grpc.enable_retries", 1 if max_attempts > 1 else 0),
        ("grpc.primary_user_agent", user_agent),
    ]
    if server_name_override:
        options.append(("grpc.ssl_target_name_override", server_name_override))
    credentials = _credentials(tls, root_certificates, certificate_chain, private_key)
    if credentials is None:
        raw_channel = grpc.insecure_channel(address, options=options)
    else:
        raw_channel = grpc.secure_channel(address, credentials, options=options)
    interceptor = CrmClientInterceptor(api_key, timeout, policies)
    return CrmClient(address, raw_channel, grpc.intercept_channel(raw_channel, interceptor))
