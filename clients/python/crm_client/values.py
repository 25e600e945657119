"""Conversions between Python values and crm.v1 Money / google.protobuf.Timestamp."""
import datetime
import decimal

from google.protobuf import timestamp_pb2

from crm_client.generated import common_pb2

_MICRO = decimal.Decimal("0.000001")
_NANOS_PER_UNIT = 1_000_000_000


def to_money(amount, currency_code=""):
    """crm.v1.Money for a decimal amount (Decimal, int or str, never float: money is exact).

    The platform stores micros, so more than 6 decimals is a ValueError rather than a
    silent rounding. An empty currency_code means the tenant's currency.
    """
    if isinstance(amount, float):
        raise TypeError("money must be a Decimal, int or str, not float")
    value = decimal.Decimal(amount)
    if value != value.quantize(_MICRO):
        raise ValueError(f"{amount}: money has at most 6 decimals (micros)")
    units = int(value)  # truncates towards zero, so units and nanos share the sign
    nanos = int((value - units) * _NANOS_PER_UNIT)
    return common_pb2.Money(currency_code=currency_code, units=units, nanos=nanos)


def from_money(money):
    """The exact Decimal value of a crm.v1.Money."""
    return decimal.Decimal(money.units) + decimal.Decimal(money.nanos) / _NANOS_PER_UNIT


def to_timestamp(moment):
    """A Timestamp for an aware datetime (a naive one is refused: whose clock would it be?)."""
    if moment.tzinfo is None:
        raise ValueError("the datetime needs a time zone, e.g. datetime.timezone.utc")
    timestamp = timestamp_pb2.Timestamp()
    timestamp.FromDatetime(moment.astimezone(datetime.timezone.utc))
    return timestamp


def from_timestamp(timestamp):
    """The aware UTC datetime of a Timestamp."""
    return timestamp.ToDatetime(tzinfo=datetime.timezone.utc)
