import { readFileSync } from "node:fs";
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
import { readerArg } from "./store.ts";
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
});

const DEFAULT_SEQUENCER = "http://127.0.0.1:8547/rpc";
const DEFAULT_NODE = "http://127.0.0.1:8550";

/** `openledger serve`: the inference node, and `serve verify` to re-run a recorded inference. */
export function serveCommand(): Command {
  const serve = new Command("serve").description(
    "the inference node: paid inferences of registered models (docs/inference.md)",
  );
  serve.addCommand(runCommand(), { isDefault: true });
  serve.addCommand(verifyCommand());
  return serve;
}

function runCommand(): Command {
  return ethKeyOptions(chainOptions(new Command("run")))
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
      "a prover that may read the stored inputs (repeatable; `store whoami` prints it)",
      (v, acc: unknown[]) => [...acc, readerArg(v)],
      [],
    )
    .addOption(paramsOption())
    .option("--pretty", "human-readable logs instead of JSON lines", false)
    .action(async (o) => {
      const logger = o.pretty ? pino({ transport: { target: "pino-pretty" } }) : pino();
      const { service, provider } = await modules();
      const domain = domainFrom(o);
      const { privateKey } = await deriveL2Key(loadEthWallet(o), domain, o.keyIndex);
      const node = await service.startInferenceService({
        sequencer: o.sequencer,
        store: o.store,
        domain,
        params: await paramsFor(new provider.OpenLedgerProvider(o.sequencer), o),
        key: privateKey,
        readers: (o.reader as Array<{ key: string; box: string }>).map((identity) => ({
          identity,
          role: "prover" as const,
        })),
        host: o.host,
        port: o.port,
        windowMs: o.windowMs,
        maxBatch: Math.max(1, o.maxBatch),
        quoteTtlMs: o.quoteTtlMs,
        maxQuotes: o.maxQuotes,
        logger,
      });
      stopOnSignal(() => node.stop());
    });
}

function verifyCommand(): Command {
  return ethKeyOptions(chainOptions(new Command("verify")))
    .description(
      "re-run a recorded inference from the chain and the store; exits 1 with the evidence if its output is wrong",
    )
    .requiredOption("--inference <id>", "the inference's id on L2", intArg)
    .option("--sequencer <url>", "the sequencer's JSON-RPC endpoint", DEFAULT_SEQUENCER)
    .option("--store <url>", "the store holding the model and the inference's record", STORE_URL)
    .option("--json", "print the verdict as JSON", false)
    .action(async (o) => {
      const m = await modules();
      const domain = domainFrom(o);
      const { privateKey } = await deriveL2Key(loadEthWallet(o), domain, o.keyIndex);
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
            ? `OK inference ${verdict.inference}: output, feature commitment and attestation check out (operator ${verdict.evidence.operator})`
            : [
                `WRONG inference ${verdict.inference}:`,
                ...verdict.problems.map((p) => `  - ${p}`),
                "evidence:",
                JSON.stringify(verdict.evidence, null, 2),
              ].join("\n"),
        );
        if (!verdict.ok) process.exitCode = 1;
      } finally {
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
    .requiredOption("--input <file>", 'JSON array of numbers (or { "input": [...] })')
    .requiredOption("--account <id>", "your L2 account id (pays the model's fee)", intArg)
    .option("--node <url>", "the inference node", DEFAULT_NODE)
    .option("--rpc <url>", "the sequencer's JSON-RPC endpoint (your next nonce)", DEFAULT_SEQUENCER)
    .option("--max-payment <open>", "refuse to pay more than this, in OPEN (base units with --wei)")
    .addOption(weiOption())
    .addOption(paramsOption())
    .option("--json", "print JSON", false)
    .action(async (o) => {
      const m = await modules();
      const input = readInput(o.input);
      const domain = domainFrom(o);
      const key = await deriveL2Key(loadEthWallet(o), domain, o.keyIndex);
      const provider = new m.provider.OpenLedgerProvider(o.rpc);
      const client = new m.client.InferenceClient(
        o.node,
        new m.wallet.L2Wallet(key, o.account, provider, domain, await paramsFor(provider, o)),
      );
      const max = o.maxPayment === undefined ? undefined : amountOf(o, "--max-payment", o.maxPayment);
      const quote = await client.quote(o.model, input);
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
          `label ${paid.output.label}   probabilities ${paid.output.probs.map((p) => p.toFixed(4)).join(" ")}`,
          `paid ${asked} for model ${quote.model}: ${paid.status}${paid.batch === undefined ? "" : ` in batch ${paid.batch}, position ${paid.position}`}`,
          `tx ${paid.txHash}`,
          `outputHash ${paid.outputHash} (checked)   operator ${paid.attestation.operator} (attestation checked)`,
        ].join("\n"),
      );
    });
}
