import { existsSync } from "node:fs";
import { mkdir, rm } from "node:fs/promises";
import { join } from "node:path";
import { type Contract, JsonRpcProvider, type Signer } from "ethers";
import { verifierContractName } from "../../circuits/tools/solidity-verifier.ts";
import type { Logger } from "pino";
import {
  type DeploymentFile,
  readDeploymentFile,
  writeDeploymentFile,
} from "../../contracts/deploy/addresses.ts";
import { bondOperator, depositForKey, fundAccounts } from "../../contracts/deploy/bootstrap.ts";
import { buildDeployArtifacts } from "../../contracts/deploy/build.ts";
import { DEV_REWARD_CIRCUIT, devDeployConfig, OPEN } from "../../contracts/deploy/config.ts";
import { type Deployment, deployOpenLedger } from "../../contracts/deploy/deploy.ts";
import { type DevAccount, devAccounts, devWallet } from "../../contracts/deploy/dev-accounts.ts";
import { deriveL2Key } from "../../protocol/keys.ts";
import { contractSourcesHash } from "../../contracts/deploy/sources-hash.ts";
import { type L1Chain, startL1Chain } from "./l1-chain.ts";
import type { DevnetService, RunningService } from "./service.ts";
import { devnetServices } from "./services.ts";

export interface DevnetOptions {
  host: string;
  port: number;
  dataDir: string;
  /** Discard the saved chain and deploy again. */
  fresh: boolean;
  /** User accounts funded with OPEN, after the deployer, sequencer and prover. */
  users: number;
  logger: Logger;
}

export interface Devnet {
  l1: L1Chain;
  deployment: DeploymentFile;
  deploymentPath: string;
  accounts: DevAccount[];
  services: { name: string; url?: string; about?: string }[];
  stop(): Promise<void>;
}

export const USER_OPEN = 1_000_000n * OPEN;

/**
 * Starts the local L1, deploys the contracts on first start (afterwards the journal restores
 * them), funds the dev accounts with OPEN, bonds the sequencer and prover, then starts the
 * services. stop() ends everything in reverse order.
 */
export async function startDevnet(
  opts: DevnetOptions,
  services: DevnetService[] = devnetServices(),
): Promise<Devnet> {
  const { logger } = opts;
  const journalPath = join(opts.dataDir, "l1-journal.jsonl");
  const deploymentPath = join(opts.dataDir, "deployment.json");
  if (opts.fresh) {
    await rm(opts.dataDir, { recursive: true, force: true });
    logger.info({ dataDir: opts.dataDir }, "fresh start: previous devnet data removed");
  }
  await mkdir(opts.dataDir, { recursive: true });
  const accounts = devAccounts(3 + opts.users);

  // Contracts are compiled before the chain starts: the journal may need none, a deploy does.
  if (!existsSync(deploymentPath)) await buildDeployArtifacts((line) => logger.info(line));
  const l1 = await startL1Chain({ host: opts.host, port: opts.port, journalPath, logger });
  const stack: { name: string; running: RunningService }[] = [];
  const stop = async () => {
    for (const { name, running } of stack.reverse()) {
      logger.info({ service: name }, "stopping");
      await running.stop().catch((err: unknown) => logger.error({ err, service: name }, "stop failed"));
    }
    await l1.close();
    logger.info("devnet stopped");
  };
  try {
    const provider = new JsonRpcProvider(l1.url, undefined, {
      staticNetwork: true,
      pollingInterval: 100,
      cacheTimeout: -1,
    });
    let deployment: DeploymentFile;
    if (existsSync(deploymentPath) && l1.replayed > 0) {
      deployment = await readDeploymentFile(deploymentPath);
      if ((await provider.getCode(deployment.contracts.rollup)) === "0x") {
        throw new Error(`the saved L1 chain lost the rollup: start again with --fresh`);
      }
      if (deployment.sourcesHash !== contractSourcesHash()) {
        throw new Error(
          "the saved devnet was deployed from other contract sources (contracts/ changed since): start again with --fresh",
        );
      }
      logger.info({ rollup: deployment.contracts.rollup }, "deployment restored");
    } else {
      deployment = await deployAndFund(provider, accounts, logger);
      await writeDeploymentFile(deploymentPath, deployment);
    }
    provider.destroy();
    for (const service of services) {
      logger.info({ service: service.name }, "starting");
      const running = await service.start({
        l1Url: l1.url,
        l1Port: opts.port,
        chainId: l1.chainId,
        deployment,
        dataDir: opts.dataDir,
        accounts,
        urls: new Map(stack.flatMap(({ name, running }) => (running.url ? [[name, running.url]] : []))),
        logger: logger.child({ service: service.name }),
      });
      stack.push({ name: service.name, running });
    }
    return {
      l1,
      deployment,
      deploymentPath,
      accounts,
      services: stack.map(({ name, running }) => ({ name, url: running.url, about: running.about })),
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}

/** The L2 account reward settlements credit the protocol share to (DeployConfig.treasuryAccount). */
export const TREASURY_ACCOUNT = 1;

/**
 * Deposits 1 OPEN from the treasury's L1 address to a new L2 account under the treasury's L2
 * key (derived from the deployer's dev key, as `openledger key` derives any user's). It is the
 * first queued operation, so the sequencer opens it as account 1 before any user's.
 */
async function openTreasuryAccount(d: Deployment, deployer: Signer): Promise<void> {
  const domain = {
    chainId: (await deployer.provider!.getNetwork()).chainId,
    rollup: String(d.rollup.target),
  };
  const { publicKey } = await deriveL2Key(devWallet(0), domain);
  await depositForKey(d.token as Contract, d.rollup as Contract, deployer, publicKey, OPEN);
}

async function deployAndFund(provider: JsonRpcProvider, accounts: DevAccount[], logger: Logger) {
  const [deployer, sequencer, prover] = await Promise.all([0, 1, 2].map((i) => provider.getSigner(i)));
  // The treasury's L2 account is the first one opened (by the deposit below): account 1.
  const config = {
    ...devDeployConfig(accounts[0]!.address, accounts[1]!.address),
    rewardVerifier: {
      contract: verifierContractName(DEV_REWARD_CIRCUIT.name),
      circuitId: DEV_REWARD_CIRCUIT.circuitId,
    },
    treasuryAccount: TREASURY_ACCOUNT,
  };
  const d = await deployOpenLedger(deployer!, config, (message, fields) =>
    logger.info(fields ?? {}, message),
  );
  await fundAccounts(
    d.token as Contract,
    deployer!,
    accounts.slice(1).map((a) => a.address),
    USER_OPEN,
  );
  await bondOperator(d.token, d.rollup, sequencer!, config.l1.minSequencerBond, false);
  await bondOperator(d.token, d.rollup, prover!, config.l1.minProverBond, true);
  // The prover is the devnet's compute operator too: its bond stands behind its attestations.
  await (await (d.inferenceOperators.connect(prover!) as Contract).getFunction("list")()).wait();
  await openTreasuryAccount(d, deployer!);
  logger.info(
    { accounts: accounts.length - 1, each: "1,000,000 OPEN" },
    "dev accounts funded; sequencer and prover bonded, the prover listed as compute operator",
  );
  return d.file;
}
