import { computeAddress, type SigningKey } from "ethers";
import type { Logger } from "pino";
import { packPoint } from "../protocol/babyjub.ts";
import type { Domain } from "../protocol/domain.ts";
import { derivePublicKey, type PrivateKey, type PublicKey, verifySignature } from "../protocol/eddsa.ts";
import { ErrorCode, OpenLedgerError } from "../protocol/errors.ts";
import { type Field, fieldToHex } from "../protocol/field.ts";
import type { ProtocolParams } from "../protocol/params.ts";
import {
  attestationMessage,
  type Attestation,
  decodeInput,
  inputBytes,
  ioHash,
  outputBytes,
  signAttestation,
} from "../protocol/provenance/inference.ts";
import { decodeTx } from "../protocol/tx/codec.ts";
import { txHash as hashTx } from "../protocol/tx/fields.ts";
import { type Inference, type SignedTx, TxType } from "../protocol/tx/types.ts";
import type { Reader } from "../store/client.ts";
import { MAX_CONTENT_HASHES } from "../store/schemas.ts";
import { argmax, inputCommitment } from "./check.ts";
import { textInputBytes, textOutputBytes } from "../protocol/provenance/text-inference.ts";
import { textRoot } from "../protocol/text/text-root.ts";
import { decodeTokens } from "../protocol/text/tokenizer.ts";
import { generateGreedy } from "../prover/models/ngram-runtime.ts";
import { promptTokens, type TextRequest } from "./text-request.ts";
import { type BatchOptions, WindowBatcher } from "./batcher.ts";
import { InferenceError, InferenceErrorCode } from "./errors.ts";
import type { ModelCache } from "./model-cache.ts";
import { NonceBook } from "./nonces.ts";
import { QuoteBook } from "./quotes.ts";
import { encodeRecords, type InferenceRecord } from "../protocol/provenance/inference-record.ts";
import {
  type OperatorAttestation,
  signOperatorAttestation,
} from "../protocol/provenance/operator-attestation.ts";

/** The sequencer's refusals that the node also makes itself, under the node's code. */
/** Calls the sequencer takes in one JSON-RPC batch (its default `maxBatchCalls`). */
const MAX_RPC_BATCH = 100;

const SEQUENCER_CODES: Partial<Record<string, InferenceErrorCode>> = {
  [ErrorCode.FeeTooLow]: InferenceErrorCode.Underpaid,
  [ErrorCode.InvalidSignature]: InferenceErrorCode.BadSignature,
};

type Submitted = { txHash: string; status: string; batch?: number; position?: number };

/** What the node needs of the chain: its sequencer's JSON-RPC (sdk/provider.ts fits). */
export interface Chain {
  getNonce(account: number): Promise<number | null>;
  getAccount(account: number): Promise<{ publicKey: { x: string; y: string } } | null>;
  /** In one request, in order: each transaction's result or the sequencer's refusal. */
  sendRawTransactions(raws: readonly Uint8Array[]): Promise<Array<Submitted | Error>>;
}

/** Where the node keeps paid inferences' records, for the readers it names. */
export interface RecordStore {
  /** One blob of `plaintext` (a batch of records), found by each of `inputHashes`. */
  putRecords(
    plaintext: Uint8Array,
    inputHashes: readonly Field[],
    readers: readonly Reader[],
  ): Promise<{ blobId: string }>;
}

export interface InferenceNodeConfig {
  readonly domain: Domain;
  readonly params: ProtocolParams;
  /** The operator's L2 key: signs attestations (and, through the store, its uploads). */
  readonly key: PrivateKey;
  /** The secp256k1 key of the operator's bonded L1 address: signs the L1 attestations. */
  readonly l1Key: SigningKey;
  /** Who may read the stored inputs besides the node: the provers that attribute them. */
  readonly readers: readonly Reader[];
  readonly quoteTtlMs: number;
  readonly maxQuotes: number;
  /** Records paid within one window go to the store as one blob. */
  readonly recordBatch: BatchOptions;
}

