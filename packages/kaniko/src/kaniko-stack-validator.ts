import { createStackValidator, type StackValidator } from "@flavorstack/core/plugin";

/** ZenML's words when the stack's container registry is on this machine. */
export const LOCAL_REGISTRY_MESSAGE =
  "The Kaniko image builder builds Docker images in a Kubernetes cluster and isn't able to push the resulting image to a local container registry running on your machine. Please update your stack to include a remote container registry and try again.";

/** ZenML's words when the context goes through a local artifact store. */
export const LOCAL_ARTIFACT_STORE_MESSAGE =
  "The Kaniko image builder is configured to upload the build context to the artifact store. This only works with remote artifact stores so that the Kaniko build pod is able to read from it. Please update your stack to include a remote artifact store and try again.";

export interface KanikoStackValidatorOptions {
  storeContextInArtifactStore: boolean;
}

/**
 * A container registry is required and must not be local; with
 * `storeContextInArtifactStore`, the artifact store must be remote.
 */
export function createKanikoStackValidator(options: KanikoStackValidatorOptions): StackValidator {
  return createStackValidator({
    requiredComponents: ["container_registry"],
    customValidation: (stack) => {
      if (stack.containerRegistry?.isLocal) return { ok: false, message: LOCAL_REGISTRY_MESSAGE };
      const store = stack.component("artifact_store");
      if (options.storeContextInArtifactStore && store?.isLocal) {
        return { ok: false, message: LOCAL_ARTIFACT_STORE_MESSAGE };
      }
      return { ok: true };
    },
  });
}
