import { describe, expect, it } from "vitest";
import { actionNamed, describeCall, describeCalls, encodeAction, GOVERNED_ACTIONS } from "./actions.ts";

const OPEN = 10n ** 18n;
const ADDR = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8";

describe("governed actions", () => {
  it("encodes each action from option texts and reads it back in words", () => {
    const cases: [string, Record<string, string>, string][] = [
      [
        "reward-split",
        { dataBps: "6000", modelBps: "2000", baseModelBps: "1000", proverBps: "500", protocolBps: "500" },
        "split each inference fee: data 60%, model owner 20%, base model owner 10%, prover 5%, protocol 5%",
      ],
      ["epoch-length", { entries: "12" }, "make each reward epoch 12 chain entries long"],
      ["attribution-method", { method: "tracin" }, "value reward epochs with attribution method 2 (tracin)"],
      ["attribution-method", { method: "1" }, "value reward epochs with attribution method 1 (knnShapley)"],
      ["min-contribution-stake", { amount: "2.5" }, "require a stake of 2.5 OPEN per data contribution"],
      ["min-model-stake", { amount: "10" }, "require model owners to hold a stake of 10 OPEN"],
      [
        "treasury-account",
        { account: "1" },
        "pay the protocol's share of reward settlements to L2 account 1",
      ],
      ["slash-stake", { account: "7", amount: "3" }, "slash 3 OPEN of L2 account 7's stake"],
      [
        "verifier",
        { circuitId: "9", verifier: ADDR, purpose: "reward" },
        `verify reward settlement proofs of circuit 9 with the contract at ${ADDR}`,
      ],
      ["slash-bond", { operator: ADDR, amount: "100" }, `slash up to 100 OPEN of operator ${ADDR}'s L1 bond`],
      ["transfer", { to: ADDR, amount: "1.5" }, `pay 1.5 OPEN from the treasury to ${ADDR}`],
      [
        "record-operator-slash",
        { operator: ADDR, inference: "12", attestation: `0x${"AB".repeat(32)}` },
        `record that compute operator ${ADDR} attested a wrong output for inference 12 (attestation 0x${"ab".repeat(32)}), and delist it if its bond fell below the minimum`,
      ],
    ];
    for (const [name, texts, words] of cases) {
      const [call, ...more] = encodeAction(actionNamed(name), texts);
      expect(more).toEqual([]);
      expect(call!.target).toBe(actionNamed(name).target);
      expect(describeCall(call!.target, call!.data)).toBe(words);
    }
  });

  it("fills the L1 parameters not given from the values in force", () => {
    const current = {
      queueDeadline: 3600n,
      sequencer: ADDR,
      minSequencerBond: 10_000n * OPEN,
      minProverBond: 1_000n * OPEN,
      proverRewardPerBatch: 10n * OPEN,
      treasury: ADDR,
      proveTimeout: 1800n,
      queueInterval: 1n,
      queueFee: 0n,
    };
    const [call] = encodeAction(actionNamed("l1-params"), { minProverBond: "2000" }, { current });
    expect(describeCall("params", call!.data)).toBe(
      `set the L1 parameters: queue deadline 3600 s, sequencer ${ADDR}, minimum sequencer bond 10000 OPEN, minimum prover bond 2000 OPEN, prover reward per batch 10 OPEN, L1 treasury ${ADDR}, proof timeout 1800 s, queue interval 1 s, queue fee 0 OPEN`,
    );
  });

  it("refuses, naming the option, what the contracts would revert on or cannot read", () => {
    const split = {
      dataBps: "6000",
      modelBps: "2000",
      baseModelBps: "1000",
      proverBps: "500",
      protocolBps: "600",
    };
    expect(() => encodeAction(actionNamed("reward-split"), split)).toThrow(
      "the shares sum to 10100 basis points, not 10000",
    );
    expect(() => encodeAction(actionNamed("slash-bond"), { operator: "0x12", amount: "1" })).toThrow(
      '--operator "0x12": not an Ethereum address',
    );
    expect(() => encodeAction(actionNamed("attribution-method"), { method: "magic" })).toThrow(
      /--method "magic": name a method: knnShapley, tracin/,
    );
    expect(() => encodeAction(actionNamed("epoch-length"), { entries: "-3" })).toThrow(
      '--entries "-3": not a non-negative integer',
    );
    expect(() => encodeAction(actionNamed("epoch-length"), {})).toThrow("epoch-length needs --entries <n>");
    expect(() => actionNamed("mint")).toThrow(/no governed action "mint": reward-split, epoch-length/);
  });

  it("says a call it cannot read is unknown, so voters are not shown calldata as words", () => {
    const [transfer] = encodeAction(actionNamed("transfer"), { to: ADDR, amount: "1" });
    // The right selector sent to the wrong contract is not the action.
    expect(describeCall("params", transfer!.data)).toMatch(/^an unknown call \(0xa9059cbb\) to params$/);
    expect(describeCall(undefined, transfer!.data)).toBe(
      "an unknown call (0xa9059cbb) to a contract outside the rollup",
    );
    expect(describeCall("token", "0xdeadbeef")).toBe("an unknown call (0xdeadbeef) to token");
  });

  it("makes a grant stream two calls, creating then funding it, read back as one grant", () => {
    const stream = "0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC";
    const action = actionNamed("grant-stream");
    const texts = { to: ADDR, amount: "100", start: "2026-12-08", days: "30" };
    const calls = encodeAction(action, texts, { stream });
    expect(calls.map((c) => c.target)).toEqual(["grantStreams", "token"]);
    expect(describeCalls(calls.map((c, i) => ({ ...c, ...(i === 0 && { stream }) })))).toEqual([
      `stream 100 OPEN from the treasury to ${ADDR} from 2026-12-08 over 30 days (stream ${stream})`,
      `pay 100 OPEN from the treasury to ${stream}: the stream above`,
    ]);
    // Unix seconds and a zoned time name the same start; a time of day shows.
    const at = encodeAction(action, { ...texts, start: "1796688000" }, { stream });
    expect(at[0]!.data).toBe(calls[0]!.data);
    const noon = encodeAction(
      action,
      { ...texts, start: "2026-12-08T14:00:00+02:00", days: "1" },
      { stream },
    );
    expect(describeCalls([{ ...noon[0]!, stream }])).toEqual([
      `create a stream to ${ADDR} from 2026-12-08T12:00:00Z over 1 day (stream ${stream}), not funded by this proposal`,
    ]);
    // A payment to another address is not the stream's funding.
    const other = encodeAction(actionNamed("transfer"), { to: ADDR, amount: "5" });
    expect(describeCalls([{ ...calls[0]!, stream }, ...other])[0]).toMatch(/not funded by this proposal$/);
    expect(() => encodeAction(action, texts)).toThrow("grant-stream needs the stream's address");
    expect(() => encodeAction(action, { ...texts, start: "tomorrow" }, { stream })).toThrow(
      '--start "tomorrow": not unix seconds, a date (2026-12-08) or a date and time with its zone',
    );
    expect(() => encodeAction(action, { ...texts, start: "2026-12-08T10:00" }, { stream })).toThrow(
      /--start "2026-12-08T10:00": not unix seconds/,
    );
    expect(() => encodeAction(action, { ...texts, days: "0" }, { stream })).toThrow(
      '--days "0": not a whole number of days above 0',
    );
  });

  it("names every action once", () => {
    const names = GOVERNED_ACTIONS.map((a) => a.name);
    expect(new Set(names).size).toBe(names.length);
  });
});
