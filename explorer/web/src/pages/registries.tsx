/** Accounts and the registries: Datanets, contributions, models, inferences (with attribution). */
import { useApi } from "../api.ts";
import { AttributionChart } from "../chart.tsx";
import { method, open, score } from "../format.ts";
import { Link, type Location } from "../router.tsx";
import type { Reply } from "../types.ts";
import {
  AccountLink,
  Amount,
  type Child,
  field,
  Fields,
  IdLinks,
  Kv,
  L1State,
  L1Tx,
  Loading,
  Mono,
  Pager,
  Table,
} from "../ui.tsx";
import { offsetOf, PAGE, TxTable } from "./chain.tsx";

/** A list page of a registry, newest first. */
function registryList(title: string, path: string, head: string[], row: (e: Reply) => Child[]) {
  return function List({ loc }: { loc: Location }) {
    const offset = offsetOf(loc.query);
    const list = useApi<Reply>(`/${path}?offset=${offset}&limit=${PAGE}`);
    return (
      <>
        <h1>{title}</h1>
        <Loading r={list}>
          {(l) => (
            <>
              <Table head={head} rows={l.items.map(row)} empty={`No ${title.toLowerCase()} yet.`} />
              <Pager path={`/${path}`} offset={offset} limit={PAGE} total={l.total} />
            </>
          )}
        </Loading>
      </>
    );
  };
}

export const Accounts = registryList(
  "Accounts",
  "accounts",
  ["account", "L1 address", "balance", "staked", "nonce"],
  (a) => [
    <AccountLink id={a.id} />,
    <Mono v={a.l1Address} />,
    <Amount units={a.balance} />,
    <Amount units={a.staked} />,
    <span class="num">{a.nonce}</span>,
  ],
);

const contributionRow = (c: Reply) => [
  <Link href={`/contribution/${c.id}`}>#{c.id}</Link>,
  <AccountLink id={c.owner} />,
  field("datanet", c.datanet),
  c.status,
  <span class="num">{c.rowCount}</span>,
  c.license,
  <Amount units={c.stake} />,
];
const CONTRIBUTION_HEAD = ["contribution", "owner", "Datanet", "status", "rows", "license", "stake"];

export const Contributions = registryList(
  "Contributions",
  "contributions",
  CONTRIBUTION_HEAD,
  contributionRow,
);

export const Datanets = registryList(
  "Datanets",
  "datanets",
  ["Datanet", "owner", "curation", "licenses", "min stake"],
  (d) => [
    <Link href={`/datanet/${d.id}`}>#{d.id}</Link>,
    <AccountLink id={d.owner} />,
    d.curationMode,
    d.licenses.length === 0 ? "–" : d.licenses.join(", "),
    <Amount units={d.minStake} />,
  ],
);

export const Models = registryList(
  "Models",
  "models",
  ["model", "owner", "inference fee", "escrow", "training set", "base model"],
  (m) => [
    <Link href={`/model/${m.id}`}>#{m.id}</Link>,
    <AccountLink id={m.owner} />,
    <Amount units={m.inferenceFee} />,
    <Amount units={m.escrow} />,
    <IdLinks ids={m.contributions ?? []} path="contribution" />,
    field("baseModel", m.baseModel),
  ],
);

const inferenceRow = (r: Reply) => [
  <Link href={`/inference/${r.id}`}>#{r.id}</Link>,
  <AccountLink id={r.user} />,
  field("model", r.model),
  <Amount units={r.payment} />,
  r.settlement === null ? "not yet" : field("settlement", r.settlement),
];
const INFERENCE_HEAD = ["inference", "user", "model", "payment", "settled in"];

export const Inferences = registryList("Inferences", "inferences", INFERENCE_HEAD, inferenceRow);

export function Account({ id }: { id: string }) {
  const account = useApi<Reply>(`/accounts/${id}`);
  const rewards = useApi<Reply>(`/accounts/${id}/rewards`);
  return (
    <Loading r={account}>
      {(a) => (
        <>
          <h1>Account #{a.id}</h1>
          <Kv
            rows={[
              ["balance", <strong>{open(a.balance)}</strong>],
              ["staked", open(a.staked)],
              ["nonce", String(a.nonce)],
              ["L1 address", <Mono v={a.l1Address} />],
              ["public key x", <Mono v={a.publicKey.x} />],
              ["public key y", <Mono v={a.publicKey.y} />],
              ["leaf", <Mono v={a.leaf} />],
              [
                "state root",
                <>
                  <Mono v={a.stateRoot} />
                  {a.includesOpenBatch ? " (includes the open batch)" : ""}
                </>,
              ],
            ]}
          />
          <h2>Rewards</h2>
          <Loading r={rewards}>
            {(r) => (
              <>
                <p>
                  Credited by reward settlements: <strong>{open(r.total)}</strong>
                </p>
                <Table
                  head={["settlement", "epoch", "model", "role", "contribution", "amount"]}
                  empty="No reward credited to this account yet."
                  rows={r.items.map((c: Reply) => [
                    <Link href={`/batch/${c.entry}`}>#{c.entry}</Link>,
                    <Link href={`/epoch/${c.epoch}`}>#{c.epoch}</Link>,
                    field("model", c.model),
                    c.role,
                    c.contribution === null ? (
                      "–"
                    ) : (
                      <Link href={`/contribution/${c.contribution}`}>#{c.contribution}</Link>
                    ),
                    <Amount units={c.amount} />,
                  ])}
                />
              </>
            )}
          </Loading>
          <h2>Latest transactions sent (and deposits received)</h2>
          <TxTable txs={a.transactions} />
        </>
      )}
    </Loading>
  );
}

