/** Building blocks every page uses. Values from the API are rendered as text only. */
import type { ComponentChildren } from "preact";
import type { Loaded } from "./api.ts";
import { age, label, open, short } from "./format.ts";
import { Link } from "./router.tsx";

export type Child = ComponentChildren;

export interface L1Batch {
  status: string;
  commitTx: string | null;
  proveTx: string | null;
}

export const AccountLink = ({ id }: { id: number | null }) =>
  id === null ? <>–</> : id === 0 ? <>new account</> : <Link href={`/account/${id}`}>#{id}</Link>;

export const HashLink = ({ href, hash }: { href: string; hash: string }) => (
  <Link href={href} class="mono" title={hash}>
    {short(hash)}
  </Link>
);

export const Mono = ({ v }: { v: string }) => <span class="mono wrap">{v}</span>;
export const Badge = ({ status }: { status: string }) => <span class={`badge s-${status}`}>{status}</span>;
export const Amount = ({ units }: { units: string | null }) => <span class="num">{open(units)}</span>;
export const Age = ({ iso }: { iso: string }) => (
  <time dateTime={iso} title={new Date(iso).toISOString()}>
    {age(iso)}
  </time>
);

/** Links to entries of one kind: "#1, #2". */
export const IdLinks = ({ ids, path }: { ids: readonly number[]; path: string }) =>
  ids.length === 0 ? (
    <>–</>
  ) : (
    <>
      {ids.map((id, i) => (
        <>
          {i > 0 && ", "}
          <Link href={`/${path}/${id}`}>#{id}</Link>
        </>
      ))}
    </>
  );

/** An L1 transaction hash, linked to the L1 block explorer when one is configured. */
export function L1Tx({ hash, url }: { hash: string | null; url: string | null }) {
  if (!hash) return <>–</>;
  if (!url)
    return (
      <span class="mono" title={hash}>
        {short(hash)}
      </span>
    );
  return (
    <a class="mono" href={`${url}${hash}`} title={hash} rel="noopener" target="_blank">
      {short(hash)}
    </a>
  );
}

export function L1State({ l1, error }: { l1: L1Batch | null; error: string | null }) {
  if (!l1) return <span class="warn">{error ? `L1 unavailable: ${error}` : "not on L1"}</span>;
  return <Badge status={l1.status} />;
}

export function Kv({ rows }: { rows: [string, Child][] }) {
  return (
    <table class="kv">
      <tbody>
        {rows.map(([k, v]) => (
          <tr key={k}>
            <th scope="row">{k}</th>
            <td>{v}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function Table({ head, rows, empty }: { head: string[]; rows: Child[][]; empty: string }) {
  if (rows.length === 0) return <p class="empty">{empty}</p>;
  return (
    <div class="scroll">
      <table class="list">
        <thead>
          <tr>
            {head.map((c) => (
              <th scope="col">{c}</th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr>
              {r.map((c, i) => (
                <td data-label={head[i]}>{c}</td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** Previous/next links for a newest-first list of `total` entries. */
export function Pager({
  path,
  offset,
  limit,
  total,
}: {
  path: string;
  offset: number;
  limit: number;
  total: number;
}) {
  if (total <= limit) return null;
  const at = (o: number) => `${path}?offset=${o}`;
  return (
    <nav class="pager" aria-label="pages">
      {offset > 0 ? <Link href={at(Math.max(0, offset - limit))}>← newer</Link> : <span>← newer</span>}
      <span>
        {offset + 1}–{Math.min(total, offset + limit)} of {total}
      </span>
      {offset + limit < total ? <Link href={at(offset + limit)}>older →</Link> : <span>older →</span>}
    </nav>
  );
}

/** A loaded reply's page, or its error, or a loading line. */
export function Loading<T>({ r, children }: { r: Loaded<T>; children: (data: T) => Child }) {
  if (r.error) {
    return (
      <section class="error">
        <h1>{r.error.status === 404 ? "Not found" : "Something went wrong"}</h1>
        <p>{r.error.message}</p>
      </section>
    );
  }
  if (r.data === null) return <p class="empty">Loading…</p>;
  return <>{children(r.data)}</>;
}

/** Decoded fields worth a link or a unit, by name. */
const FIELD: Record<string, (v: never) => Child> = {
  from: (v: number) => <AccountLink id={v} />,
  to: (v: number) => <AccountLink id={v} />,
  user: (v: number) => <AccountLink id={v} />,
  owner: (v: number) => <AccountLink id={v} />,
  datanet: (v: number) => <Link href={`/datanet/${v}`}>#{v}</Link>,
  model: (v: number) => <Link href={`/model/${v}`}>#{v}</Link>,
  baseModel: (v: number) => (v === 0 ? "none" : <Link href={`/model/${v}`}>#{v}</Link>),
  amount: (v: string) => open(v),
  fee: (v: string) => open(v),
  stake: (v: string) => open(v),
  minStake: (v: string) => open(v),
  payment: (v: string) => open(v),
  inferenceFee: (v: string) => open(v),
  escrow: (v: string) => open(v),
  settlement: (v: number) => <Link href={`/batch/${v}`}>settlement #{v}</Link>,
  contributions: (v: number[]) => <IdLinks ids={v} path="contribution" />,
  curators: (v: number[]) => (v.length === 0 ? "none" : v.map((a) => `#${a}`).join(", ")),
};

export function field(key: string, v: unknown): Child {
  if (v === null) return "–";
  const f = FIELD[key];
  if (f) return f(v as never);
  if (typeof v === "string" && v.startsWith("0x")) return <Mono v={v} />;
  if (v && typeof v === "object") return <Mono v={JSON.stringify(v)} />;
  return String(v);
}

/** Every field of a record but its id, linked or in OPEN where that helps. */
export const Fields = ({ record }: { record: Record<string, unknown> }) => (
  <Kv
    rows={Object.entries(record)
      .filter(([k]) => k !== "id")
      .map(([k, v]) => [label(k), field(k, v)])}
  />
);
