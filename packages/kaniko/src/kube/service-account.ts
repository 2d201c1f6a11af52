/** Where Kubernetes mounts a pod's service account: its token, CA certificate and namespace. */
export const SERVICE_ACCOUNT_DIR = "/var/run/secrets/kubernetes.io/serviceaccount";
