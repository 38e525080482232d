import { Contract, getAddress, id, Interface, type Provider, type Signer } from "ethers";
import { ErrorCode, OpenLedgerError } from "../../protocol/errors.ts";
import { describeCalls, type GovernedCall, type GovernedTarget } from "./actions.ts";

/**
 * The Governor and timelock as a voter meets them (OpenZeppelin Governor, GovernorTimelockControl):
 * find them from the rollup's address, propose governed calls, vote, queue, execute, and read
 * every proposal back with its calls in words.
 */

const GOVERNOR_ABI = [
  "function propose(address[] targets, uint256[] values, bytes[] calldatas, string description) returns (uint256)",
  "function castVoteWithReason(uint256 proposalId, uint8 support, string reason) returns (uint256)",
  "function queue(address[] targets, uint256[] values, bytes[] calldatas, bytes32 descriptionHash) returns (uint256)",
  "function execute(address[] targets, uint256[] values, bytes[] calldatas, bytes32 descriptionHash) payable returns (uint256)",
  "function hashProposal(address[] targets, uint256[] values, bytes[] calldatas, bytes32 descriptionHash) view returns (uint256)",
  "function state(uint256 proposalId) view returns (uint8)",
  "function proposalVotes(uint256 proposalId) view returns (uint256 against, uint256 forVotes, uint256 abstain)",
  "function proposalEta(uint256 proposalId) view returns (uint256)",
  "function quorum(uint256 timepoint) view returns (uint256)",
  "function hasVoted(uint256 proposalId, address account) view returns (bool)",
  "function getVotes(address account, uint256 timepoint) view returns (uint256)",
  "event ProposalCreated(uint256 proposalId, address proposer, address[] targets, uint256[] values, string[] signatures, bytes[] calldatas, uint256 voteStart, uint256 voteEnd, string description)",
];
const TIMELOCK_ABI = [
  "function PROPOSER_ROLE() view returns (bytes32)",
  "function hasRole(bytes32 role, address account) view returns (bool)",
  "event RoleGranted(bytes32 indexed role, address indexed account, address indexed sender)",
];
const ROLLUP_ABI = [
  "function governance() view returns (address)",
  "function params() view returns (address)",
  "function token() view returns (address)",
];
const TOKEN_ABI = [
  "function delegate(address delegatee)",
  "function delegates(address account) view returns (address)",
  "function balanceOf(address account) view returns (uint256)",
  "function getVotes(address account) view returns (uint256)",
];
const L1_PARAMS_ABI = [
  "function queueDeadline() view returns (uint64)",
  "function sequencer() view returns (address)",
  "function minSequencerBond() view returns (uint96)",
  "function minProverBond() view returns (uint96)",
  "function proverRewardPerBatch() view returns (uint96)",
  "function treasury() view returns (address)",
  "function proveTimeout() view returns (uint32)",
  "function queueInterval() view returns (uint32)",
  "function queueFee() view returns (uint96)",
];
const GRANT_STREAMS_ABI = [
  "function create(address beneficiary, uint64 start, uint64 duration) returns (address)",
  "function predict(address beneficiary, uint64 start, uint64 duration) view returns (address)",
];

/** OpenZeppelin's ProposalState, in its order. */
export const PROPOSAL_STATES = [
  "pending",
  "active",
  "canceled",
  "defeated",
  "succeeded",
  "queued",
  "expired",
  "executed",
] as const;
export type ProposalState = (typeof PROPOSAL_STATES)[number];

export const SUPPORT = { against: 0, for: 1, abstain: 2 } as const;

export interface GovernanceAddresses {
  readonly governor: string;
  readonly timelock: string;
  readonly params: string;
  readonly rollup: string;
  readonly token: string;
  /** InferenceOperators, when known (it is not reachable from the rollup). */
  readonly operators?: string;
  /** GrantStreams, when known (not reachable from the rollup either). */
  readonly grantStreams?: string;
}

