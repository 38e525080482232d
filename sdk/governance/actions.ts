import { getAddress, Interface, isAddress } from "ethers";
import { ErrorCode, OpenLedgerError } from "../../protocol/errors.ts";
import { ATTRIBUTION_METHODS, attributionMethodName } from "../../protocol/rewards/methods.ts";
import { formatAmount, parseAmount } from "../amounts.ts";

/**
 * What governance can do, one entry per kind of call the timelock makes (an action may add
 * calls of other entries after its own): how a person asks for it (options), the calldata it
 * becomes, and the words it reads as. A proposal is shown by
 * decoding its calldata back through the same table, so what voters read is what executes,
 * whoever proposed it and however.
 */

/** The contract a governed call goes to. */
export type GovernedTarget = "params" | "rollup" | "token" | "operators" | "grantStreams";

type Kind =
  "uint" | "open" | "address" | "bps" | "method" | "purpose" | "seconds" | "bytes32" | "time" | "days";

export interface ActionOption {
  /** The option's key (camelCase of its flag). */
  readonly key: string;
  readonly flag: string;
  readonly kind: Kind;
  readonly description: string;
  /** Optional options keep the value in force (read from L1) when not given. */
  readonly optional?: boolean;
}

export interface GovernedAction {
  readonly name: string;
  readonly summary: string;
  readonly target: GovernedTarget;
  /** Human-readable ABI fragment of the call. */
  readonly fragment: string;
  readonly options: readonly ActionOption[];
  /** The call's arguments from parsed option values (`current`: the values in force, for optional ones). */
  args(v: Readonly<Record<string, unknown>>, current?: Readonly<Record<string, unknown>>): unknown[];
  /** The call in words, from its decoded arguments. */
  describe(args: readonly unknown[]): string;
  /**
   * The calls proposed after this one, each an entry's (`action`) with its arguments; `stream`
   * is where this call deploys a grant stream (GrantStreams.predict, read from L1).
   */
  then?(
    v: Readonly<Record<string, unknown>>,
    made: { readonly stream: string },
  ): readonly { readonly action: string; readonly args: unknown[] }[];
}

export const PURPOSES = { batch: 1, reward: 2 } as const;

const open = (units: unknown) => formatAmount(BigInt(units as bigint));
const pct = (bps: unknown) => `${Number(bps) / 100}%`;
const method = (id: unknown) => `${id} (${attributionMethodName(Number(id)) ?? "no known method"})`;
const seconds = (s: unknown) => `${s} s`;
const DAY = 86_400;
/** A UTC date, with its time of day only when it is not midnight. */
const when = (t: unknown) => {
  const iso = new Date(Number(t) * 1000).toISOString().replace(".000Z", "Z");
  return iso.endsWith("T00:00:00Z") ? iso.slice(0, 10) : iso;
};
const span = (s: unknown) => {
  const n = Number(s);
  return n % DAY === 0 ? `${n / DAY} day${n === DAY ? "" : "s"}` : seconds(n);
};
/** A grant stream's terms in words (`amount`: its funding, when the same proposal pays it). */
const streamWords = ([to, start, duration]: readonly unknown[], stream: string, amount?: unknown) =>
  amount === undefined
    ? `create a stream to ${streamTerms(to, start, duration)} (stream ${stream}), not funded by this proposal`
    : `stream ${open(amount)} from the treasury to ${streamTerms(to, start, duration)} (stream ${stream})`;

/** A stream's beneficiary, start and duration in words: "0x… from 2026-12-08 over 30 days". */
export const streamTerms = (to: unknown, start: unknown, duration: unknown) =>
  `${to} from ${when(start)} over ${span(duration)}`;

const L1_FIELDS = [
  { key: "queueDeadline", flag: "--queue-deadline <seconds>", kind: "seconds", what: "queue deadline" },
  { key: "sequencer", flag: "--sequencer <address>", kind: "address", what: "sequencer" },
  {
    key: "minSequencerBond",
    flag: "--min-sequencer-bond <open>",
    kind: "open",
    what: "minimum sequencer bond",
  },
  { key: "minProverBond", flag: "--min-prover-bond <open>", kind: "open", what: "minimum prover bond" },
  {
    key: "proverRewardPerBatch",
    flag: "--prover-reward <open>",
    kind: "open",
    what: "prover reward per batch",
  },
  { key: "treasury", flag: "--treasury <address>", kind: "address", what: "L1 treasury" },
  { key: "proveTimeout", flag: "--prove-timeout <seconds>", kind: "seconds", what: "proof timeout" },
  { key: "queueInterval", flag: "--queue-interval <seconds>", kind: "seconds", what: "queue interval" },
  { key: "queueFee", flag: "--queue-fee <open>", kind: "open", what: "queue fee" },
] as const;

