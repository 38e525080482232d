import {
  type Contract,
  ContractFactory,
  getCreateAddress,
  type Signer,
  toBeHex,
  ZeroAddress,
  ZeroHash,
} from "ethers";
import type { DeploymentFile } from "./addresses.ts";
import { linkBytecode, loadArtifact } from "./artifacts.ts";
import type { DeployConfig } from "./config.ts";
import { genesisStateRoot } from "./genesis.ts";
import {
  type PoseidonLibrary,
  poseidonAbi,
  poseidonCreationCode,
  poseidonT9DataCreationCodes,
} from "./poseidon.ts";
import { contractSourcesHash } from "./sources-hash.ts";

/** VerifierRegistry.PURPOSE_REWARD_EPOCH. */
const PURPOSE_REWARD_EPOCH = 2;

/** The deployed system: handles connected to the deployer, and what goes to the JSON file. */
export interface Deployment {
  file: DeploymentFile;
  token: Contract;
  timelock: Contract;
  governor: Contract;
  paramsRegistry: Contract;
  rollup: Contract;
  batchVerifier: Contract;
  inferenceOperators: Contract;
  grantStreams: Contract;
}

export type DeployLog = (message: string, fields?: Record<string, unknown>) => void;

/**
 * The order of the deployer's creations. The rollup comes first, so a fresh chain's first
 * deployment puts it where the devnet's defaults expect it (Hardhat's first contract address,
 * `DEV_DOMAIN` in protocol/genesis.ts); the contracts it names are created right after, at
 * addresses computed from the deployer's nonce.
 */
const ORDER = [
  "rollup",
  "token",
  "timelock",
  "governor",
  "paramsRegistry",
  "poseidonT3",
  "poseidonT4",
  "poseidonT5",
  "poseidonT6",
  "settlementInput",
  "batchCommitment",
  "poseidonT9",
  "poseidonT9Data0",
  "poseidonT9Data1",
  "batchVerifier",
  // Last, and only with a reward verifier configured: the addresses before it do not move.
  "rewardVerifier",
] as const;
type Name = (typeof ORDER)[number];

