/**
 * `--kube-version 1.N` of every command that reads NetworkPolicies (validate, simulate, explain,
 * diff, compile): the Kubernetes release whose API server validation to mirror, read one way.
 */
import { kubeVersionOption } from "../load/api-check.js";
import type { KubeVersion } from "../validate/api/versions.js";
import { type CliIo, UsageError } from "./io.js";

/** Commander's help text for the flag. */
export const KUBE_VERSION_HELP =
  "the Kubernetes release whose API server to mirror (default: the newest tracked)";

/**
 * The version `--kube-version` names (the newest tracked when absent). A release newer than the
 * newest tracked is used with a note on stderr; a text that is no `1.N` is a usage error (exit 2).
 */
export function kubeVersionFlag(io: CliIo, text: string | undefined): KubeVersion {
  const parsed = kubeVersionOption(text);
  if (typeof parsed === "string") throw new UsageError(parsed);
  if (parsed.note) io.err(`${parsed.note}\n`);
  return parsed.version;
}