const SPLIT = [
  { key: "dataBps", flag: "--data-bps <bps>", who: "data" },
  { key: "modelBps", flag: "--model-bps <bps>", who: "model owner" },
  { key: "baseModelBps", flag: "--base-model-bps <bps>", who: "base model owner" },
  { key: "proverBps", flag: "--prover-bps <bps>", who: "prover" },
  { key: "protocolBps", flag: "--protocol-bps <bps>", who: "protocol" },
] as const;

export const GOVERNED_ACTIONS: readonly GovernedAction[] = [
  {
    name: "reward-split",
    summary: "how each inference fee is split (basis points, summing to 10,000)",
    target: "params",
    fragment:
      "function setRewardSplit(tuple(uint16 dataBps, uint16 modelBps, uint16 baseModelBps, uint16 proverBps, uint16 protocolBps) split)",
    options: SPLIT.map((s) => ({
      key: s.key,
      flag: s.flag,
      kind: "bps",
      description: `share of the ${s.who}`,
    })),
    args(v) {
      const split = SPLIT.map((s) => v[s.key] as number);
      const sum = split.reduce((a, b) => a + b, 0);
      if (sum !== 10_000) {
        throw new OpenLedgerError(ErrorCode.InvalidField, `the shares sum to ${sum} basis points, not 10000`);
      }
      return [split];
    },
    describe: ([split]) => {
      const s = split as readonly unknown[];
      return `split each inference fee: ${SPLIT.map((f, i) => `${f.who} ${pct(s[i])}`).join(", ")}`;
    },
  },
  {
    name: "epoch-length",
    summary: "the reward epoch's length in chain entries",
    target: "params",
    fragment: "function setEpochLength(uint32 value)",
    options: [
      { key: "entries", flag: "--entries <n>", kind: "uint", description: "chain entries per epoch" },
    ],
    args: (v) => [v.entries],
    describe: ([n]) => `make each reward epoch ${n} chain entries long`,
  },
  {
    name: "attribution-method",
    summary: `the method epochs are valued by (${ATTRIBUTION_METHODS.join(", ")})`,
    target: "params",
    fragment: "function setAttributionMethod(uint32 value)",
    options: [
      { key: "method", flag: "--method <name|id>", kind: "method", description: "method name or id" },
    ],
    args: (v) => [v.method],
    describe: ([id]) => `value reward epochs with attribution method ${method(id)}`,
  },
  {
    name: "min-contribution-stake",
    summary: "the stake a data contribution must lock on L2",
    target: "params",
    fragment: "function setMinContributionStake(uint96 value)",
    options: [{ key: "amount", flag: "--amount <open>", kind: "open", description: "OPEN" }],
    args: (v) => [v.amount],
    describe: ([a]) => `require a stake of ${open(a)} per data contribution`,
  },
  {
    name: "min-model-stake",
    summary: "the stake a model owner must hold on L2",
    target: "params",
    fragment: "function setMinModelStake(uint96 value)",
    options: [{ key: "amount", flag: "--amount <open>", kind: "open", description: "OPEN" }],
    args: (v) => [v.amount],
    describe: ([a]) => `require model owners to hold a stake of ${open(a)}`,
  },
  {
    name: "treasury-account",
    summary: "the L2 account settlements pay the protocol share to",
    target: "params",
    fragment: "function setTreasuryAccount(uint32 account)",
    options: [{ key: "account", flag: "--account <n>", kind: "uint", description: "L2 account" }],
    args: (v) => [v.account],
    describe: ([a]) => `pay the protocol's share of reward settlements to L2 account ${a}`,
  },
  {
    name: "slash-stake",
    summary: "slash an L2 account's stake to the treasury (an order through the L1 queue)",
    target: "params",
    fragment: "function slashL2Stake(uint32 account, uint96 amount)",
    options: [
      { key: "account", flag: "--account <n>", kind: "uint", description: "L2 account" },
      { key: "amount", flag: "--amount <open>", kind: "open", description: "OPEN to slash" },
    ],
    args: (v) => [v.account, v.amount],
    describe: ([account, a]) => `slash ${open(a)} of L2 account ${account}'s stake`,
  },
  {
    name: "l1-params",
    summary: "the L1 parameters: bonds, queue deadline, interval and fee, proof timeout, sequencer, treasury",
    target: "params",
    fragment: `function setL1Params(tuple(uint64 queueDeadline, address sequencer, uint96 minSequencerBond, uint96 minProverBond, uint96 proverRewardPerBatch, address treasury, uint32 proveTimeout, uint32 queueInterval, uint96 queueFee) l1)`,
    options: L1_FIELDS.map((f) => ({
      key: f.key,
      flag: f.flag,
      kind: f.kind,
      description: `${f.what} (default: the value in force)`,
      optional: true,
    })),
    args: (v, current = {}) => [L1_FIELDS.map((f) => v[f.key] ?? current[f.key])],
    describe: ([l1]) => {
      const s = l1 as readonly unknown[];
      const show = (kind: string, x: unknown) =>
        kind === "open" ? open(x) : kind === "seconds" ? seconds(x) : String(x);
      return `set the L1 parameters: ${L1_FIELDS.map((f, i) => `${f.what} ${show(f.kind, s[i])}`).join(", ")}`;
    },
  },
  {
    name: "verifier",
    summary: "register, replace or (address 0) retire a circuit's verifier",
    target: "rollup",
    fragment: "function setVerifier(uint32 circuitId, address verifier, uint8 purpose)",
    options: [
      { key: "circuitId", flag: "--circuit-id <n>", kind: "uint", description: "circuit id" },
      { key: "verifier", flag: "--verifier <address>", kind: "address", description: "verifier contract" },
      { key: "purpose", flag: "--purpose <batch|reward>", kind: "purpose", description: "what it verifies" },
    ],
    args: (v) => [v.circuitId, v.verifier, v.purpose],
    describe: ([id, verifier, purpose]) => {
      const what = Number(purpose) === PURPOSES.reward ? "reward settlement" : "batch";
      return BigInt(verifier as string) === 0n
        ? `retire circuit ${id}'s verifier`
        : `verify ${what} proofs of circuit ${id} with the contract at ${verifier}`;
    },
  },
  {
    name: "slash-bond",
    summary: "slash an L1 operator's bond (sequencer or prover) to the L1 treasury",
    target: "rollup",
    fragment: "function slashBond(address operator, uint128 amount)",
    options: [
      { key: "operator", flag: "--operator <address>", kind: "address", description: "bonded operator" },
      { key: "amount", flag: "--amount <open>", kind: "open", description: "OPEN to slash" },
    ],
    args: (v) => [v.operator, v.amount],
    describe: ([op, a]) => `slash up to ${open(a)} of operator ${op}'s L1 bond`,
  },
  {
    name: "record-operator-slash",
    summary:
      "record the evidence a compute operator was slashed on (InferenceOperators; proposed with slash-bond)",
    target: "operators",
    fragment: "function recordSlash(address operator, uint64 inference, bytes32 attestation)",
    options: [
      { key: "operator", flag: "--operator <address>", kind: "address", description: "the operator" },
      { key: "inference", flag: "--inference <id>", kind: "uint", description: "the L2 inference" },
      {
        key: "attestation",
        flag: "--attestation <digest>",
        kind: "bytes32",
        description: "its L1 attestation's digest",
      },
    ],
    args: (v) => [v.operator, v.inference, v.attestation],
    describe: ([op, inference, digest]) =>
      `record that compute operator ${op} attested a wrong output for inference ${inference} (attestation ${digest}), and delist it if its bond fell below the minimum`,
  },
  {
    name: "transfer",
    summary: "pay OPEN from the timelock's L1 treasury",
    target: "token",
    fragment: "function transfer(address to, uint256 amount)",
    options: [
      { key: "to", flag: "--to <address>", kind: "address", description: "recipient" },
      { key: "amount", flag: "--amount <open>", kind: "open", description: "OPEN" },
    ],
    args: (v) => [v.to, v.amount],
    describe: ([to, a]) => `pay ${open(a)} from the treasury to ${to}`,
  },
  {
    name: "grant-stream",
    summary:
      "stream OPEN from the L1 treasury to a recipient over time (an OpenZeppelin VestingWallet the proposal creates, then funds)",
    target: "grantStreams",
    fragment: "function create(address beneficiary, uint64 start, uint64 duration)",
    options: [
      {
        key: "to",
        flag: "--to <address>",
        kind: "address",
        description: "recipient (the stream's beneficiary)",
      },
      { key: "amount", flag: "--amount <open>", kind: "open", description: "OPEN streamed in all" },
      {
        key: "start",
        flag: "--start <date|seconds>",
        kind: "time",
        description: "when the stream starts: an ISO date (UTC) or unix seconds",
      },
      { key: "days", flag: "--days <n>", kind: "days", description: "how many days it streams over" },
    ],
    args: (v) => [v.to, v.start, v.days],
    describe: ([to, start, duration]) => `create a stream to ${streamTerms(to, start, duration)}`,
    then: (v, { stream }) => [{ action: "transfer", args: [stream, v.amount] }],
  },
];

