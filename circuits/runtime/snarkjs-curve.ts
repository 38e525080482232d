/**
 * snarkjs keeps ffjavascript's curve (and its worker threads) in `globalThis.curve_bn128`;
 * the workers keep Node alive, so a script or test file that used snarkjs ends with this.
 */
export async function terminateSnarkjsCurve(): Promise<void> {
  const holder = globalThis as { curve_bn128?: { terminate(): Promise<void> } | null };
  const curve = holder.curve_bn128;
  holder.curve_bn128 = null;
  await curve?.terminate();
}
