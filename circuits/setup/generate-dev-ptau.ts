/**
 * Writes an INSECURE dev .ptau and prints how long it took; used to measure the dev setup
 * (docs/circuits.md). Usage: tsx circuits/setup/generate-dev-ptau.ts <power> [all|groth16] [out]
 */
import { devPtauFileName, writeDevPtau } from "./dev-ptau.ts";

const power = Number(process.argv[2]);
const shape = process.argv[3] === "all" ? "all" : "groth16";
const out = process.argv[4] ?? devPtauFileName(power, shape);
await writeDevPtau(out, power, shape, (line) => process.stderr.write(`${line}\n`));
process.stdout.write(`${out}\n`);
