/**
 * CNI errors (CNI spec, "Error" result type): JSON on stdout with a well-known code, and a non-zero
 * exit status.
 */

/** Well-known error codes of the CNI spec (1.0.0; 50/51 from 1.1.0). */
export const CNI_CODES = {
  incompatibleVersion: 1,
  unsupportedField: 2,
  unknownContainer: 3,
  invalidEnvironment: 4,
  ioFailure: 5,
  decodingFailure: 6,
  invalidConfig: 7,
  tryAgainLater: 11,
  pluginNotAvailable: 50,
} as const;

/** An error result. */
export interface CniError {
  readonly cniVersion: string;
  readonly code: number;
  readonly msg: string;
  readonly details?: string;
}

/** Builds an error result for `cniVersion`. */
export function cniError(cniVersion: string, code: number, msg: string, details?: string): CniError {
  return { cniVersion, code, msg, ...(details ? { details } : {}) };
}