export interface Proposal {
  /** Its place in creation order, from 1: what a person types. */
  readonly number: number;
  readonly id: bigint;
  readonly proposer: string;
  readonly description: string;
  readonly calls: readonly { readonly target: string; readonly data: string; readonly words: string }[];
  readonly state: ProposalState;
  readonly voteStart: bigint;
  readonly voteEnd: bigint;
  readonly votes: { readonly for: bigint; readonly against: bigint; readonly abstain: bigint };
  /** When the timelock lets it execute (seconds since the epoch), once queued. */
  readonly eta?: bigint;
  /** What can be done with it now, in words. */
  readonly next: string;
}

/**
 * The governance contracts of the rollup at `rollup`: the timelock is the rollup's
 * `governance()`, the Governor the account the timelock lets propose (read from its role
 * grants since `fromBlock`, and still holding the role).
 */
export async function findGovernance(
  provider: Provider,
  rollup: string,
  fromBlock: number,
  operators?: string,
  grantStreams?: string,
): Promise<GovernanceAddresses> {
  const r = new Contract(rollup, ROLLUP_ABI, provider);
  if ((await provider.getCode(rollup)) === "0x") {
    throw new OpenLedgerError(
      ErrorCode.InvalidField,
      `no contract at ${rollup}: pass the rollup's address with --rollup`,
    );
  }
  const [timelock, params, token] = (await Promise.all([
    r.getFunction("governance")(),
    r.getFunction("params")(),
    r.getFunction("token")(),
  ])) as string[];
  const tl = new Contract(timelock!, TIMELOCK_ABI, provider);
  const proposer = (await tl.getFunction("PROPOSER_ROLE")()) as string;
  const grants = await tl.queryFilter(tl.filters.RoleGranted!(proposer), fromBlock);
  for (const g of grants.reverse()) {
    const account = getAddress((g as unknown as { args: [string, string] }).args[1]);
    if ((await provider.getCode(account)) !== "0x" && (await tl.getFunction("hasRole")(proposer, account))) {
      return {
        governor: account,
        timelock: timelock!,
        params: params!,
        rollup,
        token: token!,
        ...(operators && { operators }),
        ...(grantStreams && { grantStreams }),
      };
    }
  }
  throw new OpenLedgerError(
    ErrorCode.InvalidField,
    `the rollup's timelock ${timelock} has no Governor as proposer`,
  );
}

function targetAddress(a: GovernanceAddresses, t: GovernedTarget): string {
  const at = a[t];
  if (!at)
    throw new OpenLedgerError(ErrorCode.InvalidField, `the ${t} contract's address is not known: pass it`);
  return at;
}

function targetName(a: GovernanceAddresses, address: string): GovernedTarget | undefined {
  const names: GovernedTarget[] = ["params", "rollup", "token", "operators", "grantStreams"];
  return names.find((t) => a[t] !== undefined && getAddress(a[t]) === getAddress(address));
}

/** The values in force of the L1 parameters: what `l1-params` keeps where an option is not given. */
export async function currentL1Params(
  provider: Provider,
  a: GovernanceAddresses,
): Promise<Record<string, unknown>> {
  const p = new Contract(a.params, L1_PARAMS_ABI, provider);
  const names = L1_PARAMS_ABI.map((f) => f.split(" ")[1]!.split("(")[0]!);
  const values = await Promise.all(names.map((n) => p.getFunction(n)()));
  return Object.fromEntries(names.map((n, i) => [n, values[i]]));
}

export class GovernanceClient {
  private readonly governor: Contract;

  constructor(
    readonly addresses: GovernanceAddresses,
    private readonly runner: Signer | Provider,
    private readonly fromBlock: number,
  ) {
    this.governor = new Contract(addresses.governor, GOVERNOR_ABI, runner);
  }

  private get provider(): Provider {
    const p =
      "provider" in this.runner && this.runner.provider ? this.runner.provider : (this.runner as Provider);
    return p;
  }

