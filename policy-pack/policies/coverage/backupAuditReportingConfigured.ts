import { defineStackPolicy } from "../../lib/define";
import { SATISFIED, unverifiable, violated, type Outcome } from "../../lib/outcome";
import { describe, type IndexedResource } from "../../lib/stackIndex";
import { BACKUP_FRAMEWORK, BACKUP_PLAN, BACKUP_REPORT_PLAN } from "../../lib/types";
import { getPath, listField, stringField } from "../../lib/values";

/** A framework that evaluates at least one control. */
function frameworkOutcome(framework: IndexedResource): "controls" | "empty" | "unknown" {
  const controls = listField(framework.props.controls);
  if (controls.state === "unknown") return "unknown";
  return controls.state === "known" && controls.value.length > 0 ? "controls" : "empty";
}

/** A report plan that delivers reports somewhere. */
function reportPlanOutcome(reportPlan: IndexedResource): "delivers" | "no-bucket" | "unknown" {
  const bucket = stringField(getPath(reportPlan.props.reportDeliveryChannel, ["s3BucketName"]));
  if (bucket.state === "unknown") return "unknown";
  return bucket.state === "known" && bucket.value !== "" ? "delivers" : "no-bucket";
}

export const backupAuditReportingConfigured = defineStackPolicy(
  {
    name: "backup-audit-reporting-configured",
    description:
      "Every stack with AWS Backup plans must have a Backup Audit Manager framework with controls (aws.backup.Framework) and a report plan (aws.backup.ReportPlan) that delivers reports to S3.",
    severity: "low",
    area: "coverage",
    nist: ["CA-7", "AU-6"],
    specification: "Controls are monitored continuously and audit records of backup activity are reviewed and reported (CA-7, AU-6).",
    remediationSteps:
      "Add an aws.backup.Framework with controls (for example BACKUP_RESOURCES_PROTECTED_BY_BACKUP_PLAN, BACKUP_RECOVERY_POINT_MINIMUM_RETENTION_CHECK, BACKUP_PLAN_MIN_FREQUENCY_AND_MIN_RETENTION_CHECK) and an aws.backup.ReportPlan whose reportDeliveryChannel names an S3 bucket and whose reportSetting chooses a report template (BACKUP_JOB_REPORT, CONTROL_COMPLIANCE_REPORT, …).",
    remediation: { notFixed: "a framework and a report plan are new resources, and where reports go is the customer's choice." },
    url: "https://docs.aws.amazon.com/aws-backup/latest/devguide/aws-backup-audit-manager.html",
    config: {},
  },
  {
    // One finding for the stack, reported on one backup plan (the first by URN, whatever the order).
    subjects: ({ index }) =>
      index
        .ofType(BACKUP_PLAN)
        .sort((a, b) => (a.urn < b.urn ? -1 : a.urn > b.urn ? 1 : 0))
        .slice(0, 1),
    check(plan, { index }): Outcome {
      const frameworks = index.ofType(BACKUP_FRAMEWORK).map(frameworkOutcome);
      const reportPlans = index.ofType(BACKUP_REPORT_PLAN).map(reportPlanOutcome);
      const missing: string[] = [];
      if (!frameworks.includes("controls")) {
        if (frameworks.includes("unknown"))
          return unverifiable("controls", `the controls of the stack's aws.backup.Framework are unknown ${index.unknownWhen}`);
        missing.push(frameworks.length === 0 ? "no aws.backup.Framework" : "no aws.backup.Framework with controls");
      }
      if (!reportPlans.includes("delivers")) {
        if (reportPlans.includes("unknown")) {
          return unverifiable(
            "reportDeliveryChannel",
            `the report delivery bucket of the stack's aws.backup.ReportPlan is unknown ${index.unknownWhen}`,
          );
        }
        missing.push(reportPlans.length === 0 ? "no aws.backup.ReportPlan" : "no aws.backup.ReportPlan that delivers to an S3 bucket");
      }
      if (missing.length === 0) return SATISFIED;
      return violated(
        `This stack backs up with ${describe(plan)} but has ${missing.join(" and ")}, so nobody is shown whether backups meet their controls; add ${missing.length === 2 ? "a Framework with controls and a ReportPlan with reportDeliveryChannel.s3BucketName" : missing[0]!.includes("Framework") ? "a Framework with controls" : "a ReportPlan with reportDeliveryChannel.s3BucketName"}.`,
      );
    },
  },
);
