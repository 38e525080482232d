import { describe, expect, it } from "vitest";
import { derivePublicKey } from "../eddsa.ts";
import { OpenLedgerError } from "../errors.ts";
import { TEST_PARAMS } from "../params.ts";
import { decodeTx, encodeTx } from "./codec.ts";
import { packCurators, TX_FIELDS, txFields, txHash } from "./fields.ts";
import { signTx, verifyTx } from "./sign.ts";
import { type Deposit, type L2Tx, TxType } from "./types.ts";
import { DEV_DOMAIN } from "../genesis.ts";
import { VECTOR_TXS } from "../vectors/twins.ts";

const domain = DEV_DOMAIN;
const sk = Uint8Array.from({ length: 32 }, (_, i) => i + 1);
const pub = derivePublicKey(sk);
const common = { from: 3, nonce: 7, fee: 10n ** 15n };

// Every L2 type: the shared vectors' transactions, plus an unstake.
const SAMPLE_TXS: L2Tx[] = [...VECTOR_TXS, { type: TxType.Unstake, ...common, amount: 50n }];
const byType = <T extends L2Tx["type"]>(type: T) =>
  SAMPLE_TXS.find((t) => t.type === type)! as Extract<L2Tx, { type: T }>;

const deposit: Deposit = {
  type: TxType.Deposit,
  queueIndex: 9n,
  l1Sender: "0x70997970C51812dc3A010C7d01b50e0d17dc79C8",
  to: 0,
  publicKey: pub,
  amount: 10n ** 20n,
};

describe("transactions", () => {
  it("round-trip through the wire encoding, signed and verified", () => {
    for (const tx of SAMPLE_TXS) {
      const signed = signTx(tx, sk, domain, TEST_PARAMS);
      expect(verifyTx(signed, pub, domain, TEST_PARAMS)).toBe(true);
      const decoded = decodeTx(encodeTx(signed));
      expect(decoded).toEqual(signed);
      expect(txFields(tx, TEST_PARAMS)).toHaveLength(TX_FIELDS);
    }
    expect(decodeTx(encodeTx(deposit))).toEqual(deposit);
  });

  it("bind chain id, rollup address, nonce and every field", () => {
    const tx = byType(TxType.Transfer);
    const signed = signTx(tx, sk, domain, TEST_PARAMS);
    expect(verifyTx(signed, pub, { ...domain, chainId: 1n }, TEST_PARAMS)).toBe(false);
    expect(
      verifyTx(signed, pub, { ...domain, rollup: "0x0000000000000000000000000000000000000001" }, TEST_PARAMS),
    ).toBe(false);
    expect(verifyTx({ ...signed, nonce: 8 }, pub, domain, TEST_PARAMS)).toBe(false);
    expect(verifyTx({ ...signed, amount: signed.amount + 1n }, pub, domain, TEST_PARAMS)).toBe(false);
    expect(verifyTx(signed, derivePublicKey(new Uint8Array(32)), domain, TEST_PARAMS)).toBe(false);
    // Same fields under another type tag hash differently.
    const stake = { type: TxType.Stake, ...common, amount: 100n } as const;
    const unstake = { ...stake, type: TxType.Unstake } as const;
    expect(txHash(stake, domain, TEST_PARAMS)).not.toBe(txHash(unstake, domain, TEST_PARAMS));
  });

  it("model hashes depend on the training set", () => {
    const model = byType(TxType.RegisterModel);
    const other = { ...model, contributions: [1, 2, 6] };
    expect(txHash(model, domain, TEST_PARAMS)).not.toBe(txHash(other, domain, TEST_PARAMS));
    expect(() => txHash({ ...model, contributions: [] }, domain, TEST_PARAMS)).toThrow(/between 1 and 16/);
    expect(() => txHash({ ...model, contributions: [0] }, domain, TEST_PARAMS)).toThrow(/u32 >= 1/);
    expect(() => txHash({ ...model, contributions: [2, 1] }, domain, TEST_PARAMS)).toThrow(
      /strictly increasing/,
    );
    expect(() => txHash({ ...model, contributions: [1, 1] }, domain, TEST_PARAMS)).toThrow(
      /strictly increasing/,
    );
  });

  it("reject malformed bytes with a typed error", () => {
    const bytes = encodeTx(signTx(byType(TxType.Transfer), sk, domain, TEST_PARAMS));
    const cases: Array<[Uint8Array, RegExp]> = [
      [bytes.subarray(0, bytes.length - 1), /end early/],
      [Uint8Array.from([...bytes, 0]), /trailing/],
      [Uint8Array.from([2, ...bytes.subarray(1)]), /version/],
      [Uint8Array.from([1, 99, ...bytes.subarray(2)]), /unknown transaction type 99/],
    ];
    for (const [b, msg] of cases) {
      expect(() => decodeTx(b)).toThrow(OpenLedgerError);
      expect(() => decodeTx(b)).toThrow(msg);
    }
    // A content root at or above the field modulus is not canonical.
    const reg = encodeTx(signTx(byType(TxType.RegisterContribution), sk, domain, TEST_PARAMS));
    const tampered = Uint8Array.from(reg);
    tampered.fill(0xff, 26, 58);
    expect(() => decodeTx(tampered)).toThrow(/contentRoot is outside the BN254 scalar field/);
    // Body offsets after version, type, from, nonce, fee (22 bytes): a curate's accept byte at
    // 26; a create Datanet's mode at 58 and curator count at 59.
    const curate = encodeTx(signTx(byType(TxType.Curate), sk, domain, TEST_PARAMS));
    expect(() => decodeTx(Uint8Array.from(curate).fill(2, 26, 27))).toThrow(/accept is 0 or 1/);
    const datanet = encodeTx(signTx(byType(TxType.CreateDatanet), sk, domain, TEST_PARAMS));
    expect(() => decodeTx(Uint8Array.from(datanet).fill(2, 58, 59))).toThrow(/unknown curation mode 2/);
    expect(() => decodeTx(Uint8Array.from(datanet).fill(5, 59, 60))).toThrow(/at most 4 curators/);
  });

  it("pack a Datanet's curators canonically: at most four, strictly increasing, u32 >= 1", () => {
    const datanet = byType(TxType.CreateDatanet);
    expect(datanet.curators).toEqual([4, 9, 4_000_000_000]);
    expect(packCurators(datanet.curators)).toBe(4n + (9n << 32n) + (4_000_000_000n << 64n));
    for (const [curators, msg] of [
      [[1, 2, 3, 4, 5], /at most 4/],
      [[3, 3], /strictly increasing/],
      [[0], /u32 >= 1/],
    ] as const) {
      expect(() => txHash({ ...datanet, curators }, domain, TEST_PARAMS)).toThrow(msg);
    }
  });

  it("reject out-of-range amounts", () => {
    const tx = { ...byType(TxType.Transfer), amount: 1n << 96n } as L2Tx;
    expect(() => txHash(tx, domain, TEST_PARAMS)).toThrow(/unsigned 96-bit/);
    expect(() => txHash({ ...byType(TxType.Transfer), from: -1 } as L2Tx, domain, TEST_PARAMS)).toThrow(
      /from must be/,
    );
  });
});
