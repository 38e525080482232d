import { Command, Option } from "commander";
import { Contract, getAddress } from "ethers";
import { BRIDGE_ABI } from "../../bridge/bridge-abi.ts";
import { claimWithdrawals } from "../../bridge/claims.ts";
import { depositToL2 } from "../../bridge/l1-orders.ts";
import type { WithdrawalStage } from "../../bridge/stages.ts";
import { describeStatus } from "../../bridge/status.ts";
import { readStatus } from "../../bridge/status-read.ts";
import { followWithdrawal } from "../../bridge/withdraw.ts";
import { checkAccountKey } from "../../protocol/babyjub.ts";
import { ErrorCode, OpenLedgerError } from "../../protocol/errors.ts";
import { deriveL2Key } from "../../protocol/keys.ts";
import { formatAmount } from "../../sdk/amounts.ts";
import { OpenLedgerProvider } from "../../sdk/provider.ts";
import { escapeCommands } from "./bridge-escape.ts";
import { l1Options, l1Signer, withL1 } from "./bridge-l1.ts";
import {
  amountOf,
  chainOptions,
  domainFrom,
  ethKeyOptions,
  intArg,
  loadEthWallet,
  openWallet,
  output,
  rpcOption,
  walletOptions,
  weiOption,
} from "./common.ts";

/** What each stage of a withdrawal means to the person waiting for it. */
const STAGE_LINES: Record<WithdrawalStage, (batch: number) => string> = {
  executed: (n) => `executed on L2 in batch ${n}`,
  sealed: (n) => `batch ${n} sealed by the sequencer`,
  committed: (n) => `batch ${n} committed on L1`,
  proven: (n) => `batch ${n} proven on L1`,
  final: (n) => `batch ${n} final on L1: claiming`,
  claimed: () => "claimed on L1",
};

/**
 * `openledger bridge`: moving OPEN between L1 and L2, and getting it back through L1 alone
 * when the sequencer does not serve you (bridge-escape.ts).
 */
