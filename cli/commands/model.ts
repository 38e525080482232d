import { Command, InvalidArgumentError } from "commander";
import { ErrorCode, OpenLedgerError } from "../../protocol/errors.ts";
import { fieldToHex } from "../../protocol/field.ts";
import { deriveL2Key } from "../../protocol/keys.ts";
import { OpenLedgerProvider } from "../../sdk/provider.ts";
import { L2Wallet } from "../../sdk/wallet.ts";
import { formatAmount } from "../../sdk/amounts.ts";
import type { ModelInfo } from "../../sdk/wire.ts";
import { ProverError, ProverErrorCode } from "../../prover/errors.ts";
import { DEFAULT_HEAD_L2 } from "../../prover/models/pipeline.ts";
import { DEFAULT_TRAIN } from "../../prover/models/train.ts";
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
  rpcOption,
  STORE_URL,
  weiOption,
} from "./common.ts";
import { DEFAULT_NGRAM } from "../../prover/models/ngram.ts";
import { isTextDatanet, trainTextModel } from "./model-train-text.ts";
import { phase } from "./progress.ts";
import { checkedProvers, proverOption } from "./prover-readers.ts";
import { readerArg } from "./store.ts";

interface KeyOptions {
  readonly rpc: string;
  readonly url: string;
  readonly chainId: string;
  readonly rollup: string;
  readonly ethKeyEnv: string;
  readonly ethKeyFile?: string;
  readonly keyIndex: number;
  readonly params?: string;
  readonly json: boolean;
}

interface TrainOptions extends KeyOptions {
  readonly account: number;
  readonly contributions?: number[];
  readonly datanet?: number;
  readonly base?: number;
  readonly fee: string;
  readonly txFee: string;
  readonly wei: boolean;
  readonly hidden?: number[];
  readonly epochs?: number;
  readonly batchSize?: number;
  readonly learningRate?: number;
  readonly headL2?: number;
  readonly seed?: string;
  readonly classes?: number;
  readonly order?: number;
  readonly topK?: number;
  readonly reader: Array<{ key: string; box: string }>;
  readonly prover: number[];
  readonly l1: string;
}

const list = (v: string) => v.split(",").map((x) => intArg(x.trim()));
const positive = (v: string) => {
  const x = Number(v);
  if (!(x > 0 && Number.isFinite(x))) throw new InvalidArgumentError("expected a positive number");
  return x;
};

/** Options of the subcommands that read the chain and, with a key, the store. */
function keyed(cmd: Command): Command {
  return ethKeyOptions(chainOptions(rpcOption(cmd)))
    .option("--url <url>", "the store's address", STORE_URL)
    .addOption(paramsOption())
    .option("--json", "print JSON", false);
}

/** The caller's L2 key pair and store client; the training modules load only when used. */
async function session(o: KeyOptions) {
  const [{ StoreClient }, { StoreKey }, training] = await Promise.all([
    import("../../store/client.ts"),
    import("../../store/identity.ts"),
    import("../../prover/training/store-training.ts"),
  ]);
  const domain = domainFrom(o);
  const key = await deriveL2Key(loadEthWallet(o), domain, o.keyIndex);
  const provider = new OpenLedgerProvider(o.rpc);
  return {
    key,
    domain,
    provider,
    params: await paramsFor(provider, o),
    store: new StoreClient(o.url, new StoreKey(key.privateKey)),
    training,
  };
}

/** Every contribution of a Datanet, page by page (ol_listContributions with a filter). */
async function datanetContributions(provider: OpenLedgerProvider, datanet: number): Promise<number[]> {
  const ids: number[] = [];
  for (;;) {
    const page = await provider.listContributions({ datanet, offset: ids.at(-1) ?? 0, limit: 100 });
    ids.push(...page.map((c) => c.id));
    if (page.length < 100) return ids;
  }
}

