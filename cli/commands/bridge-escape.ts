import { Command } from "commander";
import { Contract, type JsonRpcProvider } from "ethers";
import { BRIDGE_ABI } from "../../bridge/bridge-abi.ts";
import { BridgeError, BridgeErrorCode } from "../../bridge/errors.ts";
import { type ExitOutcome, exitAccount, freezeRollup, refundDeposits } from "../../bridge/escape.ts";
import { exitState, type FinalizedAccounts, nodeAccounts } from "../../bridge/exit-state.ts";
import { forceWithdrawal, WHOLE_BALANCE } from "../../bridge/l1-orders.ts";
import { isoTime } from "../../bridge/stages.ts";
import { ErrorCode, OpenLedgerError } from "../../protocol/errors.ts";
import { formatAmount } from "../../sdk/amounts.ts";
import { OpenLedgerProvider } from "../../sdk/provider.ts";
import { l1Options, l1Signer, withL1 } from "./bridge-l1.ts";
import { loadSnapshotWithProgress } from "./snapshot.ts";
import {
  amountOf,
  chainOptions,
  domainFrom,
  ethKeyOptions,
  intArg,
  loadEthWallet,
  output,
  rpcOption,
  weiOption,
} from "./common.ts";
import { ARCHIVE_HELP, type L1RebuildOptions, l1RebuildOptions, rebuildWithProgress } from "./rebuild.ts";

const l1Command = (name: string) => l1Options(ethKeyOptions(chainOptions(new Command(name))));

/**
 * `openledger bridge force-withdraw|freeze|exit|refund`: getting OPEN back through L1 when the
 * sequencer does not serve you (contracts/rollup/EscapeHatch.sol, docs/contracts.md).
 */