/** A quote as the node keeps it; the output stays here until the quote is paid. */
interface OpenQuote {
  readonly model: number;
  readonly input: Uint8Array;
  readonly inputHash: Field;
  /** What the user gets once paid. */
  readonly answer: Answer;
  readonly output: Uint8Array;
  readonly outputHash: Field;
  readonly featureCommitment: Field;
  readonly payment: bigint;
  readonly expiresAt: number;
}

/** A classifier's probabilities and label, or a text model's generated text and its tokens. */
export type Answer =
  { readonly probs: number[]; readonly label: number } | { readonly text: string; readonly tokens: number[] };

/** Step 1's answer: what the user signs an inference transaction over. */
export interface QuoteView {
  readonly quoteId: string;
  readonly model: number;
  readonly inputHash: string;
  readonly outputHash: string;
  readonly featureCommitment: string;
  readonly payment: string;
  readonly expiresAt: number;
}

/** Step 2's answer: the output, where the payment landed and the operator's attestation. */
export interface PaidInference {
  readonly txHash: string;
  readonly status: string;
  readonly batch?: number;
  readonly position?: number;
  readonly output: Answer;
  readonly outputHash: string;
  readonly inputBlob: string;
  readonly attestation: Attestation;
  /** The same inference attested by the operator's bonded L1 address: evidence against its bond. */
  readonly operatorL1: OperatorAttestation;
}

/**
 * The inference node's two-step exchange (docs/inference.md): `quote` validates an input,
 * runs the model (micro-batched), and answers the hashes and payment a transaction must
 * carry while keeping the output back; `pay` checks the signed transaction against the
 * quote, stores the record for provers, submits the transaction and hands the output over
 * with an attestation. Nothing is charged unless the sequencer accepts the transaction.
 */
export class InferenceNode {
  readonly operator: PublicKey;
  private readonly quotes: QuoteBook<OpenQuote>;
  // An account's key never changes once opened: one lookup per sender.
  private readonly keys = new Map<number, PublicKey>();
  private readonly nonces: NonceBook;
  private readonly records: WindowBatcher<{ record: InferenceRecord; inputHash: Field }, { blobId: string }>;
  private readonly submissions: WindowBatcher<Uint8Array, Submitted | Error>;

  constructor(
    private readonly config: InferenceNodeConfig,
    readonly models: ModelCache,
    private readonly chain: Chain,
    private readonly store: RecordStore,
    private readonly logger: Logger,
  ) {
    this.operator = derivePublicKey(config.key);
    this.quotes = new QuoteBook(config.maxQuotes);
    this.nonces = new NonceBook((account) => chain.getNonce(account));
    // One upload (three signed requests, a LevelDB write, a file) at a time, holding every
    // record paid meanwhile, rather than one per payment; likewise one request to the sequencer.
    this.records = new WindowBatcher(
      async (batch) => {
        const stored = await store.putRecords(
          encodeRecords(batch.map((b) => b.record)),
          batch.map((b) => b.inputHash),
          config.readers,
        );
        return batch.map(() => stored);
      },
      {
        ...config.recordBatch,
        maxBatch: Math.min(config.recordBatch.maxBatch, MAX_CONTENT_HASHES),
        serial: true,
      },
    );
    this.submissions = new WindowBatcher((raws) => chain.sendRawTransactions(raws), {
      ...config.recordBatch,
      maxBatch: Math.min(config.recordBatch.maxBatch, MAX_RPC_BATCH),
      serial: true,
    });
  }

  /** The operator's packed public key (hex): the key its attestations verify under. */
  get operatorKey(): string {
    return Buffer.from(packPoint(this.operator)).toString("hex");
  }

  /** The operator's L1 address: the bonded one its L1 attestations recover to. */
  get operatorAddress(): string {
    return computeAddress(this.config.l1Key.publicKey);
  }

  get openQuotes(): number {
    return this.quotes.size;
  }

