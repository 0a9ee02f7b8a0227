import * as crypto from "crypto";
import * as fs from "fs";
import * as path from "path";

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
      return { id: keyId, outputs: { keyId, arn: `arn:aws:kms:${region}:${MOCK_ACCOUNT}:key/${keyId}` } };
    }
    case "aws:kms/alias:Alias":
      return { id: physicalName, outputs: { name: physicalName, arn: `arn:aws:kms:${region}:${MOCK_ACCOUNT}:${physicalName}` } };
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
        outputs: { name: physicalName, arn: `arn:aws:backup:${region}:${MOCK_ACCOUNT}:backup-vault:${physicalName}` },
      };
    default: {
      const id = `${name}-${stableUuid(type + name).slice(0, 8)}`;
      return { id, outputs: { arn: `arn:aws:${service}:${region}:${MOCK_ACCOUNT}:${module.split("/")[1] ?? module}/${id}` } };
    }
  }
}

/**
 * Data sources run during preview too, so their results are known. The recorder
 * answers the account and region look-ups that programs build ARNs and policies from;
 * any other invoke echoes its arguments.
 */
export function invokeResult(token: string, inputs: Record<string, unknown>, region: string): Record<string, unknown> {
  switch (token) {
    case "aws:index/getCallerIdentity:getCallerIdentity":
      return { accountId: MOCK_ACCOUNT, arn: `arn:aws:iam::${MOCK_ACCOUNT}:user/recorder`, userId: "AIDARECORDER", id: MOCK_ACCOUNT };
    case "aws:index/getRegion:getRegion":
      return { name: region, region, id: region, endpoint: `ec2.${region}.amazonaws.com`, description: region };
    case "aws:index/getPartition:getPartition":
      return { partition: "aws", dnsSuffix: "amazonaws.com", id: "aws" };
    default:
      return inputs;
  }
}
