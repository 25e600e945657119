"""A small client around the generated crm.v1 stubs (see clients/python/README.md).

    import crm_client
    from crm.v1 import contact_pb2

    with crm_client.connect("127.0.0.1:50051", api_key) as crm:
        contact = crm.contacts.CreateContact(contact_pb2.CreateContactRequest(
            contact=contact_pb2.Contact(given_name="Ada", family_name="Lovelace")))
"""
from crm_client.client import DEFAULT_MAX_ATTEMPTS, DEFAULT_TIMEOUT_SECONDS, CrmClient, connect
from crm_client.interceptor import new_request_id
from crm_client.values import from_money, from_timestamp, to_money, to_timestamp

__all__ = [
    "CrmClient", "connect", "new_request_id", "DEFAULT_TIMEOUT_SECONDS", "DEFAULT_MAX_ATTEMPTS",
    "to_money", "from_money", "to_timestamp", "from_timestamp",
]
