/**
 * The shape of a NetworkPolicy after strict decoding (src/validate/api/strict-decode.ts): only
 * known fields of the right JSON type remain, `null` fields are absent. Mirrors the Go types.
 */

export type StringMap = Readonly<Record<string, string>>;

export interface Requirement {
  readonly key?: string;
  readonly operator?: string;
  readonly values?: readonly string[];
}

export interface Selector {
  readonly matchLabels?: StringMap;
  readonly matchExpressions?: readonly Requirement[];
}

export interface IpBlock {
  readonly cidr?: string;
  readonly except?: readonly string[];
}

export interface Peer {
  readonly podSelector?: Selector;
  readonly namespaceSelector?: Selector;
  readonly ipBlock?: IpBlock;
}

export type IntOrString =
  { readonly kind: "int"; readonly value: number } | { readonly kind: "string"; readonly value: string };

export interface Port {
  readonly protocol?: string;
  readonly port?: IntOrString;
  readonly endPort?: number;
}

export interface Rule {
  readonly ports?: readonly Port[];
  readonly from?: readonly Peer[];
  readonly to?: readonly Peer[];
}

export interface Spec {
  readonly podSelector?: Selector;
  readonly ingress?: readonly Rule[];
  readonly egress?: readonly Rule[];
  readonly policyTypes?: readonly string[];
}

export interface OwnerReference {
  readonly apiVersion?: string;
  readonly kind?: string;
  readonly name?: string;
  readonly uid?: string;
  readonly controller?: boolean;
}

export interface Meta {
  readonly name?: string;
  readonly generateName?: string;
  readonly namespace?: string;
  readonly resourceVersion?: string;
  readonly labels?: StringMap;
  readonly annotations?: StringMap;
  readonly ownerReferences?: readonly OwnerReference[];
  readonly finalizers?: readonly string[];
}

export interface Policy {
  readonly apiVersion?: string;
  readonly kind?: string;
  readonly metadata?: Meta;
  readonly spec?: Spec;
}
