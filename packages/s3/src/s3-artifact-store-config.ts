import { unsupportedSchemeMessage, withConfigAliases } from "@flavorstack/core/plugin";
import { z } from "zod";

/** ZenML's snake_case field names and the names we use, at the top level and inside `clientKwargs`. */
export const S3_CONFIG_ALIASES: Readonly<Record<string, string>> = Object.freeze({
  client_kwargs: "clientKwargs",
  config_kwargs: "configKwargs",
  s3_additional_kwargs: "s3AdditionalKwargs",
  force_path_style: "forcePathStyle",
  endpoint_url: "endpointUrl",
  region_name: "regionName",
});

/** The fields that hold credentials: never logged, never in a message. */
export const S3_SECRET_FIELDS = Object.freeze(["key", "secret", "token"] as const);

/** Request parameters the store sets itself, which `s3AdditionalKwargs` must not override. */
const RESERVED_REQUEST_PARAMETERS = Object.freeze([
  "Bucket",
  "Key",
  "Body",
  "CopySource",
  "UploadId",
  "MultipartUpload",
]);

/** ZenML's message for an endpoint that is not http(s), without the value (config errors never echo values). */
const ENDPOINT_URL_MESSAGE =
  "Invalid URL for endpoint url. Should be in the form https://hostname[:port] or http://hostname[:port].";

/** A credential: JSON Schema's `writeOnly` marks it as a value that is written, never shown. */
const secretField = (description: string) =>
  z
    .string()
    .min(1, "an empty value: remove the field or set it")
    .optional()
    .meta({ writeOnly: true })
    .describe(description);

/** A dict that ZenML's CLI also accepts as a JSON string. */
const fromJsonString = (value: unknown, context: z.core.$RefinementCtx): unknown => {
  if (typeof value !== "string") return value;
  try {
    return JSON.parse(value);
  } catch {
    context.addIssue({ code: "custom", message: "not valid JSON: give an object, or a JSON string of one" });
    return z.NEVER;
  }
};

const clientKwargs = z.strictObject({
  endpointUrl: z
    .string()
    .regex(/^https?:\/\/[^/]/, ENDPOINT_URL_MESSAGE)
    .optional()
    .describe(
      "The S3 API's URL for S3-compatible servers (MinIO, Ceph, Swift): http(s)://hostname[:port]. Leave it out for AWS.",
    ),
  regionName: z
    .string()
    .min(1)
    .optional()
    .describe("The bucket's region, e.g. eu-central-1. Default: the AWS SDK's (AWS_REGION, the profile's region)."),
});

const schema = z
  .strictObject({
    path: z
      .string({ error: "the store's root is required: s3://bucket or s3://bucket/prefix" })
      .trim()
      .superRefine((path, context) => {
        const message = unsupportedSchemeMessage(path, ["s3://"], "S3ArtifactStore");
        if (message !== undefined)
          context.addIssue({ code: "custom", message: `${message} Use s3://bucket[/prefix].` });
        else if (!/^s3:\/\/[^/]+/.test(path)) {
          context.addIssue({ code: "custom", message: "the bucket is missing: use s3://bucket[/prefix]" });
        }
      })
      .describe("The store's root: s3://bucket or s3://bucket/prefix. The bucket must exist."),
    key: secretField("The access key id. Without key and secret, the AWS SDK's default credential chain is used."),
    secret: secretField("The secret access key, with `key`."),
    token: secretField("A session token, for temporary credentials (with `key` and `secret`)."),
    clientKwargs: z
      .preprocess(fromJsonString, withConfigAliases(S3_CONFIG_ALIASES, clientKwargs))
      .optional()
      .describe("Where the S3 API is: `endpointUrl` (S3-compatible servers) and `regionName`."),
    configKwargs: z
      .preprocess(fromJsonString, z.record(z.string(), z.unknown()))
      .optional()
      .describe(
        "Options of the AWS SDK's S3Client (S3ClientConfig), e.g. { maxAttempts: 5 }. Endpoint, region, credentials and path style come from the other fields.",
      ),
    s3AdditionalKwargs: z
      .preprocess(
        fromJsonString,
        z.record(z.string(), z.unknown()).superRefine((parameters, context) => {
          for (const name of Object.keys(parameters)) {
            if (!/^[A-Z]/.test(name)) {
              context.addIssue({
                code: "custom",
                path: [name],
                message: "use the AWS SDK's parameter names, in PascalCase: ServerSideEncryption, SSEKMSKeyId, ACL",
              });
            } else if (RESERVED_REQUEST_PARAMETERS.includes(name)) {
              context.addIssue({ code: "custom", path: [name], message: "set by the store itself: remove it" });
            }
          }
        }),
      )
      .optional()
      .describe(
        "Parameters added to every PutObject, CreateMultipartUpload and CopyObject request, e.g. { ServerSideEncryption: 'aws:kms', SSEKMSKeyId: '…', ACL: 'bucket-owner-full-control' }.",
      ),
    forcePathStyle: z
      .boolean()
      .default(false)
      .describe("Address buckets as http(s)://host/bucket (path style), as most S3-compatible servers need."),
  })
  .superRefine((config, context) => {
    if ((config.key === undefined) !== (config.secret === undefined)) {
      context.addIssue({
        code: "custom",
        path: [config.key === undefined ? "key" : "secret"],
        message: "key and secret go together: set both, or neither to use the AWS SDK's default credential chain",
      });
    }
    if (config.token !== undefined && config.key === undefined) {
      context.addIssue({ code: "custom", path: ["token"], message: "a session token needs key and secret as well" });
    }
  });

/** The s3 artifact store's config: ZenML's fields (camelCase, snake_case accepted). */
export const s3ArtifactStoreConfigSchema = withConfigAliases(S3_CONFIG_ALIASES, schema);

export type S3ArtifactStoreConfig = z.output<typeof s3ArtifactStoreConfigSchema>;
/** The config as a user writes it (camelCase; the dicts may also be JSON strings, as ZenML's CLI passes them). */
export type S3ArtifactStoreConfigInput = Omit<
  z.input<typeof schema>,
  "clientKwargs" | "configKwargs" | "s3AdditionalKwargs"
> & {
  clientKwargs?: z.input<typeof clientKwargs> | string;
  configKwargs?: Record<string, unknown> | string;
  s3AdditionalKwargs?: Record<string, unknown> | string;
};
