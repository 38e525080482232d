import { fieldToHex } from "../protocol/field.ts";
import {
  attestationMessage,
  ioHash,
  outputBytes,
  verifyAttestation,
} from "../protocol/provenance/inference.ts";
import { verifyOperatorAttestation } from "../protocol/provenance/operator-attestation.ts";
import { textRoot } from "../protocol/text/text-root.ts";
import { decodeTokens } from "../protocol/text/tokenizer.ts";
import { promptHash } from "../sdk/text.ts";
import { encodeTx } from "../protocol/tx/codec.ts";
import { txHash } from "../protocol/tx/fields.ts";
import { type Inference, TxType } from "../protocol/tx/types.ts";
import type { L2Wallet, TxOverrides } from "../sdk/wallet.ts";
import { InferenceError, InferenceErrorCode } from "./errors.ts";
import type { Answer, PaidInference, QuoteView } from "./node.ts";

export interface ModelInfo {
  readonly model: number;
  readonly modelHash: string;
  readonly kind: "mlp" | "ngram";
  /** A classifier's input width and classes. */
  readonly inputDim?: number;
  readonly classes?: number;
  /** A text model's n-gram order and tokenizer. */
  readonly order?: number;
  readonly tokenizerHash?: string;
  readonly fee: string;
}

export interface GenerateOptions {
  readonly maxTokens: number;
  /** Only 0 is served (greedy, replayable). */
  readonly temperature?: number;
}

/**
 * A user's side of the exchange with an inference node (ethers-style, over an L2Wallet):
 * ask for a quote, sign an inference transaction over it, pay, and check that the output
 * handed back is the one the transaction paid for and that the operator attested it.
 */
export class InferenceClient {
  readonly url: string;

  constructor(
    url: string,
    readonly wallet: L2Wallet,
  ) {
    this.url = url.replace(/\/+$/, "");
  }

  model(id: number): Promise<ModelInfo> {
    return this.request("GET", `/v1/models/${id}`);
  }

  /** NaN and ±Infinity travel as null (JSON has no other form), and the node refuses them. */
  quote(model: number, input: readonly number[]): Promise<QuoteView> {
    return this.request("POST", `/v1/models/${model}/quote`, { input });
  }

  /**
   * A text model's quote for `prompt`; refused unless its inputHash is the one the user
   * computes from the prompt (sdk/text.ts), so the transaction signs the user's own value.
   */
  async quoteText(model: number, prompt: string, o: GenerateOptions): Promise<QuoteView> {
    const quote = await this.request<QuoteView>("POST", `/v1/models/${model}/generate`, {
      prompt,
      max_tokens: o.maxTokens,
      temperature: o.temperature ?? 0,
    });
    if (BigInt(quote.inputHash) !== promptHash(prompt)) {
      throw new InferenceError(
        InferenceErrorCode.OutputMismatch,
        "the node quoted another inputHash than textRoot of the prompt's tokens: nothing was paid",
      );
    }
    return quote;
  }

  /** Quote, sign and pay a generation; the text handed back is checked against the paid outputHash. */
  async generate(
    model: number,
    prompt: string,
    o: GenerateOptions & TxOverrides & { payment?: bigint },
  ): Promise<{ quote: QuoteView; paid: PaidInference }> {
    const quote = await this.quoteText(model, prompt, o);
    return { quote, paid: await this.pay(quote, o) };
  }

  /** Signs an inference transaction over `quote` (paying its payment unless `payment` says more) and pays it. */
  async pay(quote: QuoteView, o: TxOverrides & { payment?: bigint } = {}): Promise<PaidInference> {
    const signed = await this.wallet.sign<Inference>(
      {
        type: TxType.Inference,
        model: quote.model,
        inputHash: BigInt(quote.inputHash),
        outputHash: BigInt(quote.outputHash),
        featureCommitment: BigInt(quote.featureCommitment),
        payment: o.payment ?? BigInt(quote.payment),
      },
      o,
    );
    const paid = await this.request<PaidInference>("POST", `/v1/quotes/${quote.quoteId}/pay`, {
      tx: `0x${Buffer.from(encodeTx(signed)).toString("hex")}`,
    });
    const hash = txHash(signed, this.wallet.domain, this.wallet.params);
    const fc = BigInt(quote.featureCommitment);
    checkPaid(
      paid,
      quote,
      fieldToHex(hash),
      (h) => attestationMessage(this.wallet.domain, hash, h, fc),
      (h) =>
        verifyOperatorAttestation(
          this.wallet.domain,
          { txHash: hash, model: quote.model, outputHash: h, featureCommitment: fc },
          paid.operatorL1,
        ),
    );
    return paid;
  }

  async infer(
    model: number,
    input: readonly number[],
    o?: TxOverrides & { payment?: bigint },
  ): Promise<{ quote: QuoteView; paid: PaidInference }> {
    const quote = await this.quote(model, input);
    return { quote, paid: await this.pay(quote, o) };
  }

  private async request<T>(method: string, path: string, body?: unknown): Promise<T> {
    let res: Response;
    try {
      res = await fetch(`${this.url}${path}`, {
        method,
        headers: body === undefined ? {} : { "content-type": "application/json" },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    } catch (e) {
      throw new InferenceError(
        InferenceErrorCode.Unavailable,
        `cannot reach the inference node at ${this.url}: ${(e as Error).message}`,
      );
    }
    const reply = (await res.json().catch(() => undefined)) as
      { code?: string; message?: string } | undefined;
    if (!res.ok) {
      throw new InferenceError(
        reply?.code ?? InferenceErrorCode.Unavailable,
        reply?.message ?? `the inference node answered HTTP ${res.status}`,
      );
    }
    return reply as T;
  }
}

/**
 * The user's checks on what a node handed back: the output's canonical bytes hash to the
 * outputHash the transaction paid for, the transaction is the one signed, the attestation
 * verifies under the operator key it names, and the L1 attestation under the address it names.
 */
export function checkPaid(
  paid: PaidInference,
  quote: QuoteView,
  signedTxHash: string,
  message: (outputHash: bigint) => bigint,
  attestedOnL1: (outputHash: bigint) => boolean,
): void {
  const fail = (what: string) => {
    throw new InferenceError(InferenceErrorCode.OutputMismatch, what);
  };
  let got: bigint;
  try {
    got = answerHash(paid.output);
  } catch (e) {
    return fail(`the output is not well formed: ${(e as Error).message}`);
  }
  if (got !== BigInt(quote.outputHash)) fail("the output does not hash to the outputHash that was paid for");
  if (paid.txHash !== signedTxHash) fail(`the node submitted ${paid.txHash}, not the transaction signed`);
  if (!verifyAttestation(paid.attestation, message(got))) fail("the operator's attestation does not verify");
  if (!attestedOnL1(got)) fail("the operator's L1 attestation does not verify");
}

/**
 * The outputHash an answer hashes to: a classifier's float32 probabilities (docs/protocol.md
 * §10), or textRoot of a text model's tokens, whose text must be theirs (§12.3).
 */
export function answerHash(output: Answer): bigint {
  if ("probs" in output) return ioHash(outputBytes(output.probs));
  if (decodeTokens(output.tokens) !== output.text) throw new RangeError("the text is not its tokens' text");
  return textRoot(output.tokens);
}
