import type { Contract, Signer } from "ethers";

/**
 * Dev and test chores after a deployment: hand out OPEN from the treasury and bond operators.
 * Each transaction is awaited before the next, so nonces stay in order.
 */
export async function fundAccounts(token: Contract, treasury: Signer, recipients: string[], amount: bigint) {
  const t = token.connect(treasury) as Contract;
  for (const to of recipients) await (await t.getFunction("transfer")(to, amount)).wait();
}

/** Approves and bonds `amount` OPEN for `operator` (as a prover when `asProver`). */
export async function bondOperator(
  token: Contract,
  rollup: Contract,
  operator: Signer,
  amount: bigint,
  asProver: boolean,
) {
  await (await (token.connect(operator) as Contract).getFunction("approve")(rollup.target, amount)).wait();
  await (await (rollup.connect(operator) as Contract).getFunction("bond")(amount, asProver)).wait();
}

/**
 * Approves and deposits `amount` OPEN (plus the rollup's queue fee) from `from` to a new L2
 * account for `publicKey`: the account opens when the sequencer relays the deposit.
 */
export async function depositForKey(
  token: Contract,
  rollup: Contract,
  from: Signer,
  publicKey: { readonly x: bigint; readonly y: bigint },
  amount: bigint,
) {
  const r = rollup.connect(from) as Contract;
  const total = amount + BigInt(await r.getFunction("queueFee")());
  await (await (token.connect(from) as Contract).getFunction("approve")(rollup.target, total)).wait();
  await (await r.getFunction("deposit")(0, publicKey.x, publicKey.y, amount)).wait();
}
