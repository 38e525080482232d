/** The chain's own pages: home, batches, a batch or settlement, a transaction, search. */
import { useEffect } from "preact/hooks";
import { useApi } from "../api.ts";
import { label, open } from "../format.ts";
import { Link, type Location, navigate } from "../router.tsx";
import type { Reply } from "../types.ts";
import {
  AccountLink,
  Age,
  Amount,
  Badge,
  field,
  HashLink,
  IdLinks,
  Kv,
  L1State,
  L1Tx,
  Loading,
  Mono,
  Pager,
  Table,
} from "../ui.tsx";

export const PAGE = 20;
export const offsetOf = (q: URLSearchParams) => Math.max(0, Number.parseInt(q.get("offset") ?? "0", 10) || 0);

const Card = ({ label: l, children }: { label: string; children: preact.ComponentChildren }) => (
  <div class="card">
    <div class="label">{l}</div>
    <div class="value">{children}</div>
  </div>
);

function Stats({ s }: { s: Reply }) {
  const c = s.l2.counters;
  return (
    <section class="stats" aria-label="chain status">
      <Card label="sealed batches">{s.l2.sealedBatches}</Card>
      <Card label="open batch">
        #{s.l2.openBatch.number} · {s.l2.openBatch.size} tx
      </Card>
      <Card label="committed on L1">{s.l1 ? s.l1.lastCommitted : "–"}</Card>
      <Card label="final on L1">{s.l1 ? s.l1.lastFinalized : "–"}</Card>
      <Card label="accounts">
        <Link href="/accounts">{String(c.accounts)}</Link>
      </Card>
      <Card label="Datanets">
        <Link href="/datanets">{String(c.datanets)}</Link>
      </Card>
      <Card label="models">
        <Link href="/models">{String(c.models)}</Link>
      </Card>
      <Card label="inferences">
        <Link href="/inferences">{String(c.inferences)}</Link>
      </Card>
    </section>
  );
}

export function BatchTable({ list, l1TxUrl }: { list: Reply; l1TxUrl: string | null }) {
  return (
    <Table
      head={["batch", "L1 status", "txs", "withdrawals", "fees", "sealed", "committed in"]}
      empty="No batch sealed yet."
      rows={list.items.map((b: Reply) => [
        <Link href={`/batch/${b.number}`}>
          {b.kind === "settlement" ? `#${b.number} settlement` : `#${b.number}`}
        </Link>,
        <L1State l1={b.l1} error={list.l1Error} />,
        <span class="num">{b.txCount}</span>,
        <span class="num">{b.withdrawalCount}</span>,
        <Amount units={b.feesCredited} />,
        <Age iso={b.sealedAt} />,
        <L1Tx hash={b.l1?.commitTx ?? null} url={l1TxUrl} />,
      ])}
    />
  );
}

function EpochRows({ list }: { list: Reply }) {
  return (
    <Table
      head={["epoch", "status", "settlements", "paid"]}
      empty="No epoch yet."
      rows={list.items.map((e: Reply) => [
        <Link href={`/epoch/${e.epoch}`}>#{e.epoch}</Link>,
        <Badge status={e.closed ? "closed" : "open"} />,
        <span class="num">{e.settlementCount}</span>,
        <Amount units={e.paid} />,
      ])}
    />
  );
}

export function Home() {
  const status = useApi<Reply>("/status");
  const batches = useApi<Reply>(`/batches?limit=10`);
  const epochs = useApi<Reply>(`/epochs?limit=5`);
  return (
    <Loading r={status}>
      {(s) => (
        <>
          {s.l1?.frozen && (
            <p class="alert">The rollup is frozen on L1: users exit with proofs of their balances.</p>
          )}
          {s.l1Error && <p class="alert">L1 status unavailable: {s.l1Error}</p>}
          <Stats s={s} />
          <div class="columns">
            <section>
              <h2>Latest batches</h2>
              <Loading r={batches}>{(list) => <BatchTable list={list} l1TxUrl={s.l1TxUrl} />}</Loading>
              <p>
                <Link href="/batches">All batches →</Link>
              </p>
            </section>
            <section>
              <h2>Latest epochs</h2>
              <Loading r={epochs}>{(list) => <EpochRows list={list} />}</Loading>
              <p>
                <Link href="/epochs">All epochs →</Link>
              </p>
            </section>
          </div>
        </>
      )}
    </Loading>
  );
}

