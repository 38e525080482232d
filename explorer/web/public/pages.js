// @ts-check
/**
 * One renderer per page. Each takes the route's parameters, reads the API and returns the
 * page's content; the router (app.js) puts it in place.
 */
import { api } from "./api.js";
import { age, badge, h, hashLink, kv, link, mono, open, pager, short, table } from "./dom.js";

const PAGE = 20;

/** @param {number | null} id */
const accountLink = (id) => (id === null ? "–" : id === 0 ? "new account" : link(`/account/${id}`, `#${id}`));

/**
 * An L1 transaction hash, linked to the L1 block explorer when one is configured.
 * @param {string | null} hash
 * @param {string | null} l1TxUrl
 */
function l1Tx(hash, l1TxUrl) {
  if (!hash) return "–";
  if (!l1TxUrl) return h("span.mono", { title: hash }, short(hash));
  return h(
    "a.mono",
    { href: `${l1TxUrl}${hash}`, title: hash, rel: "noopener", target: "_blank" },
    short(hash),
  );
}

/** @param {any} l1 @param {string | null} l1Error */
function l1Status(l1, l1Error) {
  if (!l1) return h("span.warn", null, l1Error ? `L1 unavailable: ${l1Error}` : "not on L1");
  return badge(l1.status);
}

/** @param {any[]} txs */
function txRows(txs) {
  return txs.map((t) => [
    hashLink(`/tx/${t.hash}`, t.hash),
    h("span.type", null, t.type),
    badge(t.status),
    t.type === "deposit"
      ? h("span.empty", { title: "from the L1 priority queue" }, "L1")
      : accountLink(t.from),
    accountLink(t.to),
    h("span.num", null, open(t.amount)),
    h("span.num", null, open(t.fee)),
  ]);
}
const TX_HEAD = ["hash", "type", "status", "from", "to", "amount", "fee"];

/** @param {URLSearchParams} query */
const offsetOf = (query) => Math.max(0, Number.parseInt(query.get("offset") ?? "0", 10) || 0);

/** @param {any} s */
function stats(s) {
  const l1 = s.l1;
  /** @param {string} label @param {import("./dom.js").Child} value */
  const card = (label, value) =>
    h("div.card", null, h("div.label", null, label), h("div.value", null, value));
  return h(
    "section.stats",
    { "aria-label": "chain status" },
    card("sealed batches", s.l2.sealedBatches),
    card("open batch", `#${s.l2.openBatch.number} · ${s.l2.openBatch.size} tx`),
    card("committed on L1", l1 ? l1.lastCommitted : "–"),
    card("final on L1", l1 ? l1.lastFinalized : "–"),
    card("accounts", link("/accounts", String(s.l2.counters.accounts))),
    card("contributions", link("/contributions", String(s.l2.counters.contributions))),
    card("models", link("/models", String(s.l2.counters.models))),
    card("inferences", link("/inferences", String(s.l2.counters.inferences))),
  );
}

/** @param {any} list @param {string | null} l1TxUrl */
function batchTable(list, l1TxUrl) {
  return table(
    ["batch", "L1 status", "txs", "withdrawals", "fees", "sealed", "committed in"],
    list.items.map((/** @type {any} */ b) => [
      link(`/batch/${b.number}`, b.kind === "settlement" ? `#${b.number} settlement` : `#${b.number}`),
      l1Status(b.l1, list.l1Error),
      h("span.num", null, b.txCount),
      h("span.num", null, b.withdrawalCount),
      h("span.num", null, open(b.feesCredited)),
      age(b.sealedAt),
      l1Tx(b.l1?.commitTx ?? null, l1TxUrl),
    ]),
    "No batch sealed yet.",
  );
}

export async function home() {
  const [s, list] = await Promise.all([api("/status"), api(`/batches?limit=${PAGE}`)]);
  return [
    s.l1?.frozen
      ? h("p.alert", null, "The rollup is frozen on L1: users exit with proofs of their balances.")
      : null,
    s.l1Error ? h("p.alert", null, `L1 status unavailable: ${s.l1Error}`) : null,
    stats(s),
    h("h2", null, "Latest batches"),
    batchTable(list, s.l1TxUrl),
    pager("/batches", 0, PAGE, list.total),
  ];
}

