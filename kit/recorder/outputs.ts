import * as crypto from "crypto";
import * as fs from "fs";
import * as path from "path";
import { partitionOf } from "aws-backup-guardrails/bin/lib/arn";

const declaredOutputs = new Map<string, readonly string[]>();

/**
 * The output properties a resource class declares (`readonly arn: pulumi.Output<…>` in
 * its `.d.ts`). During a first preview every one the program did not set is unknown:
 * the provider computes it, or fills a default only it knows. Policies read an
 * unknown without a `propertyDependencies` edge as "left to AWS's default", which is
 * what the provider does with it.
 */
export function computedOutputs(type: string, programDir: string): readonly string[] {
  const cached = declaredOutputs.get(type);
  if (cached) return cached;
  const [pkg, module] = type.split(":");
  let outputs: string[] = [];
  try {
    const root = path.dirname(require.resolve(`@pulumi/${pkg}/package.json`, { paths: [programDir] }));
    const declaration = fs.readFileSync(path.join(root, `${module}.d.ts`), "utf8");
    outputs = [...declaration.matchAll(/^\s+readonly (\w+): pulumi\.Output</gm)].map((m) => m[1] ?? "").filter(Boolean);
  } catch {
    // Not a package we can read: only `id` is computed.
  }
  declaredOutputs.set(type, outputs);
  return outputs;
}

/** Data store tokens: ARN service, resource prefix, the input that names it in the ARN, and the id's prefix. */
const DATA_STORE_ARNS: Readonly<Record<string, readonly [string, string, string, string]>> = {
  "aws:rds/instance:Instance": ["rds", "db:", "identifier", ""],
  "aws:rds/cluster:Cluster": ["rds", "cluster:", "clusterIdentifier", ""],
  "aws:docdb/cluster:Cluster": ["rds", "cluster:", "clusterIdentifier", ""],
  "aws:neptune/cluster:Cluster": ["rds", "cluster:", "clusterIdentifier", ""],
  "aws:redshift/cluster:Cluster": ["redshift", "cluster:", "clusterIdentifier", ""],
  "aws:dynamodb/table:Table": ["dynamodb", "table/", "name", ""],
  "aws:efs/fileSystem:FileSystem": ["elasticfilesystem", "file-system/", "id", "fs-"],
  "aws:ebs/volume:Volume": ["ec2", "volume/", "id", "vol-"],
  "aws:ec2/instance:Instance": ["ec2", "instance/", "id", "i-"],
  "aws:fsx/lustreFileSystem:LustreFileSystem": ["fsx", "file-system/", "id", "fs-"],
  "aws:fsx/windowsFileSystem:WindowsFileSystem": ["fsx", "file-system/", "id", "fs-"],
  "aws:fsx/ontapFileSystem:OntapFileSystem": ["fsx", "file-system/", "id", "fs-"],
  "aws:fsx/openZfsFileSystem:OpenZfsFileSystem": ["fsx", "file-system/", "id", "fs-"],
};

