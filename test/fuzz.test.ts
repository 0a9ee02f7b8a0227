/**
 * Bad input never crashes the pack: a few hundred generated property bags (unknowns,
 * secrets, wrong types, malformed JSON, dangling references) thrown at every policy.
 * Every run must finish, every diagnostic must be a clear violation or gap, no rule may
 * fail internally, and no secret value may appear in any message.
 */
import type { Policy } from "@pulumi/policy";
import { analyzeView, type AnalysisResult } from "../kit/engine/run";
import { FixtureStack, ref, secret, unknown, type Fixture } from "../kit/fixtures";
import { runPolicies } from "../kit/inProcess";
import { policies } from "../policy-pack/policies";
import { packsForThisFile } from "./helpers";

const TYPES = [
  "aws:backup/vault:Vault",
  "aws:backup/logicallyAirGappedVault:LogicallyAirGappedVault",
  "aws:backup/selection:Selection",
  "aws:kms/key:Key",
  "aws:kms/replicaKey:ReplicaKey",
  "aws:kms/externalKey:ExternalKey",
  "aws:kms/replicaExternalKey:ReplicaExternalKey",
  "aws:kms/alias:Alias",
  "aws:kms/keyPolicy:KeyPolicy",
  "aws:s3/bucket:Bucket",
  "aws:s3/bucketV2:BucketV2",
  "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
  "aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2",
  "aws:s3/bucketReplicationConfig:BucketReplicationConfig",
  "aws:iam/role:Role",
  "aws:backup/plan:Plan",
  "aws:backup/vaultPolicy:VaultPolicy",
  "aws:s3/bucketPolicy:BucketPolicy",
  "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
  "aws:backup/vaultNotifications:VaultNotifications",
  "aws:rds/instance:Instance",
  "aws:rds/cluster:Cluster",
  "aws:dynamodb/table:Table",
  "aws:s3/bucketVersioning:BucketVersioning",
  "aws:s3/bucketVersioningV2:BucketVersioningV2",
  "aws:s3/bucketObjectLockConfiguration:BucketObjectLockConfiguration",
  "aws:s3/bucketObjectLockConfigurationV2:BucketObjectLockConfigurationV2",
  "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration",
  "aws:s3/bucketLifecycleConfigurationV2:BucketLifecycleConfigurationV2",
  "aws:iam/rolePolicy:RolePolicy",
  "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
  "aws:iam/policy:Policy",
];

const PROPERTIES = [
  "kmsKeyArn",
  "encryptionKeyArn",
  "tags",
  "policy",
  "enableKeyRotation",
  "rotationPeriodInDays",
  "deletionWindowInDays",
  "isEnabled",
  "enabled",
  "bypassPolicyLockoutSafetyCheck",
  "customerMasterKeySpec",
  "keyUsage",
  "targetKeyId",
  "keyId",
  "primaryKeyArn",
  "bucket",
  "rules",
  "role",
  "iamRoleArn",
  "serverSideEncryptionConfiguration",
  "replicationConfiguration",
  "name",
  "arn",
  "backupVaultName",
  "blockPublicAcls",
  "restrictPublicBuckets",
  "backupVaultEvents",
  "snsTopicArn",
  "backupRetentionPeriod",
  "deleteAutomatedBackups",
  "skipFinalSnapshot",
  "replicateSourceDb",
  "pointInTimeRecovery",
  "policyArn",
  "managedPolicyArns",
  "inlinePolicies",
  "permissionsBoundary",
  "resources",
  "notResources",
  "selectionTags",
  "conditions",
  "planId",
];