/** @param {{}} _ @param {URLSearchParams} query */
export async function batches(_, query) {
  const offset = offsetOf(query);
  const [s, list] = await Promise.all([api("/status"), api(`/batches?offset=${offset}&limit=${PAGE}`)]);
  return [h("h1", null, "Batches"), batchTable(list, s.l1TxUrl), pager("/batches", offset, PAGE, list.total)];
}

/** @param {{ id: string }} params @param {URLSearchParams} query */
export async function batch({ id }, query) {
  const offset = offsetOf(query);
  const [s, b, txs] = await Promise.all([
    api("/status"),
    api(`/batches/${id}`),
    api(`/batches/${id}/transactions?offset=${offset}&limit=50`),
  ]);
  if (b.kind === "settlement") return settlementPage(s, b);
  const l1 = b.l1;
  const rootCheck =
    l1?.rootMatches === false
      ? h("span.bad", null, `differs on L1: ${l1.postStateRoot}`)
      : l1?.rootMatches
        ? h("span.ok", null, "matches L1")
        : "not on L1 yet";
  return [
    h("h1", null, `Batch #${b.number} `, l1Status(l1, b.l1Error)),
    h(
      "nav.siblings",
      null,
      b.number > 1 ? link(`/batch/${b.number - 1}`, "← previous") : null,
      b.number < s.l2.sealedBatches ? link(`/batch/${b.number + 1}`, "next →") : null,
    ),
    h("h2", null, "On L1"),
    kv([
      ["status", l1Status(l1, b.l1Error)],
      ["committed in", l1Tx(l1?.commitTx ?? null, s.l1TxUrl)],
      ["commit block", l1?.commitBlock ?? "–"],
      ["proven by", l1?.prover ? mono(l1.prover) : "–"],
      ["proof in", l1Tx(l1?.proveTx ?? null, s.l1TxUrl)],
      ["final", l1 ? (l1.status === "final" ? "yes" : "no") : "–"],
      ["post-state root", rootCheck],
    ]),
    h("h2", null, "Batch"),
    kv([
      ["sealed", age(b.sealedAt)],
      ["transactions", String(b.txCount)],
      ["pre-state root", mono(b.preStateRoot)],
      ["post-state root", mono(b.postStateRoot)],
      ["withdrawals root", mono(b.withdrawalsRoot)],
      ["blob versioned hash", b.blobVersionedHash ? mono(b.blobVersionedHash) : "not committed yet"],
      ["commitment", b.commitment ? mono(b.commitment) : "not committed yet"],
      ["fee recipient", accountLink(b.feeRecipient)],
      ["fees credited", open(b.feesCredited)],
      [
        "L1 operations consumed",
        // The batch consumes queue indices [queueStart, queueEnd).
        b.queueStart === b.queueEnd ? "none" : `${b.queueStart} to ${BigInt(b.queueEnd) - 1n}`,
      ],
    ]),
    h("h2", null, `Withdrawals (${b.withdrawals.length})`),
    table(
      ["leaf", "L1 recipient", "amount"],
      b.withdrawals.map((/** @type {any} */ w, /** @type {number} */ i) => [
        String(i),
        mono(w.recipient),
        open(w.amount),
      ]),
      "No withdrawal in this batch.",
    ),
    h("h2", null, `Transactions (${txs.total})`),
    table(TX_HEAD, txRows(txs.transactions), "No transaction in this batch."),
    pager(`/batch/${b.number}`, offset, 50, txs.total),
  ];
}

/**
 * A reward settlement entry (docs/protocol.md §11): what it paid from the model's escrow, to
 * whom. Its proof is the reward circuit's.
 * @param {any} s @param {any} b
 */
