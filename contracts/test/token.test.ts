import { ContractFactory } from "ethers";
import hre from "hardhat";
import { beforeAll, describe, expect, it } from "vitest";
import { loadArtifact } from "../deploy/artifacts.ts";
import { buildDeployArtifacts } from "../deploy/build.ts";
import { devWallet } from "../deploy/dev-accounts.ts";

/**
 * OPEN's supply stays below 2^96: the circuit credits 96-bit balances, stakes and escrows
 * without a range check, which is sound only while all the OPEN there is fits 96 bits.
 */
describe("OPEN supply cap", () => {
  let factory: ContractFactory;
  let treasury: string;

  beforeAll(async () => {
    await buildDeployArtifacts();
    const { ethers } = await hre.network.create();
    const deployer = devWallet(0).connect(ethers.provider);
    treasury = await deployer.getAddress();
    const artifact = await loadArtifact("OpenToken");
    factory = new ContractFactory(artifact.abi, artifact.bytecode, deployer);
  });

  it("mints a supply of 2^96 - 1 and refuses 2^96", async () => {
    const token = await factory.deploy(treasury, 2n ** 96n - 1n);
    expect(await token.getFunction("totalSupply")()).toBe(2n ** 96n - 1n);
    await expect(factory.deploy(treasury, 2n ** 96n)).rejects.toThrow(/ERC20ExceededSafeSupply/);
  });
});
