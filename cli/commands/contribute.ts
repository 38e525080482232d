import { readFile } from "node:fs/promises";
import { homedir } from "node:os";
import { join } from "node:path";
import { Command, Option } from "commander";
import {
  DatanetError,
  DatanetErrorCode,
  type DatanetMetadata,
  metadataHash,
  parseMetadata,
} from "../../protocol/datanet/metadata.ts";
import { ErrorCode, OpenLedgerError } from "../../protocol/errors.ts";
import { fieldToHex } from "../../protocol/field.ts";
import { OpenLedgerProvider } from "../../sdk/provider.ts";
import {
  amountOf,
  chainOptions,
  ethKeyOptions,
  intArg,
  openWallet,
  output,
  rpcOption,
  STORE_URL,
  walletOptions,
  type WalletOptions,
} from "./common.ts";
import { datanetMetadata } from "./datanet.ts";
import { checkedProvers } from "./prover-readers.ts";
import { clientFor, readerArg } from "./store.ts";

// The store's and the rows file's modules load only when these commands run.
const modules = async () => ({
  contribute: await import("../../store/contribute.ts"),
  rowFile: await import("../../store/row-file.ts"),
  textInput: await import("../../store/text-input.ts"),
  fetchRows: await import("../../store/fetch-rows.ts"),
  roles: await import("../../store/roles.ts"),
  progress: (await import("cli-progress")).default,
});

interface ContributeOptions extends WalletOptions {
  readonly datanet: number;
  readonly file?: string;
  readonly text?: string;
  readonly format?: "jsonl" | "csv";
  readonly schema?: string;
  readonly stake: string;
  readonly license?: number;
  readonly refuseDuplicates: boolean;
  readonly store: string;
  readonly stateDir: string;
  readonly json: boolean;
}

/**
 * The Datanet's metadata document: the one its L2 metadataHash names, from the store, or the
 * file given with --schema, which must hash to the same metadataHash.
 */
async function metadataFor(o: ContributeOptions): Promise<DatanetMetadata> {
  if (o.schema === undefined) return datanetMetadata(o.rpc, o.store, o.datanet);
  const doc = parseMetadata(await readFile(o.schema));
  const datanet = await new OpenLedgerProvider(o.rpc).getDatanet(o.datanet);
  if (!datanet) throw new OpenLedgerError(ErrorCode.UnknownDatanet, `no Datanet ${o.datanet} on L2`);
  if (metadataHash(doc) !== BigInt(datanet.metadataHash)) {
    throw new DatanetError(
      DatanetErrorCode.MetadataMismatch,
      `${o.schema} is not Datanet ${o.datanet}'s metadata document: it hashes to ${fieldToHex(metadataHash(doc))}, L2 records ${datanet.metadataHash}`,
    );
  }
  return doc;
}

const PHASES = {
  check: ["checking rows", "bytes"],
  tokenize: ["tokenizing   ", "bytes"],
  hash: ["hashing      ", "chunks"],
  upload: ["uploading    ", "bytes"],
} as const;

/**
 * `openledger contribute`: a rows file checked against the Datanet's schema, or a text
 * Datanet's documents tokenized, hashed, encrypted, uploaded and registered on L2
 * (docs/store.md, "Contributing rows", "Contributing documents").
 */