  async quote(modelId: number, input: readonly (number | null)[]): Promise<QuoteView> {
    const model = await this.models.get(modelId);
    if (model.kind !== "mlp") {
      throw new InferenceError(
        InferenceErrorCode.WrongModelKind,
        `model ${modelId} is a text model: post a prompt to /v1/models/${modelId}/generate`,
      );
    }
    if (input.length !== model.inputDim) {
      throw new InferenceError(
        InferenceErrorCode.BadShape,
        `model ${modelId} takes ${model.inputDim} numbers, got ${input.length}`,
      );
    }
    const bad = input.findIndex((v) => v === null || !Number.isFinite(v));
    if (bad >= 0) {
      throw new InferenceError(
        InferenceErrorCode.NonFiniteInput,
        `input[${bad}] is NaN or infinite (${String(input[bad])}): the model takes finite numbers`,
      );
    }
    const canonical = inputBytes(input as number[]);
    // The model runs on the quantized values the input hash commits to, as a re-run will.
    const x = decodeInput(canonical);
    const probs = await model.batcher.submit(Float32Array.from(x));
    const output = outputBytes(probs);
    const quote: OpenQuote = {
      model: modelId,
      input: canonical,
      inputHash: ioHash(canonical),
      answer: { probs: Array.from(probs), label: argmax(probs) },
      output,
      outputHash: ioHash(output),
      featureCommitment: inputCommitment(model.ctx, x),
      payment: model.fee,
      expiresAt: Date.now() + this.config.quoteTtlMs,
    };
    return this.open(quote);
  }

  /**
   * Step 1 for a text model: generates greedily through its onnxruntime session, token by
   * token, and quotes inputHash = textRoot(prompt tokens), outputHash = textRoot(output
   * tokens) and a featureCommitment of 0 (a text model has none: spans are read off the
   * output). The request is checked before the model runs.
   */
  async quoteText(modelId: number, request: TextRequest): Promise<QuoteView> {
    const prompt = promptTokens(request);
    const model = await this.models.get(modelId);
    if (model.kind !== "ngram") {
      throw new InferenceError(
        InferenceErrorCode.WrongModelKind,
        `model ${modelId} is a classifier: post numbers to /v1/models/${modelId}/quote`,
      );
    }
    const tokens = await generateGreedy(model.runner, prompt, request.maxTokens);
    const output = textOutputBytes(tokens);
    return this.open({
      model: modelId,
      input: textInputBytes({ prompt, maxTokens: request.maxTokens }),
      inputHash: textRoot(prompt),
      answer: { text: decodeTokens(tokens), tokens: Array.from(tokens) },
      output,
      outputHash: textRoot(tokens),
      featureCommitment: 0n,
      payment: model.fee,
      expiresAt: Date.now() + this.config.quoteTtlMs,
    });
  }

  private open(quote: OpenQuote): QuoteView {
    const quoteId = this.quotes.add(quote);
    return {
      quoteId,
      model: quote.model,
      inputHash: fieldToHex(quote.inputHash),
      outputHash: fieldToHex(quote.outputHash),
      featureCommitment: fieldToHex(quote.featureCommitment),
      payment: quote.payment.toString(),
      expiresAt: quote.expiresAt,
    };
  }

  async pay(quoteId: string, raw: Uint8Array): Promise<PaidInference> {
    const quote = this.quotes.claim(quoteId);
    try {
      const paid = await this.settle(quote, raw);
      this.quotes.settle(quoteId);
      return paid;
    } catch (e) {
      this.quotes.release(quoteId);
      throw e;
    }
  }

