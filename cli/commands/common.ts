import { readFileSync } from "node:fs";
import { type Command, InvalidArgumentError, Option } from "commander";
import { Wallet } from "ethers";
import { DEV_BATCH_CIRCUIT } from "../../contracts/deploy/config.ts";
import type { Domain } from "../../protocol/domain.ts";
import { ErrorCode, OpenLedgerError } from "../../protocol/errors.ts";
import { DEV_DOMAIN, PARAM_SETS } from "../../protocol/genesis.ts";
import { deriveL2Key } from "../../protocol/keys.ts";
import type { ProtocolParams } from "../../protocol/params.ts";
import type { Genesis } from "../../protocol/state/state.ts";
import { accountsOfKey } from "../../sdk/accounts.ts";
import { parseAmount } from "../../sdk/amounts.ts";
import { OpenLedgerProvider } from "../../sdk/provider.ts";
import { L2Wallet } from "../../sdk/wallet.ts";
import type { SubmitResult } from "../../sdk/wire.ts";

/** Where the devnet's store listens: the default of every command that reads or writes it. */
export const STORE_URL = "http://127.0.0.1:8549";

/** Options shared by the commands that talk to one rollup deployment. */
export function chainOptions(cmd: Command): Command {
  return cmd
    .option("--chain-id <id>", "L1 chain id the rollup lives on", DEV_DOMAIN.chainId.toString())
    .option("--rollup <address>", "L1 rollup contract address", DEV_DOMAIN.rollup);
}

/**
 * --slots, --withdrawals, --registry-slots: the batch circuit's layout (docs/protocol.md
 * §8.1), the devnet's by default. Who proves or replays a batch reads its data in it.
 */
export function batchLayoutOptions(cmd: Command): Command {
  const { shape } = DEV_BATCH_CIRCUIT;
  return cmd
    .option("--slots <n>", "account slots of the batch circuit", intArg, shape.slots)
    .option("--withdrawals <n>", "withdrawal entries of the batch circuit", intArg, shape.withdrawals)
    .option("--registry-slots <n>", "registry slots of the batch circuit", intArg, shape.registrySlots);
}

export function domainFrom(o: { chainId: string; rollup: string }): Domain {
  return { chainId: BigInt(o.chainId), rollup: o.rollup };
}

export function intArg(value: string): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < 0) throw new InvalidArgumentError("expected a non-negative integer");
  return n;
}

/** On SIGINT or SIGTERM: `stop` (a service's clean shutdown), then exit 0. */
export function stopOnSignal(stop: () => Promise<void>): void {
  const once = async () => {
    await stop();
    process.exit(0);
  };
  process.once("SIGINT", once);
  process.once("SIGTERM", once);
}

/** Prints `value` as JSON (bigints as decimal strings) or through `human`. */
export function output(json: boolean, value: unknown, human: () => string): void {
  console.log(
    json ? JSON.stringify(value, (_k, v) => (typeof v === "bigint" ? v.toString() : v), 2) : human(),
  );
}

/** Options naming where the Ethereum key comes from; the key itself is never an argument. */
export function ethKeyOptions(cmd: Command): Command {
  return cmd
    .option(
      "--eth-key-env <name>",
      "environment variable holding the Ethereum private key",
      "OPENLEDGER_ETH_KEY",
    )
    .option("--eth-key-file <path>", "file holding the Ethereum private key (instead of the environment)")
    .option("--key-index <n>", "L2 key index derived from the same Ethereum key", intArg, 0);
}

export interface EthKeyOptions {
  readonly ethKeyEnv: string;
  readonly ethKeyFile?: string;
}

/** The Ethereum wallet the L2 key is derived from; errors never echo the key. */
export function loadEthWallet(o: EthKeyOptions): Wallet {
  const raw = o.ethKeyFile ? readFileSync(o.ethKeyFile, "utf8").trim() : process.env[o.ethKeyEnv];
  if (!raw) {
    throw new OpenLedgerError(
      ErrorCode.InvalidKey,
      `no Ethereum key: set ${o.ethKeyEnv} or pass --eth-key-file (the key is never taken on the command line)`,
    );
  }
  try {
    return new Wallet(raw.startsWith("0x") ? raw : `0x${raw}`);
  } catch {
    throw new OpenLedgerError(ErrorCode.InvalidKey, "the Ethereum key is not a 32-byte hex private key");
  }
}

export function rpcOption(cmd: Command): Command {
  return cmd.option("--rpc <url>", "sequencer JSON-RPC endpoint", "http://127.0.0.1:8547/rpc");
}

export interface WalletOptions {
  readonly rpc: string;
  readonly chainId: string;
  readonly rollup: string;
  readonly ethKeyEnv: string;
  readonly ethKeyFile?: string;
  readonly keyIndex: number;
  readonly account?: number;
  readonly fee: string;
  /** Amounts typed and printed in base units instead of OPEN. */
  readonly wei?: boolean;
  /** A named parameter set overriding the sizes the sequencer reports. */
  readonly params?: string;
}