const ABI = new Interface(GOVERNED_ACTIONS.map((a) => a.fragment));

/** The option text `text` as the value its kind means; `flag` names it in the error. */
export function parseOption(kind: Kind, text: string, flag: string): unknown {
  const bad = (why: string): never => {
    throw new OpenLedgerError(ErrorCode.InvalidField, `${flag.split(" ")[0]} "${text}": ${why}`);
  };
  switch (kind) {
    case "open":
      return parseAmount(text, flag.split(" ")[0]!);
    case "address":
      return isAddress(text) ? getAddress(text) : bad("not an Ethereum address");
    case "method": {
      const byName = ATTRIBUTION_METHODS.indexOf(text as (typeof ATTRIBUTION_METHODS)[number]);
      const id = byName >= 0 ? byName + 1 : Number(text);
      return attributionMethodName(id)
        ? id
        : bad(`name a method: ${ATTRIBUTION_METHODS.join(", ")}, or its id`);
    }
    case "time": {
      // Unix seconds, a date (midnight UTC), or a date and time with its zone (never the machine's).
      const iso = /^\d{4}-\d{2}-\d{2}$/.test(text)
        ? `${text}T00:00:00Z`
        : /^\d{4}-\d{2}-\d{2}T.*(Z|[+-]\d{2}:\d{2})$/.test(text)
          ? text
          : undefined;
      const t = /^[0-9]+$/.test(text) ? Number(text) : iso ? Date.parse(iso) / 1000 : NaN;
      return Number.isSafeInteger(t) && t >= 0
        ? t
        : bad("not unix seconds, a date (2026-12-08) or a date and time with its zone");
    }
    case "days": {
      const n = /^[0-9]+$/.test(text) ? Number(text) : NaN;
      return Number.isSafeInteger(n) && n > 0 ? n * DAY : bad("not a whole number of days above 0");
    }
    case "bytes32":
      return /^0x[0-9a-fA-F]{64}$/.test(text) ? text.toLowerCase() : bad("not 32 bytes of 0x-hex");
    case "purpose":
      return text in PURPOSES ? PURPOSES[text as keyof typeof PURPOSES] : bad("batch or reward");
    case "bps":
    case "uint":
    case "seconds": {
      const n = /^[0-9]+$/.test(text) ? Number(text) : NaN;
      if (!Number.isSafeInteger(n)) return bad("not a non-negative integer");
      return kind === "bps" && n > 10_000 ? bad("more than 10000 basis points") : n;
    }
  }
}