/** A stable fake UUID, so known-mode ARNs are the same on every run. */
function stableUuid(seed: string): string {
  const hex = crypto.createHash("sha256").update(seed).digest("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

export const MOCK_ACCOUNT = "123456789012";

/**
 * What AWS would have computed for an existing resource (ids, ARNs, names), for the
 * recorder's known mode, where the stack is being updated and nothing is unknown.
 */
export function syntheticOutputs(
  type: string,
  name: string,
  inputs: Record<string, unknown>,
  defaultRegion: string,
): { id: string; outputs: Record<string, unknown> } {
  const region = typeof inputs.region === "string" ? inputs.region : defaultRegion;
  const [, module = "", className = ""] = type.split(":");
  const service = module.split("/")[0] ?? "";
  const physicalName =
    typeof inputs.name === "string"
      ? inputs.name
      : typeof inputs.bucket === "string"
        ? inputs.bucket
        : `${name}-${stableUuid(name).slice(0, 7)}`;
  switch (type) {
    case "aws:kms/key:Key":
    case "aws:kms/replicaKey:ReplicaKey":
    case "aws:kms/externalKey:ExternalKey":
    case "aws:kms/replicaExternalKey:ReplicaExternalKey": {
      const keyId = (inputs.multiRegion === true ? "mrk-" : "") + stableUuid(name);
      return { id: keyId, outputs: { keyId, arn: `arn:${partitionOf(region)}:kms:${region}:${MOCK_ACCOUNT}:key/${keyId}` } };
    }
    case "aws:kms/alias:Alias":
      return {
        id: physicalName,
        outputs: { name: physicalName, arn: `arn:${partitionOf(region)}:kms:${region}:${MOCK_ACCOUNT}:${physicalName}` },
      };
    case "aws:iam/role:Role":
    case "aws:iam/user:User":
    case "aws:iam/group:Group":
    case "aws:iam/policy:Policy": {
      const kind = className.toLowerCase();
      return { id: physicalName, outputs: { name: physicalName, arn: `arn:aws:iam::${MOCK_ACCOUNT}:${kind}/${physicalName}` } };
    }
    case "aws:s3/bucket:Bucket":
    case "aws:s3/bucketV2:BucketV2":
      return { id: physicalName, outputs: { bucket: physicalName, arn: `arn:aws:s3:::${physicalName}` } };
    case "aws:backup/vault:Vault":
    case "aws:backup/logicallyAirGappedVault:LogicallyAirGappedVault":
      return {
        id: physicalName,
        outputs: { name: physicalName, arn: `arn:${partitionOf(region)}:backup:${region}:${MOCK_ACCOUNT}:backup-vault:${physicalName}` },
      };
    case "aws:fsx/ontapVolume:OntapVolume": {
      // AWS Backup protects ONTAP volumes, by `volume/<file system id>/<volume id>`.
      const hex = stableUuid(type + name).replace(/-/g, "");
      const id = `fsvol-${hex.slice(0, 17)}`;
      const fileSystemId = `fs-${hex.slice(17, 34)}`;
      return {
        id,
        outputs: { fileSystemId, arn: `arn:${partitionOf(region)}:fsx:${region}:${MOCK_ACCOUNT}:volume/${fileSystemId}/${id}` },
      };
    }
    default: {
      const dataStore = DATA_STORE_ARNS[type];
      if (dataStore) {
        // Data stores AWS Backup protects, with the ARNs AWS gives them (selections match on these).
        const [service, prefix, nameProperty, idPrefix] = dataStore;
        const id = `${idPrefix}${stableUuid(type + name)
          .replace(/-/g, "")
          .slice(0, 17)}`;
        const named =
          nameProperty === "id" ? id : typeof inputs[nameProperty] === "string" ? (inputs[nameProperty] as string) : physicalName;
        const outputs: Record<string, unknown> = {
          arn: `arn:${partitionOf(region)}:${service}:${region}:${MOCK_ACCOUNT}:${prefix}${named}`,
        };
        if (nameProperty !== "id") outputs[nameProperty] = named;
        return { id: nameProperty === "id" ? id : named, outputs };
      }
      const id = `${name}-${stableUuid(type + name).slice(0, 8)}`;
      return {
        id,
        outputs: { arn: `arn:${partitionOf(region)}:${service}:${region}:${MOCK_ACCOUNT}:${module.split("/")[1] ?? module}/${id}` },
      };
    }
  }
}

/**
 * Stands for a value a real look-up or read would know and the recorder cannot: the
 * recorder turns every string that holds it into an unknown in the engine's view, so
 * the pack reads it as a value from outside the stack (unverifiable), never as unset.
 * A string rather than an SDK unknown, so that `apply` callbacks still run, as they do
 * in a real preview where look-ups are known.
 */
export const UNANSWERED = "backup-guardrails-unanswered-7f3c1d2e";

const resultFields = new Map<string, readonly { name: string; type: string }[]>();

/** The fields of a data source's result type (`GetAliasResult` in `kms/getAlias.d.ts`). */
function lookUpResultFields(token: string, programDir: string): readonly { name: string; type: string }[] {
  const cached = resultFields.get(token);
  if (cached) return cached;
  const [pkg, module] = token.split(":");
  let fields: { name: string; type: string }[] = [];
  try {
    const root = path.dirname(require.resolve(`@pulumi/${pkg}/package.json`, { paths: [programDir] }));
    const declaration = fs.readFileSync(path.join(root, `${module}.d.ts`), "utf8");
    const body = /export interface \w+Result \{([\s\S]*?)\n\}/.exec(declaration)?.[1] ?? "";
    fields = [...body.matchAll(/^\s+readonly (\w+)\??: ([^;]+);/gm)].map((m) => ({ name: m[1] ?? "", type: m[2] ?? "" }));
  } catch {
    // Not a package we can read: no fields.
  }
  resultFields.set(token, fields);
  return fields;
}

/** Every field of a look-up's result, as "known to AWS, not to the recorder". */
function unanswered(token: string, programDir: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const { name, type } of lookUpResultFields(token, programDir)) {
    if (type === "string") out[name] = UNANSWERED;
    else if (type === "string[]") out[name] = [UNANSWERED];
    else out[name] = UNKNOWN_VALUE;
  }
  return out;
}

const UNKNOWN_VALUE = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

const text = (value: unknown): string | undefined => (typeof value === "string" && value !== "" ? value : undefined);
const list = (value: unknown): string[] => (Array.isArray(value) ? value.filter((v): v is string => typeof v === "string") : []);

/** One value or a list, as the provider renders policy document fields. */
function oneOrMany(values: string[]): string | string[] {
  return values.length === 1 ? values[0]! : values;
}

function principalsBlock(value: unknown): Record<string, string | string[]> | string | undefined {
  if (!Array.isArray(value) || value.length === 0) return undefined;
  const out: Record<string, string[]> = {};
  for (const principal of value as { type?: unknown; identifiers?: unknown }[]) {
    const type = text(principal?.type);
    if (!type) continue;
    out[type] = [...(out[type] ?? []), ...list(principal.identifiers)];
  }
  if (Object.keys(out).length === 1 && out["*"]?.every((id) => id === "*")) return "*";
  return Object.fromEntries(Object.entries(out).map(([type, ids]) => [type, oneOrMany(ids)]));
}

/** `aws.iam.getPolicyDocument`, rendered as the provider renders it (it runs locally, also in preview). */
function policyDocument(inputs: Record<string, unknown>): Record<string, unknown> {
  const statements = (Array.isArray(inputs.statements) ? inputs.statements : []) as Record<string, unknown>[];
  const rendered = statements.map((statement) => {
    const out: Record<string, unknown> = {};
    if (text(statement.sid)) out.Sid = statement.sid;
    out.Effect = text(statement.effect) ?? "Allow";
    if (list(statement.actions).length > 0) out.Action = oneOrMany(list(statement.actions));
    if (list(statement.notActions).length > 0) out.NotAction = oneOrMany(list(statement.notActions));
    if (list(statement.resources).length > 0) out.Resource = oneOrMany(list(statement.resources));
    if (list(statement.notResources).length > 0) out.NotResource = oneOrMany(list(statement.notResources));
    const principal = principalsBlock(statement.principals);
    if (principal) out.Principal = principal;
    const notPrincipal = principalsBlock(statement.notPrincipals);
    if (notPrincipal) out.NotPrincipal = notPrincipal;
    const conditions = (Array.isArray(statement.conditions) ? statement.conditions : []) as Record<string, unknown>[];
    if (conditions.length > 0) {
      const block: Record<string, Record<string, string | string[]>> = {};
      for (const condition of conditions) {
        const test = text(condition.test);
        const variable = text(condition.variable);
        if (!test || !variable) continue;
        block[test] = { ...block[test], [variable]: oneOrMany(list(condition.values)) };
      }
      out.Condition = block;
    }
    return out;
  });
  const document = {
    Version: text(inputs.version) ?? "2012-10-17",
    ...(text(inputs.policyId) && { Id: inputs.policyId }),
    Statement: rendered,
  };
  return { id: "policy-document", json: JSON.stringify(document, null, 2), minifiedJson: JSON.stringify(document) };
}

/** The key ARN a `getKey`/`getAlias` look-up resolves to: a stable ARN of this account, or the ARN given. */
function keyArnFor(reference: string, region: string): string {
  if (reference.startsWith("arn:") && reference.includes(":key/")) return reference;
  const id = /^(mrk-)?[0-9a-f-]{32,36}$/.test(reference) ? reference : stableUuid(`key-behind:${reference}`);
  return `arn:${partitionOf(region)}:kms:${region}:${MOCK_ACCOUNT}:key/${id}`;
}

/**
 * Data sources run during preview too, so their results are known. The recorder
 * answers the common look-ups from their arguments (account, region, partition, zones,
 * KMS keys and aliases, IAM roles, policies and policy documents, S3 buckets, Backup
 * vaults, SSM parameters), and every field it cannot know, and any other look-up, as
 * `UNANSWERED`: known to AWS, unknown to the pack. Never an echo of the arguments.
 */
export function invokeResult(
  token: string,
  inputs: Record<string, unknown>,
  region: string,
  programDir = process.cwd(),
): Record<string, unknown> {
  const fields = unanswered(token, programDir);
  const name = text(inputs.name);
  switch (token) {
    case "aws:index/getCallerIdentity:getCallerIdentity":
      return { accountId: MOCK_ACCOUNT, arn: `arn:aws:iam::${MOCK_ACCOUNT}:user/recorder`, userId: "AIDARECORDER", id: MOCK_ACCOUNT };
    case "aws:index/getRegion:getRegion": {
      const name = text(inputs.name) ?? text(inputs.region) ?? region;
      return { name, region: name, id: name, endpoint: `ec2.${name}.amazonaws.com`, description: name };
    }
    case "aws:index/getPartition:getPartition":
      return {
        partition: partitionOf(region),
        dnsSuffix: region.startsWith("cn-") ? "amazonaws.com.cn" : "amazonaws.com",
        reverseDnsPrefix: region.startsWith("cn-") ? "cn.com.amazonaws" : "com.amazonaws",
        id: partitionOf(region),
      };
    case "aws:index/getAvailabilityZones:getAvailabilityZones": {
      const names = ["a", "b", "c"].map((suffix) => `${region}${suffix}`);
      return {
        ...fields,
        id: region,
        names,
        zoneIds: names.map((_, i) => `use1-az${i + 1}`),
        state: text(inputs.state) ?? "available",
        region,
      };
    }
    case "aws:iam/getPolicyDocument:getPolicyDocument":
      return { ...fields, ...policyDocument(inputs) };
    case "aws:kms/getAlias:getAlias": {
      if (!name) return fields;
      const targetKeyArn = keyArnFor(name, region);
      return {
        ...fields,
        id: `arn:${partitionOf(region)}:kms:${region}:${MOCK_ACCOUNT}:${name}`,
        arn: `arn:${partitionOf(region)}:kms:${region}:${MOCK_ACCOUNT}:${name}`,
        name,
        region,
        targetKeyArn,
        targetKeyId: targetKeyArn.slice(targetKeyArn.indexOf(":key/") + 5),
      };
    }
    case "aws:kms/getKey:getKey": {
      const keyId = text(inputs.keyId);
      if (!keyId) return fields;
      const arn = keyArnFor(keyId, region);
      return { ...fields, arn, id: arn.slice(arn.indexOf(":key/") + 5), keyId, region };
    }
    case "aws:iam/getRole:getRole":
      return name ? { ...fields, arn: `arn:aws:iam::${MOCK_ACCOUNT}:role/${name}`, id: name, name } : fields;
    case "aws:iam/getPolicy:getPolicy": {
      const arn = text(inputs.arn) ?? (name ? `arn:aws:iam::${MOCK_ACCOUNT}:policy/${name}` : undefined);
      return arn ? { ...fields, arn, id: arn, name: name ?? arn.split("/").pop() } : fields;
    }
    case "aws:s3/getBucket:getBucket": {
      const bucket = text(inputs.bucket);
      return bucket ? { ...fields, arn: `arn:aws:s3:::${bucket}`, bucket, id: bucket, region } : fields;
    }
    case "aws:backup/getVault:getVault":
      return name
        ? { ...fields, arn: `arn:${partitionOf(region)}:backup:${region}:${MOCK_ACCOUNT}:backup-vault:${name}`, id: name, name, region }
        : fields;
    case "aws:ssm/getParameter:getParameter":
      return name
        ? {
            ...fields,
            arn: `arn:${partitionOf(region)}:ssm:${region}:${MOCK_ACCOUNT}:parameter/${name.replace(/^\//, "")}`,
            id: name,
            name,
          }
        : fields;
    default:
      return fields;
  }
}