  /** Delegates the signer's OPEN votes (to itself by default): held OPEN counts only once delegated. */
  async delegate(to: string): Promise<string> {
    const token = new Contract(this.addresses.token, TOKEN_ABI, this.runner);
    const tx = await token.getFunction("delegate")(to);
    return (await tx.wait()).hash as string;
  }

  async votingPower(account: string): Promise<{ balance: bigint; votes: bigint; delegate: string }> {
    const token = new Contract(this.addresses.token, TOKEN_ABI, this.provider);
    const [balance, votes, delegate] = await Promise.all([
      token.getFunction("balanceOf")(account),
      token.getFunction("getVotes")(account),
      token.getFunction("delegates")(account),
    ]);
    return { balance, votes, delegate };
  }

  /** Where GrantStreams.create with `args` (beneficiary, start, duration) deploys its stream. */
  async predictStream(args: readonly unknown[]): Promise<string> {
    const streams = new Contract(
      targetAddress(this.addresses, "grantStreams"),
      GRANT_STREAMS_ABI,
      this.provider,
    );
    return getAddress((await streams.getFunction("predict")(...args)) as string);
  }

  async propose(calls: readonly GovernedCall[], description: string): Promise<Proposal> {
    if (description.trim() === "") {
      throw new OpenLedgerError(ErrorCode.InvalidField, "a proposal needs a --description voters can read");
    }
    const targets = calls.map((c) => targetAddress(this.addresses, c.target));
    return this.proposeCalls(
      calls.map((c, i) => ({ to: targets[i]!, data: c.data })),
      description,
    );
  }

  /** Proposes calls to any contracts (their words read back only for the governed ones). */
  async proposeCalls(calls: readonly { to: string; data: string }[], description: string): Promise<Proposal> {
    const targets = calls.map((c) => c.to);
    const values = calls.map(() => 0n);
    const datas = calls.map((c) => c.data);
    const proposalId = (await this.governor.getFunction("hashProposal")(
      targets,
      values,
      datas,
      id(description),
    )) as bigint;
    const tx = await this.governor.getFunction("propose")(targets, values, datas, description);
    await tx.wait();
    return this.proposal(proposalId.toString());
  }

  async vote(ref: string, support: keyof typeof SUPPORT, reason = ""): Promise<Proposal> {
    const p = await this.proposal(ref);
    if (p.state !== "active") throw this.notNow(p, "voted on");
    const voter = await (this.runner as Signer).getAddress();
    const weight = (await this.governor.getFunction("getVotes")(voter, p.voteStart)) as bigint;
    if (weight === 0n) {
      throw new OpenLedgerError(
        ErrorCode.InvalidField,
        `${voter} had no votes at proposal ${p.number}'s snapshot (block ${p.voteStart}): OPEN counts once delegated (openledger gov delegate) before a proposal is made`,
      );
    }
    const tx = await this.governor.getFunction("castVoteWithReason")(p.id, SUPPORT[support], reason);
    await tx.wait();
    return this.proposal(p.id.toString());
  }

  async queue(ref: string): Promise<Proposal> {
    const p = await this.proposal(ref);
    if (p.state !== "succeeded") throw this.notNow(p, "queued");
    await (await this.governor.getFunction("queue")(...this.callArgs(p))).wait();
    return this.proposal(p.id.toString());
  }

  async execute(ref: string): Promise<Proposal> {
    const p = await this.proposal(ref);
    const now = BigInt((await this.provider.getBlock("latest"))!.timestamp);
    if (p.state !== "queued" || (p.eta !== undefined && now < p.eta)) throw this.notNow(p, "executed");
    await (await this.governor.getFunction("execute")(...this.callArgs(p))).wait();
    return this.proposal(p.id.toString());
  }

  /** Every proposal since `fromBlock`, in creation order. */
  async proposals(): Promise<Proposal[]> {
    const events = await this.governor.queryFilter(this.governor.filters.ProposalCreated!(), this.fromBlock);
    return Promise.all(events.map((e, i) => this.read(i + 1, (e as unknown as { args: CreatedArgs }).args)));
  }

