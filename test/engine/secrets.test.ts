/**
 * Secrets are never echoed. The engine sends secrets to an analyzer wrapped, and
 * @pulumi/policy hands policies their plain values; the pack keeps the fact that a
 * value was secret through its parsing edge and says "a secret value" instead.
 *
 * The corpus is every example program (as a first preview and as an update) and a
 * stack whose key-custody values are distinctive; every value of every resource is
 * made secret, once property by property and once leaf by leaf, and every policy of
 * the pack's own list runs over it, so policies added later are covered when their
 * examples land.
 */
import * as aws from "@pulumi/aws";
import type { Policy } from "@pulumi/policy";
import * as path from "path";
import { FixtureStack, ref, secret } from "../../kit/fixtures";
import { analyzeView } from "../../kit/engine/run";
import { runPolicies } from "../../kit/inProcess";
import { recordProgram } from "../../kit/recorder";
import { isSecretJson, revealJson, secretJson, UNKNOWN_SENTINEL, type EngineView, type Json, type JsonObject } from "../../kit/view";
import { policies } from "../../policy-pack/policies";
import { exampleDirs } from "../../scripts/preview-examples";
import { packsForThisFile, violationsOf } from "../helpers";

const packs = packsForThisFile();
const PACK = policies as readonly Policy[];

/** Wraps values as secrets: each top-level property (`"property"`) or each leaf (`"leaf"`). */
function secretize(value: Json, depth: "property" | "leaf", level = 0): Json {
  if (value === null || value === UNKNOWN_SENTINEL || isSecretJson(value)) return value;
  if (depth === "leaf" && typeof value === "object") {
    if (Array.isArray(value)) return value.map((item) => secretize(item, depth, level + 1));
    const out: JsonObject = {};
    for (const [key, item] of Object.entries(value as JsonObject)) out[key] = secretize(item, depth, level + 1);
    return out;
  }
  if (depth === "property" && level === 0 && typeof value === "object" && !Array.isArray(value)) {
    const out: JsonObject = {};
    for (const [key, item] of Object.entries(value as JsonObject))
      out[key] = item === null || item === UNKNOWN_SENTINEL ? item : secretJson(item);
    return out;
  }
  return secretJson(value);
}

function secretView(view: EngineView, depth: "property" | "leaf"): EngineView {
  return {
    ...view,
    resources: view.resources.map((r) =>
      r.type === "pulumi:pulumi:Stack" || r.type.startsWith("pulumi:providers:")
        ? r
        : { ...r, inputs: secretize(r.inputs, depth) as JsonObject, outputs: secretize(r.outputs, depth) as JsonObject },
    ),
  };
}

function leaves(value: Json, out: Set<string>): void {
  if (Array.isArray(value)) value.forEach((item) => leaves(item, out));
  else if (typeof value === "object" && value !== null) Object.values(value).forEach((item) => leaves(item, out));
  else if (typeof value === "string" || typeof value === "number") out.add(String(value));
}

/**
 * Values distinctive enough that finding one in a message means it was echoed: numbers
 * of two digits or more and strings of eight characters or more, that are not a
 * resource's name or URN and do not occur in any policy's own texts (config defaults,
 * descriptions), which messages may quote.
 */
function distinctiveValues(view: EngineView): string[] {
  const values = new Set<string>();
  for (const r of view.resources) {
    if (r.type === "pulumi:pulumi:Stack" || r.type.startsWith("pulumi:providers:")) continue;
    leaves(revealJson(r.inputs), values);
    leaves(revealJson(r.outputs), values);
  }
  const names = view.resources.flatMap((r) => [r.name, r.urn, r.type]).join("\n");
  const texts = JSON.stringify(PACK.map((p) => [p.description, p.configSchema, p.remediationSteps]));
  return [...values].filter((value) => {
    if (value === UNKNOWN_SENTINEL || names.includes(value) || texts.includes(value)) return false;
    return /^-?\d+(\.\d+)?$/.test(value) ? Math.abs(Number(value)) >= 10 : value.length >= 8;
  });
}

function echoes(message: string, value: string): boolean {
  const escaped = value.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  return new RegExp(`(^|[^\\w-])${escaped}($|[^\\w-])`).test(message);
}

/** Key-custody values that messages used to echo, with distinctive numbers. */
function custodyStack(mode: "preview" | "known"): FixtureStack {
  const stack = new FixtureStack({ mode });
  const key = stack.add(aws.kms.Key, "fail-secret-key", {
    enableKeyRotation: true,
    rotationPeriodInDays: secret(731),
    deletionWindowInDays: secret(17),
  });
  stack.add(aws.backup.Vault, "secret-key-vault", { kmsKeyArn: ref(key, "arn") });
  stack.add(aws.backup.Vault, "fail-secret-alias-vault", { kmsKeyArn: secret("alias/aws/backup") });
  stack.add(aws.backup.Vault, "fail-secret-malformed-vault", { kmsKeyArn: secret("arn:aws:kms:us-east-1:1234:key/not-a-key-id") });
  const bucket = stack.add(aws.s3.Bucket, "fail-secret-bucket", { tags: { purpose: "backup" } });
  stack.add(aws.s3.BucketServerSideEncryptionConfiguration, "fail-secret-bucket-sse", {
    bucket: ref(bucket, "id"),
    rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: secret("alias/aws/s3") } }],
  });
  return stack;
}

