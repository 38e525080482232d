import Fastify, { type FastifyInstance } from "fastify";
import type { Logger } from "pino";
import { fieldToHex } from "../protocol/field.ts";
import { codedErrorHandler } from "../store/http-errors.ts";
import { InferenceError, InferenceErrorCode } from "./errors.ts";
import type { InferenceNode } from "./node.ts";

/** Largest JSON body: an input of 100,000 numbers with room to spare. */
const MAX_BODY = 4 << 20;

const errorReply = {
  type: "object",
  required: ["code", "message"],
  properties: { code: { type: "string" }, message: { type: "string" } },
} as const;
const hex32 = { type: "string", pattern: "^0x[0-9a-f]{64}$" } as const;
const modelParams = {
  type: "object",
  required: ["model"],
  // Path parameters are strings, and types are not coerced: the id's digits are checked here.
  properties: { model: { type: "string", pattern: "^[1-9][0-9]{0,9}$" } },
} as const;

const quoteReply = {
  type: "object",
  required: ["quoteId", "model", "inputHash", "outputHash", "featureCommitment", "payment", "expiresAt"],
  properties: {
    quoteId: { type: "string" },
    model: { type: "integer" },
    inputHash: hex32,
    outputHash: hex32,
    featureCommitment: hex32,
    payment: { type: "string" },
    expiresAt: { type: "integer" },
  },
} as const;

const schemas = {
  model: {
    params: modelParams,
    response: {
      200: {
        type: "object",
        required: ["model", "modelHash", "kind", "fee"],
        properties: {
          model: { type: "integer" },
          modelHash: hex32,
          kind: { type: "string", enum: ["mlp", "ngram"] },
          // A classifier's widths; a text model's order and tokenizer.
          inputDim: { type: "integer" },
          classes: { type: "integer" },
          order: { type: "integer" },
          tokenizerHash: hex32,
          fee: { type: "string" },
        },
      },
    },
  },
  quote: {
    params: modelParams,
    body: {
      type: "object",
      required: ["input"],
      additionalProperties: false,
      properties: {
        // null is what JSON.stringify makes of NaN and ±Infinity: refused by the node with its own code.
        input: { type: "array", maxItems: 100_000, items: { type: ["number", "null"] } },
      },
    },
    response: { 200: quoteReply },
  },
  generate: {
    params: modelParams,
    body: {
      type: "object",
      required: ["prompt", "max_tokens"],
      additionalProperties: false,
      properties: {
        // Characters bounded here, tokens by the node (MAX_PROMPT_TOKENS), each with its code.
        prompt: { type: "string", maxLength: 65_536 },
        max_tokens: { type: "integer" },
        temperature: { type: "number", default: 0 },
      },
    },
    response: { 200: quoteReply },
  },
  pay: {
    params: {
      type: "object",
      required: ["quoteId"],
      properties: { quoteId: { type: "string", pattern: "^[0-9a-f]{32}$" } },
    },
    body: {
      type: "object",
      required: ["tx"],
      additionalProperties: false,
      properties: { tx: { type: "string", pattern: "^0x([0-9a-f]{2})+$", maxLength: 1024 } },
    },
    response: {
      200: {
        type: "object",
        required: ["txHash", "status", "output", "outputHash", "inputBlob", "attestation", "operatorL1"],
        properties: {
          txHash: { type: "string" },
          status: { type: "string" },
          batch: { type: "integer" },
          position: { type: "integer" },
          output: {
            anyOf: [
              {
                type: "object",
                required: ["probs", "label"],
                properties: {
                  probs: { type: "array", items: { type: "number" } },
                  label: { type: "integer" },
                },
              },
              {
                type: "object",
                required: ["text", "tokens"],
                properties: {
                  text: { type: "string" },
                  tokens: { type: "array", items: { type: "integer" } },
                },
              },
            ],
          },
          outputHash: hex32,
          inputBlob: { type: "string" },
          attestation: {
            type: "object",
            required: ["operator", "signature"],
            properties: { operator: { type: "string" }, signature: { type: "string" } },
          },
          operatorL1: {
            type: "object",
            required: ["signer", "signature"],
            properties: { signer: { type: "string" }, signature: { type: "string" } },
          },
        },
      },
    },
  },
};

/**
 * The inference node's HTTP API (docs/inference.md, "API"). Every failure answers
 * `{ code, message }` with the status of its code.
 */
export async function buildInferenceServer(node: InferenceNode, logger?: Logger): Promise<FastifyInstance> {
  // Coercion off: a string where a number belongs is a malformed request, not a number.
  // Non-strict numbers: 1e999 parses to Infinity and reaches the node, which names the fault.
  const app = Fastify({
    bodyLimit: MAX_BODY,
    ajv: { customOptions: { coerceTypes: false, strictNumbers: false } },
  });
  app.setErrorHandler(codedErrorHandler(InferenceError, "inference", logger));
  app.setNotFoundHandler((req, reply) =>
    reply
      .code(404)
      .send({ code: InferenceErrorCode.InvalidRequest, message: `no route ${req.method} ${req.url}` }),
  );
  const withErrors = (schema: Record<string, unknown>) => ({
    ...schema,
    response: { ...(schema.response as object), "4xx": errorReply, "5xx": errorReply },
  });

  app.get("/health", async () => {
    const models = await node.models.loaded();
    return {
      ok: true,
      operator: node.operatorKey,
      openQuotes: node.openQuotes,
      // Model calls and the rows they carried: rows / calls is the batching achieved.
      batching: models.flatMap((m) =>
        m.kind === "mlp" ? [{ model: m.id, calls: m.batcher.calls, rows: m.batcher.items }] : [],
      ),
    };
  });

  app.get<{ Params: { model: string } }>(
    "/v1/models/:model",
    { schema: withErrors(schemas.model) },
    async (req) => {
      const m = await node.models.get(Number(req.params.model));
      const shape =
        m.kind === "mlp"
          ? { inputDim: m.inputDim, classes: m.classes }
          : { order: m.config.order, tokenizerHash: fieldToHex(m.config.tokenizerHash) };
      return {
        model: m.id,
        modelHash: fieldToHex(m.modelHash),
        kind: m.kind,
        ...shape,
        fee: m.fee.toString(),
      };
    },
  );

  app.post<{ Params: { model: string }; Body: { input: (number | null)[] } }>(
    "/v1/models/:model/quote",
    { schema: withErrors(schemas.quote) },
    (req) => node.quote(Number(req.params.model), req.body.input),
  );

  app.post<{
    Params: { model: string };
    Body: { prompt: string; max_tokens: number; temperature: number };
  }>("/v1/models/:model/generate", { schema: withErrors(schemas.generate) }, (req) =>
    node.quoteText(Number(req.params.model), {
      prompt: req.body.prompt,
      maxTokens: req.body.max_tokens,
      temperature: req.body.temperature,
    }),
  );

  app.post<{ Params: { quoteId: string }; Body: { tx: string } }>(
    "/v1/quotes/:quoteId/pay",
    { schema: withErrors(schemas.pay) },
    (req) => node.pay(req.params.quoteId, Buffer.from(req.body.tx.slice(2), "hex")),
  );
  return app;
}
