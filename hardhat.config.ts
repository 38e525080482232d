import { createRequire } from "node:module";
import hardhatEthers from "@nomicfoundation/hardhat-ethers";
import { defineConfig } from "hardhat/config";

// Compilers cannot be downloaded here: use the solc npm package's WebAssembly build.
const require = createRequire(import.meta.url);
const soljson = require.resolve("solc/soljson.js");

export default defineConfig({
  plugins: [hardhatEthers],
  solidity: {
    version: "0.8.28",
    path: soljson,
    settings: {
      evmVersion: "cancun",
      optimizer: { enabled: true, runs: 200 },
    },
  },
  paths: {
    sources: "contracts",
    cache: "cache/hardhat",
    artifacts: "artifacts",
  },
  networks: {
    localhost: { type: "http", url: "http://127.0.0.1:8545" },
  },
});