function settlementPage(s, b) {
  return [
    h("h1", null, `Settlement #${b.number} `, l1Status(b.l1, b.l1Error)),
    h(
      "nav.siblings",
      null,
      b.number > 1 ? link(`/batch/${b.number - 1}`, "← previous") : null,
      b.number < s.l2.sealedBatches ? link(`/batch/${b.number + 1}`, "next →") : null,
    ),
    kv([
      ["sealed", age(b.sealedAt)],
      ["committed in", l1Tx(b.l1?.commitTx ?? null, s.l1TxUrl)],
      ["proof in", l1Tx(b.l1?.proveTx ?? null, s.l1TxUrl)],
      ["epoch", h("span", null, link(`/epoch/${b.epoch}`, `#${b.epoch}`), ` (ends at entry #${b.epochEnd})`)],
      ["model", link(`/model/${b.model}`, `#${b.model}`)],
      ["inferences", b.inferences.join(", ")],
      ["prover account", accountLink(b.proverAccount)],
      ["treasury account", accountLink(b.treasuryAccount)],
      ["paid", open(b.paid)],
      ["pre-state root", mono(b.preStateRoot)],
      ["post-state root", mono(b.postStateRoot)],
      ["scores commitment", mono(b.scoresCommitment)],
      ["epoch end root", mono(b.epochEndRoot)],
      ["proof's public input", mono(b.publicInput)],
    ]),
    h("h2", null, `Credits (${b.credits.length})`),
    table(
      ["role", "account", "amount"],
      b.credits.map((/** @type {any} */ c) => [c.role, accountLink(c.account), open(c.amount)]),
      "No credit.",
    ),
  ];
}

/** Decoded fields worth a link or a unit, by name. */
const FIELD = /** @type {Record<string, (v: any) => import("./dom.js").Child>} */ ({
  from: (v) => accountLink(v),
  to: (v) => accountLink(v),
  user: (v) => accountLink(v),
  owner: (v) => accountLink(v),
  model: (v) => link(`/model/${v}`, `#${v}`),
  baseModel: (v) => (v === 0 ? "none" : link(`/model/${v}`, `#${v}`)),
  amount: open,
  fee: open,
  stake: open,
  payment: open,
  inferenceFee: open,
  escrow: open,
  settlement: (v) => link(`/batch/${v}`, `settlement #${v}`),
  contributions: (v) =>
    h(
      "span",
      null,
      ...v.flatMap((/** @type {number} */ c, /** @type {number} */ i) => [
        i ? ", " : "",
        link(`/contribution/${c}`, `#${c}`),
      ]),
    ),
});

/** "inferenceFee" as "inference fee": field names as labels. */
const label = (/** @type {string} */ key) => key.replace(/[A-Z]/g, (c) => ` ${c.toLowerCase()}`);

/** @param {string} key @param {any} v */
function field(key, v) {
  if (FIELD[key]) return FIELD[key](v);
  if (typeof v === "string" && v.startsWith("0x")) return mono(v);
  if (v && typeof v === "object") return mono(JSON.stringify(v));
  return String(v);
}

/** @param {{ id: string }} params */
export async function tx({ id }) {
  const [s, t] = await Promise.all([api("/status"), api(`/transactions/${id}`)]);
  const r = t.receipt;
  const decoded = Object.entries(t.tx).filter(([k]) => k !== "type" && k !== "signature");
  return [
    h("h1", null, `${t.type} `, badge(t.status)),
    h("p.mono.wrap.sub", null, t.hash),
    kv([
      ["status", badge(t.status)],
      ["batch", t.batch ? link(`/batch/${t.batch}`, `#${t.batch}`) : "not in a batch yet"],
      ["position", t.position ?? "–"],
      [
        "batch on L1",
        t.l1 ? l1Status(t.l1, t.l1Error) : t.l1Error ? l1Status(null, t.l1Error) : "not sealed yet",
      ],
      ["committed in", l1Tx(t.l1?.commitTx ?? null, s.l1TxUrl)],
    ]),
    h("h2", null, "Fields"),
    kv(decoded.map(([k, v]) => [label(k), field(k, v)])),
    h("h2", null, "Receipt"),
    r
      ? kv([
          ["account", accountLink(r.account)],
          ["fee paid", open(r.fee)],
          [
            "created",
            r.created
              ? link(`/${r.created.registry}/${r.created.id}`, `${r.created.registry} #${r.created.id}`)
              : "–",
          ],
          ["withdrawal", r.withdrawal ? `${open(r.withdrawal.amount)} to ${r.withdrawal.recipient}` : "–"],
        ])
      : h("p.empty", null, "Queued: no receipt until it executes."),
    h("details", null, h("summary", null, "raw bytes"), h("p.mono.wrap", null, t.raw)),
  ];
}

