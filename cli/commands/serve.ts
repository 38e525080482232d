import { readFileSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import { Command } from "commander";
import { pino } from "pino";
import { ErrorCode, OpenLedgerError } from "../../protocol/errors.ts";
import { deriveL2Key } from "../../protocol/keys.ts";
import { formatAmount } from "../../sdk/amounts.ts";
import {
  amountOf,
  chainOptions,
  domainFrom,
  ethKeyOptions,
  intArg,
  loadEthWallet,
  output,
  paramsFor,
  paramsOption,
  stopOnSignal,
  STORE_URL,
  weiOption,
} from "./common.ts";
import { proverOption } from "./prover-readers.ts";
import { readerArg } from "./store.ts";
import { DEVNET_DEPLOYMENT, l1Address } from "./deployment.ts";
import type { SlashEvidence } from "../../inference/evidence.ts";
import { SERVE_DEFAULTS } from "../../inference/defaults.ts";

// The node's modules (onnxruntime, fastify, the store client) load only when a command runs.
const modules = async () => ({
  service: await import("../../inference/service.ts"),
  client: await import("../../inference/client.ts"),
  verify: await import("../../inference/verify.ts"),
  provider: await import("../../sdk/provider.ts"),
  wallet: await import("../../sdk/wallet.ts"),
  store: await import("../../store/client.ts"),
  identity: await import("../../store/identity.ts"),
  operators: await import("../../contracts/client/inference-operators.ts"),
  slash: await import("../../contracts/client/operator-slash.ts"),
  governance: await import("../../sdk/governance/governor.ts"),
  ethers: await import("ethers"),
  registry: await import("../../sequencer/l1/prover-registry.ts"),
});

/** `--l1` and where the L1 contracts are: the devnet's deployment file, or addresses given. */
function l1Options(cmd: Command): Command {
  return cmd
    .option("--l1 <url>", "L1 JSON-RPC endpoint", "http://127.0.0.1:8545")
    .option(
      "--deployment <file>",
      "deployment file naming the L1 contracts (the devnet writes this one)",
      DEVNET_DEPLOYMENT,
    )
    .option("--operators <address>", "InferenceOperators contract (instead of the deployment file's)");
}

/** The network is given, not detected: detection retries forever in the background when the node is down. */
const l1Provider = (ethers: typeof import("ethers"), o: { l1: string; chainId: string }) =>
  new ethers.JsonRpcProvider(o.l1, ethers.Network.from(BigInt(o.chainId)), { staticNetwork: true });

const DEFAULT_SEQUENCER = "http://127.0.0.1:8547/rpc";
const DEFAULT_NODE = "http://127.0.0.1:8550";

/** `openledger serve`: the inference node, and `serve verify` to re-run a recorded inference. */
export function serveCommand(): Command {
  const serve = new Command("serve").description(
    "the inference node: paid inferences of registered models (docs/inference.md)",
  );
  serve.addCommand(runCommand(), { isDefault: true });
  serve.addCommand(verifyCommand());
  serve.addCommand(checkEvidenceCommand());
  return serve;
}

function runCommand(): Command {
  return l1Options(ethKeyOptions(chainOptions(new Command("run"))))
    .description(
      "serve inferences (the default subcommand); the operator's L2 key comes from its Ethereum key",
    )
    .option("--sequencer <url>", "the sequencer's JSON-RPC endpoint", DEFAULT_SEQUENCER)
    .option("--store <url>", "the store the models are read from and inputs written to", STORE_URL)
    .option("--host <host>", "address to listen on", "127.0.0.1")
    .option("--port <port>", "port to listen on (0 picks a free one)", intArg, SERVE_DEFAULTS.port)
    .option(
      "--window-ms <ms>",
      "how long a request waits for others to share its model call, and a record its upload",
      intArg,
      SERVE_DEFAULTS.windowMs,
    )
    .option(
      "--max-batch <n>",
      "most rows in one model call, and records in one upload (a full batch runs at once)",
      intArg,
      SERVE_DEFAULTS.maxBatch,
    )
    .option("--quote-ttl-ms <ms>", "how long a quote may be paid", intArg, SERVE_DEFAULTS.quoteTtlMs)
    .option(
      "--max-quotes <n>",
      "most quotes kept open at a time (memory bound)",
      intArg,
      SERVE_DEFAULTS.maxQuotes,
    )
    .option(
      "--reader <key:box>",
      "a plain reader of the stored inputs (repeatable; `store whoami` prints it)",
      (v, acc: unknown[]) => [...acc, readerArg(v)],
      [],
    )
    .addOption(proverOption("a prover that reads the stored inputs"))
    .addOption(paramsOption())
    .option("--pretty", "human-readable logs instead of JSON lines", false)
    .action(async (o) => {
      const logger = o.pretty ? pino({ transport: { target: "pino-pretty" } }) : pino();
      const { service, provider, operators, ethers, registry } = await modules();
      const domain = domainFrom(o);
      const eth = loadEthWallet(o);
      const { privateKey } = await deriveL2Key(eth, domain, o.keyIndex);
      // The L1 is read once, at start (is this operator listed?): closed afterwards.
      const l1 = l1Provider(ethers, o);
      const bonded = new registry.L1ProverRegistry(domain.rollup, l1);
      const node = await service
        .startInferenceService({
          l1Key: eth.signingKey,
          operators: new operators.InferenceOperatorList(
            await l1Address(o, o.operators, "inferenceOperators"),
            l1,
          ),
          sequencer: o.sequencer,
          store: o.store,
          domain,
          params: await paramsFor(new provider.OpenLedgerProvider(o.sequencer), o),
          key: privateKey,
          readers: (o.reader as Array<{ key: string; box: string }>).map((identity) => ({
            identity,
            role: "reader" as const,
          })),
          provers: {
            accounts: o.prover as number[],
            isBonded: (address) => bonded.isProver(address),
          },
          host: o.host,
          port: o.port,
          windowMs: o.windowMs,
          maxBatch: Math.max(1, o.maxBatch),
          quoteTtlMs: o.quoteTtlMs,
          maxQuotes: o.maxQuotes,
          logger,
        })
        .finally(() => l1.destroy());
      stopOnSignal(() => node.stop());
    });
}

function verifyCommand(): Command {
  return l1Options(ethKeyOptions(chainOptions(new Command("verify"))))
    .description(
      "re-run a recorded inference from the chain and the store; exits 1 with the evidence if its output is wrong",
    )
    .requiredOption("--inference <id>", "the inference's id on L2", intArg)
    .option("--sequencer <url>", "the sequencer's JSON-RPC endpoint", DEFAULT_SEQUENCER)
    .option("--store <url>", "the store holding the model and the inference's record", STORE_URL)
    .option("--evidence <file>", "on a wrong output, write the slash evidence (JSON) here")
    .option(
      "--propose-slash <open>",
      "on a wrong output, propose to governance to slash this much of the operator's bond, in OPEN (base units with --wei); your Ethereum key proposes",
    )
    .addOption(weiOption())
    .option("--json", "print the verdict as JSON", false)
    .action(async (o) => {
      const m = await modules();
      const domain = domainFrom(o);
      const eth = loadEthWallet(o);
      const { privateKey } = await deriveL2Key(eth, domain, o.keyIndex);
      const store = new m.store.StoreClient(o.store, new m.identity.StoreKey(privateKey));
      try {
        const verdict = await m.verify.verifyInference(
          new m.provider.OpenLedgerProvider(o.sequencer),
          store,
          domain,
          o.inference,
        );
        output(o.json, verdict, () =>
          verdict.ok
            ? `OK inference ${verdict.inference}: output, feature commitment and attestations check out (operator ${verdict.evidence.operatorL1})`
            : [
                `WRONG inference ${verdict.inference}:`,
                ...verdict.problems.map((p) => `  - ${p}`),
                "evidence:",
                JSON.stringify(verdict.slash ?? verdict.evidence, null, 2),
              ].join("\n"),
        );
        if (verdict.ok) return;
        process.exitCode = 1;
        if (!verdict.slash) {
          if (o.evidence || o.proposeSlash) {
            console.error("no attested wrong output: nothing to slash the operator's bond on");
          }
          return;
        }
        if (o.evidence) {
          await writeFile(o.evidence, `${JSON.stringify(verdict.slash, null, 2)}\n`);
          console.error(`evidence written to ${o.evidence}`);
        }
        if (o.proposeSlash) {
          const amount = amountOf(o, "--propose-slash", o.proposeSlash);
          const l1 = l1Provider(m.ethers, o);
          try {
            const proposal = m.slash.operatorSlashProposal({
              rollup: domain.rollup,
              operators: await l1Address(o, o.operators, "inferenceOperators"),
              operator: verdict.slash.operator,
              amount,
              inference: verdict.inference,
              attestation: verdict.slash.attestation,
            });
            const operators = await l1Address(o, o.operators, "inferenceOperators");
            const gov = new m.governance.GovernanceClient(
              await m.governance.findGovernance(l1, domain.rollup, 0, operators),
              eth.connect(l1),
              0,
            );
            const made = await gov.proposeCalls(
              proposal.targets.map((to, i) => ({ to, data: proposal.calldatas[i]! })),
              proposal.description,
            );
            console.error(`proposal ${made.number} (id ${made.id}) submitted: ${proposal.description}`);
            for (const c of made.calls) console.error(`  - ${c.words}`);
          } finally {
            l1.destroy();
          }
        }
      } finally {
        store.close();
      }
    });
}

function checkEvidenceCommand(): Command {
  return l1Options(ethKeyOptions(chainOptions(new Command("check-evidence"))))
    .description(
      "check slash evidence (serve verify --evidence) against the chains and the store before voting; exits 1 if it does not stand",
    )
    .requiredOption("--evidence <file>", "the evidence file")
    .option("--sequencer <url>", "the sequencer's JSON-RPC endpoint", DEFAULT_SEQUENCER)
    .option("--store <url>", "the store holding the model (your key must be one of its readers)", STORE_URL)
    .option("--json", "print the problems as JSON", false)
    .action(async (o) => {
      const m = await modules();
      const domain = domainFrom(o);
      const evidence = JSON.parse(readFileSync(o.evidence, "utf8")) as SlashEvidence;
      const { privateKey } = await deriveL2Key(loadEthWallet(o), domain, o.keyIndex);
      const store = new m.store.StoreClient(o.store, new m.identity.StoreKey(privateKey));
      const l1 = l1Provider(m.ethers, o);
      try {
        const problems = await m.verify.verifyEvidence(
          evidence,
          domain,
          new m.provider.OpenLedgerProvider(o.sequencer),
          store,
          new m.operators.InferenceOperatorList(await l1Address(o, o.operators, "inferenceOperators"), l1),
        );
        output(o.json, { stands: problems.length === 0, problems }, () =>
          problems.length === 0
            ? `STANDS: ${evidence.operator} attested output ${evidence.outputHash} for inference ${evidence.inference}; a re-run gives ${evidence.recomputedOutputHash}`
            : ["DOES NOT STAND:", ...problems.map((p) => `  - ${p}`)].join("\n"),
        );
        if (problems.length > 0) process.exitCode = 1;
      } finally {
        l1.destroy();
        store.close();
      }
    });
}

/** An input file: a JSON array of numbers, or `{ "input": [...] }`. */
function readInput(path: string): number[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, "utf8"));
  } catch (e) {
    throw new OpenLedgerError(ErrorCode.InvalidEncoding, `${path} is not JSON: ${(e as Error).message}`);
  }
  const input = Array.isArray(parsed) ? parsed : (parsed as { input?: unknown })?.input;
  if (!Array.isArray(input) || !input.every((v) => typeof v === "number")) {
    throw new OpenLedgerError(
      ErrorCode.InvalidEncoding,
      `${path} must hold an array of numbers (or { "input": [...] })`,
    );
  }
  return input;
}

