import type { Command } from "commander";
import { DEV_REWARD_CIRCUIT } from "../../contracts/deploy/config.ts";
import { CodedError, ErrorCode } from "../../protocol/errors.ts";
import type { EpochAttributor } from "../../prover/epochs/attributor.ts";
import { storeAttributor } from "../../prover/epochs/store-attributor.ts";
import { ProverError, ProverErrorCode } from "../../prover/errors.ts";
import { rewardShape } from "../../prover/node/reward-circuit.ts";
import type { L2Wallet } from "../../sdk/wallet.ts";
import { intArg, openWallet, STORE_URL, type WalletOptions } from "./common.ts";

/** What attributing epochs takes besides the chain options: the L2 account, the store, the lanes. */
export interface RewardOptions extends Omit<WalletOptions, "fee"> {
  readonly store: string;
  readonly rewardCircuit: string;
}

/**
 * The options `openledger prover` and `prover attribute` share: the prover's L2 account (its
 * key is derived from the Ethereum key, as `openledger key` derives any user's), the store and
 * the reward circuit whose lanes size each settlement. `--params` (`paramsOption`) is added by
 * the caller: the two commands default it differently.
 */
export function rewardOptions(cmd: Command): Command {
  return cmd
    .option(
      "--account <id>",
      "the prover's L2 account id (default: the one your key's deposit opened)",
      intArg,
    )
    .option("--store <url>", "the store holding the rows, models and inference records", STORE_URL)
    .option(
      "--reward-circuit <name>",
      "the RewardSettlement circuit the sequencer proves settlements with: its lanes size each settlement",
      DEV_REWARD_CIRCUIT.name,
    );
}

export interface OpenedAttributor {
  readonly attributor: EpochAttributor;
  readonly wallet: L2Wallet;
  close(): void;
}

/**
 * The attributor of the prover account the options name, over the store at `--store`. Fails
 * before any work with CANNOT_ATTRIBUTE when `--reward-circuit` names no RewardSettlement
 * circuit, the key holds no L2 account or the store does not answer; `hint` (how to run
 * without attributing) ends the message.
 */
export async function openAttributor(
  o: RewardOptions,
  log: (line: string) => void,
  hint = "",
): Promise<OpenedAttributor> {
  const [{ StoreClient }, { StoreKey }] = await Promise.all([
    import("../../store/client.ts"),
    import("../../store/identity.ts"),
  ]);
  const shape = await rewardShape(o.rewardCircuit).catch((e: unknown) => {
    throw e instanceof CodedError
      ? new ProverError(ProverErrorCode.CannotAttribute, `--reward-circuit: ${e.message}${hint}`, undefined, {
          cause: e,
        })
      : e;
  });
  let wallet: L2Wallet;
  try {
    wallet = await openWallet({ ...o, fee: "0" });
  } catch (e) {
    if (e instanceof CodedError && e.code === ErrorCode.UnknownAccount) {
      throw new ProverError(
        ProverErrorCode.CannotAttribute,
        `settlements are signed by the prover's L2 account: ${e.message}${hint}`,
        undefined,
        { cause: e },
      );
    }
    throw e;
  }
  const healthy = await fetch(`${o.store.replace(/\/+$/, "")}/health`).then(
    (r) => r.ok,
    () => false,
  );
  if (!healthy) {
    throw new ProverError(
      ProverErrorCode.CannotAttribute,
      `the store at ${o.store} does not answer: attributing needs it for models, rows and inputs (--store <url>)${hint}`,
    );
  }
  const store = new StoreClient(o.store, new StoreKey(wallet.key.privateKey));
  const attributor = storeAttributor(wallet, store, shape, log);
  return { attributor, wallet, close: () => store.close() };
}
