"""Made-up customers and purchase histories for the partner example (deterministic).

The value analysis fits two models (BG/NBD for repeat buying, Gamma-Gamma for spend)
that need at least 30 customers, a good share of them repeat buyers, and histories of
different shapes; otherwise the run still succeeds but lists P(alive), expected
purchases and CLV as `unavailable`. So the customers come in four kinds, by index:
loyal (8-14 purchases up to last month), regular (3-6), occasional (1-3) and lapsed
(2-5 purchases, none in the last 300 days), spread over the history's months.
"""
import dataclasses
import datetime
import decimal
import random

PROFILES = ("loyal", "regular", "occasional", "lapsed")
GIVEN_NAMES = ("Ada", "Bo", "Chen", "Dana", "Emil", "Fei", "Gita", "Hana", "Ivo", "Jun",
               "Kai", "Lena", "Mei", "Nils", "Omar", "Pia", "Quan", "Rosa", "Sami", "Tao")
CATEGORIES = ("skincare", "makeup", "fragrance")
STORES = ("store-north", "store-south")
_DAY = datetime.timedelta(days=1)
_CENT = decimal.Decimal("0.01")
_LAPSED_AFTER_DAYS = 300


@dataclasses.dataclass(frozen=True)
class SamplePurchase:
    purchase_time: datetime.datetime
    amount: decimal.Decimal
    gross_margin: decimal.Decimal
    product_category: str
    store_id: str  # empty for online purchases
    external_id: str  # the receipt number, unique in the tenant


@dataclasses.dataclass(frozen=True)
class SampleCustomer:
    index: int
    profile: str
    given_name: str
    family_name: str
    email: str
    store_id: str
    external_id: str
    purchases: tuple  # SamplePurchase, oldest first


def _purchase_days(rng, profile, history_days):
    """Distinct whole days before now on which the customer bought (the models count
    purchase days, so two purchases on one day would be one repeat)."""
    if profile == "loyal":
        recent = rng.randint(1, 30)
        return [recent, *rng.sample(range(31, history_days), rng.randint(7, 13))]
    if profile == "regular":
        return rng.sample(range(1, history_days), rng.randint(3, 6))
    if profile == "occasional":
        return rng.sample(range(1, history_days), rng.randint(1, 3))
    return rng.sample(range(_LAPSED_AFTER_DAYS, history_days), rng.randint(2, 5))


def make_customers(count, months, seed, run_tag, now):
    """`count` customers with purchases over the `months` months before `now`.

    run_tag makes the external ids and emails unique, so the example can run again on
    the same tenant without ALREADY_EXISTS.
    """
    history_days = max(int(months * 30.44), _LAPSED_AFTER_DAYS + 30)
    rng = random.Random(seed)
    customers = []
    for i in range(count):
        profile = PROFILES[i % len(PROFILES)]
        store_id = STORES[i % len(STORES)]
        purchases = []
        for k, days_ago in enumerate(sorted(_purchase_days(rng, profile, history_days), reverse=True)):
            amount = (decimal.Decimal(rng.randint(8_000, 140_000)) / 100).quantize(_CENT)
            online = rng.random() < 0.2
            purchases.append(SamplePurchase(
                purchase_time=now - days_ago * _DAY + datetime.timedelta(seconds=rng.randint(0, 36_000)),
                amount=amount,
                gross_margin=(amount * decimal.Decimal("0.55")).quantize(_CENT),
                product_category=rng.choice(CATEGORIES),
                store_id="" if online else store_id,
                external_id=f"{run_tag}-r{i}-{k}"))
        given_name = GIVEN_NAMES[i % len(GIVEN_NAMES)]
        customers.append(SampleCustomer(
            index=i, profile=profile, given_name=given_name, family_name=f"Sample{i}",
            email=f"{given_name.lower()}.sample{i}.{run_tag}@example.com", store_id=store_id,
            external_id=f"{run_tag}-c{i}", purchases=tuple(purchases)))
    return customers
