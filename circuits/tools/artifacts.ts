/**
 * The programmatic API of the circuit pipeline: compile a registered circuit, run its
 * Groth16 setup and export its verifier, every step cached by content hash under
 * build/circuits/<name>/<hash>/. Tests and other components call `buildCircuit` in their
 * `beforeAll`; a second call (any process) returns the cached files in milliseconds.
 */
import { readFile, writeFile } from "node:fs/promises";
import { isAbsolute, join, relative } from "node:path";
import { buildAtomically, writeFileIfChanged } from "./atomic-dir.ts";
import { compileKey, packageVersion } from "./cache-key.ts";
import { CIRCOM_FLAGS, CIRCOM_LIBRARIES, compileCircom } from "./compile.ts";
import { groth16Setup, setupDirName, type TrustedSetup } from "./groth16-setup.ts";
import { mainWrapperSource } from "./main-wrapper.ts";
import { CIRCUITS_BUILD_DIR, REPO_ROOT, VERIFIERS_DIR } from "./paths.ts";
import { domainPower, readR1csHeader } from "./r1cs-header.ts";
import { type CircuitSpec, getCircuitSpec, type TemplateParam } from "./registry.ts";
import { exportSolidityVerifier, verifierContractName } from "./solidity-verifier.ts";
import { collectSources } from "./sources.ts";

export interface BuildOptions {
  /** A Powers-of-Tau ceremony file (production). Default: the INSECURE dev setup. */
  ptau?: string;
  /** Cache folder, absolute or repo-relative; must lie inside the repository (circom2's sandbox). */
  buildDir?: string;
  /** Where `<Name>Verifier.sol` is copied; default contracts/verifiers; null to skip. */
  verifiersDir?: string | null;
  /** Progress lines; default: stderr. */
  log?: (line: string) => void;
}

export interface CompiledCircuit {
  name: string;
  template: string;
  params: TemplateParam[];
  /** Names of the public input signals (outputs come first among the public signals). */
  publicInputs: string[];
  /** Number of public signals (outputs + public inputs): the length of `publicSignals`. */
  nPublic: number;
  constraints: number;
  wires: number;
  /** log2 of the Groth16 domain; the ptau must have at least this power. */
  domainPower: number;
  /** Content hash of sources, parameters and compiler: the cache folder's name. */
  hash: string;
  dir: string;
  r1cs: string;
  wasm: string;
  sym: string;
  /** True when circom2 ran in this call, false when served from the cache. */
  compiled: boolean;
}

export interface CircuitArtifacts extends CompiledCircuit {
  setup: TrustedSetup["kind"];
  setupDir: string;
  zkey: string;
  /** Path of the verification key JSON. */
  vkey: string;
  /** The verifier contract in the cache; also copied to `verifiersDir` unless that is null. */
  verifierSol: string;
  verifierContract: string;
  /** True when the Groth16 setup ran in this call. */
  setupRan: boolean;
  /** Neither compile nor setup ran: everything came from the cache. */
  cached: boolean;
}

const stderrLog = (line: string) => process.stderr.write(`[circuits] ${line}\n`);

export async function compileCircuit(name: string, options: BuildOptions = {}): Promise<CompiledCircuit> {
  const log = options.log ?? stderrLog;
  const spec = await getCircuitSpec(name);
  const buildRoot = absolute(options.buildDir ?? CIRCUITS_BUILD_DIR);
  const sources = await collectSources(REPO_ROOT, spec.file, CIRCOM_LIBRARIES);
  const circom2 = await packageVersion(REPO_ROOT, "circom2");
  const hash = compileKey(spec, sources, circom2, CIRCOM_FLAGS);
  const dir = join(buildRoot, name, hash);
  const compiled = await buildAtomically(
    dir,
    async (tmp) => {
      log(
        `${name}: compiling ${spec.template}(${JSON.stringify(spec.params).slice(1, -1)}) with circom2 ${circom2}`,
      );
      const started = performance.now();
      const main = join(tmp, `${name}.circom`);
      await writeFile(main, mainWrapperSource(spec));
      await compileCircom(REPO_ROOT, main, tmp);
      log(`${name}: compiled in ${seconds(started)}`);
    },
    () => log(`${name}: waiting for another process compiling it`),
  );
  return describeCompiled(spec, hash, dir, compiled);
}

export async function buildCircuit(name: string, options: BuildOptions = {}): Promise<CircuitArtifacts> {
  const log = options.log ?? stderrLog;
  const compiled = await compileCircuit(name, options);
  const setup: TrustedSetup = options.ptau
    ? { kind: "ceremony", ptau: absolute(options.ptau) }
    : { kind: "insecure-dev" };
  const setupDir = join(compiled.dir, await setupDirName(setup, await packageVersion(REPO_ROOT, "snarkjs")));
  const verifierContract = verifierContractName(name);
  const setupRan = await buildAtomically(
    setupDir,
    async (tmp) => {
      const started = performance.now();
      const { zkey } = await groth16Setup(compiled.r1cs, compiled.domainPower, setup, tmp, log);
      const source = await exportSolidityVerifier(REPO_ROOT, zkey, verifierContract);
      await writeFile(join(tmp, `${verifierContract}.sol`), source);
      log(`${name}: Groth16 setup (${setup.kind}) done in ${seconds(started)}`);
    },
    () => log(`${name}: waiting for another process running its setup`),
  );
  const artifacts: CircuitArtifacts = {
    ...compiled,
    setup: setup.kind,
    setupDir,
    zkey: join(setupDir, `${name}.zkey`),
    vkey: join(setupDir, `${name}.vkey.json`),
    verifierSol: join(setupDir, `${verifierContract}.sol`),
    verifierContract,
    setupRan,
    cached: !compiled.compiled && !setupRan,
  };
  const verifiersDir = options.verifiersDir === undefined ? VERIFIERS_DIR : options.verifiersDir;
  if (verifiersDir !== null) await copyVerifier(artifacts, absolute(verifiersDir));
  return artifacts;
}

async function describeCompiled(
  spec: CircuitSpec,
  hash: string,
  dir: string,
  compiled: boolean,
): Promise<CompiledCircuit> {
  const r1cs = join(dir, `${spec.name}.r1cs`);
  const header = await readR1csHeader(r1cs);
  return {
    name: spec.name,
    template: spec.template,
    params: spec.params,
    publicInputs: spec.publicInputs,
    nPublic: header.publicOutputs + header.publicInputs,
    constraints: header.constraints,
    wires: header.wires,
    domainPower: domainPower(header),
    hash,
    dir,
    r1cs,
    wasm: join(dir, `${spec.name}_js`, `${spec.name}.wasm`),
    sym: join(dir, `${spec.name}.sym`),
    compiled,
  };
}

async function copyVerifier(artifacts: CircuitArtifacts, dir: string): Promise<void> {
  const source = await readFile(artifacts.verifierSol, "utf8");
  await writeFileIfChanged(join(dir, `${artifacts.verifierContract}.sol`), source);
}

function absolute(path: string): string {
  return isAbsolute(path) ? path : join(REPO_ROOT, path);
}

function seconds(started: number): string {
  return `${((performance.now() - started) / 1000).toFixed(1)} s`;
}

/** Repo-relative form of an artifact path, for reports and logs. */
export function repoPath(path: string): string {
  return relative(REPO_ROOT, path);
}
