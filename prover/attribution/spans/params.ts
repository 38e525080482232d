/** Parameters of `spanMatch`; every node values an epoch with the spec's (docs/attribution.md §11.2). */
export interface SpanParams {
  /** Shortest span credited, in tokens. */
  readonly minSpan: number;
}

export const SPAN_PARAMS: SpanParams = { minSpan: 8 };
