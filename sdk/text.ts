import type { Field } from "../protocol/field.ts";
import { textRoot } from "../protocol/text/text-root.ts";
import { encodeText } from "../protocol/text/tokenizer.ts";

/**
 * A text inference's inputHash, computed by the user from the prompt (docs/protocol.md §12.3):
 * textRoot of its tokens under the network's tokenizer. The user signs it; a node that
 * tokenized the prompt otherwise quotes another inputHash, and its payment is refused.
 */
export function promptHash(prompt: string): Field {
  return textRoot(encodeText(prompt));
}