  private async settle(quote: OpenQuote, raw: Uint8Array): Promise<PaidInference> {
    const tx = this.matching(quote, raw);
    const hash = hashTx(tx, this.config.domain, this.config.params);
    // Checked here, before anything is stored, so a bad payment costs the store nothing;
    // the sequencer checks all of it again when it executes the transaction.
    const owner = await this.accountKey(tx.from);
    // The signature is over the transaction hash just computed (protocol/tx/sign.ts: verifyTx).
    if (!verifySignature(hash, tx.signature, owner)) {
      throw new InferenceError(
        InferenceErrorCode.BadSignature,
        `the transaction is not signed by account ${tx.from}'s key`,
      );
    }
    const nonce = await this.nonces.expected(tx.from, tx.nonce);
    if (nonce !== tx.nonce) {
      throw new InferenceError(
        InferenceErrorCode.BadNonce,
        `account ${tx.from}'s next nonce is ${nonce}, the transaction carries ${tx.nonce}`,
      );
    }
    const attestation = signAttestation(
      this.config.key,
      this.operator,
      attestationMessage(this.config.domain, hash, quote.outputHash, quote.featureCommitment),
    );
    const operatorL1 = signOperatorAttestation(this.config.l1Key, this.config.domain, {
      txHash: hash,
      model: quote.model,
      outputHash: quote.outputHash,
      featureCommitment: quote.featureCommitment,
    });
    const txHashBytes = Buffer.from(fieldToHex(hash).slice(2), "hex");
    const record: InferenceRecord = {
      model: quote.model,
      txHash: txHashBytes,
      input: quote.input,
      output: quote.output,
      attestation,
      operatorL1,
    };
    let blobId: string;
    try {
      // Waits for the batch's upload: the record is stored before the transaction is submitted.
      ({ blobId } = await this.records.submit({ record, inputHash: quote.inputHash }));
    } catch (e) {
      throw new InferenceError(
        InferenceErrorCode.StoreFailed,
        `the input could not be stored, so the transaction was not submitted: ${(e as Error).message}`,
        { cause: e },
      );
    }
    const submitted = await this.submissions
      .submit(raw)
      .then((r) => {
        if (r instanceof Error) throw r;
        return r;
      })
      .catch((e: unknown) => {
        this.nonces.forget(tx.from);
        // A refusal by the state transition keeps its protocol code; nothing was charged.
        if (e instanceof OpenLedgerError) {
          const code = SEQUENCER_CODES[e.code] ?? e.code;
          throw new InferenceError(code, `the sequencer refused the transaction: ${e.message}`, { cause: e });
        }
        throw new InferenceError(InferenceErrorCode.Unavailable, `sequencer: ${(e as Error).message}`, {
          cause: e,
        });
      });
    this.nonces.accepted(tx.from, tx.nonce);
    this.logger.debug({ txHash: submitted.txHash, model: quote.model, blobId }, "inference paid");
    return {
      ...submitted,
      output: quote.answer,
      outputHash: fieldToHex(quote.outputHash),
      inputBlob: blobId,
      attestation,
      operatorL1,
    };
  }

  /** The transaction, if it is an inference that carries exactly this quote and pays enough. */
  private matching(quote: OpenQuote, raw: Uint8Array): SignedTx<Inference> {
    let tx;
    try {
      tx = decodeTx(raw);
    } catch (e) {
      throw new InferenceError(
        InferenceErrorCode.InvalidRequest,
        `the transaction does not decode: ${(e as Error).message}`,
      );
    }
    if (tx.type !== TxType.Inference) {
      throw new InferenceError(InferenceErrorCode.TxMismatch, `the transaction is not an inference`);
    }
    const wrong = (
      [
        ["model", tx.model, quote.model],
        ["inputHash", tx.inputHash, quote.inputHash],
        ["outputHash", tx.outputHash, quote.outputHash],
        ["featureCommitment", tx.featureCommitment, quote.featureCommitment],
      ] as const
    ).filter(([, got, want]) => BigInt(got) !== BigInt(want));
    if (wrong.length > 0) {
      throw new InferenceError(
        InferenceErrorCode.TxMismatch,
        `the transaction's ${wrong.map(([name]) => name).join(", ")} differ from the quote's`,
      );
    }
    if (tx.payment < quote.payment) {
      throw new InferenceError(
        InferenceErrorCode.Underpaid,
        `the transaction pays ${tx.payment}, the model's inference fee is ${quote.payment}`,
      );
    }
    return tx;
  }

  private async accountKey(account: number): Promise<PublicKey> {
    let key = this.keys.get(account);
    if (!key) {
      const info = await this.chain.getAccount(account);
      if (!info) {
        throw new InferenceError(ErrorCode.UnknownAccount, `account ${account} does not exist on L2`);
      }
      key = { x: BigInt(info.publicKey.x), y: BigInt(info.publicKey.y) };
      this.keys.set(account, key);
    }
    return key;
  }
}
