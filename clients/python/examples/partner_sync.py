#!/usr/bin/python3
"""A partner's sync job against the CRM platform, written with crm_client.

1. creates contacts (CreateContact; crm_client fills in each request_id),
2. imports their purchase history as one client stream (ImportPurchases) and records
   each customer's latest purchase on its own (RecordPurchase),
3. starts a value analysis (RunAnalysis) and polls GetAnalysisRun until it is done,
4. reads the most loyal customer's value (GetCustomerValue) and the top customers by
   lifetime value (ListCustomerValues).

It prints what it does; the last line is one JSON object with that customer's value,
for scripts. Needs a TENANT_ADMIN key (or one key that may write contacts and
purchases and run analyses).

  PYTHONPATH=build/clients/python/gen:clients/python \
  CRM_ADDR=127.0.0.1:50051 CRM_API_KEY="$(cat var/demo-tenant.key)" \
    /usr/bin/python3 clients/python/examples/partner_sync.py
"""
import argparse
import datetime
import json
import os
import secrets
import sys
import time

import grpc

import crm_client
from crm.v1 import contact_pb2, purchase_pb2, value_analysis_pb2
from sample_history import make_customers

IMPORT_BATCH_ROWS = 500  # ImportPurchases takes 1..1000 rows per message
POLL_INTERVAL_SECONDS = 0.5
FINISHED = (value_analysis_pb2.AnalysisRun.STATE_SUCCEEDED, value_analysis_pb2.AnalysisRun.STATE_FAILED)


def say(message):
    print(f"partner_sync: {message}", flush=True)


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--addr", default=os.environ.get("CRM_ADDR", "127.0.0.1:50051"),
                        help="crm-server host:port (env CRM_ADDR)")
    parser.add_argument("--api-key", default=os.environ.get("CRM_API_KEY"),
                        help="tenant API key (env CRM_API_KEY)")
    parser.add_argument("--tls", action="store_true", help="use TLS (system roots unless --ca-file)")
    parser.add_argument("--ca-file", help="PEM roots to verify the server with (implies --tls)")
    parser.add_argument("--customers", type=int, default=60, help="contacts to create (default 60)")
    parser.add_argument("--months", type=int, default=18, help="months of purchase history (default 18)")
    parser.add_argument("--seed", type=int, default=2026, help="seed of the made-up history")
    parser.add_argument("--analysis-timeout", type=float, default=120,
                        help="seconds to wait for the analysis run (default 120)")
    args = parser.parse_args(argv)
    if not args.api_key:
        parser.error("no API key: set CRM_API_KEY or pass --api-key")
    if args.customers < 1 or args.months < 1:
        parser.error("--customers and --months must be positive")
    return args


def connect(args):
    root_certificates = None
    if args.ca_file:
        with open(args.ca_file, "rb") as f:
            root_certificates = f.read()
    return crm_client.connect(args.addr, args.api_key, tls=args.tls or bool(args.ca_file),
                              root_certificates=root_certificates, timeout=15)


def create_contacts(crm, customers):
    names = []
    for customer in customers:
        contact = crm.contacts.CreateContact(contact_pb2.CreateContactRequest(contact=contact_pb2.Contact(
            given_name=customer.given_name, family_name=customer.family_name, emails=[customer.email],
            store_id=customer.store_id, source="partner_sync", tags=["partner-sync", customer.profile],
            external_id=customer.external_id)))
        names.append(contact.name)
    say(f"created {len(names)} contacts ({names[0]} .. {names[-1]})")
    return names


def to_purchase(contact_name, sample):
    return purchase_pb2.Purchase(
        contact=contact_name, purchase_time=crm_client.to_timestamp(sample.purchase_time),
        amount=crm_client.to_money(sample.amount), gross_margin=crm_client.to_money(sample.gross_margin),
        quantity=1, product_category=sample.product_category, store_id=sample.store_id,
        channel=purchase_pb2.Purchase.CHANNEL_STORE if sample.store_id else purchase_pb2.Purchase.CHANNEL_ONLINE,
        type=purchase_pb2.Purchase.TYPE_PURCHASE, external_id=sample.external_id)


def record_purchases(crm, customers, contact_names):
    # Everything but each customer's newest purchase goes in as a bulk import (one
    # transaction per batch; external ids make a re-sent stream add nothing) ...
    history = [to_purchase(name, sample) for customer, name in zip(customers, contact_names)
               for sample in customer.purchases[:-1]]
    batches = (purchase_pb2.ImportPurchasesRequest(purchases=history[i:i + IMPORT_BATCH_ROWS])
               for i in range(0, len(history), IMPORT_BATCH_ROWS))
    imported = crm.purchases.ImportPurchases(batches, timeout=120)
    if imported.error_count:
        raise SystemExit(f"partner_sync: {imported.error_count} purchases rejected, first: "
                         f"{imported.errors[0].message}")
    say(f"imported {imported.imported_count} past purchases with ImportPurchases "
        f"({imported.skipped_count} already there)")
    # ... and the newest one as a single call, as a till would send it. RecordPurchase
    # is retried on UNAVAILABLE with the request_id crm_client filled in.
    for customer, name in zip(customers, contact_names):
        crm.purchases.RecordPurchase(purchase_pb2.RecordPurchaseRequest(
            purchase=to_purchase(name, customer.purchases[-1])))
    say(f"recorded {len(customers)} latest purchases with RecordPurchase")


