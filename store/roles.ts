import { packPoint } from "../protocol/babyjub.ts";
import { ErrorCode, OpenLedgerError } from "../protocol/errors.ts";
import type { OpenLedgerProvider } from "../sdk/provider.ts";
import type { AccountInfo } from "../sdk/wire.ts";
import type { Reader, StoreClient } from "./client.ts";
import { StoreError, StoreErrorCode } from "./errors.ts";
import { hex } from "./identity.ts";

/**
 * Readers by L2 role (docs/store.md, "Readers"): whom a blob key is wrapped for, from what
 * the chain says rather than what the uploader types. The chain gives account ids and their
 * public keys; the store's identity directory gives the box key each account signed for.
 */
export type ChainReader = Pick<OpenLedgerProvider, "getAccount" | "getDatanet">;

/** A reader with the L2 account it was found as. */
export interface AccountReader extends Reader {
  readonly account: number;
}

export interface CuratorReaders {
  readonly readers: readonly AccountReader[];
  /** Curators whose box key the store does not know yet: they have never used it. */
  readonly unknown: readonly number[];
}

/** An L2 account's store key: its BabyJubJub public key packed, hex (store/identity.ts). */
export function accountStoreKey(a: AccountInfo): string {
  return hex(packPoint({ x: BigInt(a.publicKey.x), y: BigInt(a.publicKey.y) }));
}

async function accountOf(chain: ChainReader, id: number): Promise<AccountInfo> {
  const a = await chain.getAccount(id);
  if (!a) throw new OpenLedgerError(ErrorCode.UnknownAccount, `no account ${id} on L2`);
  return a;
}

/**
 * The curators of Datanet `datanet` as L2 records them today, as readers with role
 * `curator`; the caller itself is left out (it holds the owner's envelope).
 */
export async function curatorReaders(
  chain: ChainReader,
  store: StoreClient,
  datanet: number,
): Promise<CuratorReaders> {
  const d = await chain.getDatanet(datanet);
  if (!d) throw new OpenLedgerError(ErrorCode.UnknownDatanet, `no Datanet ${datanet} on L2`);
  const readers: AccountReader[] = [];
  const unknown: number[] = [];
  for (const account of d.curators) {
    const key = accountStoreKey(await accountOf(chain, account));
    if (key === store.key.identity.key) continue;
    try {
      readers.push({ account, role: "curator", identity: await store.readerIdentity(key) });
    } catch (e) {
      if (!(e instanceof StoreError && e.code === StoreErrorCode.ReaderUnknown)) throw e;
      unknown.push(account);
    }
  }
  return { readers, unknown };
}

/**
 * Wraps a rows blob's key for every current curator of its Datanet the store knows: how
 * curators named after the upload, or unknown to the store then, get access. The owner runs
 * it; wrapping again for a curator who already reads the blob replaces its envelope with an
 * equivalent one.
 */
export async function grantCurators(
  chain: ChainReader,
  store: StoreClient,
  blobId: string,
): Promise<CuratorReaders> {
  const { blob } = await store.blobInfo(blobId);
  if (blob.datanet === null) {
    throw new StoreError(
      StoreErrorCode.InvalidRequest,
      `blob ${blobId} is not a rows blob: it has no Datanet`,
    );
  }
  const found = await curatorReaders(chain, store, blob.datanet);
  for (const r of found.readers) await store.grant(blobId, r.identity, r.role);
  return found;
}

/**
 * A prover as a reader: L2 account `account`, whose L1 address must be a bonded prover
 * (`isBondedProver`: the rollup contract's `operators(address).prover`), else
 * NOT_BONDED_PROVER.
 */
export async function proverReader(
  chain: ChainReader,
  store: StoreClient,
  account: number,
  isBondedProver: (l1Address: string) => Promise<boolean>,
): Promise<AccountReader> {
  const a = await accountOf(chain, account);
  if (!(await isBondedProver(a.l1Address))) {
    throw new StoreError(
      StoreErrorCode.NotBondedProver,
      `account ${account}'s L1 address ${a.l1Address} is not a bonded prover on L1`,
    );
  }
  return { account, role: "prover", identity: await store.readerIdentity(accountStoreKey(a)) };
}

/** `proverReader` for each account in turn: every one must be bonded, or none is taken. */
export async function proverReaders(
  chain: ChainReader,
  store: StoreClient,
  accounts: readonly number[],
  isBondedProver: (l1Address: string) => Promise<boolean>,
): Promise<AccountReader[]> {
  const readers: AccountReader[] = [];
  for (const account of accounts) readers.push(await proverReader(chain, store, account, isBondedProver));
  return readers;
}