export function Datanet({ id, loc }: { id: string; loc: Location }) {
  const after = Math.max(0, Number.parseInt(loc.query.get("after") ?? "0", 10) || 0);
  const datanet = useApi<Reply>(`/datanets/${id}`);
  const contributions = useApi<Reply>(`/datanets/${id}/contributions?after=${after}&limit=50`);
  return (
    <Loading r={datanet}>
      {(d) => (
        <>
          <h1>Datanet #{d.id}</h1>
          <Kv
            rows={[
              ["owner", <AccountLink id={d.owner} />],
              ["curation", d.curationMode],
              ["curators", field("curators", d.curators)],
              ["license policy", String(d.licensePolicy)],
              ["licenses", d.licenses.length === 0 ? "–" : d.licenses.join(", ")],
              ["minimum stake", open(d.minStake)],
              ["metadata hash", <Mono v={d.metadataHash} />],
            ]}
          />
          <h2>Contributions</h2>
          <Loading r={contributions}>
            {(c) => (
              <>
                <Table
                  head={CONTRIBUTION_HEAD}
                  rows={c.items.map(contributionRow)}
                  empty="No contribution yet."
                />
                {c.nextAfter !== null && <Link href={`/datanet/${d.id}?after=${c.nextAfter}`}>more →</Link>}
              </>
            )}
          </Loading>
        </>
      )}
    </Loading>
  );
}

export function Contribution({ id }: { id: string }) {
  const c = useApi<Reply>(`/contributions/${id}`);
  return (
    <Loading r={c}>
      {(e) => (
        <>
          <h1>Contribution #{e.id}</h1>
          <Fields record={e} />
        </>
      )}
    </Loading>
  );
}

export function Model({ id }: { id: string }) {
  const model = useApi<Reply>(`/models/${id}`);
  const use = useApi<Reply>(`/models/${id}/use`);
  return (
    <Loading r={model}>
      {(m) => (
        <>
          <h1>Model #{m.id}</h1>
          <Fields record={m} />
          <Loading r={use}>
            {(u) => (
              <>
                <h2>Fine-tunes</h2>
                {u.fineTunes.length === 0 ? (
                  <p class="empty">No model is fine-tuned from this one.</p>
                ) : (
                  <p>
                    <IdLinks ids={u.fineTunes} path="model" />
                  </p>
                )}
                <h2>Latest inferences</h2>
                <Table
                  head={INFERENCE_HEAD}
                  rows={u.inferences.map(inferenceRow)}
                  empty="No inference yet."
                />
                <p class="sub">Among the newest {u.scanned.inferences} inferences of the chain.</p>
              </>
            )}
          </Loading>
        </>
      )}
    </Loading>
  );
}

/**
 * An inference record, and once a settlement has paid it, the fee split and the attribution
 * per contribution (docs/protocol.md §11.2), charted.
 */
export function Inference({ id }: { id: string }) {
  const status = useApi<Reply>("/status");
  const inference = useApi<Reply>(`/inferences/${id}`);
  return (
    <Loading r={inference}>
      {(e) => {
        const { attribution: a, l1Error, ...record } = e;
        return (
          <>
            <h1>Inference #{e.id}</h1>
            <Fields record={record} />
            <h2>Attribution and fee split</h2>
            {a ? (
              <Attribution a={a} l1Error={l1Error} url={status.data?.l1TxUrl ?? null} />
            ) : (
              <p class="empty">
                Not settled yet: its payment of {open(e.payment)} waits in model #{e.model}'s escrow until a
                reward settlement pays it out.
              </p>
            )}
          </>
        );
      }}
    </Loading>
  );
}

function Attribution({ a, l1Error, url }: { a: Reply; l1Error: string | null; url: string | null }) {
  const sp = a.split;
  const acc = a.accounts;
  return (
    <section>
      <Kv
        rows={[
          ["settled in", <Link href={`/batch/${a.settlement}`}>settlement #{a.settlement}</Link>],
          ["epoch", <Link href={`/epoch/${a.epoch}`}>#{a.epoch}</Link>],
          ["attribution method", method(a.attributionMethod)],
          ["settlement on L1", <L1State l1={a.l1} error={l1Error} />],
          ["proof in", <L1Tx hash={a.l1?.proveTx ?? null} url={url} />],
          ["payment", open(a.payment)],
        ]}
      />
      <h3>Fee split</h3>
      <Table
        head={["share", "to", "amount"]}
        empty=""
        rows={[
          ["prover", <AccountLink id={acc.prover} />, <Amount units={sp.prover} />],
          ["protocol", <AccountLink id={acc.treasury} />, <Amount units={sp.protocol} />],
          ["model owner", <AccountLink id={acc.owner} />, <Amount units={sp.owner} />],
          [
            "base model owner",
            acc.baseOwner === null ? "not a fine-tune" : <AccountLink id={acc.baseOwner} />,
            <Amount units={sp.base} />,
          ],
          ["data pool", "the contributions below", <Amount units={sp.pool} />],
          ["dust of the pool", <AccountLink id={acc.treasury} />, <Amount units={sp.dust} />],
        ]}
      />
      <h3>Attribution per contribution</h3>
      <AttributionChart
        bars={a.contributions.map((c: Reply) => ({ label: `#${c.contribution}`, value: c.share * 100 }))}
      />
      <Table
        head={["contribution", "owner", "payable score", "share of the data pool", "credit"]}
        empty="The model has no training contribution."
        rows={a.contributions.map((c: Reply) => [
          <Link href={`/contribution/${c.contribution}`}>#{c.contribution}</Link>,
          <AccountLink id={c.owner} />,
          <span class="num" title={c.score}>
            {score(c.score)}
          </span>,
          <span class="num">{(c.share * 100).toFixed(2)} %</span>,
          <Amount units={c.credit} />,
        ])}
      />
    </section>
  );
}
