export { startConnectProxy } from "./connect-proxy.js";
export { manifestDigest, type RunningRegistry, startRegistry } from "./docker-registry.js";
export { freePort } from "./free-port.js";
export { type GcsEmulator, type GcsEmulatorOptions, type GcsPendingUpload, startGcsEmulator } from "./gcs-emulator.js";
export {
  missingPostgresPrograms,
  type PostgresServer,
  type PostgresServerOptions,
  startPostgres,
} from "./postgres-server.js";
export {
  type RecordedRequest,
  type RecordingProxy,
  type RecordingProxyOptions,
  startRecordingProxy,
} from "./recording-proxy.js";
export { startSocks5Proxy } from "./socks5-proxy.js";
export {
  missingSwiftS3Programs,
  SWIFT_S3_SERVER_PROGRAMS,
  type SwiftS3Server,
  type SwiftS3ServerOptions,
  startSwiftS3Server,
} from "./swift-s3-server.js";
export type { TunnelProxy, TunnelProxyOptions, TunnelRecord } from "./tunnel-proxy.js";
