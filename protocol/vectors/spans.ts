/**
 * Span vectors (docs/protocol.md §12.4) for `text_span_proof_2_4x16`: SpanProof inputs the
 * TypeScript builds, with what they credit, and lies, each named by the check that refuses
 * it. protocol/text/span-check.test.ts runs the twin check on them, circuits/lib/text the
 * circuit: both must agree.
 */
import { type Span, spanPieces } from "../text/span-pieces.ts";
import {
  buildSpanProof,
  ChunkedStream,
  spanPieceInput,
  spanProofInput,
  type SpanProofInput,
} from "../text/span-witness.ts";
import { END_TOKEN } from "../text/tokenizer.ts";

/** The pieces of the registered test circuit. */
export const SPAN_VECTOR_SLOTS = 2;

const run = (from: number, n: number) => Array.from({ length: n }, (_, i) => from + i);

/**
 * Contribution A: three documents of 20, 30 and 5 tokens, 58 tokens in 4 chunks, the last
 * padded. Contribution B: another document. The output quotes A's second document (tokens 3..22,
 * across chunks on both sides), A's first (24..28) and A's last (31..35, A's last chunk and
 * the output's, both padded after), with a token of B's in between.
 */
const A = [...run(1000, 20), END_TOKEN, ...run(2000, 30), END_TOKEN, ...run(3000, 5), END_TOKEN];
const B = [...run(4000, 40), END_TOKEN];
const OUTPUT = [7, 8, 9, ...run(2003, 20), 4001, ...run(1010, 5), 6, 4002, ...run(3000, 5)];
/** The output with one token of the quoted run changed, and one quoting across A's first END. */
const ALTERED = OUTPUT.map((t, i) => (i === 10 ? 1 : t));
const ACROSS_END = [5, ...run(1016, 4), END_TOKEN, ...run(2000, 4)];

export function spanVectors() {
  const [a, b, out] = [A, B, OUTPUT].map((s) => new ChunkedStream(s)) as [
    ChunkedStream,
    ChunkedStream,
    ChunkedStream,
  ];
  const roots = { contentRoot: a.root, outputRoot: out.root };
  const quote: Span = { p: 24, q: 3, length: 20 };
  const claim = (content: ChunkedStream, output: ChunkedStream, spans: Span[], r = roots): SpanProofInput =>
    spanProofInput(
      r,
      spans.flatMap(spanPieces).map((s) => spanPieceInput(content, output, s)),
      SPAN_VECTOR_SLOTS,
    );
  const edit = (input: SpanProofInput, change: (x: SpanProofInput) => void) => {
    const copy = structuredClone(input);
    change(copy);
    return copy;
  };

  const accepted = [
    { name: "20 tokens in two pieces, each across a chunk boundary on both sides", spans: [quote] },
    {
      name: "5 tokens within one chunk on both sides, the second slot unused",
      spans: [{ p: 10, q: 24, length: 5 }],
    },
    {
      name: "5 tokens in both streams' last chunks: no chunk past the end is opened",
      spans: [{ p: 52, q: 31, length: 5 }],
    },
    {
      name: "two spans, one piece each, in output order",
      spans: [
        { p: 10, q: 24, length: 5 },
        { p: 52, q: 31, length: 5 },
      ],
    },
  ].map(({ name, spans }) => ({
    name,
    input: buildSpanProof(a, out, spans, SPAN_VECTOR_SLOTS),
    credited: spans.reduce((n, s) => n + s.length, 0),
  }));

  const honest = accepted[0]!.input;
  const altered = new ChunkedStream(ALTERED);
  const acrossEnd = new ChunkedStream(ACROSS_END);
  const refused = [
    {
      name: "a token differs: the output's own chunks, one token of the quote changed",
      check: "equality",
      input: claim(a, altered, [quote], { contentRoot: a.root, outputRoot: altered.root }),
    },
    {
      name: "a wrong offset: the content side one token later",
      check: "equality",
      input: claim(a, out, [{ ...quote, p: 25 }]),
    },
    {
      name: "a span crossing END: the output quotes the end of one document and the start of the next",
      check: "boundary",
      input: claim(a, acrossEnd, [{ p: 16, q: 1, length: 9 }], {
        contentRoot: a.root,
        outputRoot: acrossEnd.root,
      }),
    },
    {
      name: "padding matched with padding: both last chunks' tails",
      check: "boundary",
      input: claim(a, out, [{ p: 58, q: 36, length: 6 }]),
    },
    {
      name: "a chunk of another contribution: B's tokens and paths against A's root",
      check: "opening",
      input: claim(b, out, [{ p: 1, q: 23, length: 1 }]),
    },
    {
      name: "tokens the output holds but the contribution does not, at a claimed offset of A",
      check: "equality",
      input: claim(a, out, [{ p: 2, q: 23, length: 1 }]),
    },
    { name: "a length of 17", check: "range", input: edit(honest, (x) => void (x.length[0] = 17)) },
    {
      name: "an offset of 16: A's tokens 16..19, which the output holds, named from chunk 0",
      check: "range",
      input: edit(
        claim(a, acrossEnd, [{ p: 0, q: 1, length: 4 }], { contentRoot: a.root, outputRoot: acrossEnd.root }),
        (x) => void (x.contentOffset[0] = 16),
      ),
    },
    {
      name: "the same piece in both slots: its tokens credited twice",
      check: "order",
      input: claim(a, out, [
        { p: 10, q: 24, length: 5 },
        { p: 10, q: 24, length: 5 },
      ]),
    },
    {
      name: "a used piece after an unused one",
      check: "order",
      input: spanProofInput(
        roots,
        [
          spanPieceInput(a, out, { p: 10, q: 24, length: 0 }),
          spanPieceInput(a, out, { p: 10, q: 24, length: 5 }),
        ],
        SPAN_VECTOR_SLOTS,
      ),
    },
  ];
  return { slots: SPAN_VECTOR_SLOTS, accepted, refused };
}
