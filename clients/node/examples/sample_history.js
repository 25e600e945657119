'use strict';
// Made-up customers and purchase histories for the partner example (deterministic).
//
// The value analysis fits two models (BG/NBD for repeat buying, Gamma-Gamma for spend)
// that need at least 30 customers, a good share of them repeat buyers, and histories
// of different shapes; otherwise the run still succeeds but lists P(alive), expected
// purchases and CLV as `unavailable`. So the customers come in four kinds, by index:
// loyal (8-14 purchases up to last month), regular (3-6), occasional (1-3) and lapsed
// (2-5 purchases, none in the last 300 days), spread over the history's months.

const PROFILES = ['loyal', 'regular', 'occasional', 'lapsed'];
const GIVEN_NAMES = ['Ada', 'Bo', 'Chen', 'Dana', 'Emil', 'Fei', 'Gita', 'Hana', 'Ivo', 'Jun',
  'Kai', 'Lena', 'Mei', 'Nils', 'Omar', 'Pia', 'Quan', 'Rosa', 'Sami', 'Tao'];
const CATEGORIES = ['skincare', 'makeup', 'fragrance'];
const STORES = ['store-north', 'store-south'];
const DAY_MS = 86_400_000;
const LAPSED_AFTER_DAYS = 300;

/** mulberry32: a small seeded PRNG, so a seed always gives the same history. */
function seededRandom(seed) {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (low, high) => low + Math.floor(next() * (high - low + 1)); // inclusive
  const sample = (low, high, count) => { // `count` distinct integers in [low, high)
    const chosen = new Set();
    while (chosen.size < count) chosen.add(int(low, high - 1));
    return [...chosen];
  };
  return { next, int, sample, pick: (list) => list[int(0, list.length - 1)] };
}

/** Distinct whole days before now (the models count purchase days, not receipts). */
function purchaseDays(rng, profile, historyDays) {
  if (profile === 'loyal') return [rng.int(1, 30), ...rng.sample(31, historyDays, rng.int(7, 13))];
  if (profile === 'regular') return rng.sample(1, historyDays, rng.int(3, 6));
  if (profile === 'occasional') return rng.sample(1, historyDays, rng.int(1, 3));
  return rng.sample(LAPSED_AFTER_DAYS, historyDays, rng.int(2, 5));
}

const centsToDecimal = (cents) => `${Math.floor(cents / 100)}.${String(cents % 100).padStart(2, '0')}`;

/**
 * `count` customers with purchases (oldest first) over the `months` months before
 * `now`. runTag makes external ids and emails unique, so the example can run again on
 * the same tenant without ALREADY_EXISTS. Amounts are decimal strings.
 */
function makeCustomers({ count, months, seed, runTag, now }) {
  const historyDays = Math.max(Math.floor(months * 30.44), LAPSED_AFTER_DAYS + 30);
  const rng = seededRandom(seed);
  const customers = [];
  for (let i = 0; i < count; i += 1) {
    const profile = PROFILES[i % PROFILES.length];
    const storeId = STORES[i % STORES.length];
    const days = purchaseDays(rng, profile, historyDays).sort((a, b) => b - a); // oldest first
    const purchases = days.map((daysAgo, k) => {
      const cents = rng.int(8_000, 140_000);
      const online = rng.next() < 0.2;
      return {
        purchaseTime: new Date(now.getTime() - daysAgo * DAY_MS + rng.int(0, 36_000) * 1000),
        amount: centsToDecimal(cents),
        grossMargin: centsToDecimal(Math.round(cents * 0.55)),
        productCategory: rng.pick(CATEGORIES),
        storeId: online ? '' : storeId,
        externalId: `${runTag}-r${i}-${k}`,
      };
    });
    const givenName = GIVEN_NAMES[i % GIVEN_NAMES.length];
    customers.push({
      index: i,
      profile,
      givenName,
      familyName: `Sample${i}`,
      email: `${givenName.toLowerCase()}.sample${i}.${runTag}@example.com`,
      storeId,
      externalId: `${runTag}-c${i}`,
      purchases,
    });
  }
  return customers;
}

module.exports = { makeCustomers };