export function contributeCommand(): Command {
  return walletOptions(new Command("contribute"))
    .description(
      "check a rows file against the Datanet's schema (or read a text Datanet's documents), upload it encrypted to the store and register it on L2; all or nothing, at most once",
    )
    .requiredOption("--datanet <id>", "the Datanet the rows are for", intArg)
    .option(
      "--file <path>",
      'the rows: JSONL ({"label": 3, "features": [...]} a line) or CSV (label,x1,...,xn)',
    )
    .option(
      "--text <path>",
      'a text Datanet\'s documents: a .txt file (one document), a directory (one document per .txt file, by name), or a .jsonl of {"text": "..."} lines',
    )
    .addOption(
      new Option(
        "--format <format>",
        "the file's format (default: from its extension, .jsonl/.ndjson or .csv)",
      ).choices(["jsonl", "csv"]),
    )
    .option(
      "--schema <metadata.json>",
      "the Datanet's metadata document as a file (default: fetched from the store by the hash L2 records; a file must hash to it)",
    )
    .requiredOption(
      "--stake <open>",
      "OPEN staked on the contribution, decimals allowed (base units with --wei)",
    )
    .option("--license <id>", "license id of the contribution (default: the Datanet's)", intArg)
    .option(
      "--refuse-duplicates",
      "refuse the upload if any row repeats one already in the Datanet or earlier in the file (without it they are reported)",
      false,
    )
    .option("--store <url>", "the store's address", STORE_URL)
    .option(
      "--state-dir <dir>",
      "where each contribution's progress is kept, so a re-run resumes and never registers twice",
      join(homedir(), ".openledger", "contributions"),
    )
    .option("--json", "print JSON", false)
    .action(async (o: ContributeOptions, cmd: Command) => {
      const { contribute, rowFile, textInput, progress, roles } = await modules();
      if ((o.file === undefined) === (o.text === undefined))
        cmd.error("error: give one of --file <rows> or --text <documents>");
      const format = o.file === undefined ? undefined : (o.format ?? rowFile.rowFormatOf(o.file));
      if (o.file !== undefined && !format)
        cmd.error(`error: cannot tell the format of ${o.file} from its extension: pass --format jsonl|csv`);
      const metadata = await metadataFor(o);
      const rows = o.text === undefined ? "rows" : "documents";
      const source =
        o.text === undefined
          ? { file: o.file!, format: format! }
          : { documents: (await textInput.readTextInput(o.text)).documents };
      const wallet = await openWallet(o);
      const store = await clientFor({ ...o, url: o.store });
      // The Datanet's curators read every contribution: the key is wrapped for them now.
      const curators = await roles.curatorReaders(wallet.provider, store, o.datanet);
      if (curators.unknown.length > 0) {
        console.error(
          `curator accounts ${curators.unknown.join(", ")} have not used this store yet: once they have, give them the key with \`openledger grant --contribution <id> --curators\``,
        );
      }
      const bar = new progress.SingleBar(
        { format: "{phase} [{bar}] {percentage}% | {value}/{total} {unit}", hideCursor: null },
        progress.Presets.shades_classic,
      );
      let phase: string | undefined;
      let storedAs: string | undefined;
      const say = (line: string) => console.error(line);
      try {
        const result = await contribute.contribute(
          {
            ...source,
            metadata,
            datanet: o.datanet,
            stake: amountOf(o, "--stake", o.stake),
            license: o.license ?? metadata.license,
            fee: amountOf(o, "--fee", o.fee),
            refuseDuplicates: o.refuseDuplicates,
            readers: curators.readers,
            stateDir: o.stateDir,
          },
          store,
          wallet,
          {
            progress: (p, done, total) => {
              const [label, unit] = PHASES[p];
              if (phase !== p) {
                if (phase) bar.stop();
                phase = p;
                bar.start(total, done, { phase: label, unit });
              } else bar.update(done, { phase: label, unit });
            },
            stored: (blobId, duplicates) => {
              if (phase) bar.stop();
              phase = undefined;
              storedAs = blobId;
              say(`${rows} stored as blob ${blobId}`);
              if (duplicates.length > 0) {
                const shown = duplicates.slice(0, 20).map((i) => `#${i + 1}`);
                say(
                  `${duplicates.length} ${rows} repeat ${rows} already in Datanet ${o.datanet} or earlier in the file: ${shown.join(", ")}${duplicates.length > 20 ? ", ..." : ""} (numbered from 1)`,
                );
              }
            },
          },
        );
        output(o.json, { ...result, metadataHash: fieldToHex(metadataHash(metadata)) }, () =>
          [
            result.resumed.registration
              ? `already registered by an earlier run: contribution ${result.contribution ?? "(queued)"}`
              : `registered: contribution ${result.contribution ?? "(queued until earlier nonces arrive)"}`,
            `tx            ${result.txHash} (${result.status})`,
            `rows          ${result.rowCount}, contentRoot ${result.contentRoot}`,
            `blob          ${result.blobId}, uriCommitment ${result.uriCommitment}`,
          ].join("\n"),
        );
      } catch (e) {
        if (phase) bar.stop();
        say(
          storedAs
            ? `nothing was registered; the ${rows} stay stored as blob ${storedAs}, and running the same command again registers them without uploading again`
            : "nothing was registered",
        );
        throw e;
      } finally {
        store.close();
      }
    });
}

