import { Command } from "commander";
import { findLicense, LICENSES } from "../../protocol/licenses.ts";
import { amountOf, intArg, sendTx, txOptions, type TxOptions } from "./common.ts";

const AMOUNT = "OPEN, decimals allowed (base units with --wei)";

/** `openledger tx <type>`: signs one L2 transaction with the derived L2 key and sends it. */
export function txCommand(): Command {
  const tx = new Command("tx").description("sign and send an L2 transaction");
  const sub = (name: string, description: string) => txOptions(new Command(name)).description(description);
  // Amounts stay text until the action: whether they are OPEN or base units depends on --wei.
  const field = (v: string) => BigInt(v);
  const run = (o: TxOptions, send: Parameters<typeof sendTx>[1]) => sendTx(o, send);

  tx.addCommand(
    sub("transfer", "move OPEN to another L2 account")
      .requiredOption("--to <id>", "recipient account", intArg)
      .requiredOption("--amount <open>", AMOUNT)
      .action((o) => run(o, (w, f) => w.transfer(o.to, amountOf(o, "--amount", o.amount), f))),
  );
  tx.addCommand(
    sub("withdraw", "withdraw OPEN to an L1 address")
      .requiredOption("--amount <open>", AMOUNT)
      .requiredOption("--recipient <address>", "L1 address")
      .action((o) => run(o, (w, f) => w.withdraw(amountOf(o, "--amount", o.amount), o.recipient, f))),
  );
  tx.addCommand(
    sub("stake", "bond OPEN from the balance")
      .requiredOption("--amount <open>", AMOUNT)
      .action((o) => run(o, (w, f) => w.stake(amountOf(o, "--amount", o.amount), f))),
  );
  tx.addCommand(
    sub("unstake", "return bonded OPEN to the balance")
      .requiredOption("--amount <open>", AMOUNT)
      .action((o) => run(o, (w, f) => w.unstake(amountOf(o, "--amount", o.amount), f))),
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
      .requiredOption("--stake <open>", `stake, ${AMOUNT}`)
      .action((o) =>
        run(o, (w, f) =>
          w.registerContribution(
            {
              datanet: o.datanet,
              contentRoot: o.contentRoot,
              rowCount: o.rowCount,
              license: o.license,
              uriCommitment: o.uriCommitment,
              stake: amountOf(o, "--stake", o.stake),
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
      .requiredOption("--inference-fee <open>", `price of one inference, ${AMOUNT}`)
      .option("--base-model <id>", "model this one fine-tunes", intArg, 0)
      .action((o) =>
        run(o, (w, f) =>
          w.registerModel(
            {
              modelHash: o.modelHash,
              trainingConfigHash: o.trainingConfigHash,
              contributions: o.contributions,
              checkpointCommitment: o.checkpointCommitment,
              inferenceFee: amountOf(o, "--inference-fee", o.inferenceFee),
              baseModel: o.baseModel,
            },
            f,
          ),
        ),
      ),
  );
  tx.addCommand(
    sub("inference", "pay for one inference of a model")
      .requiredOption("--model <id>", "model id", intArg)
      .requiredOption("--input-hash <field>", "hash of the input", field)
      .requiredOption("--output-hash <field>", "hash of the output", field)
      .requiredOption("--feature-commitment <field>", "commitment to the test-point features", field)
      .requiredOption("--payment <open>", `payment (at least the model's fee), ${AMOUNT}`)
      .action((o) =>
        run(o, (w, f) =>
          w.inference(
            {
              model: o.model,
              inputHash: o.inputHash,
              outputHash: o.outputHash,
              featureCommitment: o.featureCommitment,
              payment: amountOf(o, "--payment", o.payment),
            },
            f,
          ),
        ),
      ),
  );
  return tx;
}