export function bridgeCommand(): Command {
  const bridge = new Command("bridge").description(
    "move OPEN between L1 and the rollup, and see where it stands",
  );

  bridge.addCommand(
    l1Options(ethKeyOptions(chainOptions(new Command("deposit"))))
      .description("lock OPEN in the rollup on L1; L2 credits it once the sequencer relays the deposit")
      .requiredOption("--amount <open>", "OPEN to deposit, decimals allowed (base units with --wei)")
      .option("--to <account>", "L2 account to credit; 0 opens a new account for your L2 key", intArg, 0)
      .addOption(weiOption())
      .option("--json", "print JSON", false)
      .action((o) =>
        withL1(o, async (provider) => {
          const domain = domainFrom(o);
          const amount = amountOf(o, "--amount", o.amount);
          const key = await deriveL2Key(loadEthWallet(o), domain, o.keyIndex);
          // The rollup refuses a key that is off the curve or of small order: say so before paying gas.
          checkAccountKey(key.publicKey);
          const queued = await depositToL2(domain.rollup, l1Signer(o, provider), {
            to: o.to,
            key: key.publicKey,
            amount,
          });
          const result = {
            l1TxHash: queued.l1TxHash,
            queueIndex: queued.operation.index,
            amount,
            to: o.to as number,
            fee: queued.fee,
          };
          output(o.json, result, () =>
            [
              `deposited ${formatAmount(amount, o)} in ${result.l1TxHash}`,
              `queue index ${result.queueIndex}; ${o.to === 0 ? "a new L2 account opens for your key" : `credits account ${o.to}`} once the sequencer relays it`,
            ].join("\n"),
          );
        }),
      ),
  );

  bridge.addCommand(
    l1Options(walletOptions(new Command("withdraw")))
      .description(
        "withdraw OPEN from L2 to L1: follows the batch through committed, proven and final, then claims it",
      )
      .requiredOption("--amount <open>", "OPEN to withdraw, decimals allowed (base units with --wei)")
      .option("--to <address>", "L1 address paid (default: your Ethereum key's)")
      .option("--no-wait", "return once L2 executed it; `openledger bridge claim --batch N` finishes later")
      .option("--poll-ms <ms>", "how often to look at L1 while waiting", intArg, 2000)
      .addOption(
        new Option(
          "--timeout <seconds>",
          "stop waiting after this long (the claim can be made later)",
        ).argParser(intArg),
      )
      .option("--json", "print JSON", false)
      .action(async (o) => {
        const amount = amountOf(o, "--amount", o.amount);
        const wallet = await openWallet(o);
        const to = getAddress(o.to ?? loadEthWallet(o).address);
        const sent = await wallet.withdraw(amount, to, { fee: amountOf(o, "--fee", o.fee), nonce: o.nonce });
        if (sent.status !== "executed") {
          throw new OpenLedgerError(
            ErrorCode.BadNonce,
            `the withdrawal (tx ${sent.txHash}) waits for the account's earlier nonces: send them, then \`openledger bridge status\``,
          );
        }
        const say = (line: string) => console.error(line);
        say(`${STAGE_LINES.executed(sent.batch)} (tx ${sent.txHash})`);
        const result = { txHash: sent.txHash, batch: sent.batch, recipient: to, amount };
        if (!o.wait) {
          output(
            o.json,
            { ...result, stage: "executed" },
            () => `finish later: openledger bridge claim --batch ${sent.batch}`,
          );
          return;
        }
        const claims = await withL1(o, (provider) =>
          followWithdrawal({
            l2: wallet.provider,
            rollupAddress: wallet.domain.rollup,
            signer: l1Signer(o, provider),
            batch: sent.batch,
            recipient: to,
            fromBlock: o.fromBlock,
            pollMs: o.pollMs,
            timeoutMs: o.timeout === undefined ? undefined : o.timeout * 1000,
            onStage: (stage) => stage !== "claimed" && say(STAGE_LINES[stage](sent.batch)),
          }),
        );
        output(o.json, { ...result, stage: "claimed", claims }, () =>
          claims
            .map(
              (c) =>
                `${formatAmount(c.amount, o)} paid to ${c.recipient} ${c.l1TxHash ? `in ${c.l1TxHash}` : "(claimed before)"}`,
            )
            .join("\n"),
        );
      }),
  );

  bridge.addCommand(
    rpcOption(l1Options(ethKeyOptions(chainOptions(new Command("claim")))))
      .description("pay out on L1 the withdrawals of a finalized batch (yours, or all with --all)")
      .requiredOption("--batch <n>", "batch number", intArg)
      .option("--all", "claim every withdrawal of the batch, not only those paying your address", false)
      .addOption(weiOption())
      .option("--json", "print JSON", false)
      .action((o) =>
        withL1(o, async (provider) => {
          const domain = domainFrom(o);
          const signer = l1Signer(o, provider);
          const batch = await new OpenLedgerProvider(o.rpc).getBatch(o.batch);
          if (!batch)
            throw new OpenLedgerError(ErrorCode.InvalidField, `the sequencer knows no batch ${o.batch}`);
          if (batch.kind === "settlement") {
            throw new OpenLedgerError(
              ErrorCode.InvalidField,
              `entry ${o.batch} is a reward settlement: it carries no withdrawals`,
            );
          }
          const withdrawals = batch.withdrawals.map((w) => ({
            recipient: w.recipient,
            amount: BigInt(w.amount),
          }));
          const address = await signer.getAddress();
          const claimed = await claimWithdrawals(domain.rollup, signer, o.batch, withdrawals, {
            fromBlock: o.fromBlock,
            ...(o.all ? {} : { recipient: address }),
          });
          output(o.json, claimed, () =>
            claimed.length === 0
              ? `batch ${o.batch} pays nothing to ${address}`
              : claimed
                  .map(
                    (c) =>
                      `leaf ${c.leafIndex}: ${formatAmount(c.amount, o)} to ${c.recipient} ${c.l1TxHash ? `claimed in ${c.l1TxHash}` : "(already claimed)"}`,
                  )
                  .join("\n"),
          );
        }),
      ),
  );

  for (const cmd of escapeCommands()) bridge.addCommand(cmd);

  bridge.addCommand(
    rpcOption(l1Options(ethKeyOptions(chainOptions(new Command("status")))))
      .description(
        "your deposits, forced withdrawals, withdrawals and exits: the stage of each and what you can do next",
      )
      .option("--address <address>", "whose (default: your Ethereum key's address)")
      .option("--json", "print JSON (amounts in base units)", false)
      .action((o) =>
        withL1(o, async (provider) => {
          const address = o.address ?? loadEthWallet(o).address;
          const rollup = new Contract(domainFrom(o).rollup, BRIDGE_ABI, provider);
          const status = await readStatus(rollup, new OpenLedgerProvider(o.rpc), address, o.fromBlock);
          output(o.json, status, () => describeStatus(status));
        }),
      ),
  );
  return bridge;
}
