import { renameSync, writeFileSync } from "node:fs";
import { mkdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { type DatanetMetadata, tabularMetadata } from "../protocol/datanet/metadata.ts";
import { ErrorCode, OpenLedgerError } from "../protocol/errors.ts";
import { fieldToHex } from "../protocol/field.ts";
import { blobUriCommitment } from "../protocol/provenance/uri-commitment.ts";
import { decodeTx, encodeTx } from "../protocol/tx/codec.ts";
import { textContribution } from "../protocol/text/text-contribution.ts";
import { textMetadata } from "../protocol/text/text-datanet.ts";
import { txHash } from "../protocol/tx/fields.ts";
import { type RegisterContribution, TxType } from "../protocol/tx/types.ts";
import type { L2Wallet } from "../sdk/wallet.ts";
import type { SubmitResult } from "../sdk/wire.ts";
import type { Reader, StoreClient, UploadSession } from "./client.ts";
import { StoreError, StoreErrorCode } from "./errors.ts";
import { type RowFormat, rowFilePlaintext, scanRowFile } from "./row-file.ts";
import { rowsContentRoot } from "./rows.ts";

/**
 * Contributing a rows file (docs/store.md, "Contributing rows"), or a text Datanet's documents
 * ("Contributing documents"): check every row against the Datanet's schema, hash them, encrypt
 * and upload them, and register the contribution on L2, all or nothing and at most once.
 *
 * A state file per (deployment, account, Datanet, contentRoot) records each step before it
 * is taken: the upload session (so an interrupted upload resumes), the stored blob (so a
 * failed registration is retried without uploading again), and the signed transaction
 * before it is sent (so a run that dies after the sequencer accepted it, and its re-run,
 * send the same bytes: the re-run finds it on L2 instead of registering twice). The chain,
 * not the file, says whether the registration happened.
 */
export type ContributeRequest = RowsRequest | DocumentsRequest;

export interface RowsRequest extends RequestFields {
  readonly file: string;
  readonly format: RowFormat;
}

/** A text Datanet's contribution: its documents, in order (docs/protocol.md §12.2). */
export interface DocumentsRequest extends RequestFields {
  readonly documents: readonly string[];
}

interface RequestFields {
  /** The Datanet's metadata document; its schema checks the rows (or says they are documents). */
  readonly metadata: DatanetMetadata;
  readonly datanet: number;
  readonly stake: bigint;
  readonly license: number;
  readonly fee: bigint;
  readonly refuseDuplicates: boolean;
  /** Readers besides the owner, wrapped at upload: the Datanet's curators (store/roles.ts). */
  readonly readers?: readonly Reader[];
  /** Folder of the state files. */
  readonly stateDir: string;
}

export interface ContributeEvents {
  /**
   * Bytes of the rows file checked, or bytes of documents tokenized then chunks hashed; then
   * bytes of the blob uploaded.
   */
  progress?(phase: "check" | "tokenize" | "hash" | "upload", done: number, total: number): void;
  /** The rows are in the store (now or by an earlier run); registration comes next. */
  stored?(blobId: string, duplicates: readonly number[], stateFile: string): void;
}

export interface ContributeResult {
  /** The contribution's id; null while the transaction waits for an earlier nonce. */
  readonly contribution: number | null;
  readonly status: "queued" | "executed" | "sealed";
  readonly txHash: string;
  readonly blobId: string;
  readonly contentRoot: string;
  readonly rowCount: number;
  readonly uriCommitment: string;
  /** Rows (0-based, file order) that repeat rows already in the Datanet or earlier in the file. */
  readonly duplicates: readonly number[];
  /** What an earlier run had done already: the upload, or the registration itself. */
  readonly resumed: { readonly upload: boolean; readonly registration: boolean };
  readonly stateFile: string;
}

interface State {
  readonly version: 1;
  readonly contentRoot: string;
  /** The upload in progress: its blob key is secret, hence the file's mode 0600. */
  readonly upload?: { readonly uploadId: string; readonly blobKey: string };
  readonly blobId?: string;
  readonly duplicates?: readonly number[];
  readonly tx?: { readonly raw: string; readonly txHash: string };
}

async function readState(path: string): Promise<State | undefined> {
  try {
    return JSON.parse(await readFile(path, "utf8")) as State;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw e;
  }
}

/**
 * Written whole and renamed into place, so a crash leaves the old state or the new one;
 * synchronously, so it is on disk before the step it records is taken.
 */
function writeState(path: string, s: State): void {
  writeFileSync(`${path}.tmp`, JSON.stringify(s, null, 2), { mode: 0o600 });
  renameSync(`${path}.tmp`, path);
}

const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");

export async function contribute(
  r: ContributeRequest,
  store: StoreClient,
  wallet: L2Wallet,
  events: ContributeEvents = {},
): Promise<ContributeResult> {
  checkRequest(r);
  const content = await prepare(r, events);
  const contentRoot = content.contentRoot;
  const { chainId, rollup } = wallet.domain;
  const dir = join(r.stateDir, `${chainId}-${rollup.toLowerCase()}`);
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const stateFile = join(dir, `${wallet.account}-${r.datanet}-${contentRoot}.json`);
  let state: State = (await readState(stateFile)) ?? { version: 1, contentRoot };
  const save = (next: State) => {
    state = next;
    writeState(stateFile, state);
  };
  const provider = wallet.provider;
  const base = { contentRoot, rowCount: content.rowCount, stateFile };

  // 1. Registered already? Only L2 knows.
  if (state.tx && state.blobId) {
    const known = await provider.getTransaction(state.tx.txHash);
    if (known) {
      return {
        ...base,
        ...(await settled(wallet, state.tx.txHash, known.status)),
        blobId: state.blobId,
        uriCommitment: fieldToHex(blobUriCommitment(state.blobId)),
        duplicates: state.duplicates ?? [],
        resumed: { upload: true, registration: true },
      };
    }
  }

  // 2. The rows in the store: the blob an earlier run stored if the store still has it.
  let blobId = state.blobId;
  if (blobId && !(await holds(store, blobId))) blobId = undefined;
  const resumedUpload = blobId !== undefined;
  if (!blobId) {
    const put = (resume?: UploadSession) =>
      store.put({
        kind: content.kind,
        plaintextLength: content.plaintextLength,
        plaintext: content.plaintext,
        datanet: r.datanet,
        rowHashes: content.rowHashes,
        contentRoot,
        refuseDuplicates: r.refuseDuplicates,
        readers: r.readers,
        resume,
        onSession: (s) => save({ ...state, upload: { uploadId: s.uploadId, blobKey: hex(s.blobKey) } }),
        onProgress: (sent, total) => events.progress?.("upload", sent, total),
      });
    const session = state.upload && {
      uploadId: state.upload.uploadId,
      blobKey: new Uint8Array(Buffer.from(state.upload.blobKey, "hex")),
    };
    let stored;
    try {
      stored = await put(session);
    } catch (e) {
      // The session is gone (completed, expired, or a fresh store): start a new one.
      const gone =
        e instanceof StoreError &&
        (e.code === StoreErrorCode.NotFound || e.code === StoreErrorCode.UploadExpired);
      if (!(session && gone)) throw e;
      stored = await put();
    }
    blobId = stored.blob.id;
    save({ ...state, upload: undefined, blobId, duplicates: stored.duplicates, tx: undefined });
  }

  events.stored?.(blobId, state.duplicates ?? [], stateFile);

  // 3. The registration: the signed bytes are kept before they are sent.
  const uriCommitment = blobUriCommitment(blobId);
  const payload = {
    type: TxType.RegisterContribution,
    datanet: r.datanet,
    contentRoot: BigInt(contentRoot),
    rowCount: content.rowCount,
    license: r.license,
    uriCommitment,
    stake: r.stake,
  } as const;
  let sent: SubmitResult | undefined;
  if (state.tx && sameRegistration(state.tx.raw, payload, wallet.account, r.fee)) {
    try {
      sent = await provider.sendRawTransaction(Buffer.from(state.tx.raw, "hex"));
    } catch (e) {
      // Its nonce went to another transaction: this one never landed, sign it again.
      if (!(e instanceof OpenLedgerError && e.code === ErrorCode.BadNonce)) throw e;
    }
  }
  if (!sent) {
    const signed = await wallet.sign<RegisterContribution>(payload, { fee: r.fee });
    const raw = encodeTx(signed);
    save({
      ...state,
      tx: { raw: hex(raw), txHash: fieldToHex(txHash(signed, wallet.domain, wallet.params)) },
    });
    sent = await provider.sendRawTransaction(raw);
  }
  return {
    ...base,
    ...(await settled(wallet, sent.txHash, sent.status)),
    blobId,
    uriCommitment: fieldToHex(uriCommitment),
    duplicates: state.duplicates ?? [],
    resumed: { upload: resumedUpload, registration: false },
  };
}

/** What is uploaded and registered: the blob's plaintext and what the chain records of it. */
interface Content {
  readonly kind: "rows" | "documents";
  readonly rowCount: number;
  /** One hash a row (a document's, for documents), for the Datanet's duplicate index. */
  readonly rowHashes: Uint8Array;
  readonly contentRoot: string;
  readonly plaintextLength: number;
  /** From its start; called again to regenerate the bytes when an upload resumes. */
  readonly plaintext: () => AsyncIterable<Uint8Array>;
}

/** The request's rows checked against the Datanet's kind and schema, hashed and measured. */
async function prepare(r: ContributeRequest, events: ContributeEvents): Promise<Content> {
  const what = `Datanet ${r.datanet}`;
  if ("documents" in r) {
    textMetadata(r.metadata, what);
    const t = textContribution(r.documents, (phase, done, total) => events.progress?.(phase, done, total));
    return {
      kind: "documents",
      rowCount: t.rowCount,
      rowHashes: t.documentHashes,
      contentRoot: fieldToHex(t.contentRoot),
      plaintextLength: t.bytes.length,
      plaintext: async function* () {
        yield t.bytes;
      },
    };
  }
  const schema = tabularMetadata(r.metadata, what).schema;
  const scanned = await scanRowFile(r.file, r.format, schema, (d, t) => events.progress?.("check", d, t));
  return {
    kind: "rows",
    rowCount: scanned.rowCount,
    rowHashes: scanned.rowHashes,
    contentRoot: rowsContentRoot(scanned.rowHashes),
    plaintextLength: scanned.plaintextLength,
    plaintext: () => rowFilePlaintext(r.file, r.format, schema, scanned),
  };
}

/** The fields the transaction will carry, checked before anything is read or uploaded. */
function checkRequest(r: ContributeRequest): void {
  // Integer first: BigInt() throws on a fraction.
  const within = (x: number | bigint, bits: number) =>
    (typeof x === "bigint" || Number.isInteger(x)) && BigInt(x) >= 0n && BigInt(x) < 1n << BigInt(bits);
  const fields = [
    ["datanet", r.datanet, 32],
    ["license", r.license, 16],
    ["stake", r.stake, 96],
    ["fee", r.fee, 96],
  ] as const;
  for (const [name, value, bits] of fields) {
    if (!within(value, bits)) {
      throw new OpenLedgerError(ErrorCode.InvalidField, `${name} must be a u${bits}, got ${value}`);
    }
  }
}

/** Whether the store still holds a blob (a devnet started afresh does not). */
async function holds(store: StoreClient, blobId: string): Promise<boolean> {
  try {
    await store.blobInfo(blobId);
    return true;
  } catch (e) {
    if (e instanceof StoreError && e.code === StoreErrorCode.NotFound) return false;
    throw e;
  }
}

/** A kept transaction still says what this run would sign (else it is signed afresh). */
function sameRegistration(
  rawHex: string,
  p: Omit<RegisterContribution, "from" | "nonce" | "fee">,
  account: number,
  fee: bigint,
): boolean {
  const tx = decodeTx(Buffer.from(rawHex, "hex"));
  return (
    tx.type === TxType.RegisterContribution &&
    tx.from === account &&
    tx.fee === fee &&
    tx.datanet === p.datanet &&
    tx.contentRoot === p.contentRoot &&
    tx.rowCount === p.rowCount &&
    tx.license === p.license &&
    tx.uriCommitment === p.uriCommitment &&
    tx.stake === p.stake
  );
}

/** The transaction's place and, once it executed, the contribution it created. */
async function settled(wallet: L2Wallet, hash: string, status: ContributeResult["status"]) {
  if (status === "queued") return { txHash: hash, status, contribution: null };
  const receipt = await wallet.provider.getTransactionReceipt(hash);
  if (receipt?.created?.registry !== "contribution") {
    throw new OpenLedgerError(ErrorCode.StateCorrupt, `transaction ${hash} created no contribution`);
  }
  return { txHash: hash, status: receipt.status, contribution: receipt.created.id };
}
