/**
 * Datanets, curation and the license rule in the state transition (docs/protocol.md sections
 * 7.1 to 7.3): each refusal with its code and the state left as it was.
 */
import { describe, expect, it } from "vitest";
import { derivePublicKey } from "../eddsa.ts";
import { ErrorCode } from "../errors.ts";
import { licensePolicy } from "../licenses.ts";
import { TEST_PARAMS } from "../params.ts";
import { codeOf, TEST_GOVERNANCE, TEST_L1_ADDRESS } from "../testing.ts";
import { signTx } from "../tx/sign.ts";
import {
  type CreateDatanet,
  CurationMode,
  type L2Tx,
  type RegisterContribution,
  type RegisterModel,
  TxType,
} from "../tx/types.ts";
import { applyTx } from "./apply.ts";
import { beginBatch, type OpenBatch } from "./batch.ts";
import { ContributionStatus } from "./leaves.ts";
import { RollupState } from "./state.ts";

const domain = { chainId: 31337n, rollup: "0x5FbDB2315678afecb367f032d93F642f64180aa3" };
const keys = [1, 2, 3, 4].map((s) => Uint8Array.from({ length: 32 }, (_, i) => (s * 13 + i) & 0xff));
const FUNDS = 10n ** 6n;
/** An L2 transaction without nonce and fee, which `send` fills (Omit over each type of the union). */
type Unsigned = L2Tx extends infer T ? (T extends L2Tx ? Omit<T, "nonce" | "fee"> : never) : never;

/** Accounts 1 to 4 funded; account 1 staked for models. Sends sign with the sender's key and next nonce. */
function setup() {
  const state = new RollupState({ domain, params: TEST_PARAMS, governance: TEST_GOVERNANCE });
  const batch: OpenBatch = beginBatch(state);
  keys.forEach((key, i) =>
    applyTx(state, batch, {
      type: TxType.Deposit,
      queueIndex: BigInt(i),
      l1Sender: TEST_L1_ADDRESS,
      to: 0,
      publicKey: derivePublicKey(key),
      amount: FUNDS,
    }),
  );
  const signed = (tx: Unsigned) =>
    signTx(
      { ...tx, nonce: state.accounts.get(tx.from)!.nonce, fee: 1n } as L2Tx,
      keys[tx.from - 1]!,
      domain,
      TEST_PARAMS,
    );
  const send = (tx: Unsigned) => applyTx(state, batch, signed(tx)).receipt;
  /** The code `tx` is refused with; the state root must not move. */
  const refusal = (tx: Unsigned) => {
    const before = state.root();
    const code = codeOf(() => applyTx(state, batch, signed(tx)));
    expect(state.root()).toBe(before);
    return code;
  };
  send({ type: TxType.Stake, from: 1, amount: 5000n });
  return { state, send, refusal };
}

type Create = Omit<CreateDatanet, "nonce" | "fee">;
type Contribute = Omit<RegisterContribution, "nonce" | "fee">;
type Model = Omit<RegisterModel, "nonce" | "fee">;

/** Curated by accounts 3 and 4, CC-BY and CC-BY-NC admitted, minimum stake 300. */
const curated: Create = {
  type: TxType.CreateDatanet,
  from: 1,
  metadataHash: 42n,
  licensePolicy: licensePolicy(["CC-BY-4.0", "CC-BY-NC-4.0", "CC-BY-ND-4.0"]),
  curationMode: CurationMode.Curated,
  curators: [3, 4],
  minStake: 300n,
};
const open: Create = { ...curated, curationMode: CurationMode.Open, curators: [] };

let roots = 1000n;
const contribute = (datanet: number, p: Partial<Contribute> = {}): Contribute => ({
  type: TxType.RegisterContribution,
  from: 2,
  datanet,
  contentRoot: roots++,
  rowCount: 10,
  license: 2,
  uriCommitment: 5n,
  stake: 400n,
  ...p,
});
const model = (contributions: number[], p: Partial<Model> = {}): Model => ({
  type: TxType.RegisterModel,
  from: 1,
  modelHash: 7n,
  trainingConfigHash: 8n,
  contributions,
  checkpointCommitment: 9n,
  inferenceFee: 50n,
  baseModel: 0,
  ...p,
});

