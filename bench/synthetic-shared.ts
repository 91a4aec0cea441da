/** What the synthetic cluster's generators share: the seeded PRNG and the tenant labels. */

/** A small seeded PRNG (mulberry32), so every run builds the same cluster. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Namespace i carries `tenant: tn-<i mod TENANTS>`: at 100 namespaces a tenant owns 2-3 % of them,
 * the share a ClusterNetworkPolicy subject selects in the benchmarks.
 */
export const TENANTS = 40;
