import type { Wallet as EthWallet } from "ethers";
import type { Domain } from "../protocol/domain.ts";
import { ErrorCode, OpenLedgerError } from "../protocol/errors.ts";
import { deriveL2Key, type L2KeyPair } from "../protocol/keys.ts";
import type { ProtocolParams } from "../protocol/params.ts";
import { signTx } from "../protocol/tx/sign.ts";
import {
  type CreateDatanet,
  type Curate,
  type Inference,
  type L2Tx,
  type RegisterContribution,
  type RegisterModel,
  type SignedTx,
  type Stake,
  type Transfer,
  TxType,
  type Unstake,
  type Withdraw,
} from "../protocol/tx/types.ts";
import type { OpenLedgerProvider, SubmitResult } from "./provider.ts";

/** What every L2 transaction needs besides its payload; nonce defaults to the provider's. */
export interface TxOverrides {
  readonly fee?: bigint;
  readonly nonce?: number;
}

type Payload<T> = Omit<T, "type" | "from" | "nonce" | "fee">;

/**
 * An L2 account driven by its L2 key (ethers-style signer): builds, signs and sends
 * transactions. The key is derived from an Ethereum wallet's EIP-712 signature
 * (protocol/keys.ts), so the Ethereum wallet is the only backup a user needs.
 */
export class L2Wallet {
  constructor(
    readonly key: L2KeyPair,
    readonly account: number,
    readonly provider: OpenLedgerProvider,
    readonly domain: Domain,
    readonly params: ProtocolParams,
    private readonly defaultFee = 0n,
  ) {}

  static async fromEthereum(
    eth: EthWallet,
    account: number,
    provider: OpenLedgerProvider,
    domain: Domain,
    params: ProtocolParams,
  ): Promise<L2Wallet> {
    return new L2Wallet(await deriveL2Key(eth, domain), account, provider, domain, params);
  }

  /** Signs `tx` with the L2 key, filling sender, nonce and fee. */
  async sign<T extends L2Tx>(
    tx: Omit<T, "from" | "nonce" | "fee">,
    o: TxOverrides = {},
  ): Promise<SignedTx<T>> {
    const nonce = o.nonce ?? (await this.provider.getNonce(this.account));
    if (nonce === null) {
      throw new OpenLedgerError(
        ErrorCode.UnknownAccount,
        `account ${this.account} does not exist on L2 yet: deposit first`,
      );
    }
    const full = { ...tx, from: this.account, nonce, fee: o.fee ?? this.defaultFee } as T;
    return signTx(full, this.key.privateKey, this.domain, this.params);
  }

  async send<T extends L2Tx>(
    tx: Omit<T, "from" | "nonce" | "fee">,
    o: TxOverrides = {},
  ): Promise<SubmitResult> {
    return this.provider.sendTransaction((await this.sign<T>(tx, o)) as unknown as SignedTx);
  }

  transfer(to: number, amount: bigint, o?: TxOverrides) {
    return this.send<Transfer>({ type: TxType.Transfer, to, amount }, o);
  }

  withdraw(amount: bigint, recipient: string, o?: TxOverrides) {
    return this.send<Withdraw>({ type: TxType.Withdraw, amount, recipient }, o);
  }

  stake(amount: bigint, o?: TxOverrides) {
    return this.send<Stake>({ type: TxType.Stake, amount }, o);
  }

  unstake(amount: bigint, o?: TxOverrides) {
    return this.send<Unstake>({ type: TxType.Unstake, amount }, o);
  }

  registerContribution(p: Payload<RegisterContribution>, o?: TxOverrides) {
    return this.send<RegisterContribution>({ type: TxType.RegisterContribution, ...p }, o);
  }

  registerModel(p: Payload<RegisterModel>, o?: TxOverrides) {
    return this.send<RegisterModel>({ type: TxType.RegisterModel, ...p }, o);
  }

  inference(p: Payload<Inference>, o?: TxOverrides) {
    return this.send<Inference>({ type: TxType.Inference, ...p }, o);
  }

  createDatanet(p: Payload<CreateDatanet>, o?: TxOverrides) {
    return this.send<CreateDatanet>({ type: TxType.CreateDatanet, ...p }, o);
  }

  /** Accepts or rejects a pending contribution of a Datanet this account curates. */
  curate(contribution: number, accept: boolean, o?: TxOverrides) {
    return this.send<Curate>({ type: TxType.Curate, contribution, accept }, o);
  }
}
