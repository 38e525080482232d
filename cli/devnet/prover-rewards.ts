import { Contract, JsonRpcProvider } from "ethers";
import { ROLLUP_ABI } from "../../contracts/client/rollup-abi.ts";
import { depositForKey } from "../../contracts/deploy/bootstrap.ts";
import { DEV_REWARD_CIRCUIT, OPEN } from "../../contracts/deploy/config.ts";
import type { PublicKey } from "../../protocol/eddsa.ts";
import { TEST_PARAMS } from "../../protocol/params.ts";
import { firstUnsettledEpoch } from "../../prover/epochs/first-unsettled.ts";
import { storeAttributor } from "../../prover/epochs/store-attributor.ts";
import { accountsOfKey } from "../../sdk/accounts.ts";
import { OpenLedgerProvider } from "../../sdk/provider.ts";
import { L2Wallet } from "../../sdk/wallet.ts";
import { StoreClient } from "../../store/client.ts";
import { StoreKey } from "../../store/identity.ts";
import { DEV_PROVER, devProverKey } from "./prover-key.ts";
import type { DevnetContext, RunningService } from "./service.ts";

/**
 * The prover node's epoch work on the devnet, as `openledger prover` does it unless
 * --no-rewards: the Proof of Attribution over each reward epoch as it closes, from the first
 * one left unsettled, its settlements signed by the prover's L2 account (dev account #2's key,
 * whose L1 address the deployment bonded as a prover, so the sequencer takes them). That
 * account is opened by a deposit of 1 OPEN from the prover's address the first time. Models,
 * rows and inputs come from the devnet's store: the inference node wraps each input for the
 * prover, and a contributor grants the prover its rows (`openledger grant`), a model owner
 * names it as a reader of the model, at the identity the devnet summary prints. Needs the
 * sequencer and the store started before it, and a deployment with the reward circuit and the
 * treasury account; without them it logs why and attributes nothing.
 */
export async function startAttributing(ctx: DevnetContext): Promise<RunningService> {
  const log = ctx.logger;
  const sequencer = ctx.urls.get("sequencer");
  const storeUrl = ctx.urls.get("store");
  const d = ctx.deployment;
  const missing = !sequencer
    ? "the devnet runs no sequencer"
    : !storeUrl
      ? "the devnet runs no store"
      : d.treasuryAccount === undefined || d.rewardCircuitId !== DEV_REWARD_CIRCUIT.circuitId
        ? "this devnet was deployed without the reward circuit and treasury account (start with --fresh)"
        : undefined;
  if (missing) {
    log.warn(`reward epochs are not attributed: ${missing}`);
    return { about: `attributes no reward epochs: ${missing}`, stop: async () => {} };
  }
  const key = await devProverKey(ctx);
  const address = ctx.accounts[DEV_PROVER]!.address;
  const provider = new OpenLedgerProvider(`${sequencer}/rpc`);
  if ((await accountsOfKey(provider, address, key.publicKey)).length === 0) {
    // Deposited before start() returns: on a fresh devnet it is queued before any user's.
    await openAccount(ctx, key.publicKey);
    log.info("the prover's L2 account opens with a 1 OPEN deposit from its L1 address");
  }
  const storeKey = new StoreKey(key.privateKey);
  const store = new StoreClient(storeUrl!, storeKey);
  const stop = new AbortController();
  const running = (async () => {
    const account = await accountOnceOpened(provider, address, key.publicKey, stop.signal);
    if (account === undefined) return;
    const domain = { chainId: ctx.chainId, rollup: d.contracts.rollup };
    const wallet = new L2Wallet(key, account, provider, domain, TEST_PARAMS);
    const attributor = storeAttributor(wallet, store, DEV_REWARD_CIRCUIT.shape, (line) => log.info(line));
    const from = await firstUnsettledEpoch(provider);
    log.info(`attributing reward epochs from epoch ${from} as L2 account ${account}`);
    await attributor.follow(stop.signal, from);
  })().catch((err: unknown) => {
    if (!stop.signal.aborted) log.error({ err }, "the attributor stopped");
  });
  const { key: pub, box } = storeKey.identity;
  return {
    about: `attributes reward epochs as dev account #${DEV_PROVER}'s L2 account; grant it rows and models as reader ${pub}:${box}`,
    stop: async () => {
      stop.abort();
      await running;
      store.close();
    },
  };
}

async function openAccount(ctx: DevnetContext, publicKey: PublicKey): Promise<void> {
  const l1 = new JsonRpcProvider(ctx.l1Url, undefined, { staticNetwork: true, cacheTimeout: -1 });
  try {
    const signer = await l1.getSigner(ctx.accounts[DEV_PROVER]!.address);
    const token = new Contract(ctx.deployment.contracts.token, ["function approve(address,uint256)"], l1);
    const rollup = new Contract(ctx.deployment.contracts.rollup, ROLLUP_ABI, l1);
    await depositForKey(token, rollup, signer, publicKey, OPEN);
  } finally {
    l1.destroy();
  }
}

/** The prover's account once the sequencer has relayed its deposit (the lowest, if several). */
async function accountOnceOpened(
  provider: OpenLedgerProvider,
  address: string,
  publicKey: PublicKey,
  signal: AbortSignal,
): Promise<number | undefined> {
  while (!signal.aborted) {
    const [account] = await accountsOfKey(provider, address, publicKey);
    if (account !== undefined) return account;
    await new Promise((r) => setTimeout(r, 500));
  }
  return undefined;
}
