import type { V1ContainerState, V1ContainerStatus, V1Pod } from "@kubernetes/client-node";
import { describe, expect, it } from "vitest";
import { podProgress } from "./pod-status.js";

const pod = (status: V1Pod["status"]): V1Pod => ({ metadata: { name: "p" }, status });
const kanikoStatus = (state: V1ContainerState): V1ContainerStatus => ({
  name: "kaniko",
  image: "i",
  imageID: "",
  ready: false,
  restartCount: 0,
  state,
});

describe("podProgress", () => {
  it("is pending while scheduling and pulling", () => {
    expect(podProgress(pod({ phase: "Pending" }), "kaniko")).toEqual({ kind: "pending", summary: "phase Pending" });
    expect(
      podProgress(
        pod({
          phase: "Pending",
          containerStatuses: [kanikoStatus({ waiting: { reason: "ContainerCreating" } })],
        }),
        "kaniko",
      ),
    ).toMatchObject({ kind: "pending", summary: "phase Pending, container waiting: ContainerCreating" });
  });

  it("is running once the container runs", () => {
    expect(
      podProgress(
        pod({
          phase: "Running",
          containerStatuses: [kanikoStatus({ running: {} })],
        }),
        "kaniko",
      ),
    ).toEqual({ kind: "running" });
  });

  it.each(["ErrImagePull", "ImagePullBackOff", "InvalidImageName", "CreateContainerConfigError"])(
    "cannot start on %s",
    (reason) => {
      expect(
        podProgress(
          pod({
            phase: "Pending",
            containerStatuses: [kanikoStatus({ waiting: { reason, message: "details" } })],
          }),
          "kaniko",
        ),
      ).toEqual({ kind: "cannot-start", reason, message: "details" });
    },
  );

  it("unschedulable (an autoscaler may still add a node), with the nominated node when there is one", () => {
    expect(
      podProgress(
        pod({
          phase: "Pending",
          conditions: [{ type: "PodScheduled", status: "False", reason: "Unschedulable", message: "0/3 nodes" }],
        }),
        "kaniko",
      ),
    ).toEqual({ kind: "unschedulable", message: "0/3 nodes", nominatedNodeName: undefined });
    expect(
      podProgress(
        pod({
          phase: "Pending",
          nominatedNodeName: "node-7",
          conditions: [{ type: "PodScheduled", status: "False", reason: "Unschedulable", message: "0/3 nodes" }],
        }),
        "kaniko",
      ),
    ).toMatchObject({ kind: "unschedulable", nominatedNodeName: "node-7" });
  });

  it("reads the terminated container: exit code, reason, termination message", () => {
    expect(
      podProgress(
        pod({
          phase: "Failed",
          containerStatuses: [kanikoStatus({ terminated: { exitCode: 137, reason: "OOMKilled", message: "m" } })],
        }),
        "kaniko",
      ),
    ).toEqual({
      kind: "terminated",
      exitCode: 137,
      reason: "OOMKilled",
      message: "m",
      podMessage: undefined,
      phase: "Failed",
    });
  });

  it("takes the pod's reason when a deadline or eviction killed the running container", () => {
    const killed = pod({
      phase: "Failed",
      reason: "DeadlineExceeded",
      message: "Pod was active on the node longer than the specified deadline",
      containerStatuses: [kanikoStatus({ terminated: { exitCode: 137, reason: "Error", message: "last log line" } })],
    });
    expect(podProgress(killed, "kaniko")).toEqual({
      kind: "terminated",
      exitCode: 137,
      reason: "DeadlineExceeded",
      message: "last log line",
      podMessage: "Pod was active on the node longer than the specified deadline",
      phase: "Failed",
    });
  });

  it("treats a pod that ended without its container (deadline, eviction) as terminated without exit code", () => {
    expect(podProgress(pod({ phase: "Failed", reason: "DeadlineExceeded", message: "too long" }), "kaniko")).toEqual({
      kind: "terminated",
      exitCode: undefined,
      reason: "DeadlineExceeded",
      message: "too long",
      phase: "Failed",
    });
    expect(podProgress(pod({ phase: "Succeeded" }), "kaniko")).toMatchObject({
      kind: "terminated",
      phase: "Succeeded",
    });
  });
});
