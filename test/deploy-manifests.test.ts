/**
 * The deployment manifests in examples/deploy are loaded as Kubernetes would read them and checked
 * against each other and against the code they deploy: kinds, names and references, volumes, the
 * agent's environment variables and probe port, the CNI paths, one image everywhere, and the RBAC
 * grant for the ClusterNetworkPolicy CRD in crds/.
 */
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse, parseAllDocuments } from "yaml";
import { AGENT_FLAGS } from "../src/cli/agent-flags.js";
import { CNI_DEFAULTS } from "../src/cli/cni-install.js";
import { DEFAULT_CNI_ENTRY } from "../src/cni/install.js";

const root = join(import.meta.dirname, "..");
const dir = join(root, "examples", "deploy");

interface Meta {
  readonly name: string;
  readonly namespace?: string;
  readonly labels?: Record<string, string>;
}
interface K8sObject {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: Meta;
}
interface Probe {
  readonly httpGet?: { readonly path: string; readonly port: number | string };
}
interface Container {
  readonly name: string;
  readonly image: string;
  readonly command?: string[];
  readonly args?: string[];
  readonly env?: { name: string; value?: string; valueFrom?: { fieldRef?: { fieldPath: string } } }[];
  readonly ports?: { name?: string; containerPort: number; protocol?: string }[];
  readonly volumeMounts?: {
    name: string;
    mountPath: string;
    readOnly?: boolean;
    mountPropagation?: string;
  }[];
  readonly readinessProbe?: Probe;
  readonly livenessProbe?: Probe;
  readonly resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
  readonly securityContext?: {
    privileged?: boolean;
    runAsUser?: number;
    runAsNonRoot?: boolean;
    allowPrivilegeEscalation?: boolean;
    capabilities?: { add?: string[]; drop?: string[] };
  };
}
interface PodSpec {
  readonly serviceAccountName?: string;
  readonly hostNetwork?: boolean;
  readonly priorityClassName?: string;
  readonly securityContext?: { seccompProfile?: { type: string } };
  readonly tolerations?: Record<string, string>[];
  readonly initContainers?: Container[];
  readonly containers: Container[];
  readonly volumes?: { name: string; hostPath?: { path: string; type?: string } }[];
}
interface DaemonSet extends K8sObject {
  readonly spec: {
    readonly selector: { matchLabels: Record<string, string> };
    readonly template: { metadata: { labels: Record<string, string> }; spec: PodSpec };
  };
}
interface Rule {
  readonly apiGroups: string[];
  readonly resources: string[];
  readonly verbs: string[];
}

/** Every document of a file; YAML errors and warnings (duplicate keys included) fail the test. */
function load(file: string): K8sObject[] {
  const docs = parseAllDocuments(readFileSync(join(dir, file), "utf8"), { uniqueKeys: true });
  if (!Array.isArray(docs)) throw new Error(`${file}: not a YAML stream`);
  return docs.map((d, i) => {
    expect([...d.errors, ...d.warnings].map((e) => `${file}[${i}]: ${e.message}`)).toEqual([]);
    return d.toJS() as K8sObject;
  });
}

const kustomization = load("kustomization.yaml")[0] as K8sObject & { resources: string[] };
const install = kustomization.resources.flatMap(load);
const uninstall = load("uninstall.yaml");
const byKind = (objs: K8sObject[], kind: string) => objs.filter((o) => o.kind === kind);
const agentDs = byKind(install, "DaemonSet")[0] as DaemonSet;
const uninstallDs = uninstall[0] as DaemonSet;
const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { version: string };
const NAMESPACE = "netguard-system";

function containers(ds: DaemonSet): Container[] {
  return [...(ds.spec.template.spec.initContainers ?? []), ...ds.spec.template.spec.containers];
}

/** The node path behind a container path, through the pod's hostPath volumes. */
function hostPathOf(ds: DaemonSet, c: Container, mountPath: string): string | undefined {
  const mount = c.volumeMounts?.find((m) => m.mountPath === mountPath);
  return ds.spec.template.spec.volumes?.find((v) => v.name === mount?.name)?.hostPath?.path;
}

function flag(args: readonly string[] | undefined, name: string): string | undefined {
  const i = (args ?? []).indexOf(name);
  return i < 0 ? undefined : args?.[i + 1];
}

