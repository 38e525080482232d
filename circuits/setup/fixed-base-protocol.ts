/** Messages between the dev-setup main thread and its fixed-base multiplication workers. */
export type Group = "G1" | "G2";

export interface FixedBaseRequest {
  id: number;
  group: Group;
  /** 32-byte little-endian scalars, standard form, each < r. */
  scalars: Uint8Array;
}

export interface FixedBaseResponse {
  id: number;
  /** Affine points in Montgomery little-endian form, 64 bytes (G1) or 128 bytes (G2) each. */
  points: Uint8Array;
}