def run_analysis(crm, timeout):
    # An explicit request_id: kept by a real job, a restart would replay it and get the
    # same run back instead of starting a second one.
    run = crm.value_analysis.RunAnalysis(value_analysis_pb2.RunAnalysisRequest(
        request_id=crm_client.new_request_id()))
    say(f"started {run.name} ({value_analysis_pb2.AnalysisRun.State.Name(run.state)})")
    give_up = time.monotonic() + timeout
    last_stage = None
    while run.state not in FINISHED:
        if time.monotonic() > give_up:
            raise SystemExit(f"partner_sync: {run.name} not finished after {timeout} s (stage {run.stage})")
        time.sleep(POLL_INTERVAL_SECONDS)
        run = crm.value_analysis.GetAnalysisRun(value_analysis_pb2.GetAnalysisRunRequest(name=run.name))
        if run.stage != last_stage:
            say(f"{run.name}: {value_analysis_pb2.AnalysisRun.State.Name(run.state)}, "
                f"{run.stage} ({run.progress:.0%})")
            last_stage = run.stage
    if run.state != value_analysis_pb2.AnalysisRun.STATE_SUCCEEDED:
        raise SystemExit(f"partner_sync: {run.name} failed: {run.error_code}: {run.error_message}")
    say(f"{run.name} succeeded: {run.customers} customers, {run.purchases} purchases")
    for unavailable in run.unavailable:
        say(f"unavailable: {', '.join(unavailable.fields)}: {unavailable.reason}")
    return run


def optional_money(value, field):
    return float(crm_client.from_money(getattr(value, field))) if value.HasField(field) else None


def customer_value_summary(run, value):
    return {
        "contact": value.contact,
        "run": value.run,
        "customers": run.customers,
        "unavailable": [field for u in run.unavailable for field in u.fields],
        "recency_days": value.recency_days,
        "frequency": value.frequency,
        "monetary": float(crm_client.from_money(value.monetary)),
        "rfm_segment": value_analysis_pb2.RfmSegment.Name(value.rfm_segment),
        "value_tier": value_analysis_pb2.ValueTier.Name(value.value_tier),
        "lifecycle_stage": contact_pb2.LifecycleStage.Name(value.lifecycle_stage),
        "p_alive": value.p_alive if value.HasField("p_alive") else None,
        "expected_purchases": value.expected_purchases if value.HasField("expected_purchases") else None,
        "clv": optional_money(value, "clv"),
        "expected_value": float(crm_client.from_money(value.expected_value)),
    }


def report(crm, run, contact_name):
    value = crm.value_analysis.GetCustomerValue(value_analysis_pb2.GetCustomerValueRequest(
        contact=contact_name, run=run.name))
    summary = customer_value_summary(run, value)
    say(f"{contact_name}: {summary['rfm_segment']}, tier {summary['value_tier']}, "
        f"{summary['lifecycle_stage']}, P(alive) {summary['p_alive']}, CLV {summary['clv']}")
    top = crm.value_analysis.ListCustomerValues(value_analysis_pb2.ListCustomerValuesRequest(
        run=run.name, order_by="clv desc", page_size=3))
    for rank, entry in enumerate(top.customer_values, start=1):
        say(f"top {rank} by CLV: {entry.contact} CLV {crm_client.from_money(entry.clv)}")
    return summary


def main(argv):
    args = parse_args(argv)
    run_tag = secrets.token_hex(4)
    customers = make_customers(args.customers, args.months, args.seed, run_tag,
                               datetime.datetime.now(datetime.timezone.utc))
    say(f"syncing {len(customers)} customers with {sum(len(c.purchases) for c in customers)} "
        f"purchases over {args.months} months to {args.addr} (run tag {run_tag})")
    with connect(args) as crm:
        try:
            crm.wait_ready(timeout=30)
        except grpc.FutureTimeoutError:
            raise SystemExit(f"partner_sync: cannot reach {args.addr} within 30 s")
        step = "creating contacts"
        try:
            contact_names = create_contacts(crm, customers)
            step = "recording purchases"
            record_purchases(crm, customers, contact_names)
            step = "running the value analysis"
            run = run_analysis(crm, args.analysis_timeout)
            step = "reading customer values"
            # The first customer is a loyal one: bought last month and many times before.
            summary = report(crm, run, contact_names[0])
        except grpc.RpcError as error:
            raise SystemExit(f"partner_sync: {step} failed: {error.code().name}: {error.details()}")
    print(json.dumps(summary, sort_keys=True), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
