import { type Contract, ContractFactory, getCreateAddress, type Signer, toBeHex, ZeroAddress } from "ethers";
import type { DeploymentFile } from "./addresses.ts";
import { linkBytecode, loadArtifact } from "./artifacts.ts";
import type { DeployConfig } from "./config.ts";
import { genesisStateRoot } from "./genesis.ts";
import { type PoseidonLibrary, poseidonAbi, poseidonCreationCode } from "./poseidon.ts";

/** The deployed system: handles connected to the deployer, and what goes to the JSON file. */
export interface Deployment {
  file: DeploymentFile;
  token: Contract;
  timelock: Contract;
  governor: Contract;
  paramsRegistry: Contract;
  rollup: Contract;
  batchVerifier: Contract;
}

export type DeployLog = (message: string, fields?: Record<string, unknown>) => void;

/** Contracts deployOpenLedger creates before the rollup, each with one deployer transaction. */
const CONTRACTS_BEFORE_ROLLUP = 8;

/**
 * Where `deployOpenLedger(deployer, ...)` will put the rollup if the deployer sends nothing
 * else first. A batch circuit binds the rollup's address (its domain, docs/protocol.md 8), so
 * its verifier can be built for the right address before the deployment that registers it.
 */
export async function predictRollupAddress(deployer: Signer): Promise<string> {
  const nonce = await deployer.getNonce("pending");
  return getCreateAddress({ from: await deployer.getAddress(), nonce: nonce + CONTRACTS_BEFORE_ROLLUP });
}

/**
 * Deploys and wires OPEN, the timelock and Governor, the parameters registry, the Poseidon
 * libraries, the batch verifier and the rollup. Afterwards the timelock alone governs: the
 * Governor proposes and cancels, anyone executes, the deployer keeps no role.
 * Needs the artifacts of `npx hardhat build` (and of the verifier's circuit build).
 */
export async function deployOpenLedger(
  deployer: Signer,
  config: DeployConfig,
  log: DeployLog = () => {},
): Promise<Deployment> {
  const network = await deployer.provider!.getNetwork();
  const deployerAddress = await deployer.getAddress();
  const deployedAtBlock = await deployer.provider!.getBlockNumber();
  const predictedRollup = await predictRollupAddress(deployer);
  const deploy = async (name: string, args: unknown[], libraries: Record<string, string> = {}) => {
    const artifact = await loadArtifact(name);
    const factory = new ContractFactory(artifact.abi, linkBytecode(artifact, libraries), deployer);
    const contract = (await factory.deploy(...args)) as Contract;
    await contract.waitForDeployment();
    log(`deployed ${name}`, { address: contract.target });
    return contract;
  };
  const send = async (contract: Contract, method: string, ...args: unknown[]) => {
    const tx = await contract.getFunction(method)(...args);
    await tx.wait();
  };

  const token = await deploy("OpenToken", [config.token.treasury, config.token.supply]);
  const timelock = await deploy("OpenTimelock", [
    config.dao.timelockDelaySeconds,
    [],
    [ZeroAddress],
    deployerAddress,
  ]);
  const governor = await deploy("OpenGovernor", [
    token.target,
    timelock.target,
    config.dao.votingDelayBlocks,
    config.dao.votingPeriodBlocks,
    config.dao.proposalThreshold,
    config.dao.quorumPercent,
  ]);
  const g = config.governance;
  const paramsRegistry = await deploy("ParamsRegistry", [
    timelock.target,
    {
      split: {
        dataBps: g.dataBps,
        modelBps: g.modelBps,
        baseModelBps: g.baseModelBps,
        proverBps: g.proverBps,
        protocolBps: g.protocolBps,
      },
      epochLength: g.epochLength,
      attributionMethod: g.attributionMethod,
      minContributionStake: g.minContributionStake,
      minModelStake: g.minModelStake,
    },
    {
      queueDeadline: config.l1.queueDeadlineSeconds,
      sequencer: config.sequencer,
      minSequencerBond: config.l1.minSequencerBond,
      minProverBond: config.l1.minProverBond,
      proverRewardPerBatch: config.l1.proverRewardPerBatch,
      treasury: timelock.target,
    },
  ]);
  const deployPoseidon = async (name: PoseidonLibrary) => {
    const factory = new ContractFactory(poseidonAbi(name), poseidonCreationCode(name), deployer);
    const contract = (await factory.deploy()) as Contract;
    await contract.waitForDeployment();
    log(`deployed ${name}`, { address: contract.target });
    return contract;
  };
  const poseidonT3 = await deployPoseidon("PoseidonT3");
  const poseidonT5 = await deployPoseidon("PoseidonT5");
  const poseidonT6 = await deployPoseidon("PoseidonT6");
  const batchVerifier = await deploy(config.batchVerifier.contract, []);
  const genesis = genesisStateRoot(config.protocol, config.governance);
  const rollup = await deploy(
    "Rollup",
    [
      {
        token: token.target,
        params: paramsRegistry.target,
        governance: timelock.target,
        genesisStateRoot: toBeHex(genesis, 32),
        accountsDepth: config.protocol.accounts.depth,
        withdrawalsDepth: config.protocol.withdrawalsDepth,
        unbondDelay: config.l1.unbondDelaySeconds,
        batchCircuitId: config.batchVerifier.circuitId,
        batchVerifier: batchVerifier.target,
      },
    ],
    {
      PoseidonT3: String(poseidonT3.target),
      PoseidonT5: String(poseidonT5.target),
      PoseidonT6: String(poseidonT6.target),
    },
  );
  if (rollup.target !== predictedRollup) {
    throw new Error(
      `the rollup landed at ${rollup.target}, not ${predictedRollup}: the deployer sent other transactions`,
    );
  }
  await send(paramsRegistry, "bindRollup", rollup.target);

  const [proposer, canceller, admin] = await Promise.all(
    ["PROPOSER_ROLE", "CANCELLER_ROLE", "DEFAULT_ADMIN_ROLE"].map((role) => timelock.getFunction(role)()),
  );
  await send(timelock, "grantRole", proposer, governor.target);
  await send(timelock, "grantRole", canceller, governor.target);
  await send(timelock, "renounceRole", admin, deployerAddress);
  log("timelock handed to the Governor; the deployer keeps no role");

  const address = (c: Contract) => String(c.target);
  const file: DeploymentFile = {
    chainId: network.chainId.toString(),
    deployer: deployerAddress,
    deployedAtBlock,
    genesisStateRoot: toBeHex(genesis, 32),
    accountsDepth: config.protocol.accounts.depth,
    withdrawalsDepth: config.protocol.withdrawalsDepth,
    batchCircuitId: config.batchVerifier.circuitId,
    contracts: {
      token: address(token),
      timelock: address(timelock),
      governor: address(governor),
      paramsRegistry: address(paramsRegistry),
      rollup: address(rollup),
      batchVerifier: address(batchVerifier),
      poseidonT3: address(poseidonT3),
      poseidonT5: address(poseidonT5),
      poseidonT6: address(poseidonT6),
    },
  };
  return { file, token, timelock, governor, paramsRegistry, rollup, batchVerifier };
}