/** `openledger infer`: the user's side: quote, sign, pay, check. */
export function inferCommand(): Command {
  return ethKeyOptions(chainOptions(new Command("infer")))
    .description(
      "pay for one inference at an inference node; prints the output and checks it against the outputHash paid for",
    )
    .requiredOption("--model <id>", "the registered model's id", intArg)
    .option("--input <file>", 'a classifier\'s input: JSON array of numbers (or { "input": [...] })')
    .option("--prompt <text>", "a text model's prompt (generated greedily, temperature 0)")
    .option("--max-tokens <n>", "with --prompt: most tokens to generate (1 to 256)", intArg, 64)
    .requiredOption("--account <id>", "your L2 account id (pays the model's fee)", intArg)
    .option("--node <url>", "the inference node", DEFAULT_NODE)
    .option("--rpc <url>", "the sequencer's JSON-RPC endpoint (your next nonce)", DEFAULT_SEQUENCER)
    .option("--max-payment <open>", "refuse to pay more than this, in OPEN (base units with --wei)")
    .addOption(weiOption())
    .addOption(paramsOption())
    .option("--json", "print JSON", false)
    .action(async (o) => {
      const m = await modules();
      if ((o.input === undefined) === (o.prompt === undefined)) {
        throw new OpenLedgerError(
          ErrorCode.InvalidEncoding,
          "give --input (a classifier) or --prompt (a text model)",
        );
      }
      const domain = domainFrom(o);
      const key = await deriveL2Key(loadEthWallet(o), domain, o.keyIndex);
      const provider = new m.provider.OpenLedgerProvider(o.rpc);
      const client = new m.client.InferenceClient(
        o.node,
        new m.wallet.L2Wallet(key, o.account, provider, domain, await paramsFor(provider, o)),
      );
      const max = o.maxPayment === undefined ? undefined : amountOf(o, "--max-payment", o.maxPayment);
      const quote =
        o.prompt === undefined
          ? await client.quote(o.model, readInput(o.input))
          : await client.quoteText(o.model, o.prompt, { maxTokens: o.maxTokens });
      const asked = formatAmount(BigInt(quote.payment), o);
      if (max !== undefined && BigInt(quote.payment) > max) {
        throw new OpenLedgerError(
          ErrorCode.InvalidTransaction,
          `model ${o.model} asks ${asked}, more than --max-payment ${formatAmount(max, o)}: nothing was paid`,
        );
      }
      const paid = await client.pay(quote);
      output(o.json, { quote, ...paid }, () =>
        [
          "probs" in paid.output
            ? `label ${paid.output.label}   probabilities ${paid.output.probs.map((p) => p.toFixed(4)).join(" ")}`
            : paid.output.text,
          `paid ${asked} for model ${quote.model}: ${paid.status}${paid.batch === undefined ? "" : ` in batch ${paid.batch}, position ${paid.position}`}`,
          `tx ${paid.txHash}`,
          `outputHash ${paid.outputHash} (checked)   operator ${paid.attestation.operator} (attestation checked)`,
        ].join("\n"),
      );
    });
}
