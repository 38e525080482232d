import { Contract, getAddress, Interface, type Provider, type Signer } from "ethers";
import { ErrorCode, OpenLedgerError } from "../../protocol/errors.ts";
import type { GovernanceAddresses, Proposal } from "./governor.ts";

/**
 * The treasury's grant streams: the OpenZeppelin VestingWallets GrantStreams created for the
 * grants the Governor passed, with what each has paid and can pay now, and the proposal that
 * funded it.
 */

const STREAMS_ABI = [
  "event StreamCreated(address indexed stream, address indexed beneficiary, uint64 start, uint64 duration)",
  "function isStream(address) view returns (bool)",
];
const WALLET_ABI = [
  "function owner() view returns (address)",
  "function start() view returns (uint256)",
  "function duration() view returns (uint256)",
  "function released(address token) view returns (uint256)",
  "function releasable(address token) view returns (uint256)",
  "function release(address token)",
  "event ERC20Released(address indexed token, uint256 amount)",
];
const TOKEN = new Interface([
  "function transfer(address to, uint256 amount)",
  "function balanceOf(address) view returns (uint256)",
]);

export interface GrantStream {
  readonly stream: string;
  /** Who it pays: the VestingWallet's owner (the beneficiary may hand it on). */
  readonly beneficiary: string;
  readonly start: bigint;
  readonly duration: bigint;
  /** OPEN it streams in all: paid out so far plus what it holds. */
  readonly total: bigint;
  readonly released: bigint;
  /** What `release` would pay at the latest block's time. */
  readonly releasable: bigint;
  /** The proposal whose calls paid OPEN to it, if any. */
  readonly proposal?: { readonly number: number; readonly description: string; readonly state: string };
}

/** The proposal among `proposals` with a call paying OPEN (`token`) to `stream`. */
export function fundingProposal(
  stream: string,
  token: string,
  proposals: readonly Proposal[],
): Proposal | undefined {
  return proposals.find((p) =>
    p.calls.some((c) => {
      if (getAddress(c.target) !== getAddress(token)) return false;
      const tx = safeParse(c.data);
      return tx?.name === "transfer" && getAddress(tx.args[0] as string) === getAddress(stream);
    }),
  );
}

function safeParse(data: string) {
  try {
    return TOKEN.parseTransaction({ data });
  } catch {
    return null;
  }
}

export class GrantStreamsClient {
  private readonly streams: Contract;

  constructor(
    private readonly addresses: GovernanceAddresses & { readonly grantStreams: string },
    private readonly runner: Signer | Provider,
    private readonly fromBlock: number,
  ) {
    this.streams = new Contract(addresses.grantStreams, STREAMS_ABI, runner);
  }

  /** Every stream created, in creation order, read at the latest block. */
  async list(proposals: readonly Proposal[]): Promise<GrantStream[]> {
    const events = await this.streams.queryFilter(this.streams.filters.StreamCreated!(), this.fromBlock);
    return Promise.all(events.map((e) => this.read((e as unknown as { args: [string] }).args[0], proposals)));
  }

  async show(stream: string, proposals: readonly Proposal[]): Promise<GrantStream> {
    await this.mustBeStream(stream);
    return this.read(getAddress(stream), proposals);
  }

  /** Pays the beneficiary what has streamed and is not yet paid (anyone may): the amount and the block's time. */
  async release(stream: string): Promise<{ txHash: string; paid: bigint; at: bigint }> {
    await this.mustBeStream(stream);
    const wallet = new Contract(stream, WALLET_ABI, this.runner);
    const receipt = await (await wallet.getFunction("release")(this.addresses.token)).wait();
    const paid = receipt.logs
      .map((l: { topics: string[]; data: string }) => wallet.interface.parseLog(l))
      .find((l: { name: string } | null) => l?.name === "ERC20Released");
    const block = await receipt.getBlock();
    return { txHash: receipt.hash, paid: paid.args[1] as bigint, at: BigInt(block.timestamp) };
  }

  private async mustBeStream(stream: string): Promise<void> {
    if (!(await this.streams.getFunction("isStream")(stream))) {
      throw new OpenLedgerError(
        ErrorCode.InvalidField,
        `${stream} is not a grant stream of GrantStreams ${this.addresses.grantStreams}`,
      );
    }
  }

  private async read(stream: string, proposals: readonly Proposal[]): Promise<GrantStream> {
    const wallet = new Contract(stream, WALLET_ABI, this.runner);
    const token = new Contract(this.addresses.token, TOKEN, this.runner);
    const open = this.addresses.token;
    const [beneficiary, start, duration, released, releasable, held] = await Promise.all([
      wallet.getFunction("owner")() as Promise<string>,
      wallet.getFunction("start")() as Promise<bigint>,
      wallet.getFunction("duration")() as Promise<bigint>,
      wallet.getFunction("released")(open) as Promise<bigint>,
      wallet.getFunction("releasable")(open) as Promise<bigint>,
      token.getFunction("balanceOf")(stream) as Promise<bigint>,
    ]);
    const p = fundingProposal(stream, open, proposals);
    return {
      stream,
      beneficiary,
      start,
      duration,
      total: released + held,
      released,
      releasable,
      ...(p && { proposal: { number: p.number, description: p.description, state: p.state } }),
    };
  }
}