/** @param {{ id: string }} params */
export async function account({ id }) {
  const a = await api(`/accounts/${id}`);
  return [
    h("h1", null, `Account #${a.id}`),
    kv([
      ["balance", h("strong", null, open(a.balance))],
      ["staked", open(a.staked)],
      ["nonce", String(a.nonce)],
      ["L1 address", mono(a.l1Address)],
      ["public key x", mono(a.publicKey.x)],
      ["public key y", mono(a.publicKey.y)],
      ["leaf", mono(a.leaf)],
      [
        "state root",
        h("span", null, mono(a.stateRoot), a.includesOpenBatch ? " (includes the open batch)" : ""),
      ],
    ]),
    h("h2", null, "Latest transactions sent (and deposits received)"),
    table(TX_HEAD, txRows(a.transactions), "No transaction from this account yet."),
  ];
}

/**
 * A list page of a registry, newest first.
 * @param {string} title
 * @param {string} path API and page path
 * @param {string[]} head
 * @param {(e: any) => import("./dom.js").Child[]} row
 */
function registryList(title, path, head, row) {
  return async (/** @type {{}} */ _, /** @type {URLSearchParams} */ query) => {
    const offset = offsetOf(query);
    const list = await api(`/${path}?offset=${offset}&limit=${PAGE}`);
    return [
      h("h1", null, title),
      table(head, list.items.map(row), `No ${title.toLowerCase()} yet.`),
      pager(`/${path}`, offset, PAGE, list.total),
    ];
  };
}

export const accounts = registryList(
  "Accounts",
  "accounts",
  ["account", "L1 address", "balance", "staked", "nonce"],
  (a) => [
    accountLink(a.id),
    mono(a.l1Address),
    h("span.num", null, open(a.balance)),
    h("span.num", null, open(a.staked)),
    h("span.num", null, a.nonce),
  ],
);

export const contributions = registryList(
  "Contributions",
  "contributions",
  ["contribution", "owner", "datanet", "status", "rows", "license", "stake", "content root"],
  (c) => [
    link(`/contribution/${c.id}`, `#${c.id}`),
    accountLink(c.owner),
    c.datanet,
    c.status,
    h("span.num", null, c.rowCount),
    c.license,
    h("span.num", null, open(c.stake)),
    h("span.mono", { title: c.contentRoot }, short(c.contentRoot)),
  ],
);

export const models = registryList(
  "Models",
  "models",
  ["model", "owner", "inference fee", "escrow", "training set", "base model"],
  (m) => [
    link(`/model/${m.id}`, `#${m.id}`),
    accountLink(m.owner),
    h("span.num", null, open(m.inferenceFee)),
    h("span.num", null, open(m.escrow)),
    field("contributions", m.contributions ?? []),
    field("baseModel", m.baseModel),
  ],
);

export const inferences = registryList(
  "Inferences",
  "inferences",
  ["inference", "user", "model", "payment", "settled in", "output hash"],
  (r) => [
    link(`/inference/${r.id}`, `#${r.id}`),
    accountLink(r.user),
    field("model", r.model),
    h("span.num", null, open(r.payment)),
    r.settlement === null ? "not yet" : field("settlement", r.settlement),
    h("span.mono", { title: r.outputHash }, short(r.outputHash)),
  ],
);

/**
 * Every field of a record but its id, linked or in OPEN where that helps.
 * @param {Record<string, any>} e
 */
const fields = (e) =>
  kv(
    Object.entries(e)
      .filter(([k]) => k !== "id")
      .map(([k, v]) => [label(k), v === null ? "–" : field(k, v)]),
  );

/**
 * The page of one registry entry.
 * @param {string} title
 * @param {string} path
 */
function entry(title, path) {
  return async (/** @type {{ id: string }} */ { id }) => {
    const e = await api(`/${path}/${id}`);
    return [h("h1", null, `${title} #${e.id}`), fields(e)];
  };
}

export const contribution = entry("Contribution", "contributions");
export const model = entry("Model", "models");

