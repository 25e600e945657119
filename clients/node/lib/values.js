'use strict';
// Conversions between JavaScript values and crm.v1 Money / google.protobuf.Timestamp,
// as @grpc/proto-loader represents them with `longs: String` (int64 as strings).
//
// Money is handled as decimal strings, never as floating point: the platform stores
// micros exactly, and 0.1 + 0.2 is not 0.3.

const MONEY_PATTERN = /^(-)?(\d+)(?:\.(\d{1,6}))?$/;

/** crm.v1.Money for a decimal string such as "1234.56" (at most 6 decimals). */
function toMoney(amount, currencyCode = '') {
  if (typeof amount !== 'string') throw new TypeError('money must be a decimal string, e.g. "12.50"');
  const match = MONEY_PATTERN.exec(amount);
  if (!match) throw new RangeError(`${amount}: not a decimal amount with at most 6 decimals (micros)`);
  const [, minus, whole, fraction = ''] = match;
  const sign = minus ? -1 : 1;
  const units = BigInt(whole) * BigInt(sign);
  const nanos = Number(fraction.padEnd(9, '0')) * sign;
  return { currency_code: currencyCode, units: units.toString(), nanos: nanos === 0 ? 0 : nanos };
}

/** The exact decimal string of a crm.v1.Money, e.g. "-12.5" or "1234.56". */
function fromMoney(money) {
  const units = BigInt(money.units || 0);
  const nanos = Number(money.nanos || 0);
  const negative = units < 0n || nanos < 0;
  const whole = (units < 0n ? -units : units).toString();
  const fraction = String(Math.abs(nanos)).padStart(9, '0').replace(/0+$/, '');
  return `${negative ? '-' : ''}${whole}${fraction ? `.${fraction}` : ''}`;
}

/** A Timestamp for a Date. */
function toTimestamp(date) {
  const ms = date.getTime();
  if (Number.isNaN(ms)) throw new RangeError('invalid Date');
  const seconds = Math.floor(ms / 1000);
  return { seconds: String(seconds), nanos: (ms - seconds * 1000) * 1_000_000 };
}

/** The Date of a Timestamp (millisecond precision). */
function fromTimestamp(timestamp) {
  return new Date(Number(timestamp.seconds) * 1000 + Math.floor(Number(timestamp.nanos || 0) / 1_000_000));
}

module.exports = { toMoney, fromMoney, toTimestamp, fromTimestamp };