/** A small deterministic PRNG (mulberry32), so a failure reproduces. */
function prng(seed: number) {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function generate(seed: number): { stack: FixtureStack; secrets: string[] } {
  const random = prng(seed);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!;
  const stack = new FixtureStack({ mode: random() < 0.7 ? "preview" : "known" });
  const fixtures: Fixture[] = [];
  const secrets: string[] = [];
  const scalar = (depth: number): unknown => {
    switch (Math.floor(random() * 16)) {
      case 0:
        return unknown();
      case 1:
        return null;
      case 2:
        return Math.floor(random() * 4000) - 100;
      case 3:
        return random() < 0.5;
      case 4:
        return pick([
          "AES256",
          "aws:kms",
          "aws:kms:dsse",
          "SYMMETRIC_DEFAULT",
          "RSA_2048",
          "HMAC_256",
          "GENERATE_VERIFY_MAC",
          "true",
          "30",
          "BACKUP_JOB_COMPLETED",
          "BACKUP_JOB_FAILED",
        ]);
      case 5:
        return pick([
          "alias/aws/backup",
          "alias/mine",
          "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab",
          "arn:aws:kms:::",
          "arn:aws:iam::aws:policy/AdministratorAccess",
          "arn:aws:iam::aws:policy/AmazonS3FullAccess",
          "arn:aws:iam::aws:policy/NotAManagedPolicy",
        ]);
      case 6:
        return pick(["{", "[]", "{}", '{"Statement":7}', '{"Statement":[{"Effect":"Allow","Principal":"*","Action":"kms:*"}]}']);
      case 7:
        return JSON.stringify({
          Statement: [
            {
              Effect: pick(["Allow", "Deny", 3]),
              Principal: pick(["*", { AWS: ["*", 4] }, { AWS: "arn:aws:iam::1:role/r" }, null]),
              Action: pick(["kms:*", ["kms:Dis*"], 5, "backup:*", ["s3:Delete*"]]),
              Resource: pick([undefined, "*", ["arn:aws:s3:::*"], 6]),
              NotAction: pick([undefined, "kms:Decrypt", {}]),
              Condition: pick([undefined, {}, { a: 1 }]),
            },
          ],
        });
      case 8: {
        const value = `s3cr3t-${seed}-${Math.floor(random() * 1e9)}`;
        secrets.push(value);
        return secret(value);
      }
      case 9:
        return fixtures.length > 0 ? ref(pick(fixtures), pick(["arn", "id", "keyId", "name"])) : "x";
      case 10:
        return depth < 3 ? Array.from({ length: Math.floor(random() * 3) }, () => scalar(depth + 1)) : [];
      case 11:
      case 12:
        return depth < 3
          ? Object.fromEntries(
              Array.from({ length: Math.floor(random() * 4) }, () => [
                pick([
                  ...PROPERTIES,
                  "applyServerSideEncryptionByDefault",
                  "rule",
                  "destination",
                  "sseAlgorithm",
                  "kmsMasterKeyId",
                  "replicaKmsKeyId",
                  "purpose",
                ]),
                scalar(depth + 1),
              ]),
            )
          : {};
      case 13:
        return { purpose: pick(["backup", "Backup", unknown(), 3]) };
      case 14:
        return [
          {
            applyServerSideEncryptionByDefault: {
              sseAlgorithm: pick(["aws:kms", "AES256", unknown(), 9]),
              kmsMasterKeyId: scalar(depth + 1),
            },
          },
        ];
      default:
        return `random-${Math.floor(random() * 1000)}`;
    }
  };
  const count = 3 + Math.floor(random() * 10);
  for (let i = 0; i < count; i++) {
    const args: Record<string, unknown> = {};
    for (let j = Math.floor(random() * 6); j > 0; j--) args[pick(PROPERTIES)] = scalar(0);
    fixtures.push(stack.addType(pick(TYPES), `r${i}`, args, random() < 0.2 ? { additionalSecretOutputs: ["policy"] } : {}));
  }
  // Half the bags also hold a randomly configured key that encrypts a vault, so the key
  // controls (which look only at backup keys) meet bad input too.
  if (random() < 0.5) {
    const keyArgs: Record<string, unknown> = {};
    for (let j = 1 + Math.floor(random() * 5); j > 0; j--) keyArgs[pick(PROPERTIES)] = scalar(0);
    const key = stack.addType(
      pick(["aws:kms/key:Key", "aws:kms/replicaKey:ReplicaKey", "aws:kms/externalKey:ExternalKey"]),
      "backup-key",
      keyArgs,
    );
    stack.addType("aws:backup/vault:Vault", "backup-key-vault", { kmsKeyArn: ref(key, "arn") });
  }
  // Half the bags also hold a plan with randomly shaped rules (drawn last, so the draws
  // above stay as they were), so the plan controls meet bad input too.
  if (random() < 0.5) {
    const rules = Array.from({ length: 1 + Math.floor(random() * 3) }, () =>
      random() < 0.1
        ? scalar(1)
        : {
            ruleName: "r",
            targetVaultName: pick(["v", unknown(), 3, scalar(1)]),
            schedule: pick(["cron(0 5 ? * * *)", "cron(0 5 ? * MON-FRI *)", "rate(12 hours)", "cron(x)", unknown(), 4, scalar(1)]),
            lifecycle: pick([
              { deleteAfter: pick([7, 35, "35", unknown(), null]) },
              { coldStorageAfter: 30, deleteAfter: 100 },
              unknown(),
              scalar(1),
            ]),
            copyActions: pick([
              undefined,
              unknown(),
              [{ destinationVaultArn: scalar(2), lifecycle: { deleteAfter: pick([10, 400, scalar(2)]) } }],
            ]),
          },
    );
    const vault = stack.addType("aws:backup/vault:Vault", "plan-vault", { name: pick(["v", unknown(), undefined]) });
    stack.addType("aws:backup/vaultLockConfiguration:VaultLockConfiguration", "plan-vault-lock", {
      backupVaultName: pick([ref(vault, "name"), "v", unknown(), scalar(1)]),
      changeableForDays: pick([undefined, 3, unknown(), scalar(1)]),
      minRetentionDays: pick([undefined, 7, 35, unknown(), scalar(1)]),
      maxRetentionDays: pick([undefined, 5, 365, unknown(), scalar(1)]),
    });
    stack.addType("aws:backup/plan:Plan", "backup-plan", { rules });
  }
  // Half the bags also hold a backup bucket with randomly shaped versioning, Object Lock,
  // lifecycle and public access blocks, inline or split (drawn last as well).
  if (random() < 0.5) {
    const days = () => pick([1, 7, 35, 400, "35", unknown(), null, scalar(2)]);
    const bucket = stack.addType(pick(["aws:s3/bucket:Bucket", "aws:s3/bucketV2:BucketV2"]), "backup-bucket", {
      tags: { purpose: "backup" },
      objectLockEnabled: pick([true, false, undefined, unknown(), scalar(1)]),
      versioning: pick([undefined, { enabled: pick([true, false, "true", unknown(), scalar(2)]) }, scalar(1)]),
      versionings: pick([undefined, [{ enabled: pick([true, false, scalar(2)]) }], scalar(1)]),
      lifecycleRules: pick([
        undefined,
        [{ enabled: pick([true, false, unknown()]), expiration: { days: days() }, noncurrentVersionExpiration: { days: days() } }],
        [
          {
            enabled: true,
            expirations: [{ days: days(), date: pick([undefined, "2027-01-01", 3]) }],
            noncurrentVersionExpirations: [{ days: days() }],
          },
        ],
        scalar(1),
      ]),
      objectLockConfiguration: pick([
        undefined,
        {
          objectLockEnabled: "Enabled",
          rule: { defaultRetention: { mode: pick(["COMPLIANCE", "GOVERNANCE", 4, unknown()]), days: days() } },
        },
        { objectLockEnabled: pick(["Enabled", unknown()]), rules: [{ defaultRetentions: [{ mode: "COMPLIANCE", years: days() }] }] },
        scalar(1),
      ]),
    });
    for (let j = Math.floor(random() * 3); j > 0; j--) {
      const type = pick(TYPES.filter((t) => /bucket(Versioning|ObjectLock|Lifecycle)/.test(t)));
      stack.addType(type, `backup-bucket-split-${j}`, {
        bucket: pick([ref(bucket, "id"), "unknown-bucket", scalar(1)]),
        versioningConfiguration: pick([
          { status: pick(["Enabled", "Suspended", "Disabled", unknown(), 3]), mfaDelete: pick(["Enabled", true, undefined]) },
          scalar(1),
        ]),
        objectLockEnabled: pick([undefined, "Enabled", unknown(), 5]),
        rule: pick([
          { defaultRetention: { mode: pick(["COMPLIANCE", "GOVERNANCE"]), days: days(), years: pick([undefined, 1, unknown()]) } },
          scalar(1),
        ]),
        rules: pick([
          [
            {
              id: "r",
              status: pick(["Enabled", "Disabled", unknown(), 2]),
              expiration: { days: days() },
              noncurrentVersionExpiration: { noncurrentDays: days() },
            },
          ],
          scalar(1),
        ]),
      });
    }
    // S3 turns Block Public Access on by default: only a block of the bucket's own turns it off.
    if (random() < 0.5) {
      stack.addType("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", "backup-bucket-public-access", {
        bucket: pick([ref(bucket, "id"), scalar(1)]),
        blockPublicAcls: pick([true, false, unknown(), scalar(1)]),
        blockPublicPolicy: pick([true, false, undefined]),
        ignorePublicAcls: pick([true, false, undefined]),
        restrictPublicBuckets: pick([true, false, unknown(), scalar(1)]),
      });
    }
  }
  // Half the bags hold a role with randomly shaped permissions beside a vault, so the
  // identity controls meet bad IAM input too.
  if (random() < 0.5) {
    stack.addType("aws:backup/vault:Vault", "identity-vault", { name: scalar(0) });
    const role = stack.addType("aws:iam/role:Role", "workload-role", {
      name: scalar(0),
      managedPolicyArns: [pick(["arn:aws:iam::aws:policy/AdministratorAccess", "arn:aws:iam::aws:policy/ReadOnlyAccess", scalar(1)])],
      inlinePolicies: [{ name: "p", policy: scalar(1) }],
      permissionsBoundary: pick([undefined, scalar(1)]),
      assumeRolePolicy: pick([
        scalar(1),
        '{"Statement":{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}}',
      ]),
    });
    // Sometimes AWS Backup assumes it too: a backup identity with workload permissions.
    if (random() < 0.5) stack.addType("aws:backup/selection:Selection", "identity-selection", { iamRoleArn: ref(role, "arn") });
  }
  // A third also back up a randomly configured data store, so the custody of data stores
  // in a plan meets bad input too.
  if (random() < 0.35) {
    const storeArgs: Record<string, unknown> = {};
    for (let j = 1 + Math.floor(random() * 4); j > 0; j--) {
      storeArgs[pick(["storageEncrypted", "encrypted", "kmsKeyId", "kmsKeyArn", "tags"])] = scalar(0);
    }
    const store = stack.addType(
      pick(["aws:rds/instance:Instance", "aws:ebs/volume:Volume", "aws:neptune/cluster:Cluster"]),
      "backed-up-store",
      storeArgs,
    );
    const plan = stack.addType("aws:backup/plan:Plan", "backed-up-plan", { rules: [{ ruleName: "daily", targetVaultName: "vault" }] });
    stack.addType("aws:backup/selection:Selection", "backed-up-selection", {
      planId: ref(plan, "id"),
      iamRoleArn: "arn:aws:iam::111122223333:role/backup",
      resources: [ref(store, "arn")],
    });
  }
  return { stack, secrets };
}

const names = new Set(policies.map((policy) => policy.name));
const packs = packsForThisFile();
const BAGS = 300;

describe("bad input never crashes the pack", () => {
  it(`${BAGS} generated stacks through every policy: only clear violations and gaps, no secrets echoed`, async () => {
    let violations = 0;
    const reporting = new Set<string>();
    for (let seed = 1; seed <= BAGS; seed++) {
      const { stack, secrets } = generate(seed);
      const view = stack.view();
      const urns = new Set(view.resources.map((r) => r.urn));
      const result = await runPolicies(policies as readonly Policy[], view);
      for (const d of result.diagnostics) {
        violations++;
        reporting.add(d.policy);
        expect(names.has(d.policy)).toBe(true);
        expect(urns.has(d.urn)).toBe(true);
        expect(d.message).not.toMatch(/can't run policy|could not evaluate it|undefined|\[object Object\]/);
        expect(d.message.length).toBeGreaterThan(20);
        for (const value of secrets) expect([seed, d.message.includes(value)]).toEqual([seed, false]);
      }
    }
    // The generator reaches every policy, and most bags give something to report.
    expect([...reporting].sort()).toEqual([...names].sort());
    expect(violations).toBeGreaterThan(BAGS / 2);
  });

  it("the pack processes survive the same bags over the Analyzer protocol, with the in-process verdicts", async () => {
    const verdicts = (result: AnalysisResult) =>
      result.diagnostics
        .map(({ policy, urn, message, enforcementLevel }) => ({ policy, urn, message, enforcementLevel }))
        .sort((a, b) => `${a.policy}${a.urn}${a.message}`.localeCompare(`${b.policy}${b.urn}${b.message}`));
    for (let seed = 1; seed <= 40; seed++) {
      const view = generate(seed).stack.view();
      const overTheWire = await analyzeView(view.dryRun ? packs.preview : packs.update, view);
      expect([seed, verdicts(overTheWire)]).toEqual([seed, verdicts(await runPolicies(policies as readonly Policy[], view))]);
    }
  });
});
