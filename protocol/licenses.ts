import { ErrorCode, OpenLedgerError } from "./errors.ts";

/**
 * The license table (docs/protocol.md section 7.2): what a contribution's `license` id means.
 * A Datanet's license policy is a 32-bit mask whose bit `id` admits license `id`, so ids run
 * from 1 to 31 (0 is no license). The batch circuit knows only which ids exist
 * (circuits/lib/state/licenses.circom holds KNOWN_LICENSE_MASK); what each one permits is
 * checked by the state transition alone, where a model registers.
 */
export interface License {
  readonly id: number;
  /** SPDX identifier. */
  readonly spdx: string;
  /** What a user of the data must credit. */
  readonly attribution: string;
  /** May train a model served for a fee (inferenceFee > 0). */
  readonly commercial: boolean;
  /** May train a model that is fine-tuned further (a base model of a fine-tune). */
  readonly derivatives: boolean;
  /** Adaptations must carry the same license: recorded, not enforced (models carry no license). */
  readonly shareAlike: boolean;
}

const CREDIT = "credit the contributor and link the license";
const NOTICE = "keep the copyright and license notice";

export const LICENSES: readonly License[] = [
  { id: 1, spdx: "CC0-1.0", attribution: "none", commercial: true, derivatives: true, shareAlike: false },
  { id: 2, spdx: "CC-BY-4.0", attribution: CREDIT, commercial: true, derivatives: true, shareAlike: false },
  { id: 3, spdx: "CC-BY-SA-4.0", attribution: CREDIT, commercial: true, derivatives: true, shareAlike: true },
  {
    id: 4,
    spdx: "CC-BY-NC-4.0",
    attribution: CREDIT,
    commercial: false,
    derivatives: true,
    shareAlike: false,
  },
  {
    id: 5,
    spdx: "CC-BY-NC-SA-4.0",
    attribution: CREDIT,
    commercial: false,
    derivatives: true,
    shareAlike: true,
  },
  {
    id: 6,
    spdx: "CC-BY-ND-4.0",
    attribution: CREDIT,
    commercial: true,
    derivatives: false,
    shareAlike: false,
  },
  {
    id: 7,
    spdx: "ODbL-1.0",
    attribution: "credit the database and keep its notice",
    commercial: true,
    derivatives: true,
    shareAlike: true,
  },
  { id: 8, spdx: "Apache-2.0", attribution: NOTICE, commercial: true, derivatives: true, shareAlike: false },
  { id: 9, spdx: "MIT", attribution: NOTICE, commercial: true, derivatives: true, shareAlike: false },
  {
    id: 10,
    spdx: "CDLA-Permissive-2.0",
    attribution: "keep the license text with the data",
    commercial: true,
    derivatives: true,
    shareAlike: false,
  },
];

const BY_ID = new Map(LICENSES.map((l) => [l.id, l]));
const BY_SPDX = new Map(LICENSES.map((l) => [l.spdx.toLowerCase(), l]));

/** Bit `id` set for every license in the table: the policy bits a Datanet may set. */
export const KNOWN_LICENSE_MASK = LICENSES.reduce((m, l) => m | (1 << l.id), 0) >>> 0;

export function licenseById(id: number): License | undefined {
  return BY_ID.get(id);
}

/** A license id or SPDX identifier (case-insensitive) to its entry. */
export function findLicense(idOrSpdx: string | number): License {
  const l =
    typeof idOrSpdx === "number" || /^\d+$/.test(idOrSpdx)
      ? BY_ID.get(Number(idOrSpdx))
      : BY_SPDX.get(idOrSpdx.toLowerCase());
  if (!l) {
    throw new OpenLedgerError(
      ErrorCode.LicenseNotAllowed,
      `unknown license ${idOrSpdx}: one of ${LICENSES.map((x) => `${x.id} ${x.spdx}`).join(", ")}`,
    );
  }
  return l;
}

/** The policy mask admitting exactly `licenses`. */
export function licensePolicy(licenses: ReadonlyArray<string | number>): number {
  return licenses.reduce<number>((m, l) => m | (1 << findLicense(l).id), 0) >>> 0;
}

/** The licenses a policy mask admits, in id order. */
export function policyLicenses(policy: number): License[] {
  return LICENSES.filter((l) => (policy >>> l.id) & 1);
}
