import { bls12_381 } from "@noble/curves/bls12-381.js";

/** BLS12-381's scalar field, in which blob polynomials live (EIP-4844's BLS_MODULUS). */
export const blsFr = bls12_381.fields.Fr;
export const BLS_MODULUS = blsFr.ORDER;
export const BLOB_ELEMENTS = 4096;
