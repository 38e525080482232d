import { fieldToHex } from "../protocol/field.ts";
import {
  attestationMessage,
  ioHash,
  outputBytes,
  verifyAttestation,
} from "../protocol/provenance/inference.ts";
import { verifyOperatorAttestation } from "../protocol/provenance/operator-attestation.ts";
import { encodeTx } from "../protocol/tx/codec.ts";
import { txHash } from "../protocol/tx/fields.ts";
import { type Inference, TxType } from "../protocol/tx/types.ts";
import type { L2Wallet, TxOverrides } from "../sdk/wallet.ts";
import { InferenceError, InferenceErrorCode } from "./errors.ts";
import type { PaidInference, QuoteView } from "./node.ts";

export interface ModelInfo {
  readonly model: number;
  readonly modelHash: string;
  readonly inputDim: number;
  readonly classes: number;
  readonly fee: string;
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
    got = ioHash(outputBytes(paid.output.probs));
  } catch (e) {
    return fail(`the output is not float32 probabilities: ${(e as Error).message}`);
  }
  if (got !== BigInt(quote.outputHash)) fail("the output does not hash to the outputHash that was paid for");
  if (paid.txHash !== signedTxHash) fail(`the node submitted ${paid.txHash}, not the transaction signed`);
  if (!verifyAttestation(paid.attestation, message(got))) fail("the operator's attestation does not verify");
  if (!attestedOnL1(got)) fail("the operator's L1 attestation does not verify");
}