async function contributionsOf(o: TrainOptions, provider: OpenLedgerProvider): Promise<number[]> {
  if (o.datanet === undefined) {
    if (!o.contributions)
      throw new ProverError(
        ProverErrorCode.InvalidTraining,
        "name --contributions, or --datanet to take all of a Datanet's contributions",
      );
    return o.contributions;
  }
  const inDatanet = await datanetContributions(provider, o.datanet);
  if (!o.contributions) {
    if (inDatanet.length === 0)
      throw new OpenLedgerError(ErrorCode.UnknownContribution, `Datanet ${o.datanet} has no contributions`);
    return inDatanet;
  }
  const outside = o.contributions.filter((id) => !inDatanet.includes(id));
  if (outside.length > 0)
    throw new OpenLedgerError(
      ErrorCode.UnknownContribution,
      `contribution(s) ${outside.join(", ")} are not in Datanet ${o.datanet}`,
    );
  return o.contributions;
}

function trainCommand(): Command {
  return keyed(new Command("train"))
    .description(
      "train a model on contributions' rows from the store (checked against their contentRoot), upload it encrypted and register it",
    )
    .requiredOption("--account <id>", "your L2 account id (it registers and owns the model)", intArg)
    .option(
      "--contributions <ids>",
      "comma-separated contribution ids (you need a grant on their rows)",
      list,
    )
    .option(
      "--datanet <id>",
      "a Datanet: all its contributions, or check that --contributions are in it",
      intArg,
    )
    .option("--base <model>", "fine-tune this model: start from its weights, keep its architecture", intArg)
    .requiredOption("--fee <open>", "the model's inference fee, in OPEN (base units with --wei)")
    .option("--tx-fee <open>", "the register-model transaction's fee, in OPEN (base units with --wei)", "0")
    .addOption(weiOption())
    .option(
      "--hidden <widths>",
      `hidden layer widths, the last is the embedding (default ${DEFAULT_TRAIN.hidden.join(",")})`,
      list,
    )
    .option("--epochs <n>", `SGD epochs (default ${DEFAULT_TRAIN.epochs})`, intArg)
    .option("--batch-size <n>", `mini-batch size (default ${DEFAULT_TRAIN.batchSize})`, intArg)
    .option("--learning-rate <x>", `SGD learning rate (default ${DEFAULT_TRAIN.learningRate})`, positive)
    .option("--head-l2 <x>", `ridge weight of the head refit (default ${DEFAULT_HEAD_L2})`, positive)
    .option("--seed <text>", `seed of the initialisation and visiting orders (default ${DEFAULT_TRAIN.seed})`)
    .option("--classes <n>", "number of classes (default: the base's, or the largest label + 1)", intArg)
    .option("--order <n>", `a text Datanet's n-gram order (default ${DEFAULT_NGRAM.order})`, intArg)
    .option("--top-k <n>", `continuations kept per context (default ${DEFAULT_NGRAM.topK})`, intArg)
    .option(
      "--reader <key:box>",
      "a store identity that may read the model, as a plain reader: an inference operator, say (repeatable)",
      (v, acc: Array<{ key: string; box: string }>) => [...acc, readerArg(v)],
      [],
    )
    .addOption(proverOption("a prover that may read the model"))
    .option(
      "--l1 <url>",
      "L1 JSON-RPC endpoint, asked whether each --prover is bonded",
      "http://127.0.0.1:8545",
    )
    .action(async (o: TrainOptions) => {
      const s = await session(o);
      const loading = phase("rows", "rows");
      const training = phase("train", "batches");
      const uploading = phase("upload", "bytes");
      try {
        // Checked before the rows are fetched: a refused prover costs no training.
        const provers = await checkedProvers(o, s.provider, s.store, o.prover);
        const contributions = await contributionsOf(o, s.provider);
        const wallet = new L2Wallet(s.key, o.account, s.provider, s.domain, s.params);
        const readers = [...o.reader.map((identity) => ({ identity, role: "reader" as const })), ...provers];
        // A text Datanet's documents train the n-gram text model; a classifier's options
        // given for it (or the reverse) are refused rather than silently ignored.
        const text = o.datanet !== undefined && (await isTextDatanet(o.rpc, o.url, o.datanet));
        refuseOptionsOfOtherKind(o, text);
        if (text) {
          if (o.base !== undefined)
            throw new ProverError(
              ProverErrorCode.InvalidTraining,
              "fine-tuning a text model (--base): not yet",
            );
          await trainTextModel(o, wallet, s.store, {
            contributions,
            inferenceFee: amountOf(o, "--fee", o.fee),
            txFee: amountOf(o, "--tx-fee", o.txFee),
            readers,
          });
          return;
        }
        let epochs = 0;
        const result = await s.training.trainAndRegister(wallet, s.store, {
          contributions,
          base: o.base,
          hidden: o.hidden,
          epochs: o.epochs,
          batchSize: o.batchSize,
          learningRate: o.learningRate,
          headL2: o.headL2,
          seed: o.seed,
          classes: o.classes,
          inferenceFee: amountOf(o, "--fee", o.fee),
          txFee: amountOf(o, "--tx-fee", o.txFee),
          readers,
          onLoad: (p) => loading.update(p.rows, p.totalRows, `(contribution ${p.contribution})`),
          onTrain: (p) => {
            epochs = p.epochs;
            if (p.epoch === 0 && p.step === 1)
              loading.stop(`${contributions.length} contribution(s) fetched and checked`);
            training.update(
              p.epoch * p.steps + p.step,
              p.epochs * p.steps,
              `(epoch ${p.epoch + 1}/${p.epochs})`,
            );
          },
          onUpload: (sent, total) => {
            training.stop(`${epochs} epoch(s)`);
            uploading.update(sent, total);
          },
        });
        uploading.stop(`blob ${result.blob.id}`);
        const a = result.artifact;
        const summary = {
          model: result.model ?? null,
          txHash: result.submitted.txHash,
          status: result.submitted.status,
          modelHash: fieldToHex(a.modelHash),
          trainingConfigHash: fieldToHex(a.trainingConfigHash),
          trainingDescriptor: fieldToHex(a.trainingDescriptor),
          checkpointCommitment: fieldToHex(a.checkpointCommitment),
          contributions: a.contributions,
          baseModel: a.baseModel,
          rows: a.rows.y.length,
          blob: result.blob.id,
          config: { ...a.config, base: fieldToHex(a.config.base) },
        };
        output(o.json, summary, () =>
          [
            result.model === undefined
              ? `registration queued until the account's earlier nonces arrive`
              : `registered model ${result.model}`,
            `tx                  ${summary.txHash}`,
            `modelHash           ${summary.modelHash}`,
            `trained on          ${summary.rows} rows of contributions ${a.contributions.join(", ")}${a.baseModel ? `, from model ${a.baseModel}` : ""}`,
            `architecture        ${a.config.inputDim}-${a.config.hidden.join("-")}-${a.config.classes}`,
            `checkpoint          ${summary.checkpointCommitment}`,
            `stored as blob      ${summary.blob}`,
          ].join("\n"),
        );
      } finally {
        for (const p of [loading, training, uploading]) p.stop();
        s.store.close();
      }
    });
}

