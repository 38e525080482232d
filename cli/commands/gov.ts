import { Command, Option } from "commander";
import type { JsonRpcProvider, Signer } from "ethers";
import { actionValues, encodeAction, GOVERNED_ACTIONS } from "../../sdk/governance/actions.ts";
import {
  currentL1Params,
  findGovernance,
  GovernanceClient,
  type Proposal,
  SUPPORT,
} from "../../sdk/governance/governor.ts";
import { formatAmount } from "../../sdk/amounts.ts";
import { type L1Options, l1Options, l1Signer, withL1 } from "./bridge-l1.ts";
import { chainOptions, type EthKeyOptions, ethKeyOptions, output } from "./common.ts";
import { DEVNET_DEPLOYMENT, l1Address } from "./deployment.ts";

export type GovOptions = L1Options &
  EthKeyOptions & {
    rollup: string;
    operators?: string;
    grantStreams?: string;
    deployment: string;
    json: boolean;
  };

/** The options every `gov` command takes: the L1 node, the rollup (whose timelock governs), the voter's key. */
export function govOptions(cmd: Command): Command {
  return l1Options(ethKeyOptions(chainOptions(cmd)))
    .option("--operators <address>", "the InferenceOperators contract, so its calls read in words too")
    .option("--grant-streams <address>", "the GrantStreams contract (default: the deployment file's)")
    .option("--deployment <file>", "deployment file naming GrantStreams", DEVNET_DEPLOYMENT)
    .option("--json", "print JSON", false);
}

/** The governance contracts, and a client signing with the user's key. */
export async function withGovernance<T>(
  o: GovOptions,
  work: (gov: GovernanceClient, provider: JsonRpcProvider, signer: Signer) => Promise<T>,
): Promise<T> {
  return withL1(o, async (provider) => {
    const signer = l1Signer(o, provider);
    return work(await governance(o, provider, signer), provider, signer);
  });
}

/** The same for commands that only read: no key needed. */
export async function readGovernance<T>(
  o: GovOptions,
  work: (gov: GovernanceClient, provider: JsonRpcProvider) => Promise<T>,
): Promise<T> {
  return withL1(o, async (provider) => work(await governance(o, provider, provider), provider));
}

async function governance(
  o: GovOptions,
  provider: JsonRpcProvider,
  runner: Signer | JsonRpcProvider,
): Promise<GovernanceClient> {
  // Without it grant proposals still list, their calls as unknown ones; proposing one says what is missing.
  const grantStreams = await l1Address(o, o.grantStreams, "grantStreams").catch(() => undefined);
  const addresses = await findGovernance(provider, o.rollup, o.fromBlock, o.operators, grantStreams);
  return new GovernanceClient(addresses, runner, o.fromBlock);
}

function describeProposal(p: Proposal, detail: boolean): string {
  const lines = [`#${p.number} ${p.state.toUpperCase()}: ${p.description.split("\n")[0]}`];
  for (const c of p.calls) lines.push(`  - ${c.words}`);
  if (detail) {
    lines.push(
      `  votes: for ${formatAmount(p.votes.for)}, against ${formatAmount(p.votes.against)}, abstain ${formatAmount(p.votes.abstain)}`,
      `  voting blocks ${p.voteStart}–${p.voteEnd}; proposed by ${p.proposer}`,
      `  id ${p.id}`,
    );
  }
  lines.push(`  next: ${p.next}`);
  return lines.join("\n");
}

const show = (o: GovOptions, p: Proposal) => output(o.json, p, () => describeProposal(p, true));

/**
 * `openledger gov`: OPEN holders' governance over the Governor and its timelock (docs/contracts.md,
 * "Governance"): every governed parameter, verifier, slash and treasury payment is a proposal
 * action, and every proposal is read back in words from its calldata.
 */