describe("Datanets", () => {
  it("a curated Datanet holds contributions pending until a curator accepts one", () => {
    const { state, send } = setup();
    expect(send(curated).created).toEqual({ registry: "datanet", id: 1 });
    expect(state.datanets.get(1)).toMatchObject({ owner: 1, curators: [3, 4], minStake: 300n });
    send(contribute(1));
    expect(state.contributions.get(1)).toMatchObject({ status: ContributionStatus.Pending, stake: 400n });
    const owner = state.accounts.get(2)!.balance;
    expect(send({ type: TxType.Curate, from: 4, contribution: 1, accept: true }).curated).toEqual({
      owner: 2,
      refund: 0n,
    });
    expect(state.contributions.get(1)).toMatchObject({ status: ContributionStatus.Accepted, stake: 400n });
    expect(state.accounts.get(2)!.balance).toBe(owner);
  });

  it("a rejected contribution is marked rejected and its stake goes back to its owner's balance", () => {
    const { state, send } = setup();
    send(curated);
    send(contribute(1, { stake: 450n }));
    const owner = state.accounts.get(2)!.balance;
    const curator = state.accounts.get(3)!.balance;
    expect(send({ type: TxType.Curate, from: 3, contribution: 1, accept: false }).curated).toEqual({
      owner: 2,
      refund: 450n,
    });
    expect(state.contributions.get(1)).toMatchObject({ status: ContributionStatus.Rejected, stake: 0n });
    expect(state.accounts.get(2)!.balance).toBe(owner + 450n);
    expect(state.accounts.get(3)!.balance).toBe(curator - 1n);
  });

  it("an open Datanet accepts a contribution at once; nobody curates it", () => {
    const { state, send, refusal } = setup();
    send(open);
    send(contribute(1));
    expect(state.contributions.get(1)!.status).toBe(ContributionStatus.Accepted);
    expect(refusal({ type: TxType.Curate, from: 3, contribution: 1, accept: false })).toBe(
      ErrorCode.NotCurator,
    );
  });

  it("only a curator of the contribution's Datanet curates, never its own, only a pending one", () => {
    const { send, refusal } = setup();
    send(curated);
    send({ ...curated, curators: [2] });
    send(contribute(1));
    // Account 2 curates Datanet 2, not Datanet 1; account 1 owns Datanet 1 but does not curate it.
    expect(refusal({ type: TxType.Curate, from: 2, contribution: 1, accept: true })).toBe(
      ErrorCode.NotCurator,
    );
    expect(refusal({ type: TxType.Curate, from: 1, contribution: 1, accept: true })).toBe(
      ErrorCode.NotCurator,
    );
    send(contribute(2));
    expect(refusal({ type: TxType.Curate, from: 2, contribution: 2, accept: true })).toBe(
      ErrorCode.NotCurator,
    );
    expect(refusal({ type: TxType.Curate, from: 3, contribution: 9, accept: true })).toBe(
      ErrorCode.UnknownContribution,
    );
    send({ type: TxType.Curate, from: 3, contribution: 1, accept: true });
    expect(refusal({ type: TxType.Curate, from: 4, contribution: 1, accept: false })).toBe(
      ErrorCode.NotPending,
    );
    send(contribute(1));
    send({ type: TxType.Curate, from: 4, contribution: 3, accept: false });
    expect(refusal({ type: TxType.Curate, from: 3, contribution: 3, accept: true })).toBe(
      ErrorCode.NotPending,
    );
  });

  it("a contribution names an existing Datanet, stakes its minimum and carries a license it admits", () => {
    const { send, refusal } = setup();
    expect(refusal(contribute(1))).toBe(ErrorCode.UnknownDatanet);
    send(curated);
    expect(refusal(contribute(2))).toBe(ErrorCode.UnknownDatanet);
    // The Datanet's minimum (300) is above the global one (100).
    expect(refusal(contribute(1, { stake: 299n }))).toBe(ErrorCode.InsufficientStake);
    // CC0 (1) is a known license the policy does not admit; 11 and 0 are no license.
    expect(refusal(contribute(1, { license: 1 }))).toBe(ErrorCode.LicenseNotAllowed);
    expect(refusal(contribute(1, { license: 11 }))).toBe(ErrorCode.LicenseNotAllowed);
    expect(refusal(contribute(1, { license: 0 }))).toBe(ErrorCode.LicenseNotAllowed);
    send(contribute(1, { stake: 300n }));
    // A Datanet asking less than the global minimum does not lower it.
    send({ ...open, minStake: 10n });
    expect(refusal(contribute(2, { stake: 99n }))).toBe(ErrorCode.InsufficientStake);
  });

  it("a Datanet's curators match its mode and exist; its policy admits known licenses only", () => {
    const { refusal } = setup();
    expect(refusal({ ...curated, curators: [] })).toBe(ErrorCode.InvalidTransaction);
    expect(refusal({ ...open, curators: [3] })).toBe(ErrorCode.InvalidTransaction);
    expect(refusal({ ...curated, curators: [3, 5] })).toBe(ErrorCode.UnknownAccount);
    expect(refusal({ ...curated, licensePolicy: 0 })).toBe(ErrorCode.LicenseNotAllowed);
    expect(refusal({ ...curated, licensePolicy: 1 << 11 })).toBe(ErrorCode.LicenseNotAllowed);
    expect(refusal({ ...curated, licensePolicy: 1 })).toBe(ErrorCode.LicenseNotAllowed);
  });

  it("a contentRoot registered by a contribution standing is refused; a rejection frees it", () => {
    const { send, refusal } = setup();
    send(curated);
    send(open);
    send(contribute(1, { contentRoot: 5n }));
    // Also in another Datanet, and also while the first is pending.
    expect(refusal(contribute(2, { contentRoot: 5n }))).toBe(ErrorCode.DuplicateContent);
    send({ type: TxType.Curate, from: 3, contribution: 1, accept: false });
    expect(send(contribute(2, { contentRoot: 5n })).created).toEqual({ registry: "contribution", id: 2 });
    expect(refusal(contribute(1, { contentRoot: 5n }))).toBe(ErrorCode.DuplicateContent);
  });
});