function showCommand(): Command {
  return keyed(new Command("show"))
    .description("show a registered model; with --check, fetch its bytes from the store and check them")
    .argument("<model>", "model id", intArg)
    .option(
      "--check",
      "fetch the model from the store and check its bytes against modelHash (needs your key)",
      false,
    )
    .option(
      "--training",
      "also fetch its training rows (needs grants) and recompute the descriptor and checkpoint commitment",
      false,
    )
    .action(async (id: number, o: KeyOptions & { check: boolean; training: boolean }) => {
      const provider = new OpenLedgerProvider(o.rpc);
      const record = await provider.getModel(id);
      if (!record) throw new OpenLedgerError(ErrorCode.UnknownModel, `model ${id} does not exist`);
      if (!o.check && !o.training) {
        output(o.json, record, () => describe(record));
        return;
      }
      const s = await session(o);
      try {
        const report = o.training ? await trainingReport(s, id) : await modelReport(s, id);
        output(o.json, { ...record, ...report }, () => [describe(record), ...report.lines].join("\n"));
        if (report.mismatches.length > 0) process.exitCode = 1;
      } finally {
        s.store.close();
      }
    });
}

type Session = Awaited<ReturnType<typeof session>>;

async function modelReport(s: Session, id: number) {
  const { bytes, blob } = await s.training.loadModelBytes(s, s.store, id);
  return {
    stored: { blob: blob.id, bytes: bytes.length, matchesModelHash: true },
    mismatches: [] as string[],
    lines: [`stored bytes        ${bytes.length} in blob ${blob.id}: hash to modelHash`],
  };
}