/** @param {{ id: number; name: string | null }} m */
const method = (m) => (m.name ? `${m.name} (method ${m.id})` : `method ${m.id} (not a known method)`);

/** A payable score (fixed point at scale 2^32, docs/attribution.md §4) as a decimal, the integer in its tooltip. */
function score(/** @type {string} */ units) {
  const v = BigInt(units);
  const whole = v >> 32n;
  const frac = (((v & 0xffffffffn) * 1_000_000n) >> 32n).toString().padStart(6, "0").replace(/0+$/, "");
  return h("span.num", { title: units }, frac ? `${whole}.${frac}` : String(whole));
}

/**
 * An inference record, and once a settlement has paid it, the fee split and the attribution
 * per contribution (docs/protocol.md §11.2).
 * @param {{ id: string }} params
 */
export async function inference({ id }) {
  const [s, e] = await Promise.all([api("/status"), api(`/inferences/${id}`)]);
  const { attribution: a, l1Error, ...record } = e;
  return [
    h("h1", null, `Inference #${e.id}`),
    fields(record),
    h("h2", null, "Attribution and fee split"),
    a
      ? attribution(a, l1Error, s.l1TxUrl)
      : h(
          "p.empty",
          null,
          `Not settled yet: its payment of ${open(e.payment)} waits in model #${e.model}'s escrow until a reward settlement pays it out.`,
        ),
  ];
}

/** @param {any} a @param {string | null} l1Error @param {string | null} l1TxUrl */
function attribution(a, l1Error, l1TxUrl) {
  const sp = a.split;
  const acc = a.accounts;
  return h(
    "section",
    null,
    kv([
      ["settled in", link(`/batch/${a.settlement}`, `settlement #${a.settlement}`)],
      ["epoch", link(`/epoch/${a.epoch}`, `#${a.epoch}`)],
      ["attribution method", method(a.attributionMethod)],
      ["settlement on L1", l1Status(a.l1, l1Error)],
      ["proof in", l1Tx(a.l1?.proveTx ?? null, l1TxUrl)],
      ["payment", open(a.payment)],
    ]),
    h("h3", null, "Fee split"),
    table(
      ["share", "to", "amount"],
      [
        ["prover", accountLink(acc.prover), open(sp.prover)],
        ["protocol", accountLink(acc.treasury), open(sp.protocol)],
        ["model owner", accountLink(acc.owner), open(sp.owner)],
        [
          "base model owner",
          acc.baseOwner === null ? "not a fine-tune" : accountLink(acc.baseOwner),
          open(sp.base),
        ],
        ["data pool", "the contributions below", open(sp.pool)],
        ["dust of the pool", accountLink(acc.treasury), open(sp.dust)],
      ].map(([k, to, v]) => [k, to, h("span.num", null, v)]),
      "",
    ),
    h("h3", null, "Attribution per contribution"),
    table(
      ["contribution", "owner", "payable score", "share of the data pool", "credit"],
      a.contributions.map((/** @type {any} */ c) => [
        link(`/contribution/${c.contribution}`, `#${c.contribution}`),
        accountLink(c.owner),
        score(c.score),
        h("span.num", null, `${(c.share * 100).toFixed(2)} %`),
        h("span.num", null, open(c.credit)),
      ]),
      "The model has no training contribution.",
    ),
  );
}

/** Entries `first..last` of an epoch, linked. @param {{ firstEntry: number; lastEntry: number }} e */
const entries = (e) =>
  e.firstEntry === e.lastEntry
    ? link(`/batch/${e.firstEntry}`, `#${e.firstEntry}`)
    : h(
        "span",
        null,
        link(`/batch/${e.firstEntry}`, `#${e.firstEntry}`),
        " – ",
        link(`/batch/${e.lastEntry}`, `#${e.lastEntry}`),
      );

/** @param {{}} _ @param {URLSearchParams} query */
export async function epochs(_, query) {
  const offset = offsetOf(query);
  const list = await api(`/epochs?offset=${offset}&limit=${PAGE}`);
  return [
    h("h1", null, "Reward epochs"),
    table(
      ["epoch", "entries", "status", "last inference", "settlements", "paid"],
      list.items.map((/** @type {any} */ e) => [
        link(`/epoch/${e.epoch}`, `#${e.epoch}`),
        entries(e),
        badge(e.closed ? "closed" : "open"),
        e.lastInference === null ? "–" : String(e.lastInference),
        h("span.num", null, e.settlementCount),
        h("span.num", null, open(e.paid)),
      ]),
      "No epoch yet.",
    ),
    pager("/epochs", offset, PAGE, list.total),
  ];
}

