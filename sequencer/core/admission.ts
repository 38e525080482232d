import { type BatchShape } from "../../protocol/batch/layout.ts";
import { checkLayoutSupports } from "../../protocol/batch/builder.ts";
import { ErrorCode, OpenLedgerError } from "../../protocol/errors.ts";
import type { Field } from "../../protocol/field.ts";
import type { RollupState } from "../../protocol/state/state.ts";
import { peekSender } from "../../protocol/tx/codec.ts";
import type { SignedTx } from "../../protocol/tx/types.ts";
import type { TxVerifier } from "../workers/verifier.ts";

/** A transaction that passed admission: decoded, signed by its sender, payable and placeable. */
export interface Admitted {
  readonly tx: SignedTx;
  readonly txHash: Field;
}

export interface AdmissionRules {
  readonly shape: BatchShape;
  readonly minFee: bigint;
}

/**
 * The checks a transaction passes before it may execute or wait: its sender exists, its
 * signature verifies under the sender's key (on the verifier's worker threads), the batch
 * layout has room for its type, and it pays this sequencer's minimum fee. Nonces are the
 * caller's to check once it holds the state again (the signature check awaits).
 */
export async function admit(
  raw: Uint8Array,
  state: RollupState,
  verifier: TxVerifier,
  rules: AdmissionRules,
): Promise<Admitted> {
  const from = peekSender(raw);
  const sender = state.accounts.get(from);
  if (!sender) throw new OpenLedgerError(ErrorCode.UnknownAccount, `sender account ${from} does not exist`);
  const checked = await verifier.verify({ raw, sender: from, publicKey: sender.publicKey });
  if (!checked.ok) throw new OpenLedgerError(checked.code, checked.message);
  const { tx, txHash, valid } = checked;
  if (!valid) {
    throw new OpenLedgerError(
      ErrorCode.InvalidSignature,
      `signature does not verify under account ${tx.from}'s key`,
    );
  }
  checkLayoutSupports(rules.shape, tx.type);
  if (tx.fee < rules.minFee) {
    throw new OpenLedgerError(
      ErrorCode.FeeTooLow,
      `fee ${tx.fee} is below this sequencer's minimum ${rules.minFee}`,
    );
  }
  return { tx, txHash };
}
