import { Command } from "commander";
import { streamTerms } from "../../sdk/governance/actions.ts";
import { type GrantStream, GrantStreamsClient } from "../../sdk/governance/grants.ts";
import { formatAmount } from "../../sdk/amounts.ts";
import type { Provider, Signer } from "ethers";
import { type GovOptions, govOptions, readGovernance, withGovernance } from "./gov.ts";
import type { GovernanceClient } from "../../sdk/governance/governor.ts";
import { output } from "./common.ts";
import { ErrorCode, OpenLedgerError } from "../../protocol/errors.ts";

function describeStream(s: GrantStream): string {
  const funded = s.proposal
    ? `funded by proposal #${s.proposal.number} (${s.proposal.state}): ${s.proposal.description.split("\n")[0]}`
    : "funded by no proposal";
  return [
    `stream ${s.stream}: ${formatAmount(s.total)} to ${streamTerms(s.beneficiary, s.start, s.duration)}`,
    `  released ${formatAmount(s.released)}, releasable now ${formatAmount(s.releasable)}`,
    `  ${funded}`,
  ].join("\n");
}

/**
 * Runs `work` with the streams' client and the governance client (whose proposals fund
 * streams), signing with the user's key if `signs`, else reading only.
 */
function withGrants<T>(
  o: GovOptions,
  signs: boolean,
  work: (grants: GrantStreamsClient, gov: GovernanceClient) => Promise<T>,
): Promise<T> {
  const run = (g: GovernanceClient, runner: Signer | Provider) => {
    const { grantStreams } = g.addresses;
    if (!grantStreams) {
      throw new OpenLedgerError(
        ErrorCode.InvalidField,
        "the GrantStreams address is not known: pass --grant-streams or --deployment",
      );
    }
    return work(new GrantStreamsClient({ ...g.addresses, grantStreams }, runner, o.fromBlock), g);
  };
  return signs
    ? withGovernance(o, (g, _provider, signer) => run(g, signer))
    : readGovernance(o, (g, provider) => run(g, provider));
}

/**
 * `openledger grants`: the treasury's grant streams (docs/contracts.md, "Voting"): OPEN the
 * Governor granted, paid to its recipient over time by an OpenZeppelin VestingWallet.
 */
export function grantsCommand(): Command {
  const grants = new Command("grants").description(
    "the treasury's grant streams on L1: list them, show one, release what has streamed",
  );

  grants.addCommand(
    govOptions(new Command("list"))
      .description(
        "every stream with its terms, what it paid, what it can pay now and the proposal that funded it",
      )
      .action((o: GovOptions) =>
        withGrants(o, false, async (c, g) => {
          const all = await c.list(await g.proposals());
          output(o.json, all, () =>
            all.length === 0 ? "no grant streams yet" : all.map(describeStream).join("\n"),
          );
        }),
      ),
  );

  grants.addCommand(
    govOptions(new Command("show"))
      .description("one stream: its terms, what it paid, what it can pay now and the proposal that funded it")
      .requiredOption("--stream <address>", "the stream (from `grants list`)")
      .action((o: GovOptions & { stream: string }) =>
        withGrants(o, false, async (c, g) => {
          const s = await c.show(o.stream, await g.proposals());
          output(o.json, s, () => describeStream(s));
        }),
      ),
  );

  grants.addCommand(
    govOptions(new Command("release"))
      .description(
        "pay a stream's beneficiary what has streamed so far (anyone may; the beneficiary is paid)",
      )
      .requiredOption("--stream <address>", "the stream (from `grants list`)")
      .action((o: GovOptions & { stream: string }) =>
        withGrants(o, true, async (c) => {
          const r = await c.release(o.stream);
          output(
            o.json,
            r,
            () => `released ${formatAmount(r.paid)} from stream ${o.stream} at ${r.at} (tx ${r.txHash})`,
          );
        }),
      ),
  );
  return grants;
}