describe("the license rule (docs/protocol.md section 7.2)", () => {
  it("a model names accepted contributions only: pending and rejected ones are refused", () => {
    const { send, refusal } = setup();
    send(curated);
    send(contribute(1));
    expect(refusal(model([1]))).toBe(ErrorCode.ContributionNotAccepted);
    send(contribute(1));
    send({ type: TxType.Curate, from: 3, contribution: 2, accept: false });
    expect(refusal(model([2]))).toBe(ErrorCode.ContributionNotAccepted);
    send({ type: TxType.Curate, from: 3, contribution: 1, accept: true });
    expect(refusal(model([1, 2]))).toBe(ErrorCode.ContributionNotAccepted);
    expect(send(model([1])).created).toEqual({ registry: "model", id: 1 });
  });

  it("non-commercial data trains no model served for a fee, nor a paid fine-tune of one", () => {
    const { send, refusal } = setup();
    send(open);
    send(contribute(1, { license: 4 })); // CC-BY-NC-4.0
    send(contribute(1, { license: 2 })); // CC-BY-4.0
    expect(refusal(model([1]))).toBe(ErrorCode.LicenseForbids);
    expect(refusal(model([1, 2]))).toBe(ErrorCode.LicenseForbids);
    send(model([1, 2], { inferenceFee: 0n }));
    // A free fine-tune of it is allowed (NC permits derivatives); a paid one is not.
    expect(refusal(model([2], { baseModel: 1 }))).toBe(ErrorCode.LicenseForbids);
    send(model([2], { baseModel: 1, inferenceFee: 0n }));
    // Nor two levels down.
    expect(refusal(model([2], { baseModel: 2 }))).toBe(ErrorCode.LicenseForbids);
    send(model([2]));
  });

  it("no-derivatives data trains a model that cannot be fine-tuned", () => {
    const { send, refusal } = setup();
    send(open);
    send(contribute(1, { license: 6 })); // CC-BY-ND-4.0
    send(contribute(1, { license: 2 }));
    send(model([1]));
    expect(refusal(model([2], { baseModel: 1 }))).toBe(ErrorCode.LicenseForbids);
    expect(refusal(model([2], { baseModel: 1, inferenceFee: 0n }))).toBe(ErrorCode.LicenseForbids);
    send(model([2]));
    send(model([2], { baseModel: 2 }));
  });
});