  /** A proposal by its number in creation order (`3`) or its full id. */
  async proposal(ref: string): Promise<Proposal> {
    const all = await this.proposals();
    const found = /^[0-9]{1,6}$/.test(ref) ? all[Number(ref) - 1] : all.find((p) => p.id.toString() === ref);
    if (!found) {
      throw new OpenLedgerError(
        ErrorCode.InvalidField,
        `no proposal ${ref}: there are ${all.length} (\`openledger gov status\` lists them)`,
      );
    }
    return found;
  }

  private callArgs(p: Proposal) {
    return [
      p.calls.map((c) => c.target),
      p.calls.map(() => 0n),
      p.calls.map((c) => c.data),
      id(p.description),
    ] as const;
  }

  private notNow(p: Proposal, what: string): OpenLedgerError {
    return new OpenLedgerError(
      ErrorCode.InvalidField,
      `proposal ${p.number} is ${p.state}, it cannot be ${what} now: ${p.next}`,
    );
  }

  private async read(number: number, e: CreatedArgs): Promise<Proposal> {
    const proposalId = e[0];
    const [stateIndex, votes, eta, block] = await Promise.all([
      this.governor.getFunction("state")(proposalId) as Promise<bigint>,
      this.governor.getFunction("proposalVotes")(proposalId) as Promise<[bigint, bigint, bigint]>,
      this.governor.getFunction("proposalEta")(proposalId) as Promise<bigint>,
      this.provider.getBlock("latest"),
    ]);
    const state = PROPOSAL_STATES[Number(stateIndex)]!;
    const voteStart = e[6];
    const voteEnd = e[7];
    const named = await Promise.all(
      [...e[2]].map(async (target, i) => {
        const t = targetName(this.addresses, target);
        const data = e[5][i]!;
        const create = t === "grantStreams" ? parseCreate(data) : null;
        // The stream's address as the factory itself predicts it: what the next call must pay.
        const stream = create?.name === "create" ? await this.predictStream([...create.args]) : undefined;
        return { target: t, data, ...(stream && { stream }) };
      }),
    );
    const words = describeCalls(named);
    const calls = [...e[2]].map((target, i) => ({ target, data: e[5][i]!, words: words[i]! }));
    const p = {
      number,
      id: proposalId,
      proposer: e[1],
      description: e[8],
      calls,
      state,
      voteStart,
      voteEnd,
      votes: { against: votes[0], for: votes[1], abstain: votes[2] },
      ...(eta > 0n && { eta }),
    };
    return { ...p, next: nextStep(p, BigInt(block!.number), BigInt(block!.timestamp)) };
  }
}

const streamsInterface = new Interface(GRANT_STREAMS_ABI);

/** A GrantStreams call's decoding; null for data it cannot read (shown as an unknown call). */
function parseCreate(data: string) {
  try {
    return streamsInterface.parseTransaction({ data });
  } catch {
    return null;
  }
}

type CreatedArgs = [bigint, string, string[], bigint[], string[], string[], bigint, bigint, string];

/** What can be done with a proposal now, at block `block` and time `now`. */
export function nextStep(
  p: Pick<Proposal, "state" | "voteStart" | "voteEnd" | "eta" | "number">,
  block: bigint,
  now: bigint,
): string {
  switch (p.state) {
    case "pending":
      return `voting opens after block ${p.voteStart} (now ${block})`;
    case "active":
      return `vote until block ${p.voteEnd} (now ${block}): openledger gov vote --proposal ${p.number} --support for|against|abstain`;
    case "succeeded":
      return `passed: openledger gov queue --proposal ${p.number}`;
    case "queued":
      return p.eta !== undefined && now < p.eta
        ? `in the timelock: executable in ${p.eta - now} s`
        : `executable: openledger gov execute --proposal ${p.number}`;
    case "defeated":
      return "defeated: nothing to do";
    case "canceled":
      return "canceled: nothing to do";
    case "expired":
      return "expired: nothing to do";
    case "executed":
      return "executed";
  }
}
