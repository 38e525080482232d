/** Reward epochs: the list, and an epoch with its settlements, what it paid and its top contributors. */
import { useApi } from "../api.ts";
import { method, open } from "../format.ts";
import { Link, type Location } from "../router.tsx";
import type { Reply } from "../types.ts";
import {
  AccountLink,
  Amount,
  Badge,
  field,
  IdLinks,
  Kv,
  L1State,
  L1Tx,
  Loading,
  Pager,
  Table,
} from "../ui.tsx";
import { offsetOf, PAGE } from "./chain.tsx";

/** Entries `first..last` of an epoch, linked. */
const Entries = ({ e }: { e: Reply }) =>
  e.firstEntry === e.lastEntry ? (
    <Link href={`/batch/${e.firstEntry}`}>#{e.firstEntry}</Link>
  ) : (
    <>
      <Link href={`/batch/${e.firstEntry}`}>#{e.firstEntry}</Link> –{" "}
      <Link href={`/batch/${e.lastEntry}`}>#{e.lastEntry}</Link>
    </>
  );

export function Epochs({ loc }: { loc: Location }) {
  const offset = offsetOf(loc.query);
  const list = useApi<Reply>(`/epochs?offset=${offset}&limit=${PAGE}`);
  return (
    <>
      <h1>Reward epochs</h1>
      <Loading r={list}>
        {(l) => (
          <>
            <Table
              head={["epoch", "entries", "status", "last inference", "settlements", "paid"]}
              empty="No epoch yet."
              rows={l.items.map((e: Reply) => [
                <Link href={`/epoch/${e.epoch}`}>#{e.epoch}</Link>,
                <Entries e={e} />,
                <Badge status={e.closed ? "closed" : "open"} />,
                e.lastInference === null ? "–" : String(e.lastInference),
                <span class="num">{e.settlementCount}</span>,
                <Amount units={e.paid} />,
              ])}
            />
            <Pager path="/epochs" offset={offset} limit={PAGE} total={l.total} />
          </>
        )}
      </Loading>
    </>
  );
}

export function Epoch({ id }: { id: string }) {
  const status = useApi<Reply>("/status");
  const epoch = useApi<Reply>(`/epochs/${id}`);
  const url = status.data?.l1TxUrl ?? null;
  return (
    <Loading r={epoch}>
      {(e) => {
        const paid = e.paidByRole;
        return (
          <>
            <h1>
              Epoch #{e.epoch} <Badge status={e.closed ? "closed" : "open"} />
            </h1>
            <nav class="siblings">
              {e.epoch > 0 && <Link href={`/epoch/${e.epoch - 1}`}>← previous</Link>}
              {status.data && e.lastEntry <= status.data.l2.sealedBatches && (
                <Link href={`/epoch/${e.epoch + 1}`}>next →</Link>
              )}
            </nav>
            {e.l1Error && <p class="alert">L1 status unavailable: {e.l1Error}</p>}
            <Kv
              rows={[
                ["entries", <Entries e={e} />],
                [
                  "status",
                  e.closed
                    ? "closed: its inferences can be settled"
                    : "open: its last entry is not sealed yet",
                ],
                [
                  "inferences up to",
                  e.lastInference === null ? "– (known once closed)" : String(e.lastInference),
                ],
                ["attribution method", method(e.attributionMethod)],
                ["paid", <strong>{open(paid.total)}</strong>],
              ]}
            />
            <h2>Settlements ({e.settlements.length})</h2>
            <Table
              head={[
                "settlement",
                "model",
                "inferences",
                "paid",
                "method",
                "L1 status",
                "committed in",
                "proof in",
              ]}
              empty="No settlement of this epoch yet."
              rows={e.settlements.map((x: Reply) => [
                <Link href={`/batch/${x.entry}`}>#{x.entry}</Link>,
                field("model", x.model),
                <IdLinks ids={x.inferences} path="inference" />,
                <Amount units={x.paid} />,
                x.attributionMethod.name ?? String(x.attributionMethod.id),
                <L1State l1={x.l1} error={e.l1Error} />,
                <L1Tx hash={x.l1?.commitTx ?? null} url={url} />,
                <L1Tx hash={x.l1?.proveTx ?? null} url={url} />,
              ])}
            />
            <h2>Paid by role</h2>
            <Kv
              rows={[
                ["data contributors", open(paid.data)],
                ["model owners", open(paid.model)],
                ["base model owners", open(paid.baseModel)],
                ["provers", open(paid.prover)],
                ["treasury (protocol share and dust)", open(paid.treasury)],
              ]}
            />
            <h2>Top contributors</h2>
            <Table
              head={["account", "contributions", "credited"]}
              empty="No data credit in this epoch."
              rows={e.topContributors.map((c: Reply) => [
                <AccountLink id={c.account} />,
                <IdLinks ids={c.contributions} path="contribution" />,
                <Amount units={c.amount} />,
              ])}
            />
          </>
        );
      }}
    </Loading>
  );
}
