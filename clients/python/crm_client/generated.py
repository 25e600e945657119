"""The generated crm.v1 modules, imported in one place.

They are a build output (`cmake --build build --target crm_python_stubs` writes them
to build/clients/python/gen), never committed, so a missing import gets a message
that says how to make them rather than a bare ModuleNotFoundError.
"""
try:
    from crm.v1 import (account_pb2_grpc, campaign_pb2_grpc, complaint_pb2_grpc,
                        contact_pb2_grpc, interaction_pb2_grpc, lead_pb2_grpc,
                        purchase_pb2_grpc, scheduler_pb2_grpc, tenant_admin_pb2_grpc,
                        value_analysis_pb2_grpc)
    from crm.v1 import (account_pb2, campaign_pb2, common_pb2, complaint_pb2, contact_pb2,
                        interaction_pb2, lead_pb2, purchase_pb2, scheduler_pb2,
                        tenant_admin_pb2, value_analysis_pb2)
except ModuleNotFoundError as error:  # pragma: no cover - depends on the environment
    raise ModuleNotFoundError(
        "the generated crm.v1 Python stubs are not importable: build them with "
        "`cmake --build build --target crm_python_stubs` and put build/clients/python/gen "
        f"on PYTHONPATH ({error})") from error

__all__ = [
    "SERVICES", "service_descriptors", "account_pb2", "campaign_pb2", "common_pb2", "complaint_pb2",
    "contact_pb2", "interaction_pb2", "lead_pb2", "purchase_pb2", "scheduler_pb2", "tenant_admin_pb2",
    "value_analysis_pb2",
]

# (client attribute, descriptor module, stub class) for every crm.v1 service.
SERVICES = (
    ("tenant_admin", tenant_admin_pb2, tenant_admin_pb2_grpc.TenantAdminServiceStub),
    ("accounts", account_pb2, account_pb2_grpc.AccountServiceStub),
    ("contacts", contact_pb2, contact_pb2_grpc.ContactServiceStub),
    ("purchases", purchase_pb2, purchase_pb2_grpc.PurchaseServiceStub),
    ("interactions", interaction_pb2, interaction_pb2_grpc.InteractionServiceStub),
    ("complaints", complaint_pb2, complaint_pb2_grpc.ComplaintServiceStub),
    ("leads", lead_pb2, lead_pb2_grpc.LeadServiceStub),
    ("value_analysis", value_analysis_pb2, value_analysis_pb2_grpc.ValueAnalysisServiceStub),
    ("campaigns", campaign_pb2, campaign_pb2_grpc.CampaignServiceStub),
    ("scheduler", scheduler_pb2, scheduler_pb2_grpc.SchedulerServiceStub),
)


def service_descriptors():
    """Every crm.v1 service descriptor of the generated modules, in SERVICES order."""
    descriptors = []
    for _, module, _ in SERVICES:
        descriptors.extend(module.DESCRIPTOR.services_by_name.values())
    return descriptors