interface GrantOptions {
  readonly to?: { key: string; box: string };
  readonly curators: boolean;
  readonly prover?: number;
  readonly l1: string;
  readonly contribution?: number;
  readonly blob?: string;
  readonly store: string;
  readonly rpc: string;
  readonly ethKeyEnv: string;
  readonly ethKeyFile?: string;
  readonly keyIndex: number;
  readonly chainId: string;
  readonly rollup: string;
}

/**
 * `openledger grant`: wraps the key of a contribution's (or any owned) blob for more readers
 * (docs/store.md, "Readers"). Who may be named follows the chain: `--curators` the Datanet's
 * curators as L2 records them, `--prover` an L2 account whose L1 address the rollup bonds as
 * a prover; `--to` names any store identity, as a plain reader.
 */
export function grantCommand(): Command {
  return ethKeyOptions(chainOptions(rpcOption(new Command("grant"))))
    .description("let more readers open the rows of a contribution you registered (or a blob you own)")
    .option("--to <key:box>", "a reader by store identity (`openledger store whoami` prints it)", readerArg)
    .option("--curators", "every curator of the contribution's Datanet whose box key the store knows", false)
    .option(
      "--prover <account>",
      "a prover by L2 account: its L1 address must be a bonded prover (asked of --l1)",
      intArg,
    )
    .option("--l1 <url>", "L1 JSON-RPC endpoint, asked whether a --prover is bonded", "http://127.0.0.1:8545")
    .option("--contribution <id>", "the contribution: its blob is found by its uriCommitment", intArg)
    .option("--blob <id>", "a blob id instead of a contribution")
    .option("--store <url>", "the store's address", STORE_URL)
    .action(async (o: GrantOptions, cmd: Command) => {
      if ((o.contribution === undefined) === (o.blob === undefined)) {
        cmd.error("error: name one of --contribution <id> or --blob <id>");
      }
      if ([o.to !== undefined, o.curators, o.prover !== undefined].filter(Boolean).length !== 1) {
        cmd.error("error: name the readers with one of --to <key:box>, --curators or --prover <account>");
      }
      const { fetchRows, roles } = await modules();
      const chain = new OpenLedgerProvider(o.rpc);
      const store = await clientFor({ ...o, url: o.store });
      try {
        let blobId = o.blob;
        if (o.contribution !== undefined) {
          const record = await chain.getContribution(o.contribution);
          if (!record) {
            throw new OpenLedgerError(
              ErrorCode.UnknownContribution,
              `no contribution ${o.contribution} on L2`,
            );
          }
          blobId = await fetchRows.contributionBlob(store, record);
        }
        if (o.curators) {
          const { readers, unknown } = await roles.grantCurators(chain, store, blobId!);
          for (const r of readers)
            console.log(`granted curator account ${r.account} (${r.identity.key}) on blob ${blobId}`);
          if (unknown.length > 0) {
            console.log(
              `curator accounts ${unknown.join(", ")} have not used this store yet: run this again once they have`,
            );
          }
          return;
        }
        if (o.prover !== undefined) {
          for (const reader of await checkedProvers(o, chain, store, [o.prover])) {
            await store.grant(blobId!, reader.identity, reader.role);
            console.log(
              `granted prover account ${reader.account} (${reader.identity.key}) on blob ${blobId}`,
            );
          }
          return;
        }
        await store.grant(blobId!, o.to!, "reader");
        console.log(`granted ${o.to!.key} (reader) on blob ${blobId}`);
      } finally {
        store.close();
      }
    });
}
