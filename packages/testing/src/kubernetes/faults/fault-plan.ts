import { kubernetesStatus } from "../kubernetes-status.js";
import type { KubernetesStatus } from "../kubernetes-types.js";
import type { ApiFault, ApiVerb, KubernetesDoubleFaults } from "./kubernetes-double-faults.js";

/** The pod faults taken for one pod when it was created. */
export type PodFaults = Omit<KubernetesDoubleFaults, "apiErrors">;

const POD_FAULT_KEYS = [
  "imagePullError",
  "unschedulable",
  "slowStart",
  "exitCode",
  "oomKilled",
  "terminationMessage",
  "attachDrop",
] as const;

/** The resource (and subresource) each verb acts on, as RBAC names it. */
const RESOURCES_BY_VERB: Record<ApiVerb, string> = {
  create: "pods",
  get: "pods",
  list: "pods",
  watch: "pods",
  delete: "pods",
  log: "pods/log",
  attach: "pods/attach",
  events: "events",
  namespace: "namespaces",
  "get-secret": "secrets",
};

/** The RBAC verb each call needs. */
const RBAC_VERBS: Record<ApiVerb, string> = {
  create: "create",
  get: "get",
  list: "list",
  watch: "watch",
  delete: "delete",
  log: "get",
  attach: "create",
  events: "list",
  namespace: "get",
  "get-secret": "get",
};

interface ActiveApiFault extends ApiFault {
  remaining: number;
}

/** Holds the injected faults: hands pod faults to new pods and answers API faults. */
export class FaultPlan {
  #podFaults: PodFaults = {};
  #apiFaults: ActiveApiFault[] = [];

  constructor(faults: KubernetesDoubleFaults = {}) {
    this.set(faults);
  }

  /** Replaces every fault. */
  set(faults: KubernetesDoubleFaults): void {
    const { apiErrors, ...podFaults } = faults;
    this.#podFaults = { ...podFaults };
    this.#apiFaults = (apiErrors ?? []).map((fault) => ({
      ...fault,
      remaining: fault.times ?? Number.POSITIVE_INFINITY,
    }));
  }

  /** Adds or replaces some faults, keeping the others. */
  add(faults: KubernetesDoubleFaults): void {
    const { apiErrors, ...podFaults } = faults;
    Object.assign(this.#podFaults, podFaults);
    for (const fault of apiErrors ?? []) {
      this.#apiFaults.push({ ...fault, remaining: fault.times ?? Number.POSITIVE_INFINITY });
    }
  }

  /** The pod faults for a pod being created; `pods: "next"` faults are used up. */
  takePodFaults(): PodFaults {
    const taken: Record<string, unknown> = {};
    for (const key of POD_FAULT_KEYS) {
      const fault = this.#podFaults[key];
      if (!fault) continue;
      taken[key] = fault;
      if (fault.pods === "next") delete this.#podFaults[key];
    }
    return taken as PodFaults;
  }

  /** The error Status to answer this call with, if a fault targets it. */
  takeApiFault(verb: ApiVerb, namespace: string | undefined, name: string | undefined): KubernetesStatus | undefined {
    const fault = this.#apiFaults.find(
      (candidate) => candidate.verb === verb && candidate.remaining > 0 && (!candidate.name || candidate.name === name),
    );
    if (!fault) return undefined;
    fault.remaining -= 1;
    return apiFaultStatus(fault, namespace, name);
  }
}

function apiFaultStatus(fault: ApiFault, namespace: string | undefined, name: string | undefined): KubernetesStatus {
  const resource = RESOURCES_BY_VERB[fault.verb];
  const [kind, subresource] = resource.split("/");
  const target = name ? `${kind} "${name}"` : kind;
  const details = { ...(name ? { name } : {}), kind };
  switch (fault.status) {
    case 403: {
      const where =
        namespace && fault.verb !== "namespace" ? ` in the namespace "${namespace}"` : " at the cluster scope";
      const what = subresource ? `resource "${kind}/${subresource}"` : `resource "${kind}"`;
      const message =
        fault.message ??
        `${target} is forbidden: User "system:serviceaccount:default:builder" cannot ${RBAC_VERBS[fault.verb]} ${what} in API group ""${where}`;
      return kubernetesStatus(403, message, { reason: fault.reason ?? "Forbidden", details });
    }
    case 409:
      if (fault.verb === "create") {
        return kubernetesStatus(409, fault.message ?? `${target} already exists`, {
          reason: fault.reason ?? "AlreadyExists",
          details,
        });
      }
      return kubernetesStatus(
        409,
        fault.message ??
          `Operation cannot be fulfilled on ${target}: the object has been modified; please apply your changes to the latest version and try again`,
        { reason: fault.reason ?? "Conflict", details },
      );
    case 500:
      return kubernetesStatus(500, fault.message ?? "Internal error occurred: injected fault", {
        reason: fault.reason ?? "InternalError",
        details: { causes: [{ message: "injected fault" }] },
      });
    default:
      return kubernetesStatus(fault.status, fault.message ?? `injected ${fault.status} for ${fault.verb}`, {
        ...(fault.reason ? { reason: fault.reason } : {}),
        details,
      });
  }
}
