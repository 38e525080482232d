import { readFile } from "node:fs/promises";
import { Command } from "commander";
import type { DatanetMetadata } from "../../protocol/datanet/metadata.ts";
import { ErrorCode, OpenLedgerError } from "../../protocol/errors.ts";
import { fieldToHex } from "../../protocol/field.ts";
import { licensePolicy, policyLicenses } from "../../protocol/licenses.ts";
import { CurationMode, MAX_CURATORS } from "../../protocol/tx/types.ts";
import { OpenLedgerProvider } from "../../sdk/provider.ts";
import type { ContributionInfo, DatanetInfo } from "../../sdk/wire.ts";
import { formatAmount } from "../../sdk/amounts.ts";
import {
  amountOf,
  intArg,
  output,
  rpcOption,
  sendTx,
  STORE_URL,
  type TxOptions,
  txOptions,
} from "./common.ts";
import { clientFor } from "./store.ts";

// The store's modules load only when a command that reads or writes it runs.
const storeModules = async () => ({
  metadata: await import("../../store/datanet-metadata.ts"),
  metadataDoc: await import("../../protocol/datanet/metadata.ts"),
  textDatanet: await import("../../protocol/text/text-datanet.ts"),
});

/**
 * The document a Datanet's metadataHash names, read from the store as the public reader
 * (docs/store.md, "Public blobs"): the bytes are checked against the hash L2 records.
 */
export async function datanetMetadata(rpc: string, storeUrl: string, id: number): Promise<DatanetMetadata> {
  const datanet = await new OpenLedgerProvider(rpc).getDatanet(id);
  if (!datanet) throw new OpenLedgerError(ErrorCode.UnknownDatanet, `no Datanet ${id} on L2`);
  const { metadata } = await storeModules();
  return metadata.fetchMetadata(storeUrl, BigInt(datanet.metadataHash));
}

interface CreateOptions extends TxOptions {
  readonly metadata?: string;
  readonly text: boolean;
  readonly name?: string;
  readonly description?: string;
  readonly licenses: number;
  readonly curators: number[];
  readonly minStake: string;
  readonly store: string;
}

/** Every contribution of a Datanet, a page at a time. */
async function contributionsOf(provider: OpenLedgerProvider, datanet: number): Promise<ContributionInfo[]> {
  const out: ContributionInfo[] = [];
  for (;;) {
    const page = await provider.listContributions({ datanet, offset: out.at(-1)?.id ?? 0, limit: 100 });
    out.push(...page);
    if (page.length < 100) return out;
  }
}

const describeDatanet = (d: DatanetInfo) =>
  [
    `Datanet ${d.id}: owner account ${d.owner}, ${d.curationMode}${d.curators.length ? ` (curators ${d.curators.join(", ")})` : ""}`,
    `licenses      ${d.licenses.join(", ")}`,
    `min stake     ${formatAmount(BigInt(d.minStake))}`,
    `metadataHash  ${d.metadataHash}`,
  ].join("\n");

const describeSchema = (m: DatanetMetadata) =>
  m.version === 1
    ? `${m.schema.features.count} numeric features, ${m.schema.label.classes} classes`
    : `text, documents tokenized by ${m.schema.tokenizer}`;