/** Options of the commands that sign L2 transactions: where to send, who signs, what fee. */
export function walletOptions(cmd: Command): Command {
  return ethKeyOptions(chainOptions(rpcOption(cmd)))
    .option("--account <id>", "your L2 account id (default: the one your key's deposit opened)", intArg)
    .option("--fee <open>", "fee in OPEN (base units with --wei)", "0")
    .addOption(weiOption())
    .addOption(paramsOption());
}

/**
 * `--params`: the named tree-size set of the deployment; without a default, commands that
 * talk to a sequencer ask it (ol_getParams).
 */
export function paramsOption(defaultSet?: string): Option {
  const option = new Option(
    "--params <set>",
    `tree sizes of the deployment (${defaultSet ? "the devnet's are test" : "default: the sequencer's"})`,
  ).choices(Object.keys(PARAM_SETS));
  return defaultSet ? option.default(defaultSet) : option;
}

/** --wei: amounts typed and printed in base units (10^-18 OPEN) rather than OPEN. */
export function weiOption(): Option {
  return new Option("--wei", "amounts in base units (10^-18 OPEN) instead of OPEN").default(false);
}

/** `text` (an option's value named `what`) as base units, read as OPEN unless --wei. */
export function amountOf(o: { wei?: boolean }, what: string, text: string): bigint {
  return parseAmount(text, what, { wei: o.wei });
}

/** Options of a command that signs and sends one L2 transaction. */
export interface TxOptions extends WalletOptions {
  readonly nonce?: number;
  readonly json: boolean;
}

export function txOptions(cmd: Command): Command {
  return walletOptions(cmd)
    .option("--nonce <n>", "nonce (default: the sequencer's next one for the account)", intArg)
    .option("--json", "print JSON", false);
}

/**
 * Signs and sends one transaction with the wallet of `o`, then prints where it landed and the
 * `details` read once it did (an id it created, say), as JSON with --json.
 */
export async function sendTx(
  o: TxOptions,
  send: (w: L2Wallet, fee: { fee: bigint; nonce?: number }) => Promise<SubmitResult>,
  details: (r: SubmitResult, w: L2Wallet) => Promise<Record<string, string | number>> = async () => ({}),
): Promise<void> {
  const wallet = await openWallet(o);
  const result = await send(wallet, { fee: amountOf(o, "--fee", o.fee), nonce: o.nonce });
  const extra = await details(result, wallet);
  output(o.json, { ...result, ...extra }, () =>
    [
      result.status === "executed"
        ? `executed: batch ${result.batch}, position ${result.position}`
        : "queued until the account's earlier nonces arrive",
      `tx ${result.txHash}`,
      ...Object.entries(extra).map(([k, v]) => `${k} ${v}`),
    ].join("\n"),
  );
}

/**
 * The L2 wallet of the derived key. Without --account, the account the key's deposits
 * opened (found by the Ethereum address, matched by public key), if there is exactly one.
 */
export async function openWallet(o: WalletOptions): Promise<L2Wallet> {
  const provider = new OpenLedgerProvider(o.rpc);
  const domain = domainFrom(o);
  const eth = loadEthWallet(o);
  const key = await deriveL2Key(eth, domain, o.keyIndex);
  let account = o.account;
  if (account === undefined) {
    const mine = await accountsOfKey(provider, eth.address, key.publicKey);
    if (mine.length !== 1) {
      throw new OpenLedgerError(
        ErrorCode.UnknownAccount,
        mine.length === 0
          ? `no L2 account holds your key: deposit first (\`openledger bridge deposit\`)`
          : `your key holds accounts ${mine.join(", ")}: pass --account`,
      );
    }
    account = mine[0]!;
  }
  return new L2Wallet(key, account, provider, domain, await paramsFor(provider, o));
}

/** The tree sizes to sign with: --params if given, else the sequencer's. */
export async function paramsFor(
  provider: OpenLedgerProvider,
  o: { params?: string; chainId: string; rollup: string },
): Promise<ProtocolParams> {
  return o.params ? PARAM_SETS[o.params]! : (await nodeGenesis(provider, o)).params;
}

/**
 * The chain the sequencer serves (ol_getParams): deployment, tree sizes and genesis governance.
 * It must be the deployment the command was pointed at (--rollup, --chain-id).
 */
export async function nodeGenesis(
  provider: OpenLedgerProvider,
  o: { chainId: string; rollup: string },
): Promise<Genesis> {
  const node = await provider.getParams();
  const domain = domainFrom(o);
  if (
    node.domain.chainId !== domain.chainId ||
    node.domain.rollup.toLowerCase() !== domain.rollup.toLowerCase()
  ) {
    throw new OpenLedgerError(
      ErrorCode.WrongChain,
      `the sequencer at ${provider.url} serves rollup ${node.domain.rollup} on chain ${node.domain.chainId}, not ${domain.rollup} on chain ${domain.chainId}: pass --rollup ${node.domain.rollup} --chain-id ${node.domain.chainId}`,
    );
  }
  return node;
}
