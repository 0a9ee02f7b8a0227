import type { PolicyConfigJSONSchema } from "@pulumi/policy/schema";
import type { BackupBucketConfig } from "./s3/buckets";
import type { KeyCustodyConfig } from "./kms/keys";

/**
 * A policy's configuration is declared once, as fields. Each field yields its JSON
 * schema (with its default, which the CLI fills in) and a parser that turns what the
 * engine sent into a typed value or says which field is wrong and why.
 */
export interface ConfigField<T> {
  readonly schema: PolicyConfigJSONSchema;
  readonly defaultValue: T;
  /** The parsed value, or a clause saying what is wrong ("must be a list of strings"). */
  parse(raw: unknown): { ok: true; value: T } | { ok: false; problem: string };
}

export type ConfigFields<C> = { readonly [K in keyof C]: ConfigField<C[K]> };

function field<T>(
  schema: PolicyConfigJSONSchema,
  defaultValue: T,
  accept: (raw: unknown) => T | undefined,
  problem: string,
): ConfigField<T> {
  return {
    schema: { ...schema, default: defaultValue as PolicyConfigJSONSchema["default"] },
    defaultValue,
    parse(raw) {
      if (raw === undefined) return { ok: true, value: defaultValue };
      const value = accept(raw);
      return value === undefined ? { ok: false, problem } : { ok: true, value };
    },
  };
}

export function stringListField(description: string, defaultValue: readonly string[] = []): ConfigField<readonly string[]> {
  return field(
    { type: "array", items: { type: "string" }, description },
    defaultValue,
    (raw) => (Array.isArray(raw) && raw.every((item) => typeof item === "string") ? (raw as string[]) : undefined),
    "must be a list of strings",
  );
}

export function booleanField(description: string, defaultValue: boolean): ConfigField<boolean> {
  return field(
    { type: "boolean", description },
    defaultValue,
    (raw) => (typeof raw === "boolean" ? raw : undefined),
    "must be true or false",
  );
}

export function integerField(description: string, defaultValue: number, minimum: number, maximum: number): ConfigField<number> {
  return field(
    { type: "integer", minimum, maximum, description },
    defaultValue,
    (raw) => (typeof raw === "number" && Number.isInteger(raw) && raw >= minimum && raw <= maximum ? raw : undefined),
    `must be a whole number from ${minimum} to ${maximum}`,
  );
}

export function enumField<T extends string>(description: string, defaultValue: T, values: readonly T[]): ConfigField<T> {
  return field(
    { type: "string", enum: [...values], description },
    defaultValue,
    (raw) => (typeof raw === "string" && (values as readonly string[]).includes(raw) ? (raw as T) : undefined),
    `must be one of ${values.join(", ")}`,
  );
}

export function stringMapField(
  description: string,
  defaultValue: Readonly<Record<string, string>>,
): ConfigField<Readonly<Record<string, string>>> {
  return field(
    { type: "object", additionalProperties: { type: "string" }, description },
    defaultValue,
    (raw) =>
      typeof raw === "object" && raw !== null && !Array.isArray(raw) && Object.values(raw).every((v) => typeof v === "string")
        ? (raw as Record<string, string>)
        : undefined,
    "must be an object whose values are strings",
  );
}

/** An exemption from one policy for one resource, which an auditor can read. */
export interface Exemption {
  /** A URN, or a glob on the logical name (`legacy-*`). */
  readonly resource: string;
  readonly reason: string;
  /** ISO date (`2027-01-31`) after which the exemption no longer applies. */
  readonly expires?: string;
}

function isExemption(raw: unknown): raw is Exemption {
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) return false;
  const { resource, reason, expires } = raw as Record<string, unknown>;
  return (
    typeof resource === "string" &&
    resource !== "" &&
    typeof reason === "string" &&
    reason.trim() !== "" &&
    (expires === undefined || (typeof expires === "string" && !Number.isNaN(Date.parse(expires))))
  );
}

export const exemptionsField: ConfigField<readonly Exemption[]> = field(
  {
    type: "array",
    description: "Resources this policy does not apply to, each with the reason (required) and an optional expiry date.",
    items: {
      type: "object",
      properties: {
        resource: { type: "string", minLength: 1, description: "URN, or glob on the logical name." },
        reason: { type: "string", minLength: 1, description: "Why the exemption is acceptable (shown to auditors)." },
        expires: { type: "string", format: "date", description: "ISO date after which the exemption lapses." },
      },
      required: ["resource", "reason"],
      additionalProperties: false,
    },
  },
  [],
  (raw) => (Array.isArray(raw) && raw.every(isExemption) ? (raw as Exemption[]) : undefined),
  'must be a list of {"resource", "reason", "expires"?} objects with a non-empty reason and a valid date',
);

/** The fields every policy that looks at backup buckets takes. */
export const backupBucketFields: ConfigFields<BackupBucketConfig> = {
  backupBucketTags: stringMapField(
    "An S3 bucket carrying any of these tags (keys and values compared case-insensitively, provider defaultTags included) is a backup bucket.",
    { purpose: "backup" },
  ),
  backupBucketNamePatterns: stringListField("An S3 bucket whose logical name matches one of these globs is a backup bucket."),
};

/** The fields of the customer-managed-key policies. */
export const keyCustodyFields: ConfigFields<KeyCustodyConfig> = {
  trustedKeyArns: stringListField(
    "KMS key ARNs, alias ARNs or alias names created outside the stack that are known to be customer-managed.",
  ),
  allowExternalKeyArns: booleanField(
    "Accept a literal KMS key ARN created outside the stack as customer-managed (aliases always need trustedKeyArns).",
    true,
  ),
};

export class ConfigError extends Error {
  constructor(
    readonly policy: string,
    readonly field: string,
    readonly problem: string,
  ) {
    super(`Invalid configuration for policy '${policy}': '${field}' ${problem}.`);
  }
}

/** Parses the engine's config for a policy; throws `ConfigError` naming the first bad field. */
export function parseConfig<C>(policy: string, fields: ConfigFields<C>, raw: Readonly<Record<string, unknown>>): C {
  const out: Partial<C> = {};
  for (const name of Object.keys(fields) as (keyof C & string)[]) {
    const parsed = fields[name].parse(raw[name]);
    if (!parsed.ok) throw new ConfigError(policy, name, parsed.problem);
    out[name] = parsed.value;
  }
  return out as C;
}

export function configSchema<C>(fields: ConfigFields<C>): { properties: Record<string, PolicyConfigJSONSchema> } {
  const properties: Record<string, PolicyConfigJSONSchema> = {};
  for (const name of Object.keys(fields) as (keyof C & string)[]) properties[name] = fields[name].schema;
  return { properties };
}
