import {
  type KubernetesListObject,
  type KubernetesObject,
  KubeConfig,
  ListWatch,
  Watch,
} from "@kubernetes/client-node";
import { describe, expect, it } from "vitest";
import { ReportingWatch } from "./reporting-watch.js";

/** A kubeconfig with no current cluster: every watch request fails before it is sent. */
const nowhere = () => new KubeConfig();
const emptyList = (): Promise<KubernetesListObject<KubernetesObject>> =>
  Promise.resolve({ apiVersion: "v1", kind: "PodList", metadata: { resourceVersion: "7" }, items: [] });

describe("ReportingWatch", () => {
  it("ends a watch request that cannot start through done(error) instead of rejecting", async () => {
    const ended = new Promise<unknown>((resolve) => {
      void new ReportingWatch(nowhere()).watch("/api/v1/pods", {}, () => undefined, resolve);
    });
    expect(String(await ended)).toMatch(/No currently active cluster/);
  });

  it("turns the library's re-watch failure into an ERROR event (the plain Watch rejects with none)", async () => {
    const informer = new ListWatch("/api/v1/pods", new ReportingWatch(nowhere()), emptyList, false);
    const error = new Promise<unknown>((resolve) => informer.on("error", resolve));
    await informer.start();
    expect(String(await error)).toMatch(/No currently active cluster/);
    await informer.stop();

    const plain = new ListWatch("/api/v1/pods", new Watch(nowhere()), emptyList, false);
    let errors = 0;
    plain.on("error", () => void errors++);
    await expect(plain.start()).rejects.toThrow(/No currently active cluster/);
    expect(errors).toBe(0);
    await plain.stop();
  });
});