export function Batches({ loc }: { loc: Location }) {
  const offset = offsetOf(loc.query);
  const status = useApi<Reply>("/status");
  const list = useApi<Reply>(`/batches?offset=${offset}&limit=${PAGE}`);
  return (
    <>
      <h1>Batches</h1>
      <Loading r={list}>
        {(l) => (
          <>
            <BatchTable list={l} l1TxUrl={status.data?.l1TxUrl ?? null} />
            <Pager path="/batches" offset={offset} limit={PAGE} total={l.total} />
          </>
        )}
      </Loading>
    </>
  );
}

export function Batch({ id, loc }: { id: string; loc: Location }) {
  const offset = offsetOf(loc.query);
  const status = useApi<Reply>("/status");
  const batch = useApi<Reply>(`/batches/${id}`);
  const txs = useApi<Reply>(`/batches/${id}/transactions?offset=${offset}&limit=50`);
  const url = status.data?.l1TxUrl ?? null;
  return (
    <Loading r={batch}>
      {(b) => (
        <>
          <h1>
            {b.kind === "settlement" ? "Settlement" : "Batch"} #{b.number}{" "}
            <L1State l1={b.l1} error={b.l1Error} />
          </h1>
          <nav class="siblings">
            {b.number > 1 && <Link href={`/batch/${b.number - 1}`}>← previous</Link>}
            {status.data && b.number < status.data.l2.sealedBatches && (
              <Link href={`/batch/${b.number + 1}`}>next →</Link>
            )}
          </nav>
          {b.kind === "settlement" ? (
            <Settlement b={b} url={url} />
          ) : (
            <>
              <Kv
                rows={[
                  ["status", <L1State l1={b.l1} error={b.l1Error} />],
                  ["sealed", <Age iso={b.sealedAt} />],
                  ["transactions", String(b.txCount)],
                  ["fees credited", open(b.feesCredited)],
                  ["fee recipient", <AccountLink id={b.feeRecipient} />],
                  ["committed in", <L1Tx hash={b.l1?.commitTx ?? null} url={url} />],
                  ["proof in", <L1Tx hash={b.l1?.proveTx ?? null} url={url} />],
                  ["prover", b.l1?.prover ? <Mono v={b.l1.prover} /> : "–"],
                  [
                    "L1 holds its post-state root",
                    b.l1?.rootMatches === null || !b.l1 ? "–" : b.l1.rootMatches ? "yes" : "NO",
                  ],
                  ["queue range", `${b.queueStart} – ${b.queueEnd}`],
                  ["pre-state root", <Mono v={b.preStateRoot} />],
                  ["post-state root", <Mono v={b.postStateRoot} />],
                  ["withdrawals root", <Mono v={b.withdrawalsRoot} />],
                  ["public input", <Mono v={b.publicInput} />],
                ]}
              />
              <h2>Withdrawals ({b.withdrawals.length})</h2>
              <Table
                head={["recipient", "amount"]}
                empty="No withdrawal."
                rows={b.withdrawals.map((w: Reply) => [
                  <Mono v={w.recipient} />,
                  <Amount units={w.amount} />,
                ])}
              />
              <h2>Transactions</h2>
              <Loading r={txs}>
                {(t) => (
                  <>
                    <TxTable txs={t.transactions} />
                    <Pager path={`/batch/${b.number}`} offset={offset} limit={50} total={t.total} />
                  </>
                )}
              </Loading>
            </>
          )}
        </>
      )}
    </Loading>
  );
}

/** A reward settlement entry (docs/protocol.md §11): what it paid from the model's escrow, to whom. */
function Settlement({ b, url }: { b: Reply; url: string | null }) {
  return (
    <>
      <Kv
        rows={[
          ["sealed", <Age iso={b.sealedAt} />],
          ["committed in", <L1Tx hash={b.l1?.commitTx ?? null} url={url} />],
          ["proof in", <L1Tx hash={b.l1?.proveTx ?? null} url={url} />],
          [
            "epoch",
            <>
              <Link href={`/epoch/${b.epoch}`}>#{b.epoch}</Link> (ends at entry #{b.epochEnd})
            </>,
          ],
          ["model", field("model", b.model)],
          ["inferences", <IdLinks ids={b.inferences} path="inference" />],
          ["prover account", <AccountLink id={b.proverAccount} />],
          ["treasury account", <AccountLink id={b.treasuryAccount} />],
          ["paid", open(b.paid)],
          ["pre-state root", <Mono v={b.preStateRoot} />],
          ["post-state root", <Mono v={b.postStateRoot} />],
          ["scores commitment", <Mono v={b.scoresCommitment} />],
          ["epoch end root", <Mono v={b.epochEndRoot} />],
          ["proof's public input", <Mono v={b.publicInput} />],
        ]}
      />
      <h2>Credits ({b.credits.length})</h2>
      <Table
        head={["role", "account", "amount"]}
        empty="No credit."
        rows={b.credits.map((c: Reply) => [
          c.role,
          <AccountLink id={c.account} />,
          <Amount units={c.amount} />,
        ])}
      />
    </>
  );
}

