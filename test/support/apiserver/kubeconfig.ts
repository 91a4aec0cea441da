/**
 * A kubeconfig for the fake API server. client-node 1.3.0 refuses an `http:` server unless the
 * cluster has `insecure-skip-tls-verify: true` ("HTTP protocol is not allowed when skipTLSVerify is
 * not set or false", `KubeConfig.createAgent`), so the cluster entry sets it.
 */

import { writeFileSync } from "node:fs";
import { join } from "node:path";

/** The kubeconfig YAML: one cluster, one user without credentials, one current context. */
export function kubeconfigYaml(serverUrl: string): string {
  return [
    "apiVersion: v1",
    "kind: Config",
    "clusters:",
    "  - name: netguard-fake",
    "    cluster:",
    `      server: ${serverUrl}`,
    "      insecure-skip-tls-verify: true",
    "users:",
    "  - name: netguard-fake",
    "    user: {}",
    "contexts:",
    "  - name: netguard-fake",
    "    context:",
    "      cluster: netguard-fake",
    "      user: netguard-fake",
    "current-context: netguard-fake",
    "",
  ].join("\n");
}

/** Writes the kubeconfig to `<dir>/kubeconfig` and returns that path. */
export function writeKubeconfigFile(dir: string, serverUrl: string): string {
  const path = join(dir, "kubeconfig");
  writeFileSync(path, kubeconfigYaml(serverUrl), { mode: 0o600 });
  return path;
}