export function escapeCommands(): Command[] {
  const forceWithdraw = rpcOption(l1Command("force-withdraw"))
    .description(
      "ask for a withdrawal through the L1 queue when the sequencer ignores you: it must serve it by the deadline, or anyone may freeze the rollup",
    )
    .option(
      "--account <id>",
      "your L2 account (default: the one your address opened, asked of the sequencer)",
      intArg,
    )
    .option("--amount <open>", "OPEN to withdraw, decimals allowed (base units with --wei)")
    .option("--all", "the whole balance", false)
    .addOption(weiOption())
    .option("--json", "print JSON", false)
    .action((o) =>
      withL1(o, async (provider) => {
        if ((o.amount === undefined) === !o.all) {
          throw new OpenLedgerError(
            ErrorCode.InvalidField,
            "say how much: --amount <open>, or --all for the whole balance",
          );
        }
        const amount = o.all ? WHOLE_BALANCE : amountOf(o, "--amount", o.amount);
        const address = loadEthWallet(o).address;
        const account = o.account ?? (await onlyAccount(new OpenLedgerProvider(o.rpc), address));
        const queued = await forceWithdrawal(domainFrom(o).rollup, l1Signer(o, provider), account, amount);
        const op = queued.operation;
        output(
          o.json,
          {
            l1TxHash: queued.l1TxHash,
            queueIndex: op.index,
            account,
            amount,
            deadline: op.deadline,
            fee: queued.fee,
          },
          () =>
            [
              `forced withdrawal of ${o.all ? "the whole balance" : formatAmount(amount, o)} from account ${account} queued on L1 (queue index ${op.index}, tx ${queued.l1TxHash})`,
              `the sequencer must process it by ${isoTime(op.deadline)}; then claim it (openledger bridge status shows its batch)`,
              `if it does not, anyone may freeze the rollup after that time: openledger bridge freeze, then openledger bridge exit`,
            ].join("\n"),
        );
      }),
    );

  const freeze = l1Command("freeze")
    .description(
      "freeze the rollup once a queued deposit or forced withdrawal is past its deadline (anyone may)",
    )
    .option("--json", "print JSON", false)
    .action((o) =>
      withL1(o, async (provider) => {
        const frozen = await freezeRollup(domainFrom(o).rollup, l1Signer(o, provider), o.fromBlock);
        output(o.json, frozen, () =>
          [
            `frozen in ${frozen.l1TxHash}: queue operation ${frozen.expiredOperation} was overdue`,
            `exits prove against batch ${frozen.lastFinalized}'s state: openledger bridge exit; unprocessed deposits: openledger bridge refund`,
          ].join("\n"),
        );
      }),
    );

  const exit = l1RebuildOptions(rpcOption(l1Command("exit")))
    .description(
      "after a freeze: exit your account on L1 with its Merkle proof at the last finalized root (checked against L1 first): from the sequencer's finalized state, a snapshot file (--state), or rebuilt from L1 alone when the sequencer does not answer",
    )
    .option("--account <id>", "the account to exit (default: every account your address opened)", intArg)
    .option("--l1-only", "rebuild from L1 and the blob archive without asking the sequencer", false)
    .option("--archive <dir|url>", `${ARCHIVE_HELP}; needed when the state comes from L1`)
    .option(
      "--state <file>",
      "a snapshot file (`openledger rebuild --out`, `openledger snapshot fetch`) of the last finalized entry, instead of asking the sequencer",
    )
    .addOption(weiOption())
    .option("--json", "print JSON", false)
    .action((o) =>
      withL1(o, async (provider) => {
        const signer = l1Signer(o, provider);
        const rollupAddress = domainFrom(o).rollup;
        const rollup = new Contract(rollupAddress, BRIDGE_ABI, provider);
        const head = await rollup.getFunction("head")();
        if (!head.frozen) {
          throw new BridgeError(
            BridgeErrorCode.NotFrozen,
            "the rollup is live: withdraw instead (openledger bridge withdraw, or force-withdraw if the sequencer ignores you)",
          );
        }
        const finalized = await finalizedAccounts(o, provider);
        const address = await signer.getAddress();
        const accounts = o.account === undefined ? await finalized.accountsOf(address) : [o.account];
        if (accounts.length === 0) {
          throw new BridgeError(
            BridgeErrorCode.NothingToPay,
            `no account of the last finalized state belongs to ${address}: pass --account`,
          );
        }
        const exits: ExitOutcome[] = [];
        for (const account of accounts)
          exits.push(await exitAccount(rollupAddress, signer, await finalized.proof(account), account));
        output(o.json, exits, () =>
          exits
            .map((e) => `account ${e.account}: ${formatAmount(e.amount, o)} paid to ${e.to} in ${e.l1TxHash}`)
            .join("\n"),
        );
      }),
    );

  const refund = l1Command("refund")
    .description("after a freeze: return the deposits no final batch processed to their sender")
    .option("--address <address>", "whose deposits (default: your Ethereum key's address)")
    .addOption(weiOption())
    .option("--json", "print JSON", false)
    .action((o) =>
      withL1(o, async (provider) => {
        const signer = l1Signer(o, provider);
        const sender = o.address ?? (await signer.getAddress());
        const refunds = await refundDeposits(domainFrom(o).rollup, signer, sender, o.fromBlock);
        output(o.json, refunds, () =>
          refunds.length === 0
            ? `no deposit of ${sender} is waiting for a refund`
            : refunds
                .map(
                  (r) =>
                    `queue ${r.queueIndex}: ${formatAmount(r.amount, o)} ${r.l1TxHash ? `refunded in ${r.l1TxHash}` : "(refunded before)"}`,
                )
                .join("\n"),
        );
      }),
    );

  return [forceWithdraw, freeze, exit, refund];
}

/** The one L2 account `address` opened, as the sequencer reports it. */
async function onlyAccount(l2: OpenLedgerProvider, address: string): Promise<number> {
  const ids = await l2.getAccountsByL1Address(address);
  if (ids.length === 1) return ids[0]!;
  throw new BridgeError(
    BridgeErrorCode.NothingToPay,
    ids.length === 0
      ? `the sequencer knows no account opened by ${address}: pass --account (shown by \`openledger account\`)`
      : `${address} opened accounts ${ids.join(", ")}: pass --account`,
  );
}

/**
 * The accounts of the last finalized state, for an exit: --state, or the sequencer's
 * finalized state, or L1 and the blob archive (--l1-only, or when the sequencer does not
 * answer). Each proof is checked against L1's finalized root before the exit is sent.
 */
function finalizedAccounts(
  o: L1RebuildOptions & { rpc: string; l1Only: boolean; state?: string; archive?: string },
  provider: JsonRpcProvider,
): Promise<FinalizedAccounts> {
  const say = (line: string) => console.error(line);
  const archive = o.archive;
  return exitState({
    rpc: o.rpc,
    stateFile: o.state,
    readStateFile: async (path) => {
      const { state, header } = await loadSnapshotWithProgress(path, provider, o.rollup);
      return { state, entry: header.entry };
    },
    l1Only: o.l1Only,
    say,
    async fromSequencer() {
      say(`asking ${o.rpc} for proofs at the last finalized root`);
      return nodeAccounts(new OpenLedgerProvider(o.rpc));
    },
    fromL1:
      archive === undefined
        ? undefined
        : async () => (await rebuildWithProgress(provider, { ...o, archive })).state,
  });
}
