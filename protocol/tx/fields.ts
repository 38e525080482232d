import { addressToField, type Domain, domainHash } from "../domain.ts";
import { ErrorCode, OpenLedgerError } from "../errors.ts";
import { checkUint, type Field, toField } from "../field.ts";
import type { ProtocolParams } from "../params.ts";
import { poseidon } from "../poseidon.ts";
import { SparseMerkleTree } from "../smt.ts";
import { CurationMode, isQueueOp, MAX_CURATORS, type Tx, TxType } from "./types.ts";

/** Every transaction is 10 field elements: [type, from, nonce, fee, payload × 6]. */
export const TX_FIELDS = 10;

/**
 * The transaction's field elements in the order docs/protocol.md ("Transactions") lists
 * them. The circuit reads the same vector, so this is the one place their order is defined.
 */
export function txFields(tx: Tx, params: ProtocolParams): Field[] {
  checkRanges(tx);
  const head = (payload: Field[]): Field[] => {
    const padded = [...payload, ...new Array<Field>(TX_FIELDS - 4 - payload.length).fill(0n)];
    if (isQueueOp(tx)) return [BigInt(tx.type), 0n, 0n, 0n, ...padded];
    return [BigInt(tx.type), BigInt(tx.from), BigInt(tx.nonce), tx.fee, ...padded];
  };
  switch (tx.type) {
    case TxType.Transfer:
      return head([BigInt(tx.to), tx.amount]);
    case TxType.Withdraw:
      return head([tx.amount, addressToField(tx.recipient)]);
    case TxType.Stake:
    case TxType.Unstake:
      return head([tx.amount]);
    case TxType.RegisterContribution:
      return head([
        BigInt(tx.datanet),
        toField(tx.contentRoot, "contentRoot"),
        BigInt(tx.rowCount),
        BigInt(tx.license),
        toField(tx.uriCommitment, "uriCommitment"),
        tx.stake,
      ]);
    case TxType.RegisterModel:
      return head([
        toField(tx.modelHash, "modelHash"),
        trainingDescriptor(tx.trainingConfigHash, tx.contributions, params),
        toField(tx.checkpointCommitment, "checkpointCommitment"),
        tx.inferenceFee,
        BigInt(tx.baseModel),
      ]);
    case TxType.Inference:
      return head([
        BigInt(tx.model),
        toField(tx.inputHash, "inputHash"),
        toField(tx.outputHash, "outputHash"),
        toField(tx.featureCommitment, "featureCommitment"),
        tx.payment,
      ]);
    case TxType.CreateDatanet:
      return head([
        toField(tx.metadataHash, "metadataHash"),
        BigInt(tx.licensePolicy),
        BigInt(tx.curationMode),
        packCurators(tx.curators),
        tx.minStake,
      ]);
    case TxType.Curate:
      return head([BigInt(tx.contribution), tx.accept ? 1n : 0n]);
    case TxType.Deposit:
      return head([
        tx.queueIndex,
        addressToField(tx.l1Sender),
        BigInt(tx.to),
        toField(tx.publicKey.x, "publicKey.x"),
        toField(tx.publicKey.y, "publicKey.y"),
        tx.amount,
      ]);
    case TxType.ForcedWithdrawal:
      return head([tx.queueIndex, addressToField(tx.l1Sender), BigInt(tx.account), tx.amount]);
    case TxType.SetParameter:
      return head([tx.queueIndex, BigInt(tx.paramId), toField(tx.value, "value")]);
    case TxType.Slash:
      return head([tx.queueIndex, BigInt(tx.account), tx.amount]);
  }
}

/**
 * The message an L2 key signs: Poseidon(domainHash, header, p0..p5), the header packing
 * type, from, nonce and fee (u8, u32, u32, u96) into one field element:
 * type + from·2^8 + nonce·2^40 + fee·2^72. Eight inputs instead of twelve: about a hundred
 * constraints fewer per transaction in the batch circuit (docs/protocol.md section 5.2).
 */
export function txHash(tx: Tx, domain: Domain, params: ProtocolParams): Field {
  return hashTxFields(txFields(tx, params), domain);
}

/** txHash of fields as `txFields` gives them, unchecked (tests sign fields no transaction has). */
export function hashTxFields(fields: readonly Field[], domain: Domain): Field {
  const [type, from, nonce, fee, ...payload] = fields;
  const header = type! + (from! << 8n) + (nonce! << 40n) + (fee! << 72n);
  return poseidon([domainHash(domain), header, ...payload]);
}

/**
 * Root of the model's training-set tree, slot j holding the j-th contribution id. The ids are
 * strictly increasing, so a set has one tree, no id is named twice, and the last is the
 * largest (what the batch circuit checks against the contributions count).
 */