export function TxTable({ txs }: { txs: Reply[] }) {
  return (
    <Table
      head={["hash", "type", "status", "from", "to", "amount", "fee"]}
      empty="No transaction."
      rows={txs.map((t) => [
        <HashLink href={`/tx/${t.hash}`} hash={t.hash} />,
        <span class="type">{t.type}</span>,
        <Badge status={t.status} />,
        t.type === "deposit" ? (
          <span class="empty" title="from the L1 priority queue">
            L1
          </span>
        ) : (
          <AccountLink id={t.from} />
        ),
        <AccountLink id={t.to} />,
        <Amount units={t.amount} />,
        <Amount units={t.fee} />,
      ])}
    />
  );
}

export function Tx({ id }: { id: string }) {
  const status = useApi<Reply>("/status");
  const tx = useApi<Reply>(`/transactions/${id}`);
  return (
    <Loading r={tx}>
      {(t) => {
        const r = t.receipt;
        const decoded = Object.entries(t.tx as Record<string, unknown>).filter(
          ([k]) => k !== "type" && k !== "signature",
        );
        return (
          <>
            <h1>
              {t.type} <Badge status={t.status} />
            </h1>
            <p class="mono wrap sub">{t.hash}</p>
            <Kv
              rows={[
                ["status", <Badge status={t.status} />],
                [
                  "batch",
                  t.batch ? <Link href={`/batch/${t.batch}`}>#{t.batch}</Link> : "not in a batch yet",
                ],
                ["position", t.position ?? "–"],
                [
                  "batch on L1",
                  t.l1 || t.l1Error ? <L1State l1={t.l1} error={t.l1Error} /> : "not sealed yet",
                ],
                ["committed in", <L1Tx hash={t.l1?.commitTx ?? null} url={status.data?.l1TxUrl ?? null} />],
              ]}
            />
            <h2>Fields</h2>
            <Kv rows={decoded.map(([k, v]) => [label(k), field(k, v)])} />
            <h2>Receipt</h2>
            {r ? (
              <Kv
                rows={[
                  ["account", <AccountLink id={r.account} />],
                  ["fee paid", open(r.fee)],
                  [
                    "created",
                    r.created ? (
                      <Link href={`/${r.created.registry.replace(/s$/, "")}/${r.created.id}`}>
                        {r.created.registry} #{r.created.id}
                      </Link>
                    ) : (
                      "–"
                    ),
                  ],
                  [
                    "withdrawal",
                    r.withdrawal ? `${open(r.withdrawal.amount)} to ${r.withdrawal.recipient}` : "–",
                  ],
                ]}
              />
            ) : (
              <p class="empty">Queued: no receipt until it executes.</p>
            )}
            <details>
              <summary>raw bytes</summary>
              <p class="mono wrap">{t.raw}</p>
            </details>
          </>
        );
      }}
    </Loading>
  );
}

const PATHS: Record<string, string> = { transaction: "tx" };
const pathOf = (x: { kind: string; id: string }) => `/${PATHS[x.kind] ?? x.kind}/${x.id}`;

export function Search({ loc }: { loc: Location }) {
  const q = loc.query.get("q") ?? "";
  const r = useApi<Reply>(`/search?q=${encodeURIComponent(q)}`);
  const only = r.data?.results.length === 1 ? pathOf(r.data.results[0]) : null;
  useEffect(() => {
    if (only) navigate(only, true);
  }, [only]);
  return (
    <>
      <h1>Search: {q}</h1>
      <Loading r={r}>
        {(res) =>
          res.results.length === 0 ? (
            <p class="empty">
              Nothing found. Try a transaction hash (0x…), a batch number, an account id, or “model 3”.
            </p>
          ) : (
            <ul class="results">
              {res.results.map((x: Reply) => (
                <li>
                  <Link href={pathOf(x)}>{x.label}</Link>
                </li>
              ))}
            </ul>
          )
        }
      </Loading>
    </>
  );
}
