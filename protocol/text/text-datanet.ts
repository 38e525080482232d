import {
  DatanetError,
  DatanetErrorCode,
  type DatanetMetadata,
  type TextMetadata,
} from "../datanet/metadata.ts";
import { fieldToHex } from "../field.ts";
import { TOKENIZER_HASH } from "./tokenizer.ts";

/** The schema of a text Datanet of this network: its documents are tokenized by §12.1. */
export const TEXT_SCHEMA = { kind: "text", tokenizer: fieldToHex(TOKENIZER_HASH) } as const;

/** A text Datanet's metadata document (docs/protocol.md §10.1, version 2). */
export function textDatanetMetadata(o: {
  readonly name: string;
  readonly description?: string;
  readonly license: number;
}): TextMetadata {
  return {
    version: 2,
    name: o.name,
    description: o.description ?? "",
    schema: TEXT_SCHEMA,
    license: o.license,
  };
}

/**
 * `m` if it describes a text Datanet whose documents this node can tokenize:
 * WRONG_DATANET_KIND for a tabular one, UNSUPPORTED_TOKENIZER for another tokenizer (its
 * token streams, hence its contentRoots, would not be ours).
 */
export function textMetadata(m: DatanetMetadata, what: string): TextMetadata {
  if (m.version !== 2) {
    throw new DatanetError(
      DatanetErrorCode.WrongDatanetKind,
      `${what} is a tabular Datanet: it takes rows (--file), not documents`,
    );
  }
  if (m.schema.tokenizer !== TEXT_SCHEMA.tokenizer) {
    throw new DatanetError(
      DatanetErrorCode.UnsupportedTokenizer,
      `${what} names tokenizer ${m.schema.tokenizer}; this network's is ${TEXT_SCHEMA.tokenizer} (docs/protocol.md §12.1)`,
    );
  }
  return m;
}
