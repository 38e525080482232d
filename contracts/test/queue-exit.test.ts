import { randomBytes } from "node:crypto";
import type { Contract } from "ethers";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BASE8, checkAccountKey, Point, toAffine } from "../../protocol/babyjub.ts";
import { OpenLedgerError } from "../../protocol/errors.ts";
import { FIELD_MODULUS } from "../../protocol/field.ts";
import { poseidon } from "../../protocol/poseidon.ts";
import { rootFromProof } from "../../protocol/smt.ts";
import { queueOpHash } from "../../protocol/state/apply.ts";
import { registriesHash } from "../../protocol/state/leaves.ts";
import { RollupState } from "../../protocol/state/state.ts";
import { terminateSnarkjsCurve } from "../../circuits/runtime/snarkjs-curve.ts";
import { rootsArg } from "../client/batch-roots.ts";
import { commitBatch, hex32, nextBatch, rootsArgOf, rootsOf, type TestBatch } from "./batch-helpers.ts";
import { advanceTime, deploySystem, prepareArtifacts, proveStub, type System } from "./fixture.ts";

const KEY = BASE8;

describe("Rollup: priority queue, freeze on an expired operation, exits and refunds", () => {
  let s: System;
  let rollup: Contract;
  let alice: string;
  let bob: string;
  let state: RollupState;
  /** The last batch committed and proven: freeze takes its roots. */
  let finalized: TestBatch;

  const deposit = async (who: System["alice"], to: number, amount: bigint) => {
    await (await s.tokenAs(who).getFunction("approve")(rollup.target, amount)).wait();
    return (await s.rollupAs(who).getFunction("deposit")(to, KEY.x, KEY.y, amount)).wait();
  };
  const commitAndProve = async (postStateRoot: bigint, queueEnd: bigint) => {
    const b = await nextBatch(rollup, { postStateRoot, queueEnd });
    await (await commitBatch(s.rollupAs(s.sequencer), b)).wait();
    const proof = await proveStub(
      s.circuit,
      await rollup.getFunction("proofInputOf")(b.batchIndex, await s.prover.getAddress()),
    );
    await (await s.rollupAs(s.prover).getFunction("proveBatch")(b.batchIndex, 1, proof)).wait();
    finalized = b;
  };
  const freeze = (who = s.bob, roots = rootsArgOf(finalized)) => s.rollupAs(who).getFunction("freeze")(roots);
  const accountProof = (id: number) => {
    const account = state.accounts.get(id)!;
    const proof = state.proof("accounts", id);
    const leaf = {
      publicKeyX: account.publicKey.x,
      publicKeyY: account.publicKey.y,
      l1Address: BigInt(account.l1Address),
      packed: account.balance | (BigInt(account.nonce) << 96n) | (account.staked << 128n),
    };
    return {
      leaf,
      siblings: proof.siblings.map((level) => [...level]),
      registries: registriesHash(state.roots()),
    };
  };

  beforeAll(async () => {
    s = await deploySystem(await prepareArtifacts());
    rollup = s.d.rollup;
    alice = await s.alice.getAddress();
    bob = await s.bob.getAddress();
    const chainId = BigInt(s.d.file.chainId);
    state = new RollupState({
      domain: { chainId, rollup: String(rollup.target) },
      params: s.config.protocol,
      governance: s.config.governance,
    });
  });
  afterAll(terminateSnarkjsCurve);

  it("starts from the same genesis root as the sequencer's RollupState", () => {
    expect(hex32(state.root())).toBe(s.d.file.genesisStateRoot);
  });

  it("Poseidon on chain equals protocol/poseidon.ts (2, 3, 4, 5 and 8 inputs)", async () => {
    const lib = (name: "poseidonT3" | "poseidonT4" | "poseidonT5" | "poseidonT6", n: number) =>
      new s.ethers.Contract(
        s.d.file.contracts[name],
        [`function hash(uint256[${n}]) pure returns (uint256)`],
        s.deployer,
      );
    const inputs = [1n, 2n, 3n, 4n, 5n, 6n, 7n, 8n].map((x) => x * 0x1234567890abcdefn);
    for (const [name, n] of [
      ["poseidonT3", 2],
      ["poseidonT4", 3],
      ["poseidonT5", 4],
      ["poseidonT6", 5],
    ] as const) {
      expect(await lib(name, n).getFunction("hash")(inputs.slice(0, n))).toBe(poseidon(inputs.slice(0, n)));
    }
    // The generated PoseidonT9 (contracts/tools/poseidon-library.ts) hashes whole paths: a path
    // of one level at slot 0 is the hash of its 8 inputs. On random field elements, zeros, p - 1,
    // the inputs above and values past the field.
    const c = s.d.file.contracts;
    const data = [c.poseidonT9Data0, c.poseidonT9Data1];
    const t9 = new s.ethers.Contract(
      c.poseidonT9,
      [
        "function root(address[2], uint256, uint256, uint256[7][]) view returns (uint256)",
        "error WrongConstants(address data)",
      ],
      s.deployer,
    );
    const root = t9.getFunction("root");
    const hash8 = (x: bigint[]) => root(data, x[0]!, 0n, [x.slice(1)]);
    const random = () => BigInt(`0x${randomBytes(32).toString("hex")}`) % FIELD_MODULUS;
    const cases = [
      inputs,
      Array<bigint>(8).fill(0n),
      Array<bigint>(8).fill(FIELD_MODULUS - 1n),
      ...Array.from({ length: 12 }, () => Array.from({ length: 8 }, random)),
    ];
    for (const x of cases) expect(await hash8(x)).toBe(poseidon(x));
    // Inputs past the field are taken mod p (the rollup refuses them before hashing).
    const unreduced = Array.from({ length: 8 }, (_, i) => 2n ** 256n - 1n - BigInt(i));
    expect(await hash8(unreduced)).toBe(poseidon(unreduced.map((x) => x % FIELD_MODULUS)));
    // Paths of every depth up to the production tree's, at random indices.
    for (let depth = 1; depth <= 8; depth++) {
      const index = BigInt(`0x${randomBytes(4).toString("hex")}`) % 8n ** BigInt(depth);
      const leaf = random();
      const siblings = Array.from({ length: depth }, () => Array.from({ length: 7 }, random));
      expect(await root(data, leaf, index, siblings)).toBe(
        rootFromProof({ arity: 8, depth }, index, leaf, siblings),
      );
    }
    // Constants from any other code are refused, not hashed with.
    // (EDR's message for a library's revert is misleading: compare the revert data.)
    await expect(root([data[1], data[0]], 1n, 0n, [inputs.slice(1)])).rejects.toMatchObject({
      data: t9.interface.encodeErrorResult("WrongConstants", [data[1]]),
    });
  });

  it("queues a deposit with the rolling hash of protocol/state/apply.ts", async () => {
    await deposit(s.alice, 0, 1000n);
    const expected = queueOpHash(0n, {
      type: 8,
      queueIndex: 0n,
      l1Sender: alice,
      to: 0,
      publicKey: KEY,
      amount: 1000n,
    });
    expect(await rollup.getFunction("queueHashAt")(1n)).toBe(expected);
    expect(await rollup.getFunction("queueLength")()).toBe(1n);
  });

  it("refuses deposits of 0 or with a public key outside the field, and forced withdrawals of account 0", async () => {
    const r = s.rollupAs(s.alice);
    await expect(r.getFunction("deposit")(0, KEY.x, KEY.y, 0n)).rejects.toThrow(/ZeroAmount/);
    await expect(r.getFunction("deposit")(0, 2n ** 254n, KEY.y, 1n)).rejects.toThrow(/NotAFieldElement/);
    await expect(r.getFunction("forceWithdrawal")(0, 5n)).rejects.toThrow(/NoAccount/);
  });

  it("refuses a deposit key off the curve or of small order, as the sequencer's check does", async () => {
    const r = s.rollupAs(s.alice);
    await (await s.tokenAs(s.alice).getFunction("approve")(rollup.target, 10n)).wait();
    // (5, 7) is not on the curve; (0, 1) is the identity; t8 has order 8, 2·t8 order 4, 4·t8 order 2.
    const t8 = Point.fromAffine({
      x: 17545522957889784193459637215142187266023652151580582754000402781682644312291n,
      y: 4826523245007015323400664741523384119579596407052839571721035538011798951543n,
    });
    const bad = [
      { x: 5n, y: 7n },
      { x: 0n, y: 1n },
      ...[t8, t8.double(), t8.double().double()].map(toAffine),
    ];
    for (const k of bad) {
      await expect(r.getFunction("deposit")(0, k.x, k.y, 1n)).rejects.toThrow(/InvalidAccountKey/);
      expect(() => checkAccountKey(k)).toThrow(OpenLedgerError);
    }
    // The refused deposits queued nothing.
    expect(await rollup.getFunction("queueLength")()).toBe(1n);
  });

  it("accepts governance orders only from the parameters registry", async () => {
    await expect(s.rollupAs(s.alice).getFunction("enqueueGovernanceOrder")(3, 1, 0, 20n)).rejects.toThrow(
      /NotParamsRegistry/,
    );
  });

  it("a batch that consumes the queue before its deadline leaves nothing to freeze", async () => {
    state.setAccount(1, { publicKey: KEY, l1Address: alice, balance: 980n, nonce: 3, staked: 20n });
    state.setAccount(2, { publicKey: KEY, l1Address: bob, balance: 0n, nonce: 0, staked: 0n });
    await commitAndProve(state.root(), 1n);
    await advanceTime(s, s.config.l1.queueDeadlineSeconds + 10n);
    await expect(freeze()).rejects.toThrow(/NothingExpired/);
  });

  it("refuses exits and refunds while the rollup is live", async () => {
    const p = accountProof(1);
    await expect(rollup.getFunction("exit")(1, p.leaf, p.siblings, p.registries)).rejects.toThrow(
      /NotFrozen/,
    );
    await expect(rollup.getFunction("refundDeposit")(0, 0, alice, KEY.x, KEY.y, 1000n)).rejects.toThrow(
      /NotFrozen/,
    );
  });

  it("queues a forced withdrawal with kind 2 and the sender as w1", async () => {
    await deposit(s.alice, 1, 300n);
    await (await s.rollupAs(s.bob).getFunction("forceWithdrawal")(2, 50n)).wait();
    const h1 = await rollup.getFunction("queueHashAt")(2n);
    const header = 2n + (2n << 8n) + (50n << 40n);
    expect(await rollup.getFunction("queueHashAt")(3n)).toBe(poseidon([h1, header, BigInt(bob), 0n, 0n]));
  });

  it("refuses to freeze before the oldest pending operation's deadline", async () => {
    await expect(freeze()).rejects.toThrow(/NothingExpired/);
  });

  it("freezes once an operation expires unprocessed and slashes the sequencer's bond", async () => {
    await advanceTime(s, s.config.l1.queueDeadlineSeconds + 1n);
    const treasury = s.d.file.contracts.timelock;
    const before = await s.d.token.getFunction("balanceOf")(treasury);
    // Roots that are not the last finalized batch's (a queue end that hides the expired one).
    const lying = rootsArg({ ...rootsOf(finalized), queueEnd: 3n });
    await expect(freeze(s.bob, lying)).rejects.toThrow(/WrongBatchRoots/);
    await (await freeze()).wait();
    expect((await rollup.getFunction("head")()).frozen).toBe(true);
    // The state root exits prove against is the last finalized batch's.
    expect(BigInt(await rollup.getFunction("finalizedStateRoot")())).toBe(finalized.postStateRoot);
    const after = await s.d.token.getFunction("balanceOf")(treasury);
    expect(after - before).toBe(s.config.l1.minSequencerBond);
    await expect(freeze()).rejects.toThrow(/Frozen/);
  });

  it("stops commits, finality and new operations once frozen", async () => {
    const b = await nextBatch(rollup, { postStateRoot: 7n });
    await expect(commitBatch(s.rollupAs(s.sequencer), b)).rejects.toThrow(/Frozen|NotBondedSequencer/);
    // Nothing committed can follow, and finality stays where the freeze found it.
    await expect(s.rollupAs(s.prover).getFunction("proveBatch")(2n, 1, Array(8).fill(1n))).rejects.toThrow(
      /BatchNotProvable/,
    );
    expect(await rollup.getFunction("lastFinalizedBatch")()).toBe(1n);
    await expect(s.rollupAs(s.alice).getFunction("forceWithdrawal")(1, 5n)).rejects.toThrow(/Frozen/);
  });

  it("pays an exit (balance + stake) to the leaf's l1Address, once, whoever submits it", async () => {
    const p = accountProof(1);
    const before = await s.d.token.getFunction("balanceOf")(alice);
    await (await s.rollupAs(s.bob).getFunction("exit")(1, p.leaf, p.siblings, p.registries)).wait();
    expect((await s.d.token.getFunction("balanceOf")(alice)) - before).toBe(1000n);
    await expect(rollup.getFunction("exit")(1, p.leaf, p.siblings, p.registries)).rejects.toThrow(
      /AlreadyExited/,
    );
  });

  it("refuses an exit with a forged balance or a proof for another account", async () => {
    const p = accountProof(2);
    const forged = { ...p.leaf, packed: 10n ** 20n };
    await expect(rollup.getFunction("exit")(2, forged, p.siblings, p.registries)).rejects.toThrow(
      /InvalidAccountProof/,
    );
    await expect(rollup.getFunction("exit")(3, p.leaf, p.siblings, p.registries)).rejects.toThrow(
      /InvalidAccountProof/,
    );
  });

  it("refunds an unprocessed deposit to its sender once, whoever submits it, and never a processed one", async () => {
    const refund = (who: System["alice"], ...args: unknown[]) =>
      s.rollupAs(who).getFunction("refundDeposit")(...args);
    // A deposit alice did not send (bob named as its sender) does not hash to the queue.
    await expect(refund(s.bob, 1, 1, bob, KEY.x, KEY.y, 300n)).rejects.toThrow(/NotRefundable/);
    const before = await s.d.token.getFunction("balanceOf")(alice);
    // Bob submits it (a relayer, or a contract wallet's keeper): alice is paid.
    await (await refund(s.bob, 1, 1, alice, KEY.x, KEY.y, 300n)).wait();
    expect((await s.d.token.getFunction("balanceOf")(alice)) - before).toBe(300n);
    await expect(refund(s.alice, 1, 1, alice, KEY.x, KEY.y, 300n)).rejects.toThrow(/NotRefundable/);
    await expect(refund(s.alice, 0, 0, alice, KEY.x, KEY.y, 1000n)).rejects.toThrow(/NotRefundable/);
  });
});