describe("examples/deploy", () => {
  it("kustomization lists every install manifest, namespace first, and not uninstall.yaml", () => {
    const yamls = readdirSync(dir).filter((f) => f.endsWith(".yaml"));
    expect(kustomization.kind).toBe("Kustomization");
    expect(kustomization.resources[0]).toBe("namespace.yaml");
    expect([...kustomization.resources, "kustomization.yaml", "uninstall.yaml"].sort()).toEqual(yamls.sort());
  });

  it("holds the expected objects, all namespaced ones in netguard-system", () => {
    expect(install.map((o) => `${o.kind}/${o.metadata.name}`)).toEqual([
      "Namespace/netguard-system",
      "ServiceAccount/netguard",
      "ClusterRole/netguard",
      "ClusterRoleBinding/netguard",
      "DaemonSet/netguard",
    ]);
    expect(uninstall.map((o) => `${o.kind}/${o.metadata.name}`)).toEqual(["DaemonSet/netguard-uninstall"]);
    for (const o of [...install, ...uninstall]) {
      expect(o.apiVersion).toBeTruthy();
      const clusterScoped = ["Namespace", "ClusterRole", "ClusterRoleBinding"].includes(o.kind);
      expect(o.metadata.namespace).toBe(clusterScoped ? undefined : NAMESPACE);
    }
  });

  it("grants read access to what the agent watches and event writes, nothing more", () => {
    const rules = (byKind(install, "ClusterRole")[0] as K8sObject & { rules: Rule[] }).rules;
    const grants = rules.flatMap((r) =>
      r.apiGroups.flatMap((g) =>
        r.resources.map((res) => `${g || "core"}/${res}: ${[...r.verbs].sort().join(",")}`),
      ),
    );
    expect(grants.sort()).toEqual([
      "core/events: create",
      "core/namespaces: get,list,watch",
      "core/nodes: get,list,watch",
      "core/pods: get,list,watch",
      "events.k8s.io/events: create",
      "networking.k8s.io/networkpolicies: get,list,watch",
      "policy.networking.k8s.io/clusternetworkpolicies: list,watch",
    ]);
    const binding = byKind(install, "ClusterRoleBinding")[0] as K8sObject & {
      roleRef: { kind: string; name: string };
      subjects: { kind: string; name: string; namespace: string }[];
    };
    expect(binding.roleRef).toMatchObject({ kind: "ClusterRole", name: "netguard" });
    expect(binding.subjects).toEqual([{ kind: "ServiceAccount", name: "netguard", namespace: NAMESPACE }]);
    expect(agentDs.spec.template.spec.serviceAccountName).toBe("netguard");
  });

  it("the ClusterNetworkPolicy grant names the group and plural of the CRD in crds/", () => {
    const crdFile = join(root, "crds", "policy.networking.k8s.io_clusternetworkpolicies.yaml");
    const crd = parse(readFileSync(crdFile, "utf8")) as {
      spec: { group: string; names: { plural: string } };
    };
    const rules = (byKind(install, "ClusterRole")[0] as K8sObject & { rules: Rule[] }).rules;
    const cnp = rules.filter((r) => r.resources.includes(crd.spec.names.plural));
    expect(cnp).toEqual([
      { apiGroups: [crd.spec.group], resources: [crd.spec.names.plural], verbs: ["list", "watch"] },
    ]);
  });

  it.each([
    ["netguard", agentDs],
    ["netguard-uninstall", uninstallDs],
  ])("DaemonSet %s runs on every node in the host network, and its mounts refer to its volumes", (_n, ds) => {
    const spec = ds.spec.template.spec;
    expect(ds.spec.template.metadata.labels).toMatchObject(ds.spec.selector.matchLabels);
    expect(spec.hostNetwork).toBe(true);
    expect(spec.priorityClassName).toBe("system-node-critical");
    expect(spec.tolerations).toContainEqual({ operator: "Exists" });
    const volumes = (spec.volumes ?? []).map((v) => v.name);
    const mounted = containers(ds).flatMap((c) => (c.volumeMounts ?? []).map((m) => m.name));
    expect(new Set(volumes).size).toBe(volumes.length);
    for (const name of mounted) expect(volumes).toContain(name);
    expect([...new Set(mounted)].sort()).toEqual([...volumes].sort());
    expect(spec.securityContext?.seccompProfile).toEqual({ type: "RuntimeDefault" });
    for (const c of containers(ds)) {
      expect(c.securityContext?.privileged).not.toBe(true);
      expect(c.securityContext?.allowPrivilegeEscalation).toBe(false);
      expect(c.securityContext?.capabilities?.drop).toEqual(["ALL"]);
      // Every container says which user it runs as; only those that need root are root.
      expect(c.securityContext?.runAsUser).toBeTypeOf("number");
      const needsRoot =
        c.securityContext?.capabilities?.add !== undefined || (c.volumeMounts ?? []).length > 0;
      if (!needsRoot) expect(c.securityContext).toMatchObject({ runAsNonRoot: true });
    }
  });

  it("the agent container: NODE_NAME from spec.nodeName, known variables, probes on the agent's port", () => {
    const agent = agentDs.spec.template.spec.containers.find((c) => c.name === "agent") as Container;
    expect(agent.command).toBeUndefined();
    expect(agent.args).toEqual(["agent"]);
    const env = agent.env ?? [];
    expect(env.find((e) => e.name === "NODE_NAME")?.valueFrom?.fieldRef?.fieldPath).toBe("spec.nodeName");
    // Every variable is a flag's, except HOST_IP, which only NETGUARD_LISTEN uses.
    const known: string[] = [...Object.values(AGENT_FLAGS).map((f) => f.env), "HOST_IP"];
    for (const e of env) expect(known).toContain(e.name);
    const listen = env.find((e) => e.name === "NETGUARD_LISTEN")?.value ?? AGENT_FLAGS.listen.default;
    // The endpoint is unauthenticated: loopback unless exposed on purpose, here on the node's
    // address (where the kubelet probes a host-network pod), never on every interface.
    expect(AGENT_FLAGS.listen.default).toMatch(/^127\.0\.0\.1:/);
    expect(listen).toMatch(/^\$\(HOST_IP\):\d+$/);
    expect(env.find((e) => e.name === "HOST_IP")?.valueFrom?.fieldRef?.fieldPath).toBe("status.hostIP");
    expect(env.findIndex((e) => e.name === "HOST_IP")).toBeLessThan(
      env.findIndex((e) => e.name === "NETGUARD_LISTEN"),
    );
    const port = Number(listen.slice(listen.lastIndexOf(":") + 1));
    expect(port).toBe(Number(AGENT_FLAGS.listen.default.split(":").at(-1)));
    expect(agent.readinessProbe?.httpGet).toEqual({ path: "/readyz", port });
    expect(agent.livenessProbe?.httpGet).toEqual({ path: "/healthz", port });
    expect(agent.ports).toContainEqual({ name: "http", containerPort: port, protocol: "TCP" });
    expect(agent.securityContext?.capabilities?.add).toEqual(["NET_ADMIN", "SYS_ADMIN"]);
    expect(agent.resources).toEqual({
      requests: { cpu: "100m", memory: "128Mi" },
      limits: { memory: "512Mi" },
    });
    // The plugin reaches the agent through this node directory.
    const socketDir = dirname(DEFAULT_CNI_ENTRY.agentSocket);
    expect(hostPathOf(agentDs, agent, socketDir)).toBe(socketDir);
  });

  it("the agent reads Flannel's lease from the node, through a read-only mount of its directory", () => {
    const agent = agentDs.spec.template.spec.containers.find((c) => c.name === "agent") as Container;
    const file =
      agent.env?.find((e) => e.name === AGENT_FLAGS.flannelSubnetFile.env)?.value ??
      AGENT_FLAGS.flannelSubnetFile.default;
    expect(file).toBe("/run/flannel/subnet.env");
    // The directory, not the file: flanneld replaces the file, and a file mount would keep the old one.
    expect(hostPathOf(agentDs, agent, dirname(file))).toBe(dirname(file));
    expect(agent.volumeMounts?.find((m) => m.mountPath === dirname(file))?.readOnly).toBe(true);
  });

  it("the agent sees the pods' named network namespaces, also those created after it started", () => {
    const agent = agentDs.spec.template.spec.containers.find((c) => c.name === "agent") as Container;
    expect(hostPathOf(agentDs, agent, "/run/netns")).toBe("/run/netns");
    const mount = agent.volumeMounts?.find((m) => m.mountPath === "/run/netns");
    expect([mount?.readOnly, mount?.mountPropagation]).toEqual([true, "HostToContainer"]);
  });

  it("the init container installs the CNI plugin into the node's CNI directories from the image", () => {
    const init = agentDs.spec.template.spec.initContainers?.[0] as Container;
    expect(init.args?.slice(0, 2)).toEqual(["cni", "install"]);
    expect(hostPathOf(agentDs, init, flag(init.args, "--conf-dir") ?? "")).toBe(CNI_DEFAULTS.confDir);
    expect(hostPathOf(agentDs, init, flag(init.args, "--bin-dir") ?? "")).toBe(CNI_DEFAULTS.binDir);
    const binary = flag(init.args, "--binary") ?? "";
    expect(readFileSync(join(root, "Dockerfile"), "utf8")).toContain(` ${binary}\n`);
  });

  it("the uninstall DaemonSet removes the plugin first, then the rules", () => {
    const [cni, rules] = uninstallDs.spec.template.spec.initContainers ?? [];
    expect(cni?.args?.slice(0, 2)).toEqual(["cni", "uninstall"]);
    expect(hostPathOf(uninstallDs, cni as Container, flag(cni?.args, "--conf-dir") ?? "")).toBe(
      CNI_DEFAULTS.confDir,
    );
    expect(hostPathOf(uninstallDs, cni as Container, flag(cni?.args, "--bin-dir") ?? "")).toBe(
      CNI_DEFAULTS.binDir,
    );
    expect(rules?.args).toEqual(["agent", "--cleanup"]);
    expect(rules?.securityContext?.capabilities?.add).toEqual(["NET_ADMIN"]);
  });

  it("uses one image everywhere, tagged with the package version", () => {
    const images = new Set([agentDs, uninstallDs].flatMap(containers).map((c) => c.image));
    expect([...images]).toEqual([`netguard:${pkg.version}`]);
  });
});
