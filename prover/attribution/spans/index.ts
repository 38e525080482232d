/** Span attribution of text outputs (`spanMatch`, docs/attribution.md §11). */
export { buildContributionIndex, type ContributionIndex } from "./contribution-index.ts";
export { SpanIndexCache } from "./index-cache.ts";
export { decodeIndexFile, encodeIndexFile, readIndexFile, writeIndexFile } from "./index-file.ts";
export { type IndexedContribution, modelSpanIndex, type ModelSpanIndex } from "./model-index.ts";
export {
  type CreditedSpan,
  SPAN_SCALE,
  spanAttribution,
  type SpanAttributionResult,
  type SpanWitness,
} from "./span-rule.ts";
export { SPAN_PARAMS, type SpanParams } from "./params.ts";
