import * as aws from "@pulumi/aws";
import { FixtureStack, ref } from "../../../kit/fixtures";
import { check, GAPS, urnOf } from "../../helpers";
import { db, planWithRule, selection } from "./coverageFixtures";

const POLICY = "data-store-customer-managed-key";
const INSTANCE = "aws:rds/instance:Instance";
const VOLUME = "aws:ebs/volume:Volume";
const NEPTUNE = "aws:neptune/cluster:Cluster";
const KEY_ARN = "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab";

describe(POLICY, () => {
  it("accepts backed-up data stores under a stack key or a trusted key ARN, and ignores what no plan backs up", async () => {
    const stack = new FixtureStack();
    const plan = planWithRule(stack);
    const key = stack.add(aws.kms.Key, "data-key", { enableKeyRotation: true });
    const a = stack.add(aws.rds.Instance, "pass-stack-key", { ...db, storageEncrypted: true, kmsKeyId: ref(key, "arn") });
    const b = stack.add(aws.ebs.Volume, "pass-key-arn", { availabilityZone: "us-east-1a", size: 8, encrypted: true, kmsKeyId: KEY_ARN });
    const c = stack.add(aws.neptune.Cluster, "pass-neptune", { storageEncrypted: true, kmsKeyArn: ref(key, "arn") });
    stack.add(aws.rds.Instance, "pass-not-backed-up", db);
    stack.add(aws.dynamodb.Table, "pass-keeps-vault-key", { hashKey: "id", attributes: [{ name: "id", type: "S" }] });
    selection(stack, "stores", plan, { resources: [ref(a, "arn"), ref(b, "arn"), ref(c, "arn"), "arn:aws:dynamodb:*:*:table/*"] });
    expect(await check(stack, [POLICY, GAPS])).toEqual([]);
  });

  it("rejects backed-up data stores that are unencrypted or under the AWS-managed key", async () => {
    const stack = new FixtureStack();
    const plan = planWithRule(stack);
    stack.add(aws.rds.Instance, "fail-unencrypted", db);
    stack.add(aws.rds.Instance, "fail-aws-managed", { ...db, storageEncrypted: true });
    stack.add(aws.ebs.Volume, "fail-alias", { availabilityZone: "us-east-1a", size: 8, encrypted: true, kmsKeyId: "alias/aws/ebs" });
    stack.add(aws.neptune.Cluster, "fail-neptune", { storageEncrypted: true });
    selection(stack, "everything", plan, { resources: ["*"] });
    expect(await check(stack, POLICY)).toEqual([
      {
        policy: POLICY,
        urn: urnOf(stack, VOLUME, "fail-alias"),
        message:
          "Volume 'fail-alias' uses the AWS-managed key alias/aws/ebs in kmsKeyId; set kmsKeyId to the ARN of a customer-managed aws.kms.Key.",
      },
      {
        policy: POLICY,
        urn: urnOf(stack, NEPTUNE, "fail-neptune"),
        message:
          "Cluster 'fail-neptune' does not set kmsKeyArn, so it is encrypted with the AWS-managed key alias/aws/rds, which its recovery points keep; set kmsKeyArn to the ARN of a customer-managed aws.kms.Key.",
      },
      {
        policy: POLICY,
        urn: urnOf(stack, INSTANCE, "fail-aws-managed"),
        message:
          "Instance 'fail-aws-managed' does not set kmsKeyId, so it is encrypted with the AWS-managed key alias/aws/rds, which its recovery points keep; set kmsKeyId to the ARN of a customer-managed aws.kms.Key.",
      },
      {
        policy: POLICY,
        urn: urnOf(stack, INSTANCE, "fail-unencrypted"),
        message:
          "Instance 'fail-unencrypted' is not encrypted (storageEncrypted is not true), so its recovery points are not encrypted either, whatever the vault's key; set storageEncrypted: true and kmsKeyId to the ARN of a customer-managed aws.kms.Key.",
      },
    ]);
  });

  it("takes trustedKeyArns when external key ARNs are not allowed", async () => {
    const stack = new FixtureStack();
    const plan = planWithRule(stack);
    const volume = stack.add(aws.ebs.Volume, "fail-untrusted", {
      availabilityZone: "us-east-1a",
      size: 8,
      encrypted: true,
      kmsKeyId: KEY_ARN,
    });
    selection(stack, "volumes", plan, { resources: [ref(volume, "arn")] });
    expect(await check(stack, POLICY, { [POLICY]: { allowExternalKeyArns: false } })).toEqual([
      {
        policy: POLICY,
        urn: urnOf(stack, VOLUME, "fail-untrusted"),
        message:
          "Volume 'fail-untrusted' sets kmsKeyId to a key ARN from outside this stack that is not on trustedKeyArns (allowExternalKeyArns is false); set kmsKeyId to the ARN of a customer-managed aws.kms.Key, or add the key ARN to trustedKeyArns.",
      },
    ]);
    expect(await check(stack, POLICY, { [POLICY]: { allowExternalKeyArns: false, trustedKeyArns: [KEY_ARN] } })).toEqual([]);
  });

  it("reports a key computed from a non-key resource, and a store whose selection is unknown, as gaps", async () => {
    const stack = new FixtureStack();
    const plan = planWithRule(stack);
    const parameter = stack.add(aws.ssm.Parameter, "key-id", { type: "String", value: KEY_ARN });
    const a = stack.add(aws.rds.Instance, "gap-key", { ...db, storageEncrypted: true, kmsKeyId: ref(parameter, "value") });
    selection(stack, "databases", plan, { resources: [ref(a, "arn")] });
    const setting = stack.add(aws.ssm.Parameter, "tier", { type: "String", value: "daily" });
    stack.add(aws.ebs.Volume, "gap-selection", { availabilityZone: "us-east-1a", size: 8, tags: { backup: ref(setting, "value") } });
    selection(stack, "tagged", plan, { selectionTags: [{ type: "STRINGEQUALS", key: "backup", value: "daily" }] });
    const found = (await check(stack, [POLICY, GAPS])).filter((v) => v.message.includes(POLICY));
    expect(found).toEqual([
      {
        policy: GAPS,
        urn: urnOf(stack, VOLUME, "gap-selection"),
        message:
          "Volume 'gap-selection': 2 controls could not be verified during preview:\n- data-store-customer-managed-key: whether Selection 'tagged' backs it up is unknown during preview, and its key is not customer-managed.\n- data-store-in-backup-plan: whether Selection 'tagged' selects it depends on values unknown during preview (its ARN or tags, or the selection's entries).",
      },
      {
        policy: GAPS,
        urn: urnOf(stack, INSTANCE, "gap-key"),
        message:
          "Instance 'gap-key': 1 control could not be verified during preview:\n- data-store-customer-managed-key: kmsKeyId is unknown during preview and none of the resources it is computed from is an aws.kms.Key, ReplicaKey, ExternalKey, ReplicaExternalKey or Alias of this stack.",
      },
    ]);
  });

  it("credits EBS encryption by default and the region's default key (aws.ebs.DefaultKmsKey) to a volume that sets neither", async () => {
    const stack = new FixtureStack();
    const plan = planWithRule(stack);
    const key = stack.add(aws.kms.Key, "ebs-key", { enableKeyRotation: true });
    stack.add(aws.ebs.EncryptionByDefault, "encrypt-by-default", {});
    stack.add(aws.ebs.DefaultKmsKey, "default-key", { keyArn: ref(key, "arn") });
    stack.add(aws.ebs.Volume, "pass-encrypted-by-default", { availabilityZone: "us-east-1a", size: 8 });
    stack.add(aws.ebs.Volume, "pass-default-key", { availabilityZone: "us-east-1a", size: 8, encrypted: true });
    selection(stack, "volumes", plan, { resources: ["arn:aws:ec2:*:*:volume/*"] });
    expect(await check(stack, [POLICY, GAPS])).toEqual([]);
  });

  it("holds the region's EBS defaults to the same rules: the AWS-managed key, another region's default, encryption by default off", async () => {
    const stack = new FixtureStack();
    const plan = planWithRule(stack);
    const key = stack.add(aws.kms.Key, "ebs-key", { enableKeyRotation: true });
    stack.add(aws.ebs.EncryptionByDefault, "encrypt-by-default", {});
    stack.add(aws.ebs.DefaultKmsKey, "elsewhere", { keyArn: ref(key, "arn"), region: "eu-west-1" });
    stack.add(aws.ebs.Volume, "fail-default-aws-key", { availabilityZone: "us-east-1a", size: 8 });
    selection(stack, "volumes", plan, { resources: ["arn:aws:ec2:*:*:volume/*"] });
    const off = new FixtureStack();
    const offPlan = planWithRule(off);
    off.add(aws.ebs.EncryptionByDefault, "encryption-off", { enabled: false });
    off.add(aws.ebs.Volume, "fail-unencrypted", { availabilityZone: "us-east-1a", size: 8 });
    selection(off, "volumes", offPlan, { resources: ["arn:aws:ec2:*:*:volume/*"] });
    const managed = new FixtureStack();
    const managedPlan = planWithRule(managed);
    managed.add(aws.ebs.DefaultKmsKey, "managed-default", { keyArn: "alias/aws/ebs" });
    managed.add(aws.ebs.Volume, "fail-managed-default", { availabilityZone: "us-east-1a", size: 8, encrypted: true });
    selection(managed, "volumes", managedPlan, { resources: ["arn:aws:ec2:*:*:volume/*"] });
    expect(await check(stack, [POLICY, GAPS])).toEqual([
      {
        policy: POLICY,
        urn: urnOf(stack, VOLUME, "fail-default-aws-key"),
        message:
          "Volume 'fail-default-aws-key' does not set kmsKeyId, so it is encrypted with the AWS-managed key alias/aws/ebs, which its recovery points keep; set kmsKeyId to the ARN of a customer-managed aws.kms.Key.",
      },
    ]);
    expect(await check(off, [POLICY, GAPS])).toEqual([
      {
        policy: POLICY,
        urn: urnOf(off, VOLUME, "fail-unencrypted"),
        message:
          "Volume 'fail-unencrypted' is not encrypted (encrypted is not true), so its recovery points are not encrypted either, whatever the vault's key; set encrypted: true and kmsKeyId to the ARN of a customer-managed aws.kms.Key.",
      },
    ]);
    expect(await check(managed, [POLICY, GAPS])).toEqual([
      {
        policy: POLICY,
        urn: urnOf(managed, VOLUME, "fail-managed-default"),
        message:
          "DefaultKmsKey 'managed-default' uses the AWS-managed key alias/aws/ebs in keyArn; set keyArn to the ARN of a customer-managed aws.kms.Key, or set kmsKeyId on Volume 'fail-managed-default', which has no key of its own and so is encrypted with this default key, which its recovery points keep.",
      },
    ]);
  });
});
