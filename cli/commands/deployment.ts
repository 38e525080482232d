import { ErrorCode, OpenLedgerError } from "../../protocol/errors.ts";
import { type DeploymentFile, readDeploymentFile } from "../../contracts/deploy/addresses.ts";

/** The devnet writes its deployment here; commands read L1 addresses from it unless given. */
export const DEVNET_DEPLOYMENT = ".openledger/devnet/deployment.json";

type ContractName = keyof DeploymentFile["contracts"];

/** A contract address: the option if given, else the deployment file's. */
export async function l1Address(
  o: { deployment: string },
  given: string | undefined,
  name: ContractName,
): Promise<string> {
  if (given) return given;
  let address: string | undefined;
  try {
    address = (await readDeploymentFile(o.deployment)).contracts[name];
  } catch (e) {
    throw new OpenLedgerError(
      ErrorCode.InvalidEncoding,
      `no ${name} address: ${o.deployment} is unreadable (${(e as Error).message}); pass --deployment or the address`,
    );
  }
  if (!address) {
    throw new OpenLedgerError(
      ErrorCode.InvalidEncoding,
      `no ${name} address in ${o.deployment} (deployed before it existed): pass the address`,
    );
  }
  return address;
}
