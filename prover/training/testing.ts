import { digestToField } from "../../protocol/provenance/rows.ts";
import type { L2Wallet } from "../../sdk/wallet.ts";
import type { StoreClient } from "../../store/client.ts";
import type { StoreIdentity } from "../../store/identity.ts";
import { hashRows, type RowSource, rowsContentRoot, rowsPlaintext } from "../../store/rows.ts";
import type { Dataset } from "../datasets/dataset.ts";

/** Fixtures of the training tests: real rows contributed through a real store and sequencer. */

export function rowSource(ds: Dataset): RowSource {
  return {
    count: ds.y.length,
    label: (i) => ds.y[i]!,
    features: (i) => ds.x.subarray(i * ds.dim, (i + 1) * ds.dim),
  };
}

/**
 * Uploads the rows of `declared` to the store as `wallet`'s account (`store` is its key),
 * grants `reader`, and registers the contribution in `datanet`. `stored` puts other rows
 * under `declared`'s row hashes (a store cannot see through the encryption, so a lying
 * uploader can), and `rowCount` records another count than the rows'.
 */
export async function contributeRows(
  wallet: L2Wallet,
  store: StoreClient,
  datanet: number,
  declared: Dataset,
  o: { reader: StoreIdentity; stored?: Dataset; rowCount?: number },
): Promise<{ id: number; blobId: string }> {
  const hashed = hashRows(rowSource(declared));
  const stored = rowSource(o.stored ?? declared);
  const contentRoot = rowsContentRoot(hashed.rowHashes);
  const { blob } = await store.put({
    kind: "rows",
    plaintextLength: hashRows(stored).plaintextLength,
    plaintext: () => rowsPlaintext(stored),
    datanet,
    rowHashes: hashed.rowHashes,
    contentRoot,
  });
  await store.grant(blob.id, o.reader, "reader");
  const sent = await wallet.registerContribution({
    datanet,
    contentRoot: BigInt(contentRoot),
    rowCount: o.rowCount ?? declared.y.length,
    license: 1,
    uriCommitment: digestToField(Buffer.from(blob.id, "hex")),
    stake: 100n,
  });
  const receipt = await wallet.provider.getTransactionReceipt(sent.txHash);
  return { id: receipt!.created!.id, blobId: blob.id };
}
