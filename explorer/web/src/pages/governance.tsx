/** Governance: the parameters L2 applies, and L1's parameters, proposals and grant streams. */
import { useApi } from "../api.ts";
import { bps, label, open } from "../format.ts";
import type { Reply } from "../types.ts";
import { Badge, Kv, Loading, Mono, Table } from "../ui.tsx";

/** L1 parameters in OPEN base units; the rest are addresses or plain numbers. */
const L1_AMOUNTS = new Set(["minSequencerBond", "minProverBond", "proverRewardPerBatch", "queueFee"]);

export function Governance() {
  const gov = useApi<Reply>("/governance");
  return (
    <>
      <h1>Governance</h1>
      <Loading r={gov}>
        {(g) => (
          <>
            <h2>On L2 (in force now)</h2>
            <Kv
              rows={[
                ["data share", bps(g.l2.dataBps)],
                ["model owner share", bps(g.l2.modelBps)],
                ["base model share (of the model share, fine-tunes only)", bps(g.l2.baseModelBps)],
                ["prover share", bps(g.l2.proverBps)],
                ["protocol share", bps(g.l2.protocolBps)],
                ["epoch length", `${g.l2.epochLength} entries`],
                ["attribution method", String(g.l2.attributionMethod)],
                ["min contribution stake", open(g.l2.minContributionStake)],
                ["min model stake", open(g.l2.minModelStake)],
              ]}
            />
            <h2>On L1</h2>
            {g.l1 ? (
              <>
                <Kv
                  rows={Object.entries(g.l1.params as Record<string, string>).map(([k, v]) => [
                    label(k),
                    L1_AMOUNTS.has(k) ? open(v) : v.startsWith("0x") ? <Mono v={v} /> : v,
                  ])}
                />
                <h2>Proposals</h2>
                <Table
                  head={["proposal", "state", "description", "calls", "for", "against"]}
                  empty="No proposal yet."
                  rows={g.l1.proposals.map((p: Reply) => [
                    `#${p.number}`,
                    <Badge status={p.state} />,
                    p.description.split("\n")[0],
                    p.calls.join("; "),
                    open(p.votes.for),
                    open(p.votes.against),
                  ])}
                />
                <h2>Grants</h2>
                {g.l1.grants === null ? (
                  <p class="empty">This explorer was not told where the GrantStreams contract is.</p>
                ) : (
                  <Table
                    head={["stream", "beneficiary", "total", "released"]}
                    empty="No grant stream yet."
                    rows={g.l1.grants.map((s: Reply) => [
                      <Mono v={s.stream} />,
                      <Mono v={s.beneficiary} />,
                      open(s.total),
                      open(s.released),
                    ])}
                  />
                )}
              </>
            ) : (
              <p class="alert">L1 governance unavailable: {g.l1Error}</p>
            )}
          </>
        )}
      </Loading>
    </>
  );
}
