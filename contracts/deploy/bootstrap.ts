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
