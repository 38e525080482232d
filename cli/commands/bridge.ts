import { Command, InvalidArgumentError } from "commander";
import { Contract, formatUnits, JsonRpcProvider, NonceManager, parseUnits } from "ethers";
import { claimWithdrawals } from "../../bridge/claims.ts";
import { ROLLUP_ABI } from "../../contracts/client/rollup-abi.ts";
import { checkAccountKey } from "../../protocol/babyjub.ts";
import { ErrorCode, OpenLedgerError } from "../../protocol/errors.ts";
import { deriveL2Key } from "../../protocol/keys.ts";
import { OpenLedgerProvider } from "../../sdk/provider.ts";
import {
  chainOptions,
  domainFrom,
  ethKeyOptions,
  intArg,
  loadEthWallet,
  output,
  rpcOption,
} from "./common.ts";

const TOKEN_ABI = [
  "function allowance(address owner, address spender) view returns (uint256)",
  "function approve(address spender, uint256 amount) returns (bool)",
] as const;

function l1Option(cmd: Command): Command {
  return cmd.option("--l1 <url>", "L1 JSON-RPC endpoint", "http://127.0.0.1:8545");
}

function amountArg(value: string): bigint {
  try {
    const v = parseUnits(value, 18);
    if (v <= 0n) throw new Error();
    return v;
  } catch {
    throw new InvalidArgumentError(`expected a positive number of OPEN, got "${value}"`);
  }
}

/** `openledger bridge deposit|claim`: moving OPEN between L1 and L2. */
export function bridgeCommand(): Command {
  const bridge = new Command("bridge").description("move OPEN between L1 and the rollup");

  bridge.addCommand(
    l1Option(ethKeyOptions(chainOptions(new Command("deposit"))))
      .description("lock OPEN in the rollup on L1; L2 credits it once the sequencer relays the deposit")
      .requiredOption("--amount <open>", "OPEN to deposit (decimal, 18 decimals)", amountArg)
      .option("--to <account>", "L2 account to credit; 0 opens a new account for your L2 key", intArg, 0)
      .option("--json", "print JSON", false)
      .action(async (o) => {
        const domain = domainFrom(o);
        const provider = new JsonRpcProvider(o.l1, undefined, { staticNetwork: true });
        try {
          const wallet = loadEthWallet(o).connect(provider);
          const key = await deriveL2Key(wallet, domain, o.keyIndex);
          // The rollup refuses a key that is off the curve or of small order: say so before paying gas.
          checkAccountKey(key.publicKey);
          // Approve then deposit back to back: count nonces locally rather than trust the node's
          // pending count, which can lag right after a block (seen on the devnet's EDR chain).
          const sender = new NonceManager(wallet);
          const rollupAbi = [...ROLLUP_ABI, "function token() view returns (address)"];
          const rollup = new Contract(domain.rollup, rollupAbi, sender);
          const token = new Contract(await rollup.token!(), TOKEN_ABI, sender);
          // The deposit and the rollup's queue fee (docs/contracts.md).
          const total = o.amount + (await rollup.queueFee!());
          if ((await token.allowance!(wallet.address, domain.rollup)) < total) {
            await (await token.approve!(domain.rollup, total)).wait();
          }
          const tx = await rollup.deposit!(o.to, key.publicKey.x, key.publicKey.y, o.amount);
          const receipt = await tx.wait();
          const event = receipt.logs
            .map((l: { topics: string[]; data: string }) => rollup.interface.parseLog(l))
            .find((e: { name?: string } | null) => e?.name === "OperationQueued");
          const result = {
            l1TxHash: tx.hash as string,
            queueIndex: event ? BigInt(event.args.index) : undefined,
            amount: o.amount as bigint,
            to: o.to as number,
          };
          output(o.json, result, () =>
            [
              `deposited ${formatUnits(o.amount, 18)} OPEN in ${result.l1TxHash}`,
              `queue index ${result.queueIndex}; ${o.to === 0 ? "a new L2 account opens for your key" : `credits account ${o.to}`} once the sequencer relays it`,
            ].join("\n"),
          );
        } finally {
          provider.destroy();
        }
      }),
  );

  bridge.addCommand(
    rpcOption(l1Option(ethKeyOptions(chainOptions(new Command("claim")))))
      .description("pay out on L1 the withdrawals of a finalized batch (yours, or all with --all)")
      .requiredOption("--batch <n>", "batch number", intArg)
      .option("--all", "claim every withdrawal of the batch, not only those paying your address", false)
      .option("--json", "print JSON", false)
      .action(async (o) => {
        const domain = domainFrom(o);
        const provider = new JsonRpcProvider(o.l1, undefined, { staticNetwork: true });
        try {
          const wallet = loadEthWallet(o).connect(provider);
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
          const claimed = await claimWithdrawals(
            domain.rollup,
            wallet,
            o.batch,
            withdrawals,
            o.all ? {} : { recipient: wallet.address },
          );
          output(o.json, claimed, () =>
            claimed.length === 0
              ? `batch ${o.batch} pays nothing to ${wallet.address}`
              : claimed
                  .map(
                    (c) =>
                      `leaf ${c.leafIndex}: ${formatUnits(c.amount, 18)} OPEN to ${c.recipient} ${c.l1TxHash ? `claimed in ${c.l1TxHash}` : "(already claimed)"}`,
                  )
                  .join("\n"),
          );
        } finally {
          provider.destroy();
        }
      }),
  );
  return bridge;
}