export function trainingSetRoot(contributions: readonly number[], params: ProtocolParams): Field {
  const tree = new SparseMerkleTree(params.trainingSet);
  const cap = BigInt(params.trainingSet.arity) ** BigInt(params.trainingSet.depth);
  if (contributions.length === 0 || BigInt(contributions.length) > cap) {
    throw new OpenLedgerError(
      ErrorCode.InvalidEncoding,
      `a model names between 1 and ${cap} training contributions, got ${contributions.length}`,
    );
  }
  contributions.forEach((id, j) => {
    if (!Number.isInteger(id) || id < 1 || id >= 2 ** 32) {
      throw new OpenLedgerError(
        ErrorCode.InvalidEncoding,
        `training contribution id ${id} is not a u32 >= 1`,
      );
    }
    if (j > 0 && id <= contributions[j - 1]!) {
      throw new OpenLedgerError(
        ErrorCode.InvalidEncoding,
        `training contribution ids must be strictly increasing: ${id} follows ${contributions[j - 1]}`,
      );
    }
    tree.set(BigInt(j), BigInt(id));
  });
  return tree.root;
}

/**
 * Poseidon(trainingConfigHash, trainingSetRoot, maxId), maxId the largest (last) id: what the
 * model leaf stores. The batch circuit, which never sees the list, proves through maxId that
 * every named contribution exists (ids run from 1 and are never removed).
 */
export function trainingDescriptor(
  configHash: Field,
  contributions: readonly number[],
  params: ProtocolParams,
): Field {
  const root = trainingSetRoot(contributions, params);
  return poseidon([toField(configHash, "trainingConfigHash"), root, BigInt(contributions.at(-1)!)]);
}

/**
 * A Datanet's curators as one field element: curator k (from 0) in bits 32k..32k+31, empty
 * places 0. The circuit splits it back into MAX_CURATORS u32 words to find a curate's sender.
 */
export function packCurators(curators: readonly number[]): Field {
  if (curators.length > MAX_CURATORS) {
    throw new OpenLedgerError(
      ErrorCode.InvalidEncoding,
      `a Datanet has at most ${MAX_CURATORS} curators, got ${curators.length}`,
    );
  }
  curators.forEach((id, k) => {
    if (!Number.isInteger(id) || id < 1 || id >= 2 ** 32) {
      throw new OpenLedgerError(ErrorCode.InvalidEncoding, `curator ${id} is not an account id (u32 >= 1)`);
    }
    if (k > 0 && id <= curators[k - 1]!) {
      throw new OpenLedgerError(
        ErrorCode.InvalidEncoding,
        `curator ids must be strictly increasing: ${id} follows ${curators[k - 1]}`,
      );
    }
  });
  return curators.reduce((w, id, k) => w | (BigInt(id) << BigInt(32 * k)), 0n);
}

function u32(x: number, what: string): void {
  if (!Number.isInteger(x) || x < 0 || x >= 2 ** 32) {
    throw new OpenLedgerError(ErrorCode.InvalidField, `${what} must be an unsigned 32-bit integer`);
  }
}

function checkRanges(tx: Tx): void {
  if (isQueueOp(tx)) {
    checkUint(tx.queueIndex, 64, "queueIndex");
    if (tx.type === TxType.SetParameter) u32(tx.paramId, "paramId");
    else u32(tx.type === TxType.Deposit ? tx.to : tx.account, "account");
    if (tx.type !== TxType.SetParameter) checkUint(tx.amount, 96, "amount");
    return;
  }
  u32(tx.from, "from");
  u32(tx.nonce, "nonce");
  checkUint(tx.fee, 96, "fee");
  switch (tx.type) {
    case TxType.Transfer:
      u32(tx.to, "to");
      checkUint(tx.amount, 96, "amount");
      return;
    case TxType.Withdraw:
    case TxType.Stake:
    case TxType.Unstake:
      checkUint(tx.amount, 96, "amount");
      return;
    case TxType.RegisterContribution:
      u32(tx.datanet, "datanet");
      u32(tx.rowCount, "rowCount");
      if (!Number.isInteger(tx.license) || tx.license < 0 || tx.license >= 2 ** 16) {
        throw new OpenLedgerError(ErrorCode.InvalidField, "license must be an unsigned 16-bit integer");
      }
      checkUint(tx.stake, 96, "stake");
      return;
    case TxType.RegisterModel:
      u32(tx.baseModel, "baseModel");
      checkUint(tx.inferenceFee, 96, "inferenceFee");
      return;
    case TxType.Inference:
      u32(tx.model, "model");
      checkUint(tx.payment, 96, "payment");
      return;
    case TxType.CreateDatanet:
      u32(tx.licensePolicy, "licensePolicy");
      if (tx.curationMode !== CurationMode.Open && tx.curationMode !== CurationMode.Curated) {
        throw new OpenLedgerError(ErrorCode.InvalidField, "curationMode is 0 (open) or 1 (curated)");
      }
      checkUint(tx.minStake, 96, "minStake");
      return;
    case TxType.Curate:
      u32(tx.contribution, "contribution");
      return;
  }
}

/** The inverse of `packCurators`: the non-zero u32 words, in order. */
export function unpackCurators(packed: Field): number[] {
  const out: number[] = [];
  for (let k = 0; k < MAX_CURATORS; k++) {
    const id = Number((packed >> BigInt(32 * k)) & 0xffffffffn);
    if (id !== 0) out.push(id);
  }
  return out;
}
