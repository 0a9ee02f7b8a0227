import * as aws from "@pulumi/aws";
import { FixtureStack, ref, unknown } from "../../../kit/fixtures";
import { check, GAPS, urnOf } from "../../helpers";
import { db, planWithRule, selection, table } from "./coverageFixtures";

const POLICY = "data-store-in-backup-plan";
const INSTANCE = "aws:rds/instance:Instance";
const TABLE = "aws:dynamodb/table:Table";
const VOLUME = "aws:ebs/volume:Volume";
const EFS = "aws:efs/fileSystem:FileSystem";

const notInPlan = (who: string, note = "", wildcard = true) =>
  `${who} is not in any backup plan of this stack${note}; add its ARN${wildcard ? " (or a wildcard of its kind)" : ""} to the resources of an aws.backup.Selection whose plan has a rule, or tag it to match a selection's selectionTags.`;

describe(POLICY, () => {
  it("accepts data stores selected by ARN edge, wildcard, selection tag and tag condition, as the union AWS applies", async () => {
    const stack = new FixtureStack();
    const plan = planWithRule(stack);
    const byEdge = stack.add(aws.rds.Instance, "pass-by-edge", db);
    const efs = stack.add(aws.efs.FileSystem, "pass-union-resource", {});
    stack.add(aws.ebs.Volume, "pass-union-tag", { availabilityZone: "us-east-1a", size: 8, tags: { backup: "daily" } });
    stack.add(aws.dynamodb.Table, "pass-wildcard", table);
    stack.add(aws.efs.FileSystem, "pass-condition", { tags: { tier: "gold-1" } });
    selection(stack, "by-edge", plan, { resources: [ref(byEdge, "arn")] });
    // Resources OR selectionTags: the file system by ARN and the volume by tag, not only what both match.
    selection(stack, "union", plan, {
      resources: [ref(efs, "arn")],
      selectionTags: [{ type: "STRINGEQUALS", key: "backup", value: "daily" }],
    });
    selection(stack, "tables", plan, { resources: ["arn:aws:dynamodb:*:*:table/*"] });
    selection(stack, "gold-file-systems", plan, {
      resources: ["arn:aws:elasticfilesystem:*:*:file-system/*"],
      conditions: [{ stringLikes: [{ key: "aws:ResourceTag/tier", value: "gold*" }] }],
    });
    expect(await check(stack, [POLICY, GAPS])).toEqual([]);
  });

  it("counts the provider's default tags, and every resource of a '*' selection", async () => {
    const stack = new FixtureStack({ config: { "aws:defaultTags": JSON.stringify({ tags: { backup: "daily" } }) } });
    const plan = planWithRule(stack);
    stack.add(aws.dynamodb.Table, "pass-default-tags", table);
    selection(stack, "by-default-tag", plan, {
      resources: ["arn:aws:dynamodb:*:*:table/*"],
      conditions: [{ stringEquals: [{ key: "aws:ResourceTag/backup", value: "daily" }] }],
    });
    const other = new FixtureStack();
    const otherPlan = planWithRule(other);
    other.add(aws.ebs.Volume, "pass-everything", { availabilityZone: "us-east-1a", size: 8 });
    selection(other, "everything", otherPlan, { resources: ["*"] });
    expect(await check(stack, [POLICY, GAPS])).toEqual([]);
    expect(await check(other, [POLICY, GAPS])).toEqual([]);
  });

  it("rejects data stores no selection names, or that notResources or a condition leaves out", async () => {
    const stack = new FixtureStack();
    const plan = planWithRule(stack);
    stack.add(aws.rds.Instance, "fail-unselected", db);
    const excluded = stack.add(aws.dynamodb.Table, "fail-excluded", table);
    stack.add(aws.dynamodb.Table, "pass-table", table);
    stack.add(aws.efs.FileSystem, "fail-condition", { tags: { backup: "never" } });
    stack.add(aws.ebs.Volume, "fail-tag-mismatch", { availabilityZone: "us-east-1a", size: 8, tags: { backup: "weekly" } });
    selection(stack, "tables", plan, { resources: ["arn:aws:dynamodb:*:*:table/*"], notResources: [ref(excluded, "arn")] });
    selection(stack, "file-systems", plan, {
      resources: ["arn:aws:elasticfilesystem:*:*:file-system/*"],
      conditions: [{ stringNotEquals: [{ key: "aws:ResourceTag/backup", value: "never" }] }],
    });
    selection(stack, "tagged", plan, { selectionTags: [{ type: "STRINGEQUALS", key: "aws:ResourceTag/backup", value: "daily" }] });
    expect(await check(stack, [POLICY, GAPS])).toEqual([
      {
        policy: POLICY,
        urn: urnOf(stack, TABLE, "fail-excluded"),
        message: notInPlan("Table 'fail-excluded'", ": Selection 'tables' names it but excludes it in notResources"),
      },
      { policy: POLICY, urn: urnOf(stack, VOLUME, "fail-tag-mismatch"), message: notInPlan("Volume 'fail-tag-mismatch'") },
      { policy: POLICY, urn: urnOf(stack, EFS, "fail-condition"), message: notInPlan("FileSystem 'fail-condition'") },
      { policy: POLICY, urn: urnOf(stack, INSTANCE, "fail-unselected"), message: notInPlan("Instance 'fail-unselected'") },
    ]);
  });

  it("does not count a selection whose plan has no rule, whose role is unset or whose plan is outside the stack", async () => {
    const stack = new FixtureStack();
    const emptyPlan = stack.add(aws.backup.Plan, "no-rules", { rules: [] });
    const role = stack.add(aws.iam.Role, "role", { assumeRolePolicy: "{}" });
    const plan = planWithRule(stack);
    const a = stack.add(aws.rds.Instance, "fail-plan-without-rule", db);
    const b = stack.add(aws.rds.Instance, "fail-no-role", db);
    const c = stack.add(aws.rds.Instance, "fail-plan-outside", db);
    selection(stack, "ruleless", { plan: emptyPlan, role }, { resources: [ref(a, "arn")] });
    stack.addType("aws:backup/selection:Selection", "roleless", {
      planId: ref(plan.plan, "id"),
      iamRoleArn: "",
      resources: [ref(b, "arn")],
    });
    stack.add(aws.backup.Selection, "elsewhere", { planId: "some-plan-id", iamRoleArn: ref(role, "arn"), resources: [ref(c, "arn")] });
    expect(await check(stack, POLICY)).toEqual([
      {
        policy: POLICY,
        urn: urnOf(stack, INSTANCE, "fail-no-role"),
        message: notInPlan(
          "Instance 'fail-no-role'",
          ": Selection 'roleless' selects it but sets no iamRoleArn, so AWS Backup cannot run its jobs",
        ),
      },
      {
        policy: POLICY,
        urn: urnOf(stack, INSTANCE, "fail-plan-outside"),
        message: notInPlan("Instance 'fail-plan-outside'", ": Selection 'elsewhere' selects it but names a plan that is not in this stack"),
      },
      {
        policy: POLICY,
        urn: urnOf(stack, INSTANCE, "fail-plan-without-rule"),
        message: notInPlan(
          "Instance 'fail-plan-without-rule'",
          ": Selection 'ruleless' selects it but its Plan 'no-rules' has no rule, so no backup job ever runs",
        ),
      },
    ]);
  });

  it("matches literal ARNs once they are known, and reports them as gaps while the account is unknown at preview", async () => {
    for (const mode of ["preview", "known"] as const) {
      const stack = new FixtureStack({ mode });
      const plan = planWithRule(stack);
      stack.add(aws.rds.Instance, "literal-db", { ...db, identifier: "orders" });
      selection(stack, "literal", plan, { resources: ["arn:aws:rds:us-east-1:123456789012:db:orders"] });
      const expected =
        mode === "known"
          ? []
          : [
              {
                policy: GAPS,
                urn: urnOf(stack, INSTANCE, "literal-db"),
                message:
                  "Instance 'literal-db': 2 controls could not be verified during preview:\n- data-store-customer-managed-key: whether Selection 'literal' backs it up is unknown during preview, and its key is not customer-managed.\n- data-store-in-backup-plan: whether Selection 'literal' selects it depends on values unknown during preview (its ARN or tags, or the selection's entries).",
              },
            ];
      expect(await check(stack, [POLICY, GAPS])).toEqual(expected);
    }
  });

  it("reports tags unknown at preview, and a selection of an unknown plan, as gaps", async () => {
    const stack = new FixtureStack();
    const plan = planWithRule(stack);
    const setting = stack.add(aws.ssm.Parameter, "tier", { type: "String", value: "daily" });
    stack.add(aws.ebs.Volume, "gap-tag", { availabilityZone: "us-east-1a", size: 8, tags: { backup: ref(setting, "value") } });
    selection(stack, "tagged", plan, { selectionTags: [{ type: "STRINGEQUALS", key: "backup", value: "daily" }] });
    const db2 = stack.add(aws.rds.Instance, "gap-plan", db);
    stack.add(aws.backup.Selection, "unknown-plan", { planId: unknown(), iamRoleArn: ref(plan.role, "arn"), resources: [ref(db2, "arn")] });
    expect(await check(stack, [POLICY, GAPS])).toEqual([
      {
        policy: GAPS,
        urn: urnOf(stack, VOLUME, "gap-tag"),
        message:
          "Volume 'gap-tag': 2 controls could not be verified during preview:\n- data-store-customer-managed-key: whether Selection 'tagged' backs it up is unknown during preview, and its key is not customer-managed.\n- data-store-in-backup-plan: whether Selection 'tagged' selects it depends on values unknown during preview (its ARN or tags, or the selection's entries).",
      },
      {
        policy: GAPS,
        urn: urnOf(stack, INSTANCE, "gap-plan"),
        message:
          "Instance 'gap-plan': 2 controls could not be verified during preview:\n- data-store-customer-managed-key: whether Selection 'unknown-plan' backs it up is unknown during preview, and its key is not customer-managed.\n- data-store-in-backup-plan: Selection 'unknown-plan' selects it, but the planId of Selection 'unknown-plan' is unknown during preview.",
      },
    ]);
  });

  it("checks only the configured resource types, and S3 data buckets when includeS3", async () => {
    const stack = new FixtureStack();
    stack.add(aws.ec2.Instance, "pass-not-required", { ami: "ami-12345678", instanceType: "t3.micro" });
    stack.add(aws.s3.Bucket, "fail-data-bucket", {});
    stack.add(aws.s3.Bucket, "pass-backup-bucket", { tags: { purpose: "backup" } });
    stack.add(aws.rds.Instance, "fail-rds", db);
    const config = { [POLICY]: { resourceTypes: ["RDS"], includeS3: true } };
    expect(await check(stack, POLICY, config)).toEqual([
      { policy: POLICY, urn: urnOf(stack, INSTANCE, "fail-rds"), message: notInPlan("Instance 'fail-rds'") },
      {
        policy: POLICY,
        urn: urnOf(stack, "aws:s3/bucket:Bucket", "fail-data-bucket"),
        message: notInPlan("Bucket 'fail-data-bucket'", "", false),
      },
    ]);
  });

  it("matches a selection by the partition of its stack's region (China, GovCloud), not a hard-coded aws", async () => {
    for (const [region, partition, mode] of [
      ["cn-north-1", "aws-cn", "preview"],
      ["us-gov-west-1", "aws-us-gov", "known"],
    ] as const) {
      const stack = new FixtureStack({ region, mode });
      const plan = planWithRule(stack);
      stack.add(aws.rds.Instance, "pass-own-partition", { ...db, identifier: "orders" });
      stack.add(aws.dynamodb.Table, "fail-other-partition", table);
      selection(stack, "databases", plan, { resources: [`arn:${partition}:rds:*:*:db:*`] });
      selection(stack, "tables", plan, { resources: ["arn:aws:dynamodb:*:*:table/*"] });
      expect(await check(stack, [POLICY, GAPS])).toEqual([
        { policy: POLICY, urn: urnOf(stack, TABLE, "fail-other-partition"), message: notInPlan("Table 'fail-other-partition'") },
      ]);
    }
  });

  it("matches every wildcard form: a name prefix, a wildcard partition, service or region, in preview and once known", async () => {
    for (const mode of ["preview", "known"] as const) {
      const stack = new FixtureStack({ mode });
      const plan = planWithRule(stack);
      stack.add(aws.rds.Instance, "pass-prefix", { ...db, identifier: "prod-orders" });
      stack.add(aws.rds.Instance, "pass-any-partition", { ...db, identifier: "billing-main" });
      stack.add(aws.rds.Instance, "pass-any-service", { ...db, identifier: "audit-main" });
      stack.add(aws.rds.Instance, "pass-suffix", { ...db, identifier: "x-reports" });
      stack.add(aws.rds.Instance, "fail-other-prefix", { ...db, identifier: "dev-orders" });
      stack.add(aws.rds.Instance, "fail-other-region", { ...db, identifier: "eu-orders" });
      selection(stack, "prefixes", plan, {
        resources: [
          "arn:aws:rds:*:*:db:prod-*",
          "arn:*:rds:*:*:db:billing-*",
          "arn:aws:*:*:*:db:audit-*",
          "arn:aws:rds:*:*:db:*-reports",
          "arn:aws:rds:eu-west-1:*:db:eu-*",
        ],
      });
      expect(await check(stack, [POLICY, GAPS])).toEqual([
        { policy: POLICY, urn: urnOf(stack, INSTANCE, "fail-other-prefix"), message: notInPlan("Instance 'fail-other-prefix'") },
        { policy: POLICY, urn: urnOf(stack, INSTANCE, "fail-other-region"), message: notInPlan("Instance 'fail-other-region'") },
      ]);
    }
  });

  it("reports a name-prefix pattern against a name unknown at preview as a gap, not a verdict", async () => {
    const stack = new FixtureStack();
    const plan = planWithRule(stack);
    stack.add(aws.rds.Instance, "gap-unnamed", db);
    selection(stack, "prefixed", plan, { resources: ["arn:aws:rds:*:*:db:prod-*"] });
    expect(await check(stack, [POLICY, GAPS])).toEqual([
      {
        policy: GAPS,
        urn: urnOf(stack, INSTANCE, "gap-unnamed"),
        message:
          "Instance 'gap-unnamed': 2 controls could not be verified during preview:\n- data-store-customer-managed-key: whether Selection 'prefixed' backs it up is unknown during preview, and its key is not customer-managed.\n- data-store-in-backup-plan: whether Selection 'prefixed' selects it depends on values unknown during preview (its ARN or tags, or the selection's entries).",
      },
    ]);
  });

  it("reports a tag map the program set to a value unknown at preview as a gap, not as untagged", async () => {
    const stack = new FixtureStack();
    const plan = planWithRule(stack);
    stack.add(aws.efs.FileSystem, "gap-tags", { tags: unknown<Record<string, string>>() });
    selection(stack, "tagged", plan, { selectionTags: [{ type: "STRINGEQUALS", key: "backup", value: "daily" }] });
    expect(await check(stack, [POLICY, GAPS])).toEqual([
      {
        policy: GAPS,
        urn: urnOf(stack, EFS, "gap-tags"),
        message:
          "FileSystem 'gap-tags': 1 control could not be verified during preview:\n- data-store-in-backup-plan: whether Selection 'tagged' selects it depends on values unknown during preview (its ARN or tags, or the selection's entries).",
      },
    ]);
  });

  it("requires FSx for ONTAP volumes, not ONTAP file systems, in a plan, matched by their volume ARN", async () => {
    for (const mode of ["preview", "known"] as const) {
      const stack = new FixtureStack({ mode });
      const plan = planWithRule(stack);
      const ontap = { deploymentType: "SINGLE_AZ_1", preferredSubnetId: "subnet-1", storageCapacity: 1024, subnetIds: ["subnet-1"] };
      stack.add(aws.fsx.OntapFileSystem, "pass-ontap-file-system", ontap);
      const volume = stack.add(aws.fsx.OntapVolume, "pass-ontap-volume", { name: "data", storageVirtualMachineId: "svm-1" });
      stack.add(aws.fsx.OntapVolume, "pass-ontap-volume-wildcard", { name: "logs", storageVirtualMachineId: "svm-1" });
      stack.add(aws.fsx.OntapVolume, "fail-ontap-volume", { name: "scratch", storageVirtualMachineId: "svm-1", tags: { backup: "no" } });
      stack.add(aws.fsx.OpenZfsFileSystem, "fail-openzfs", {
        deploymentType: "SINGLE_AZ_1",
        subnetIds: ["subnet-1"],
        throughputCapacity: 64,
      });
      selection(stack, "by-edge", plan, { resources: [ref(volume, "arn")] });
      selection(stack, "volumes", plan, {
        resources: ["arn:aws:fsx:*:*:volume/*"],
        conditions: [{ stringNotEquals: [{ key: "aws:ResourceTag/backup", value: "no" }] }],
      });
      expect(await check(stack, [POLICY, GAPS])).toEqual([
        {
          policy: POLICY,
          urn: urnOf(stack, "aws:fsx/ontapVolume:OntapVolume", "fail-ontap-volume"),
          message: notInPlan("OntapVolume 'fail-ontap-volume'"),
        },
        {
          policy: POLICY,
          urn: urnOf(stack, "aws:fsx/openZfsFileSystem:OpenZfsFileSystem", "fail-openzfs"),
          message: notInPlan("OpenZfsFileSystem 'fail-openzfs'"),
        },
      ]);
    }
  });

  it("counts an EBS volume attached to a backed-up EC2 instance as backed up, since the instance's AMI snapshots it", async () => {
    const stack = new FixtureStack();
    const plan = planWithRule(stack);
    const server = { ami: "ami-12345678", instanceType: "t3.micro" };
    const backedUp = stack.add(aws.ec2.Instance, "pass-instance", {
      ...server,
      rootBlockDevice: { volumeSize: 20 },
      tags: { backup: "daily" },
    });
    const unprotected = stack.add(aws.ec2.Instance, "fail-instance", server);
    const volume = { availabilityZone: "us-east-1a", size: 8 };
    const attached = stack.add(aws.ebs.Volume, "pass-attached", volume);
    const orphan = stack.add(aws.ebs.Volume, "fail-attached-to-unprotected", volume);
    stack.add(aws.ebs.Volume, "fail-detached", volume);
    stack.add(aws.ec2.VolumeAttachment, "attach", {
      deviceName: "/dev/sdf",
      volumeId: ref(attached, "id"),
      instanceId: ref(backedUp, "id"),
    });
    stack.add(aws.ec2.VolumeAttachment, "attach-other", {
      deviceName: "/dev/sdf",
      volumeId: ref(orphan, "id"),
      instanceId: ref(unprotected, "id"),
    });
    selection(stack, "tagged", plan, { selectionTags: [{ type: "STRINGEQUALS", key: "backup", value: "daily" }] });
    expect(await check(stack, [POLICY, GAPS])).toEqual([
      {
        policy: POLICY,
        urn: urnOf(stack, VOLUME, "fail-attached-to-unprotected"),
        message: notInPlan("Volume 'fail-attached-to-unprotected'"),
      },
      { policy: POLICY, urn: urnOf(stack, VOLUME, "fail-detached"), message: notInPlan("Volume 'fail-detached'") },
      { policy: POLICY, urn: urnOf(stack, "aws:ec2/instance:Instance", "fail-instance"), message: notInPlan("Instance 'fail-instance'") },
    ]);
  });

  it("reports an attached volume as a gap while whether its instance is backed up is unknown at preview", async () => {
    const stack = new FixtureStack();
    const plan = planWithRule(stack);
    const instance = stack.add(aws.ec2.Instance, "gap-instance", {
      ami: "ami-12345678",
      instanceType: "t3.micro",
      tags: unknown<Record<string, string>>(),
    });
    const volume = stack.add(aws.ebs.Volume, "gap-volume", { availabilityZone: "us-east-1a", size: 8 });
    stack.add(aws.ec2.VolumeAttachment, "attach", { deviceName: "/dev/sdf", volumeId: ref(volume, "id"), instanceId: ref(instance, "id") });
    selection(stack, "tagged", plan, { selectionTags: [{ type: "STRINGEQUALS", key: "backup", value: "daily" }] });
    expect(await check(stack, [POLICY, GAPS])).toEqual([
      {
        policy: GAPS,
        urn: urnOf(stack, VOLUME, "gap-volume"),
        message:
          "Volume 'gap-volume': 2 controls could not be verified during preview:\n- data-store-customer-managed-key: whether Instance 'gap-instance', to which it is attached, is backed up is unknown during preview, and its key is not customer-managed.\n- data-store-in-backup-plan: it is attached to Instance 'gap-instance', whose backup would hold it, but whether a selection backs that instance up is unknown during preview.",
      },
      {
        policy: GAPS,
        urn: urnOf(stack, "aws:ec2/instance:Instance", "gap-instance"),
        message:
          "Instance 'gap-instance': 1 control could not be verified during preview:\n- data-store-in-backup-plan: whether Selection 'tagged' selects it depends on values unknown during preview (its ARN or tags, or the selection's entries).",
      },
    ]);
  });

  it("does not ask for RDS read replicas in a plan: their data is their source's", async () => {
    const stack = new FixtureStack();
    const plan = planWithRule(stack);
    const source = stack.add(aws.rds.Instance, "pass-source", { ...db, identifier: "orders" });
    stack.add(aws.rds.Instance, "pass-replica", { instanceClass: "db.t4g.micro", replicateSourceDb: ref(source, "identifier") });
    stack.add(aws.rds.Instance, "pass-cross-region-replica", {
      instanceClass: "db.t4g.micro",
      replicateSourceDb: "arn:aws:rds:eu-west-1:123456789012:db:orders",
    });
    selection(stack, "source", plan, { resources: [ref(source, "arn")] });
    expect(await check(stack, [POLICY, GAPS])).toEqual([]);
  });
});