/** One governed call, ready for a proposal: its target's name and calldata. */
export interface GovernedCall {
  readonly target: GovernedTarget;
  readonly data: string;
}

export function actionNamed(name: string): GovernedAction {
  const a = GOVERNED_ACTIONS.find((x) => x.name === name);
  if (!a) {
    throw new OpenLedgerError(
      ErrorCode.InvalidField,
      `no governed action "${name}": ${GOVERNED_ACTIONS.map((x) => x.name).join(", ")}`,
    );
  }
  return a;
}

/** The option values of `action` from option texts `texts` (the flags' keys); optional ones may be missing. */
export function actionValues(
  action: GovernedAction,
  texts: Readonly<Record<string, string | undefined>>,
): Record<string, unknown> {
  const values: Record<string, unknown> = {};
  for (const o of action.options) {
    const text = texts[o.key];
    if (text === undefined) {
      if (o.optional) continue;
      throw new OpenLedgerError(ErrorCode.InvalidField, `${action.name} needs ${o.flag}`);
    }
    values[o.key] = parseOption(o.kind, text, o.flag);
  }
  return values;
}

/** What an action's calls depend on beyond its options, read from L1 by the caller. */
export interface ActionContext {
  /** The values in force, for optional options (l1-params). */
  readonly current?: Readonly<Record<string, unknown>>;
  /** Where the action's first call deploys a stream (grant-stream). */
  readonly stream?: string;
}