async function trainingReport(s: Session, id: number) {
  const set = await s.training.loadTrainingSet(s, s.store, id);
  const c = set.config;
  return {
    stored: { bytes: set.bytes.length, matchesModelHash: true },
    rows: set.rows.y.length,
    config: c && { ...c, base: fieldToHex(c.base) },
    recomputed: {
      trainingDescriptor: fieldToHex(set.recomputed.trainingDescriptor),
      checkpointCommitment: fieldToHex(set.recomputed.checkpointCommitment),
    },
    mismatches: set.mismatches,
    lines: [
      `stored bytes        ${set.bytes.length}: hash to modelHash`,
      c
        ? `trained as          ${c.inputDim}-${c.hidden.join("-")}-${c.classes}, ${c.epochs} epoch(s), seed ${JSON.stringify(c.seed)}`
        : `trained as          (no configuration in the model's metadata)`,
      `training rows       ${set.rows.y.length}, fetched and checked against each contentRoot`,
      set.mismatches.length === 0
        ? `recomputed          descriptor and checkpoint commitment match the record`
        : `MISMATCH            ${set.mismatches.join(", ")} differ from the record`,
    ],
  };
}

function describe(m: ModelInfo): string {
  return [
    `model               ${m.id}`,
    `owner               account ${m.owner}`,
    `base model          ${m.baseModel === 0 ? "none" : m.baseModel}`,
    `inference fee       ${formatAmount(BigInt(m.inferenceFee))}`,
    `escrow              ${formatAmount(BigInt(m.escrow))}`,
    `modelHash           ${m.modelHash}`,
    `training set        ${m.contributions ? m.contributions.join(", ") : "unknown"}`,
    `trainingConfigHash  ${m.trainingConfigHash ?? "unknown"}`,
    `trainingDescriptor  ${m.trainingDescriptor}`,
    `checkpoint          ${m.checkpointCommitment}`,
  ].join("\n");
}

/** `openledger model`: train, fine-tune and register models from the store; show them. */
const CLASSIFIER_OPTIONS = [
  "hidden",
  "epochs",
  "batchSize",
  "learningRate",
  "headL2",
  "seed",
  "classes",
] as const;
const TEXT_OPTIONS = ["order", "topK"] as const;
const flag = (name: string) => `--${name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;

/** INVALID_TRAINING naming the options given that the Datanet's kind of model does not take. */
function refuseOptionsOfOtherKind(o: TrainOptions, text: boolean): void {
  const foreign = (text ? CLASSIFIER_OPTIONS : TEXT_OPTIONS).filter((k) => o[k] !== undefined);
  if (foreign.length === 0) return;
  throw new ProverError(
    ProverErrorCode.InvalidTraining,
    text
      ? `${foreign.map(flag).join(", ")} train classifiers, and Datanet ${o.datanet} is a text Datanet: its n-gram model takes ${TEXT_OPTIONS.map(flag).join(" and ")}`
      : `${foreign.map(flag).join(", ")} train a text Datanet's n-gram model, and these rows train a classifier`,
  );
}

export function modelCommand(): Command {
  return new Command("model")
    .description("train, fine-tune and register ONNX models from contributions' rows; show registered models")
    .addCommand(trainCommand())
    .addCommand(showCommand());
}
