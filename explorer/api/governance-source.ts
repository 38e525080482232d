/**
 * Governance as L1 holds it: the parameters of the ParamsRegistry, the Governor's proposals
 * and, when the GrantStreams contract is known, its grant streams. Read through the SDK's
 * governance clients; one read answers every request for `cacheMs`.
 */
import type { Provider } from "ethers";
import { currentL1Params, findGovernance, GovernanceClient } from "../../sdk/governance/governor.ts";
import { GrantStreamsClient } from "../../sdk/governance/grants.ts";
import { ExplorerError, ExplorerErrorCode } from "./errors.ts";

export interface L1Governance {
  readonly params: Record<string, string>;
  readonly proposals: {
    number: number;
    state: string;
    description: string;
    calls: string[];
    votes: { for: string; against: string; abstain: string };
  }[];
  /** Null when the explorer was not told where GrantStreams is. */
  readonly grants:
    | {
        stream: string;
        beneficiary: string;
        start: string;
        duration: string;
        total: string;
        released: string;
      }[]
    | null;
}

export interface GovernanceSourceOptions {
  readonly provider: Provider;
  readonly rollup: string;
  readonly fromBlock: number;
  readonly grantStreams?: string;
  readonly cacheMs?: number;
}

export class GovernanceSource {
  private latest: { at: number; value: Promise<L1Governance> } | undefined;

  constructor(private readonly o: GovernanceSourceOptions) {}

  read(): Promise<L1Governance> {
    if (!this.latest || Date.now() - this.latest.at >= (this.o.cacheMs ?? 5000)) {
      const value = this.fetch().catch((e: unknown) => {
        this.latest = undefined;
        throw new ExplorerError(
          ExplorerErrorCode.L1Unavailable,
          `cannot read governance on L1: ${(e as { shortMessage?: string }).shortMessage ?? "the L1 node did not answer"}`,
          { cause: e },
        );
      });
      this.latest = { at: Date.now(), value };
    }
    return this.latest.value;
  }

  private async fetch(): Promise<L1Governance> {
    const { provider, rollup, fromBlock, grantStreams } = this.o;
    const addresses = await findGovernance(provider, rollup, fromBlock, undefined, grantStreams);
    const [params, proposals] = await Promise.all([
      currentL1Params(provider, addresses),
      new GovernanceClient(addresses, provider, fromBlock).proposals(),
    ]);
    const grants = grantStreams
      ? await new GrantStreamsClient({ ...addresses, grantStreams }, provider, fromBlock).list(proposals)
      : null;
    return {
      params: Object.fromEntries(Object.entries(params).map(([k, v]) => [k, String(v)])),
      proposals: proposals.map((p) => ({
        number: p.number,
        state: p.state,
        description: p.description,
        calls: p.calls.map((c) => c.words),
        votes: {
          for: p.votes.for.toString(),
          against: p.votes.against.toString(),
          abstain: p.votes.abstain.toString(),
        },
      })),
      grants:
        grants?.map((g) => ({
          stream: g.stream,
          beneficiary: g.beneficiary,
          start: g.start.toString(),
          duration: g.duration.toString(),
          total: g.total.toString(),
          released: g.released.toString(),
        })) ?? null,
    };
  }
}
