import { Command, Option } from "commander";
import { findLicense, LICENSES, licensePolicy } from "../../protocol/licenses.ts";
import { CurationMode, MAX_CURATORS } from "../../protocol/tx/types.ts";
import type { L2Wallet } from "../../sdk/wallet.ts";
import { intArg, openWallet, output, walletOptions, type WalletOptions } from "./common.ts";

interface CommonOptions extends WalletOptions {
  readonly nonce?: number;
  readonly json: boolean;
}

/** `openledger tx <type>`: signs one L2 transaction with the derived L2 key and sends it. */
export function txCommand(): Command {
  const tx = new Command("tx").description("sign and send an L2 transaction");
  const sub = (name: string, description: string) =>
    walletOptions(new Command(name))
      .description(description)
      .option("--nonce <n>", "nonce (default: the sequencer's next one for the account)", intArg)
      .option("--json", "print JSON", false);
  const big = (v: string) => BigInt(v);
  const field = (v: string) => BigInt(v);

  const run = async (
    o: CommonOptions,
    send: (w: L2Wallet, fee: { fee: bigint; nonce?: number }) => Promise<unknown>,
  ) => {
    const wallet = await openWallet(o);
    const result = (await send(wallet, { fee: BigInt(o.fee), nonce: o.nonce })) as {
      txHash: string;
      status: string;
      batch?: number;
      position?: number;
    };
    output(o.json, result, () =>
      result.status === "executed"
        ? `executed: batch ${result.batch}, position ${result.position}\ntx ${result.txHash}`
        : `queued until the account's earlier nonces arrive\ntx ${result.txHash}`,
    );
  };

  tx.addCommand(
    sub("transfer", "move OPEN to another L2 account")
      .requiredOption("--to <id>", "recipient account", intArg)
      .requiredOption("--amount <amount>", "base units", big)
      .action((o) => run(o, (w, f) => w.transfer(o.to, o.amount, f))),
  );
  tx.addCommand(
    sub("withdraw", "withdraw OPEN to an L1 address")
      .requiredOption("--amount <amount>", "base units", big)
      .requiredOption("--recipient <address>", "L1 address")
      .action((o) => run(o, (w, f) => w.withdraw(o.amount, o.recipient, f))),
  );
  tx.addCommand(
    sub("stake", "bond OPEN from the balance")
      .requiredOption("--amount <amount>", "base units", big)
      .action((o) => run(o, (w, f) => w.stake(o.amount, f))),
  );
  tx.addCommand(
    sub("unstake", "return bonded OPEN to the balance")
      .requiredOption("--amount <amount>", "base units", big)
      .action((o) => run(o, (w, f) => w.unstake(o.amount, f))),
  );
  tx.addCommand(
    sub("register-contribution", "register a data contribution to a Datanet")
      .requiredOption("--datanet <id>", "Datanet id", intArg)
      .requiredOption("--content-root <field>", "Merkle root of the rows' content hashes", field)
      .requiredOption("--row-count <n>", "number of rows", intArg)
      .requiredOption(
        "--license <id|spdx>",
        `license, one the Datanet admits: ${LICENSES.map((l) => l.spdx).join(", ")} (or its id)`,
        (v) => findLicense(v).id,
      )
      .requiredOption(
        "--uri-commitment <field>",
        "where the rows are: their store blob id mod r (docs/protocol.md §10; `openledger contribute` computes it)",
        field,
      )
      .requiredOption("--stake <amount>", "stake in base units", big)
      .action((o) =>
        run(o, (w, f) =>
          w.registerContribution(
            {
              datanet: o.datanet,
              contentRoot: o.contentRoot,
              rowCount: o.rowCount,
              license: o.license,
              uriCommitment: o.uriCommitment,
              stake: o.stake,
            },
            f,
          ),
        ),
      ),
  );
  tx.addCommand(
    sub("register-model", "register a model trained on registered contributions")
      .requiredOption("--model-hash <field>", "hash of the ONNX bytes", field)
      .requiredOption("--training-config-hash <field>", "hash of the training configuration", field)
      .requiredOption("--contributions <ids>", "comma-separated contribution ids", (v) =>
        v.split(",").map((x) => intArg(x.trim())),
      )
      .requiredOption(
        "--checkpoint-commitment <field>",
        "commitment to the training rows' gradient factors (docs/attribution.md §6)",
        field,
      )
      .requiredOption("--inference-fee <amount>", "price of one inference in base units", big)
      .option("--base-model <id>", "model this one fine-tunes", intArg, 0)
      .action((o) =>
        run(o, (w, f) =>
          w.registerModel(
            {
              modelHash: o.modelHash,
              trainingConfigHash: o.trainingConfigHash,
              contributions: o.contributions,
              checkpointCommitment: o.checkpointCommitment,
              inferenceFee: o.inferenceFee,
              baseModel: o.baseModel,
            },
            f,
          ),
        ),
      ),
  );
  tx.addCommand(
    sub("create-datanet", "create a Datanet: open, or curated by up to four accounts")
      .requiredOption("--metadata-hash <field>", "hash of the Datanet's metadata document", field)
      .requiredOption(
        "--licenses <list>",
        "comma-separated licenses it admits (SPDX identifiers or ids)",
        (v) => licensePolicy(v.split(",").map((x) => x.trim())),
      )
      .option(
        "--curators <ids>",
        `comma-separated curator account ids, at most ${MAX_CURATORS}: the Datanet is curated (none: open)`,
        (v) => v.split(",").map((x) => intArg(x.trim())),
        [] as number[],
      )
      // The default's description: --help prints defaults as JSON, which has no BigInt.
      .addOption(
        new Option("--min-stake <amount>", "least stake of a contribution, in base units")
          .argParser(big)
          .default(0n, "0"),
      )
      .action((o) =>
        run(o, (w, f) => {
          const curators = [...(o.curators as number[])].sort((a, b) => a - b);
          return w.createDatanet(
            {
              metadataHash: o.metadataHash,
              licensePolicy: o.licenses,
              curationMode: curators.length > 0 ? CurationMode.Curated : CurationMode.Open,
              curators,
              minStake: o.minStake,
            },
            f,
          );
        }),
      ),
  );
  tx.addCommand(
    sub("curate", "accept or reject a pending contribution of a Datanet you curate")
      .requiredOption("--contribution <id>", "contribution id", intArg)
      .addOption(
        new Option("--decision <decision>", "accept it, or reject it (its stake goes back to its owner)")
          .choices(["accept", "reject"])
          .makeOptionMandatory(),
      )
      .action((o) => run(o, (w, f) => w.curate(o.contribution, o.decision === "accept", f))),
  );
  tx.addCommand(
    sub("inference", "pay for one inference of a model")
      .requiredOption("--model <id>", "model id", intArg)
      .requiredOption("--input-hash <field>", "hash of the input", field)
      .requiredOption("--output-hash <field>", "hash of the output", field)
      .requiredOption("--feature-commitment <field>", "commitment to the test-point features", field)
      .requiredOption("--payment <amount>", "payment in base units (at least the model's fee)", big)
      .action((o) =>
        run(o, (w, f) =>
          w.inference(
            {
              model: o.model,
              inputHash: o.inputHash,
              outputHash: o.outputHash,
              featureCommitment: o.featureCommitment,
              payment: o.payment,
            },
            f,
          ),
        ),
      ),
  );
  return tx;
}