const encode = (action: GovernedAction, args: unknown[]): GovernedCall => {
  const fn = ABI.getFunction(action.fragment.slice("function ".length).split("(")[0]!)!;
  return { target: action.target, data: ABI.encodeFunctionData(fn, args) };
};

/** The calls `action` makes with option texts `texts` (the flags' keys): its own, then any it adds. */
export function encodeAction(
  action: GovernedAction,
  texts: Readonly<Record<string, string | undefined>>,
  context: ActionContext = {},
): GovernedCall[] {
  const values = actionValues(action, texts);
  const first = encode(action, action.args(values, context.current));
  if (!action.then) return [first];
  if (!context.stream) {
    throw new OpenLedgerError(ErrorCode.InvalidField, `${action.name} needs the stream's address`);
  }
  const rest = action.then(values, { stream: context.stream });
  return [first, ...rest.map((c) => encode(actionNamed(c.action), c.args))];
}

/**
 * A proposal's call in words: decoded through the table when it is one of its calls to the
 * contract it belongs to, else said to be unknown (voters should not pass what they cannot read).
 */
export function describeCall(target: GovernedTarget | undefined, data: string): string {
  const parsed = target ? safeParse(data) : undefined;
  const action =
    parsed && GOVERNED_ACTIONS.find((a) => a.target === target && a.fragment.includes(` ${parsed.name}(`));
  if (!parsed || !action)
    return `an unknown call (${data.slice(0, 10)}) to ${target ?? "a contract outside the rollup"}`;
  return action.describe([...parsed.args]);
}

/**
 * A proposal's calls in words, one line each. A stream's creation followed by a payment of
 * OPEN to that very stream reads as one grant (`stream`: where the creating call deploys it,
 * read from L1); the payment's line then points back to it.
 */
export function describeCalls(
  calls: readonly {
    readonly target: GovernedTarget | undefined;
    readonly data: string;
    readonly stream?: string;
  }[],
): string[] {
  const parsed = calls.map((c) => (c.target ? safeParse(c.data) : undefined));
  return calls.map((c, i) => {
    const p = parsed[i];
    if (c.target === "grantStreams" && p?.name === "create" && c.stream) {
      const funding = fundingOf(calls[i + 1], parsed[i + 1], c.stream);
      return streamWords([...p.args], c.stream, funding);
    }
    const before = calls[i - 1];
    if (before?.stream && fundingOf(c, p, before.stream) !== undefined && parsed[i - 1]?.name === "create") {
      return `pay ${open(p!.args[1])} from the treasury to ${before.stream}: the stream above`;
    }
    return describeCall(c.target, c.data);
  });
}

/** The OPEN `call` pays to `stream`, if it is a treasury payment to it. */
function fundingOf(
  call: { readonly target: GovernedTarget | undefined } | undefined,
  p: ReturnType<typeof safeParse>,
  stream: string,
): unknown {
  if (call?.target !== "token" || p?.name !== "transfer") return undefined;
  return getAddress(p.args[0] as string) === getAddress(stream) ? p.args[1] : undefined;
}

function safeParse(data: string) {
  try {
    return ABI.parseTransaction({ data }) ?? undefined;
  } catch {
    return undefined;
  }
}