/**
 * Deploys and wires the rollup, OPEN, the timelock and Governor, the parameters registry, the
 * Poseidon libraries (and the data contracts of PoseidonT9's constants), the batch verifier and
 * the compute operators' list and the grant streams' factory. Afterwards the timelock alone governs: the
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
  const firstNonce = await deployer.getNonce("pending");
  const at = Object.fromEntries(
    ORDER.map((name, i) => [name, getCreateAddress({ from: deployerAddress, nonce: firstNonce + i })]),
  ) as Record<Name, string>;
  const created = async (name: Name, factory: ContractFactory, args: unknown[]) => {
    const contract = (await factory.deploy(...args)) as Contract;
    await contract.waitForDeployment();
    if (contract.target !== at[name]) {
      throw new Error(
        `${name} landed at ${contract.target}, not ${at[name]}: the deployer sent other transactions`,
      );
    }
    log(`deployed ${name}`, { address: contract.target });
    return contract;
  };
  const deploy = async (
    name: Name,
    contract: string,
    args: unknown[],
    libraries: Record<string, string> = {},
  ) => {
    const artifact = await loadArtifact(contract);
    return created(
      name,
      new ContractFactory(artifact.abi, linkBytecode(artifact, libraries), deployer),
      args,
    );
  };
  const deployPoseidon = (name: Name, library: PoseidonLibrary) =>
    created(name, new ContractFactory(poseidonAbi(library), poseidonCreationCode(library), deployer), []);
  const send = async (contract: Contract, method: string, ...args: unknown[]) => {
    await (await contract.getFunction(method)(...args)).wait();
  };

  const genesis = genesisStateRoot(config.protocol, config.governance);
  const rollup = await deploy(
    "rollup",
    "Rollup",
    [
      {
        token: at.token,
        params: at.paramsRegistry,
        governance: at.timelock,
        genesisStateRoot: toBeHex(genesis, 32),
        accountsDepth: config.protocol.accounts.depth,
        withdrawalsDepth: config.protocol.withdrawalsDepth,
        unbondDelay: config.l1.unbondDelaySeconds,
        exitWindow: config.l1.exitWindowSeconds,
        batchCircuitId: config.batchVerifier.circuitId,
        batchVerifier: at.batchVerifier,
        poseidonT9Data: [at.poseidonT9Data0, at.poseidonT9Data1],
      },
    ],
    {
      PoseidonT3: at.poseidonT3,
      PoseidonT5: at.poseidonT5,
      PoseidonT6: at.poseidonT6,
      PoseidonT9: at.poseidonT9,
      SettlementInput: at.settlementInput,
      BatchCommitment: at.batchCommitment,
    },
  );
  const token = await deploy("token", "OpenToken", [config.token.treasury, config.token.supply]);
  // No delay until the genesis operations below have run; they set the real one last.
  const timelock = await deploy("timelock", "OpenTimelock", [0n, [], [ZeroAddress], deployerAddress]);
  const governor = await deploy("governor", "OpenGovernor", [
    at.token,
    at.timelock,
    config.dao.votingDelayBlocks,
    config.dao.votingPeriodBlocks,
    config.dao.proposalThreshold,
    config.dao.quorumPercent,
  ]);
  const g = config.governance;
  const paramsRegistry = await deploy("paramsRegistry", "ParamsRegistry", [
    at.timelock,
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
      treasury: at.timelock,
      proveTimeout: config.l1.proveTimeoutSeconds,
      queueInterval: config.l1.queueIntervalSeconds,
      queueFee: config.l1.queueFee,
    },
  ]);
  await deployPoseidon("poseidonT3", "PoseidonT3");
  await deployPoseidon("poseidonT4", "PoseidonT4");
  await deployPoseidon("poseidonT5", "PoseidonT5");
  await deployPoseidon("poseidonT6", "PoseidonT6");
  await deploy("settlementInput", "SettlementInput", [], {
    PoseidonT3: at.poseidonT3,
    PoseidonT4: at.poseidonT4,
    PoseidonT6: at.poseidonT6,
  });
  await deploy("batchCommitment", "BatchCommitment", [], {
    PoseidonT3: at.poseidonT3,
    PoseidonT6: at.poseidonT6,
  });
  // Generated here (contracts/tools/poseidon-library.ts): poseidon-solidity has no 8-input hash.
  await deploy("poseidonT9", "PoseidonT9", []);
  const [data0, data1] = poseidonT9DataCreationCodes();
  await created("poseidonT9Data0", new ContractFactory([], data0!, deployer), []);
  await created("poseidonT9Data1", new ContractFactory([], data1!, deployer), []);
  const batchVerifier = await deploy("batchVerifier", config.batchVerifier.contract, []);
  const rewardVerifier = config.rewardVerifier
    ? await deploy("rewardVerifier", config.rewardVerifier.contract, [])
    : undefined;
  await send(paramsRegistry, "bindRollup", at.rollup);

  const [proposer, canceller, admin] = await Promise.all(
    ["PROPOSER_ROLE", "CANCELLER_ROLE", "DEFAULT_ADMIN_ROLE"].map((role) => timelock.getFunction(role)()),
  );
  // Genesis governance: the deployer proposes once, through the timelock itself (so every
  // setting arrives by the path governance uses later), then sets the real delay and leaves.
  const genesisOps: { target: string; data: string }[] = [];
  if (config.rewardVerifier) {
    genesisOps.push({
      target: at.rollup,
      data: rollup.interface.encodeFunctionData("setVerifier", [
        config.rewardVerifier.circuitId,
        at.rewardVerifier,
        PURPOSE_REWARD_EPOCH,
      ]),
    });
  }
  if (config.treasuryAccount !== undefined) {
    genesisOps.push({
      target: at.paramsRegistry,
      data: paramsRegistry.interface.encodeFunctionData("setTreasuryAccount", [config.treasuryAccount]),
    });
  }
  genesisOps.push({
    target: at.timelock,
    data: timelock.interface.encodeFunctionData("updateDelay", [config.dao.timelockDelaySeconds]),
  });
  const batch = [genesisOps.map((o) => o.target), genesisOps.map(() => 0n), genesisOps.map((o) => o.data)];
  await send(timelock, "grantRole", proposer, deployerAddress);
  await send(timelock, "scheduleBatch", ...batch, ZeroHash, ZeroHash, 0n);
  await send(timelock, "executeBatch", ...batch, ZeroHash, ZeroHash);
  await send(timelock, "revokeRole", proposer, deployerAddress);
  log("genesis governance executed", {
    rewardCircuitId: config.rewardVerifier?.circuitId,
    treasuryAccount: config.treasuryAccount,
    timelockDelaySeconds: config.dao.timelockDelaySeconds.toString(),
  });
  await send(timelock, "grantRole", proposer, at.governor);
  await send(timelock, "grantRole", canceller, at.governor);
  await send(timelock, "renounceRole", admin, deployerAddress);
  log("timelock handed to the Governor; the deployer keeps no role");
  // Wired to nothing that is deployed before it, so it comes last, at whatever address.
  const operatorsArtifact = await loadArtifact("InferenceOperators");
  const inferenceOperators = (await new ContractFactory(
    operatorsArtifact.abi,
    operatorsArtifact.bytecode,
    deployer,
  ).deploy(at.rollup, at.timelock)) as Contract;
  await inferenceOperators.waitForDeployment();
  log("deployed inferenceOperators", { address: inferenceOperators.target });
  // Also wired to nothing before it: the timelock alone creates streams (the grants the Governor passed).
  const streamsArtifact = await loadArtifact("GrantStreams");
  const grantStreams = (await new ContractFactory(
    streamsArtifact.abi,
    streamsArtifact.bytecode,
    deployer,
  ).deploy(at.timelock)) as Contract;
  await grantStreams.waitForDeployment();
  log("deployed grantStreams", { address: grantStreams.target });

  const file: DeploymentFile = {
    chainId: network.chainId.toString(),
    deployer: deployerAddress,
    deployedAtBlock,
    genesisStateRoot: toBeHex(genesis, 32),
    accountsDepth: config.protocol.accounts.depth,
    withdrawalsDepth: config.protocol.withdrawalsDepth,
    batchCircuitId: config.batchVerifier.circuitId,
    ...(config.rewardVerifier && { rewardCircuitId: config.rewardVerifier.circuitId }),
    ...(config.treasuryAccount !== undefined && { treasuryAccount: config.treasuryAccount }),
    sourcesHash: contractSourcesHash(),
    contracts: {
      token: at.token,
      timelock: at.timelock,
      governor: at.governor,
      paramsRegistry: at.paramsRegistry,
      rollup: at.rollup,
      batchVerifier: at.batchVerifier,
      poseidonT3: at.poseidonT3,
      poseidonT4: at.poseidonT4,
      poseidonT5: at.poseidonT5,
      poseidonT6: at.poseidonT6,
      poseidonT9: at.poseidonT9,
      poseidonT9Data0: at.poseidonT9Data0,
      poseidonT9Data1: at.poseidonT9Data1,
      settlementInput: at.settlementInput,
      batchCommitment: at.batchCommitment,
      ...(rewardVerifier && { rewardVerifier: at.rewardVerifier }),
      inferenceOperators: String(inferenceOperators.target),
      grantStreams: String(grantStreams.target),
    },
  };
  return {
    file,
    token,
    timelock,
    governor,
    paramsRegistry,
    rollup,
    batchVerifier,
    inferenceOperators,
    grantStreams,
  };
}