const CUSTODY_MESSAGES = [
  {
    policy: "backup-bucket-customer-managed-key",
    urn: "urn:pulumi:test::fixture::aws:s3/bucket:Bucket::fail-secret-bucket",
    message:
      "Bucket 'fail-secret-bucket' sets rules[0].applyServerSideEncryptionByDefault.kmsMasterKeyId of BucketServerSideEncryptionConfiguration 'fail-secret-bucket-sse' to a secret value that names an AWS-managed key (alias/aws/…); set kmsMasterKeyId to the ARN of a customer-managed aws.kms.Key.",
  },
  {
    policy: "backup-key-deletion-protected",
    urn: "urn:pulumi:test::fixture::aws:kms/key:Key::fail-secret-key",
    message:
      "Key 'fail-secret-key' (encrypts Vault 'secret-key-vault') sets deletionWindowInDays to a secret value shorter than 30 days, so a scheduled deletion destroys the backups it encrypts in less than 30 days; set it to at least 30.",
  },
  {
    policy: "backup-key-rotation-enabled",
    urn: "urn:pulumi:test::fixture::aws:kms/key:Key::fail-secret-key",
    message:
      "Key 'fail-secret-key' (encrypts Vault 'secret-key-vault') sets rotationPeriodInDays to a secret value, longer than the maximum of 365; set rotationPeriodInDays to 365 or less.",
  },
  {
    policy: "backup-vault-customer-managed-key",
    urn: "urn:pulumi:test::fixture::aws:backup/vault:Vault::fail-secret-alias-vault",
    message:
      "Vault 'fail-secret-alias-vault' sets kmsKeyArn to a secret value that names an AWS-managed key (alias/aws/…); set kmsKeyArn to the ARN of a customer-managed aws.kms.Key.",
  },
  {
    policy: "backup-vault-customer-managed-key",
    urn: "urn:pulumi:test::fixture::aws:backup/vault:Vault::fail-secret-malformed-vault",
    message:
      "Vault 'fail-secret-malformed-vault' sets kmsKeyArn to a malformed KMS key ARN (it needs a region, a 12-digit account and a key id or mrk- id: arn:aws:kms:<region>:<account>:key/<id>); set kmsKeyArn to the ARN of a customer-managed aws.kms.Key.",
  },
];

describe("secret values in messages", () => {
  it("says 'a secret value' for secret key-custody values, through the pack process as the CLI runs it", async () => {
    for (const mode of ["preview", "known"] as const) {
      const result = await analyzeView(mode === "preview" ? packs.preview : packs.update, custodyStack(mode).view());
      const custody = new Set(CUSTODY_MESSAGES.map((m) => m.policy));
      expect(violationsOf(result).filter((v) => custody.has(v.policy))).toEqual(CUSTODY_MESSAGES);
    }
  });

  const once = (load: () => Promise<EngineView>) => {
    let view: Promise<EngineView> | undefined;
    return () => (view ??= load());
  };
  const corpus: [string, () => Promise<EngineView>][] = [
    ["the key-custody stack (preview)", async () => custodyStack("preview").view()],
    ["the key-custody stack (update)", async () => custodyStack("known").view()],
    ...exampleDirs().flatMap((dir): [string, () => Promise<EngineView>][] => [
      [`examples/${path.basename(dir)} (preview)`, once(() => recordProgram(dir))],
      [`examples/${path.basename(dir)} (update)`, once(() => recordProgram(dir, { mode: "known" }))],
    ]),
  ];

  it.each(corpus)("%s: every policy of the pack gives the same verdicts with every value secret, and echoes none", async (_name, load) => {
    const view = await load();
    const plain = violationsOf(await runPolicies(PACK, view));
    const values = distinctiveValues(view);
    for (const depth of ["property", "leaf"] as const) {
      const secretRun = violationsOf(await runPolicies(PACK, secretView(view, depth)));
      expect(secretRun.map(({ policy, urn }) => ({ policy, urn }))).toEqual(plain.map(({ policy, urn }) => ({ policy, urn })));
      const echoed = secretRun.flatMap((v) => values.filter((value) => echoes(v.message, value)).map((value) => ({ ...v, value })));
      expect(echoed).toEqual([]);
    }
  });

  it("the corpus reaches every key-custody policy, so the check above cannot pass by finding nothing", async () => {
    const seen = new Set<string>();
    for (const [, load] of corpus)
      for (const v of violationsOf(await runPolicies(PACK, secretView(await load(), "leaf")))) seen.add(v.policy);
    expect([...seen].sort()).toEqual(
      expect.arrayContaining([
        "backup-bucket-customer-managed-key",
        "backup-key-deletion-protected",
        "backup-key-policy-restricted",
        "backup-key-rotation-enabled",
        "backup-vault-customer-managed-key",
        "preview-verification-gaps",
      ]),
    );
  });
});