export function govCommand(): Command {
  const gov = new Command("gov").description(
    "governance on L1: delegate votes, propose governed changes, vote, queue, execute, and see proposals in words",
  );

  gov.addCommand(
    govOptions(new Command("delegate"))
      .description(
        "count your OPEN as votes (delegated to yourself, or to --to): needed before a proposal's snapshot",
      )
      .option("--to <address>", "delegate to this address (default: yourself)")
      .action((o: GovOptions & { to?: string }) =>
        withGovernance(o, async (g, _p, signer) => {
          const me = await signer.getAddress();
          const tx = await g.delegate(o.to ?? me);
          const power = await g.votingPower(o.to ?? me);
          output(
            o.json,
            { txHash: tx, ...power },
            () => `${o.to ?? me} now votes with ${formatAmount(power.votes)} (tx ${tx})`,
          );
        }),
      ),
  );

  const propose = new Command("propose").description(
    "propose one governed change (one or more calls); the proposal is shown in words, as voters will read it",
  );
  for (const action of GOVERNED_ACTIONS) {
    const cmd = govOptions(new Command(action.name))
      .description(action.summary)
      .requiredOption("--description <text>", "why: what voters read first");
    for (const opt of action.options) {
      const option = new Option(opt.flag, opt.description);
      if (!opt.optional) option.makeOptionMandatory();
      cmd.addOption(option);
    }
    cmd.action((o: GovOptions & Record<string, string> & { description: string }) =>
      withGovernance(o, async (g, provider) => {
        const texts = Object.fromEntries(
          action.options.map((opt) => [opt.key, o[new Option(opt.flag).attributeName()]]),
        );
        const current =
          action.name === "l1-params" ? await currentL1Params(provider, g.addresses) : undefined;
        const stream = action.then
          ? await g.predictStream(action.args(actionValues(action, texts)))
          : undefined;
        show(o, await g.propose(encodeAction(action, texts, { current, stream }), o.description));
      }),
    );
    propose.addCommand(cmd);
  }
  gov.addCommand(propose);

  gov.addCommand(
    govOptions(new Command("vote"))
      .description("vote on an active proposal with the votes you held at its snapshot")
      .requiredOption("--proposal <n|id>", "its number in `gov status`, or its id")
      .addOption(
        new Option("--support <choice>", "your vote").choices(Object.keys(SUPPORT)).makeOptionMandatory(),
      )
      .option("--reason <text>", "said on L1 with the vote", "")
      .action((o: GovOptions & { proposal: string; support: keyof typeof SUPPORT; reason: string }) =>
        withGovernance(o, async (g) => show(o, await g.vote(o.proposal, o.support, o.reason))),
      ),
  );

  gov.addCommand(
    govOptions(new Command("queue"))
      .description("put a passed proposal in the timelock; it executes once the delay has passed")
      .requiredOption("--proposal <n|id>", "its number in `gov status`, or its id")
      .action((o: GovOptions & { proposal: string }) =>
        withGovernance(o, async (g) => show(o, await g.queue(o.proposal))),
      ),
  );

  gov.addCommand(
    govOptions(new Command("execute"))
      .description("run a queued proposal's calls once the timelock's delay has passed (anyone may)")
      .requiredOption("--proposal <n|id>", "its number in `gov status`, or its id")
      .action((o: GovOptions & { proposal: string }) =>
        withGovernance(o, async (g) => show(o, await g.execute(o.proposal))),
      ),
  );

  gov.addCommand(
    govOptions(new Command("status"))
      .description("every proposal with its calls in words, its state and what can be done next")
      .option("--proposal <n|id>", "one proposal, with its votes")
      .action((o: GovOptions & { proposal?: string }) =>
        readGovernance(o, async (g) => {
          if (o.proposal) return show(o, await g.proposal(o.proposal));
          const all = await g.proposals();
          output(o.json, all, () =>
            all.length === 0 ? "no proposals yet" : all.map((p) => describeProposal(p, false)).join("\n"),
          );
        }),
      ),
  );
  return gov;
}
