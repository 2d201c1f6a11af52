/** A kubeconfig (YAML) with one cluster, user and context pointing at a plain-HTTP API server (through `proxyUrl` when given). */
export function renderKubeconfig(options: {
  server: string;
  name: string;
  namespace?: string;
  token?: string;
  proxyUrl?: string;
}): string {
  const { server, name } = options;
  return [
    "apiVersion: v1",
    "kind: Config",
    "clusters:",
    `- name: ${JSON.stringify(name)}`,
    "  cluster:",
    `    server: ${JSON.stringify(server)}`,
    "    insecure-skip-tls-verify: true",
    ...(options.proxyUrl ? [`    proxy-url: ${JSON.stringify(options.proxyUrl)}`] : []),
    "users:",
    `- name: ${JSON.stringify(name)}`,
    "  user:",
    `    token: ${JSON.stringify(options.token ?? "flavorstack-double-token")}`,
    "contexts:",
    `- name: ${JSON.stringify(name)}`,
    "  context:",
    `    cluster: ${JSON.stringify(name)}`,
    `    user: ${JSON.stringify(name)}`,
    `    namespace: ${JSON.stringify(options.namespace ?? "default")}`,
    `current-context: ${JSON.stringify(name)}`,
    "preferences: {}",
    "",
  ].join("\n");
}
