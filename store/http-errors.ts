import type { FastifyError, FastifyReply, FastifyRequest } from "fastify";
import type { Logger } from "pino";
import type { CodedError } from "../protocol/errors.ts";

type HttpCodedError = CodedError & { readonly status: number };

/**
 * A fastify error handler answering `{ code, message }`: a component's own coded errors with
 * the status of their code, fastify's refusals (schema, body, content type) as
 * INVALID_REQUEST, anything else as INTERNAL without its details. The store and the
 * inference node both answer this way.
 */
export function codedErrorHandler(
  own: abstract new (...args: never[]) => HttpCodedError,
  what: string,
  logger?: Logger,
) {
  return (err: FastifyError | HttpCodedError, req: FastifyRequest, reply: FastifyReply) => {
    if (err instanceof own) {
      if (err.status >= 500) logger?.error({ code: err.code, url: req.url }, err.message);
      return reply.code(err.status).send({ code: err.code, message: err.message });
    }
    const fastifyError = err as FastifyError;
    const status = fastifyError.statusCode ?? 500;
    if (status < 500) {
      const why = fastifyError.validation ? `invalid ${fastifyError.validationContext}: ` : "";
      return reply.code(status).send({ code: "INVALID_REQUEST", message: `${why}${err.message}` });
    }
    logger?.error({ err, url: req.url }, `${what} request failed`);
    return reply.code(500).send({ code: "INTERNAL", message: "internal error" });
  };
}
