export { type GcsEmulator, type GcsEmulatorOptions, type GcsPendingUpload, startGcsEmulator } from "./gcs-emulator.js";
