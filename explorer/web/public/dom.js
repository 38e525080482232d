// @ts-check
/* global document */
/**
 * DOM building and formatting helpers. Every value from the API goes in as text
 * (textContent), never as HTML, so nothing a transaction carries can run in the page.
 */

/**
 * @typedef {string | number | Node | null | undefined | false} Child
 * @param {string} tag  element name, optionally with classes: "td.num"
 * @param {Record<string, string> | null} [attrs]
 * @param {...(Child | Child[])} children
 * @returns {HTMLElement}
 */
export function h(tag, attrs, ...children) {
  const [name, ...classes] = tag.split(".");
  const el = document.createElement(/** @type {string} */ (name));
  if (classes.length) el.className = classes.join(" ");
  for (const [k, v] of Object.entries(attrs ?? {})) el.setAttribute(k, v);
  for (const c of children.flat()) {
    if (c === null || c === undefined || c === false) continue;
    el.append(typeof c === "object" ? c : document.createTextNode(String(c)));
  }
  return el;
}

/** An in-app link: the router intercepts clicks on it. */
export const link = (/** @type {string} */ href, /** @type {Child} */ text) =>
  h("a", { href, "data-link": "" }, text);

/** A long hex value shortened for tables, whole in its tooltip. */
export function short(/** @type {string} */ hex, keep = 8) {
  return hex.length <= 2 * keep + 3 ? hex : `${hex.slice(0, keep + 2)}…${hex.slice(-keep)}`;
}

export const hashLink = (/** @type {string} */ href, /** @type {string} */ hex) => {
  const a = link(href, short(hex));
  a.title = hex;
  a.className = "mono";
  return a;
};

/** A hash shown in full, monospace, wrapping anywhere. */
export const mono = (/** @type {string} */ s) => h("span.mono.wrap", null, s);

const DECIMALS = 18n;

/** OPEN base units (a decimal string) as OPEN, exact: grouped whole part, every non-zero decimal. */
export function open(/** @type {string | null} */ units) {
  if (units === null) return "–";
  const v = BigInt(units);
  // Below a millionth of an OPEN, decimals are a run of zeros: base units read better.
  if (v !== 0n && v < 10n ** 12n) return `${v.toLocaleString("en-US")} units`;
  const unit = 10n ** DECIMALS;
  const whole = (v / unit).toLocaleString("en-US");
  const frac = (v % unit).toString().padStart(Number(DECIMALS), "0").replace(/0+$/, "");
  return `${frac ? `${whole}.${frac}` : whole} OPEN`;
}

/** "12 s ago"-style age of an ISO time, the time itself in the tooltip. */
export function age(/** @type {string} */ iso) {
  const s = Math.max(0, Math.round((Date.now() - Date.parse(iso)) / 1000));
  const text =
    s < 60
      ? `${s} s ago`
      : s < 3600
        ? `${Math.floor(s / 60)} min ago`
        : s < 86400
          ? `${Math.floor(s / 3600)} h ago`
          : new Date(iso).toISOString().slice(0, 10);
  return h("time", { datetime: iso, title: new Date(iso).toISOString() }, text);
}

/** The status badge of a batch or transaction. */
export function badge(/** @type {string} */ status) {
  return h(`span.badge.s-${status}`, null, status);
}

/**
 * A two-column table of label and value.
 * @param {[string, Child | Child[]][]} rows
 */
export function kv(rows) {
  return h(
    "table.kv",
    null,
    h("tbody", null, ...rows.map(([k, v]) => h("tr", null, h("th", { scope: "row" }, k), h("td", null, v)))),
  );
}

/**
 * A table with a header row; `empty` is shown when there are no rows.
 * @param {string[]} head
 * @param {Child[][]} rows
 * @param {string} empty
 */
export function table(head, rows, empty) {
  if (rows.length === 0) return h("p.empty", null, empty);
  return h(
    "div.scroll",
    null,
    h(
      "table.list",
      null,
      h("thead", null, h("tr", null, ...head.map((c) => h("th", { scope: "col" }, c)))),
      h("tbody", null, ...rows.map((r) => h("tr", null, ...r.map((c) => h("td", null, c))))),
    ),
  );
}

/**
 * Previous/next links for a newest-first list of `total` entries.
 * @param {string} path
 * @param {number} offset
 * @param {number} limit
 * @param {number} total
 */
export function pager(path, offset, limit, total) {
  if (total <= limit) return null;
  const at = (/** @type {number} */ o) => `${path}?offset=${o}`;
  return h(
    "nav.pager",
    { "aria-label": "pages" },
    offset > 0 ? link(at(Math.max(0, offset - limit)), "← newer") : h("span", null, "← newer"),
    h("span", null, `${offset + 1}–${Math.min(total, offset + limit)} of ${total}`),
    offset + limit < total ? link(at(offset + limit), "older →") : h("span", null, "older →"),
  );
}
