import * as aws from "@pulumi/aws";
import { FixtureStack, ref, unknown } from "../../../kit/fixtures";
import { check, GAPS, urnOf } from "../../helpers";
import { db, planWithRule, selection } from "./coverageFixtures";

const POLICY = "backup-plan-has-selection";
const PLAN = "aws:backup/plan:Plan";
const SELECTION = "aws:backup/selection:Selection";

describe(POLICY, () => {
  it("accepts plans used by selections of resources or tags, and selections of what AWS Backup protects", async () => {
    const stack = new FixtureStack();
    const byResource = planWithRule(stack, "pass-by-resource");
    const byTag = planWithRule(stack, "pass-by-tag");
    const database = stack.add(aws.rds.Instance, "database", db);
    selection(stack, "pass-resources", byResource, { resources: [ref(database, "arn"), "arn:aws:dynamodb:*:*:table/*"] });
    selection(stack, "pass-tags", byTag, { selectionTags: [{ type: "STRINGEQUALS", key: "backup", value: "daily" }] });
    expect(await check(stack, [POLICY, GAPS])).toEqual([]);
  });

  it("rejects a plan without selections, and one whose only selection names nothing AWS Backup can protect", async () => {
    const stack = new FixtureStack();
    planWithRule(stack, "fail-unused");
    const secretsOnly = planWithRule(stack, "fail-secrets-only");
    const secret = stack.add(aws.secretsmanager.Secret, "db-password", {});
    selection(stack, "fail-secret", secretsOnly, {
      resources: [ref(secret, "arn"), "arn:aws:secretsmanager:us-east-1:123456789012:secret:x"],
    });
    expect(await check(stack, POLICY)).toEqual([
      {
        policy: POLICY,
        urn: urnOf(stack, PLAN, "fail-secrets-only"),
        message:
          "Plan 'fail-secrets-only' is used only by selections that name nothing AWS Backup can protect (Selection 'fail-secret'), so it backs nothing up; add an aws.backup.Selection with planId set to the plan's id and resources or selectionTags naming what it must back up.",
      },
      {
        policy: POLICY,
        urn: urnOf(stack, PLAN, "fail-unused"),
        message:
          "Plan 'fail-unused' has no aws.backup.Selection, so it backs nothing up; add an aws.backup.Selection with planId set to the plan's id and resources or selectionTags naming what it must back up.",
      },
      {
        policy: POLICY,
        urn: urnOf(stack, SELECTION, "fail-secret"),
        message:
          "Selection 'fail-secret' names Secret 'db-password' and 1 ARN in resources, which AWS Backup cannot protect, so they are not backed up; remove them from resources and protect that data another way (Secrets Manager replication, for a secret).",
      },
    ]);
  });

  it("reports a selection naming a secret beside protectable resources, which still count", async () => {
    const stack = new FixtureStack();
    const plan = planWithRule(stack, "pass-plan");
    const secret = stack.add(aws.secretsmanager.Secret, "api-key", {});
    const database = stack.add(aws.rds.Instance, "database", db);
    selection(stack, "fail-mixed", plan, { resources: [ref(database, "arn"), ref(secret, "arn")] });
    expect(await check(stack, [POLICY, GAPS, "data-store-in-backup-plan"])).toEqual([
      {
        policy: POLICY,
        urn: urnOf(stack, SELECTION, "fail-mixed"),
        message:
          "Selection 'fail-mixed' names Secret 'api-key' in resources, which AWS Backup cannot protect, so it is not backed up; remove it from resources and protect that data another way (Secrets Manager replication, for a secret).",
      },
    ]);
  });

  it("reports a plan as a gap while a selection's planId is unknown at preview", async () => {
    const stack = new FixtureStack();
    const plan = planWithRule(stack, "gap-plan");
    stack.add(aws.backup.Selection, "floating", { planId: unknown(), iamRoleArn: ref(plan.role, "arn"), resources: ["*"] });
    expect(await check(stack, [POLICY, GAPS])).toEqual([
      {
        policy: GAPS,
        urn: urnOf(stack, PLAN, "gap-plan"),
        message:
          "Plan 'gap-plan': 1 control could not be verified during preview:\n- backup-plan-has-selection: the planId of Selection 'floating' is unknown during preview, so it may use this plan.",
      },
    ]);
  });

  it("reports an FSx for ONTAP file system or an OpenZFS volume in a selection: AWS Backup protects ONTAP volumes and OpenZFS file systems", async () => {
    const stack = new FixtureStack();
    const plan = planWithRule(stack, "pass-plan");
    const ontap = stack.add(aws.fsx.OntapFileSystem, "ontap", {
      deploymentType: "SINGLE_AZ_1",
      preferredSubnetId: "subnet-1",
      storageCapacity: 1024,
      subnetIds: ["subnet-1"],
    });
    const zfsVolume = stack.add(aws.fsx.OpenZfsVolume, "zfs-volume", { name: "data", parentVolumeId: "fsvol-1" });
    const volume = stack.add(aws.fsx.OntapVolume, "ontap-volume", { name: "data", storageVirtualMachineId: "svm-1" });
    selection(stack, "fail-file-system", plan, { resources: [ref(ontap, "arn"), ref(zfsVolume, "arn"), ref(volume, "arn")] });
    expect(await check(stack, POLICY)).toEqual([
      {
        policy: POLICY,
        urn: urnOf(stack, SELECTION, "fail-file-system"),
        message:
          "Selection 'fail-file-system' names OntapFileSystem 'ontap' and OpenZfsVolume 'zfs-volume' in resources, which AWS Backup cannot protect, so they are not backed up; remove them from resources and select the FSx for ONTAP file system's aws.fsx.OntapVolume resources, or the OpenZFS volume's aws.fsx.OpenZfsFileSystem, instead.",
      },
    ]);
  });
});