/** `openledger datanet create|list|show|accept|reject` (docs/protocol.md §7.1–7.3, §10.1). */
export function datanetCommand(): Command {
  const datanet = new Command("datanet").description("create, list, show and curate Datanets");

  datanet.addCommand(
    txOptions(new Command("create"))
      .description(
        "store a Datanet's metadata document (public, in the store) and create the Datanet on L2 under its hash",
      )
      .option(
        "--metadata <file>",
        "the metadata document, JSON: version, name, description, schema, license (docs/protocol.md §10.1)",
      )
      .option(
        "--text",
        "a text Datanet, whose rows are documents: its metadata document is made from --name, --description and the lowest license id of --licenses",
        false,
      )
      .option("--name <name>", "with --text: the Datanet's name")
      .option("--description <text>", "with --text: what it holds", "")
      .requiredOption(
        "--licenses <list>",
        "comma-separated licenses it admits (SPDX identifiers or ids)",
        (v) => licensePolicy(v.split(",").map((x) => x.trim())),
      )
      .option(
        "--curators <ids>",
        `comma-separated curator account ids, at most ${MAX_CURATORS}: the Datanet is curated (none: open)`,
        (v) => v.split(",").map((x) => intArg(x.trim())),
        [] as number[],
      )
      .option("--min-stake <open>", "least stake of a contribution, in OPEN (base units with --wei)", "0")
      .option("--store <url>", "the store that keeps the metadata document", STORE_URL)
      .action(async (o: CreateOptions, cmd: Command) => {
        if (o.text === (o.metadata !== undefined))
          cmd.error("error: give one of --metadata <file> or --text");
        if (o.text && o.name === undefined) cmd.error("error: --text needs --name <name>");
        const { metadata, metadataDoc, textDatanet } = await storeModules();
        // Checked before anything is stored or sent: a bad document names its field.
        const doc = o.text
          ? metadataDoc.checkMetadata(
              textDatanet.textDatanetMetadata({
                name: o.name!,
                description: o.description,
                license: policyLicenses(o.licenses)[0]!.id,
              }),
            )
          : metadataDoc.parseMetadata(await readFile(o.metadata!));
        const store = await clientFor({ ...o, url: o.store });
        let hash: bigint;
        try {
          ({ metadataHash: hash } = await metadata.putMetadata(store, doc));
        } finally {
          store.close();
        }
        const curators = [...o.curators].sort((a, b) => a - b);
        await sendTx(
          o,
          (w, f) =>
            w.createDatanet(
              {
                metadataHash: hash,
                licensePolicy: o.licenses,
                curationMode: curators.length > 0 ? CurationMode.Curated : CurationMode.Open,
                curators,
                minStake: amountOf(o, "--min-stake", o.minStake),
              },
              f,
            ),
          async (r, w) => {
            const receipt = r.status === "executed" ? await w.provider.getTransactionReceipt(r.txHash) : null;
            const id = receipt?.created?.id;
            return { ...(id !== undefined && { datanet: id }), metadataHash: fieldToHex(hash) };
          },
        );
      }),
  );

  datanet.addCommand(
    rpcOption(new Command("list"))
      .description("list the Datanets on L2")
      .option("--offset <n>", "list the ones after this id", intArg, 0)
      .option("--limit <n>", "at most this many (≤ 100)", intArg, 20)
      .option("--json", "print JSON", false)
      .action(async (o: { rpc: string; offset: number; limit: number; json: boolean }) => {
        const list = await new OpenLedgerProvider(o.rpc).listDatanets({ offset: o.offset, limit: o.limit });
        output(o.json, list, () =>
          list.length === 0
            ? "no Datanets"
            : list
                .map(
                  (d) =>
                    `${String(d.id).padStart(4)}  ${d.curationMode.padEnd(7)}  owner ${d.owner}  licenses ${d.licenses.join(",")}  min stake ${formatAmount(BigInt(d.minStake))}`,
                )
                .join("\n"),
        );
      }),
  );

  datanet.addCommand(
    rpcOption(new Command("show"))
      .description(
        "a Datanet: its L2 record, its metadata document from the store, its contributions by status",
      )
      .argument("<id>", "Datanet id", intArg)
      .option("--store <url>", "the store that keeps the metadata document", STORE_URL)
      .option("--json", "print JSON", false)
      .action(async (id: number, o: { rpc: string; store: string; json: boolean }) => {
        const provider = new OpenLedgerProvider(o.rpc);
        const d = await provider.getDatanet(id);
        if (!d) throw new OpenLedgerError(ErrorCode.UnknownDatanet, `no Datanet ${id} on L2`);
        const { metadata } = await storeModules();
        // The L2 record stands without the document: a store that cannot give it is reported, not fatal.
        const doc = await metadata.fetchMetadata(o.store, BigInt(d.metadataHash)).then(
          (m) => ({ metadata: m }),
          (e: Error & { code?: string }) => ({ metadataError: `${e.code ?? "ERROR"}: ${e.message}` }),
        );
        const contributions = await contributionsOf(provider, id);
        const byStatus = (s: ContributionInfo["status"]) => contributions.filter((c) => c.status === s);
        output(o.json, { ...d, ...doc, contributions }, () =>
          [
            describeDatanet(d),
            "metadata" in doc
              ? `name          ${doc.metadata.name}\nschema        ${describeSchema(doc.metadata)}`
              : `metadata      not readable from ${o.store}: ${doc.metadataError}`,
            ...(["accepted", "pending", "rejected"] as const).map((s) => {
              const list = byStatus(s);
              return `${s.padEnd(14)}${list.length}${list.length ? ` (${list.map((c) => `#${c.id}: ${c.rowCount} rows`).join(", ")})` : ""}`;
            }),
          ].join("\n"),
        );
      }),
  );

  for (const [name, accept] of [
    ["accept", true],
    ["reject", false],
  ] as const) {
    datanet.addCommand(
      txOptions(new Command(name))
        .description(
          accept
            ? "accept a pending contribution to a Datanet you curate"
            : "reject a pending contribution to a Datanet you curate: its stake goes back to its owner",
        )
        .argument("<contribution>", "contribution id", intArg)
        .action(async (contribution: number, o: TxOptions) => {
          await sendTx(o, (w, f) => w.curate(contribution, accept, f));
        }),
    );
  }
  return datanet;
}
