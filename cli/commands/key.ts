import { Command } from "commander";
import { packPoint } from "../../protocol/babyjub.ts";
import { fieldToHex } from "../../protocol/field.ts";
import { deriveL2Key } from "../../protocol/keys.ts";
import { chainOptions, domainFrom, ethKeyOptions, loadEthWallet, output } from "./common.ts";

/** `openledger key`: the L2 public key an Ethereum key derives for one rollup deployment. */
export function keyCommand(): Command {
  return ethKeyOptions(chainOptions(new Command("key")))
    .description("derive the L2 key from your Ethereum key (EIP-712 signature) and print its public part")
    .option("--json", "print JSON", false)
    .action(async (o) => {
      const eth = loadEthWallet(o);
      const domain = domainFrom(o);
      const { publicKey } = await deriveL2Key(eth, domain, o.keyIndex);
      const view = {
        ethereumAddress: eth.address,
        chainId: domain.chainId.toString(),
        rollup: domain.rollup,
        keyIndex: o.keyIndex,
        publicKey: { x: fieldToHex(publicKey.x), y: fieldToHex(publicKey.y) },
        packedPublicKey: `0x${Buffer.from(packPoint(publicKey)).toString("hex")}`,
      };
      output(o.json, view, () =>
        [
          `Ethereum address  ${view.ethereumAddress}`,
          `rollup            ${view.rollup} on chain ${view.chainId} (key index ${view.keyIndex})`,
          `L2 public key     ${view.packedPublicKey}`,
          `  x               ${view.publicKey.x}`,
          `  y               ${view.publicKey.y}`,
          "The private L2 key is derived again whenever needed; it is never printed or stored.",
        ].join("\n"),
      );
    });
}