/**
 * A reward epoch: its settlements with their L1 commit and proof, what they paid by role, and
 * the data contributors they credited most.
 * @param {{ id: string }} params
 */
export async function epoch({ id }) {
  const [s, e] = await Promise.all([api("/status"), api(`/epochs/${id}`)]);
  const paid = e.paidByRole;
  return [
    h("h1", null, `Epoch #${e.epoch} `, badge(e.closed ? "closed" : "open")),
    h(
      "nav.siblings",
      null,
      e.epoch > 0 ? link(`/epoch/${e.epoch - 1}`, "← previous") : null,
      // The next epoch has begun once this one's last entry is sealed.
      e.lastEntry <= s.l2.sealedBatches ? link(`/epoch/${e.epoch + 1}`, "next →") : null,
    ),
    e.l1Error ? h("p.alert", null, `L1 status unavailable: ${e.l1Error}`) : null,
    kv([
      ["entries", entries(e)],
      [
        "status",
        e.closed ? "closed: its inferences can be settled" : "open: its last entry is not sealed yet",
      ],
      ["inferences up to", e.lastInference === null ? "– (known once closed)" : String(e.lastInference)],
      ["attribution method", method(e.attributionMethod)],
      ["paid", h("strong", null, open(paid.total))],
    ]),
    h("h2", null, `Settlements (${e.settlements.length})`),
    table(
      ["settlement", "model", "inferences", "paid", "method", "L1 status", "committed in", "proof in"],
      e.settlements.map((/** @type {any} */ x) => [
        link(`/batch/${x.entry}`, `#${x.entry}`),
        field("model", x.model),
        h(
          "span",
          null,
          ...x.inferences.flatMap((/** @type {number} */ i, /** @type {number} */ k) => [
            k ? ", " : "",
            link(`/inference/${i}`, `#${i}`),
          ]),
        ),
        h("span.num", null, open(x.paid)),
        x.attributionMethod.name ?? String(x.attributionMethod.id),
        l1Status(x.l1, e.l1Error),
        l1Tx(x.l1?.commitTx ?? null, s.l1TxUrl),
        l1Tx(x.l1?.proveTx ?? null, s.l1TxUrl),
      ]),
      "No settlement of this epoch yet.",
    ),
    h("h2", null, "Paid by role"),
    kv([
      ["data contributors", open(paid.data)],
      ["model owners", open(paid.model)],
      ["base model owners", open(paid.baseModel)],
      ["provers", open(paid.prover)],
      ["treasury (protocol share and dust)", open(paid.treasury)],
    ]),
    h("h2", null, "Top contributors"),
    table(
      ["account", "contributions", "credited"],
      e.topContributors.map((/** @type {any} */ c) => [
        accountLink(c.account),
        field("contributions", c.contributions),
        h("span.num", null, open(c.amount)),
      ]),
      "No data credit in this epoch.",
    ),
  ];
}

/** @param {{}} _ @param {URLSearchParams} query */
export async function search(_, query) {
  const q = query.get("q") ?? "";
  const r = await api(`/search?q=${encodeURIComponent(q)}`);
  const paths = /** @type {Record<string, string>} */ ({ transaction: "tx" });
  if (r.results.length === 1)
    return { redirect: `/${paths[r.results[0].kind] ?? r.results[0].kind}/${r.results[0].id}` };
  return [
    h("h1", null, `Search: ${q}`),
    r.results.length === 0
      ? h(
          "p.empty",
          null,
          "Nothing found. Try a transaction hash (0x…), a batch number, an account id, or “model 3”.",
        )
      : h(
          "ul.results",
          null,
          ...r.results.map((/** @type {any} */ x) =>
            h("li", null, link(`/${paths[x.kind] ?? x.kind}/${x.id}`, x.label)),
          ),
        ),
  ];
}
