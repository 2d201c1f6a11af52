export {
  missingSwiftS3Programs,
  SWIFT_S3_SERVER_PROGRAMS,
  type SwiftS3Server,
  type SwiftS3ServerOptions,
  startSwiftS3Server,
} from "./swift-s3-server.js";
