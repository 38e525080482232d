/** Pure formatting of API values for display. */

const DECIMALS = 18n;

/** OPEN base units (a decimal string) as OPEN, exact: grouped whole part, every non-zero decimal. */
export function open(units: string | null): string {
  if (units === null) return "–";
  const v = BigInt(units);
  // Below a millionth of an OPEN, decimals are a run of zeros: base units read better.
  if (v !== 0n && v < 10n ** 12n) return `${v.toLocaleString("en-US")} units`;
  const unit = 10n ** DECIMALS;
  const whole = (v / unit).toLocaleString("en-US");
  const frac = (v % unit).toString().padStart(Number(DECIMALS), "0").replace(/0+$/, "");
  return `${frac ? `${whole}.${frac}` : whole} OPEN`;
}

/** OPEN base units as a float, for charts only. */
export const openNumber = (units: string): number => Number(BigInt(units) / 10n ** 12n) / 1e6;

/** A long hex value shortened for tables. */
export const short = (hex: string, keep = 8): string =>
  hex.length <= 2 * keep + 3 ? hex : `${hex.slice(0, keep + 2)}…${hex.slice(-keep)}`;

/** "12 s ago"-style age of an ISO time. */
export function age(iso: string, now = Date.now()): string {
  const s = Math.max(0, Math.round((now - Date.parse(iso)) / 1000));
  if (s < 60) return `${s} s ago`;
  if (s < 3600) return `${Math.floor(s / 60)} min ago`;
  if (s < 86400) return `${Math.floor(s / 3600)} h ago`;
  return new Date(iso).toISOString().slice(0, 10);
}

export const method = (m: { id: number; name: string | null }): string =>
  m.name ? `${m.name} (method ${m.id})` : `method ${m.id} (not a known method)`;

/** A payable score (fixed point at scale 2^32, docs/attribution.md §4) as a decimal. */
export function score(units: string): string {
  const v = BigInt(units);
  const whole = v >> 32n;
  const frac = (((v & 0xffffffffn) * 1_000_000n) >> 32n).toString().padStart(6, "0").replace(/0+$/, "");
  return frac ? `${whole}.${frac}` : String(whole);
}

/** Basis points as a percentage. */
export const bps = (n: number): string => `${(n / 100).toFixed(2)} %`;

/** "inferenceFee" as "inference fee": field names as labels. */
export const label = (key: string): string => key.replace(/[A-Z]/g, (c) => ` ${c.toLowerCase()}`);
