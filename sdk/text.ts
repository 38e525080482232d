import type { Field } from "../protocol/field.ts";
import { textRoot } from "../protocol/text/text-root.ts";
import { encodeText } from "../protocol/text/tokenizer.ts";

/**
 * Text Datanets and text models from the SDK (docs/protocol.md §10.1, §12): the metadata
 * document of a text Datanet, whose metadataHash `createDatanet` takes; a contribution's
 * documents file, rowCount and contentRoot, which `registerContribution` takes once the file
 * is in a store (store/contribute.ts does both steps); a text inference's inputHash.
 */
export { TEXT_SCHEMA, textDatanetMetadata, textMetadata } from "../protocol/text/text-datanet.ts";
export { type TextContribution, textContribution } from "../protocol/text/text-contribution.ts";
export { decodeDocuments, encodeDocuments } from "../protocol/text/documents.ts";

/**
 * A text inference's inputHash, computed by the user from the prompt (docs/protocol.md §12.3):
 * textRoot of its tokens under the network's tokenizer. The user signs it; a node that
 * tokenized the prompt otherwise quotes another inputHash, and its payment is refused.
 */
export function promptHash(prompt: string): Field {
  return textRoot(encodeText(prompt));
}
