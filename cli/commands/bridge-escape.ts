import { Command } from "commander";
import { Contract, type JsonRpcProvider } from "ethers";
import { BRIDGE_ABI } from "../../bridge/bridge-abi.ts";
import { BridgeError, BridgeErrorCode } from "../../bridge/errors.ts";
import {
  accountsOf,
  type ExitOutcome,
  exitAccount,
  freezeRollup,
  refundDeposits,
} from "../../bridge/escape.ts";
import { exitState } from "../../bridge/exit-state.ts";
import { replayFinalized, sequencerEntries } from "../../bridge/finalized-state.ts";
import { forceWithdrawal, WHOLE_BALANCE } from "../../bridge/l1-orders.ts";
import { isoTime } from "../../bridge/stages.ts";
import type { RollupState } from "../../protocol/state/state.ts";
import { ErrorCode, OpenLedgerError } from "../../protocol/errors.ts";
import { formatAmount } from "../../sdk/amounts.ts";
import { OpenLedgerProvider } from "../../sdk/provider.ts";
import { l1Options, l1Signer, withL1 } from "./bridge-l1.ts";
import {
  amountOf,
  chainOptions,
  domainFrom,
  ethKeyOptions,
  intArg,
  loadEthWallet,
  nodeGenesis,
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
      "after a freeze: rebuild the last finalized state (each entry checked against L1), then exit your account on L1 with its Merkle proof; from the sequencer's entries, or from L1 alone when it does not answer",
    )
    .option("--account <id>", "the account to exit (default: every account your address opened)", intArg)
    .option("--l1-only", "rebuild from L1 and the blob archive without asking the sequencer", false)
    .option("--archive <dir|url>", `${ARCHIVE_HELP}; needed when the state comes from L1`)
    .option("--state <file>", "the state `openledger rebuild --out` wrote, instead of rebuilding it")
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
        const state = await finalizedState(o, provider, rollup, Number(head.lastFinalized));
        const address = await signer.getAddress();
        const accounts = o.account === undefined ? accountsOf(state, address) : [o.account];
        if (accounts.length === 0) {
          throw new BridgeError(
            BridgeErrorCode.NothingToPay,
            `no account of the last finalized state belongs to ${address}: pass --account`,
          );
        }
        const exits: ExitOutcome[] = [];
        for (const account of accounts) exits.push(await exitAccount(rollupAddress, signer, state, account));
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
 * The state at the last finalized entry `upTo`, for an exit: --state, or the sequencer's
 * entries, or L1 and the blob archive (--l1-only, or when the sequencer does not answer).
 */
function finalizedState(
  o: L1RebuildOptions & { rpc: string; l1Only: boolean; state?: string; archive?: string },
  provider: JsonRpcProvider,
  rollup: Contract,
  upTo: number,
): Promise<RollupState> {
  const say = (line: string) => console.error(line);
  const archive = o.archive;
  return exitState({
    rpc: o.rpc,
    stateFile: o.state,
    l1Only: o.l1Only,
    say,
    async fromSequencer() {
      const l2 = new OpenLedgerProvider(o.rpc);
      const genesis = await nodeGenesis(l2, o);
      say(`rebuilding the state of batch ${upTo}, the last final one, from ${o.rpc}`);
      return replayFinalized(sequencerEntries(l2), rollup, genesis, {
        upTo,
        fromBlock: o.fromBlock,
        progress: (n, total) => say(`entry ${n}/${total} replayed, root matches L1`),
      });
    },
    fromL1:
      archive === undefined
        ? undefined
        : async () => (await rebuildWithProgress(provider, { ...o, archive }, upTo)).state,
  });
}
