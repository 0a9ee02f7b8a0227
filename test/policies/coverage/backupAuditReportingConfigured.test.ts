import * as aws from "@pulumi/aws";
import { FixtureStack, unknown } from "../../../kit/fixtures";
import { check, GAPS, urnOf } from "../../helpers";
import { planWithRule } from "./coverageFixtures";

const POLICY = "backup-audit-reporting-configured";
const PLAN = "aws:backup/plan:Plan";

function framework(stack: FixtureStack, controls: aws.backup.FrameworkArgs["controls"]) {
  stack.add(aws.backup.Framework, "framework", { name: "backup_controls", controls });
}

function reportPlan(stack: FixtureStack, s3BucketName: string) {
  stack.add(aws.backup.ReportPlan, "report-plan", {
    name: "backup_reports",
    reportDeliveryChannel: { s3BucketName, formats: ["CSV"] },
    reportSetting: { reportTemplate: "CONTROL_COMPLIANCE_REPORT" },
  });
}

describe(POLICY, () => {
  it("accepts a stack with a framework of controls and a report plan, and a stack without plans", async () => {
    const stack = new FixtureStack();
    planWithRule(stack, "plan");
    framework(stack, [{ name: "BACKUP_RESOURCES_PROTECTED_BY_BACKUP_PLAN" }]);
    reportPlan(stack, "audit-reports");
    expect(await check(stack, [POLICY, GAPS])).toEqual([]);
    const empty = new FixtureStack();
    empty.add(aws.backup.Vault, "vault", {});
    expect(await check(empty, [POLICY, GAPS])).toEqual([]);
  });

  it("reports a stack with plans but no framework or report plan once, on its first plan by URN", async () => {
    const stack = new FixtureStack();
    planWithRule(stack, "second");
    planWithRule(stack, "first");
    expect(await check(stack, POLICY)).toEqual([
      {
        policy: POLICY,
        urn: urnOf(stack, PLAN, "first"),
        message:
          "This stack backs up with Plan 'first' but has no aws.backup.Framework and no aws.backup.ReportPlan, so nobody is shown whether backups meet their controls; add a Framework with controls and a ReportPlan with reportDeliveryChannel.s3BucketName.",
      },
    ]);
  });

  it("rejects a framework without controls", async () => {
    const stack = new FixtureStack();
    planWithRule(stack, "plan");
    framework(stack, []);
    reportPlan(stack, "audit-reports");
    expect(await check(stack, POLICY)).toEqual([
      {
        policy: POLICY,
        urn: urnOf(stack, PLAN, "plan"),
        message:
          "This stack backs up with Plan 'plan' but has no aws.backup.Framework with controls, so nobody is shown whether backups meet their controls; add a Framework with controls.",
      },
    ]);
  });

  it("reports a delivery bucket unknown at preview as a gap", async () => {
    const stack = new FixtureStack();
    planWithRule(stack, "plan");
    framework(stack, [{ name: "BACKUP_RESOURCES_PROTECTED_BY_BACKUP_PLAN" }]);
    reportPlan(stack, unknown());
    expect(await check(stack, [POLICY, GAPS])).toEqual([
      {
        policy: GAPS,
        urn: urnOf(stack, PLAN, "plan"),
        message:
          "Plan 'plan': 1 control could not be verified during preview:\n- backup-audit-reporting-configured: the report delivery bucket of the stack's aws.backup.ReportPlan is unknown during preview.",
      },
    ]);
  });
});
