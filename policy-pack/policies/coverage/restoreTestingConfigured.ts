import { backedUpTypesByPlan, restoreTesting } from "../../lib/backup/coverage";
import { listTypes, RESTORE_TESTABLE } from "../../lib/backup/dataStores";
import { defineStackPolicy } from "../../lib/define";
import { SATISFIED, unverifiable, violated, type Outcome } from "../../lib/outcome";
import { describe } from "../../lib/stackIndex";
import { BACKUP_PLAN } from "../../lib/types";

export const restoreTestingConfigured = defineStackPolicy(
  {
    name: "restore-testing-configured",
    description:
      "Every AWS Backup plan must be covered by an aws.backup.RestoreTestingPlan whose restore testing selections test each resource type the plan backs up.",
    severity: "medium",
    area: "coverage",
    nist: ["CP-4", "CP-9(1)"],
    specification:
      "Backup information is tested for media reliability and information integrity, and the contingency plan is tested, so that restores are proven before they are needed (CP-9(1), CP-4).",
    references: ["HIPAA 164.308(a)(7)(ii)(D)"],
    remediationSteps:
      "Add an aws.backup.RestoreTestingPlan (scheduleExpression and recoveryPointSelection) and, for each resource type the plan backs up, an aws.backup.RestoreTestingSelection with restoreTestingPlanName set to the testing plan's name, protectedResourceType (RDS, Aurora, DynamoDB, EBS, EC2, EFS, FSx, DocumentDB, Neptune, S3) and protectedResourceArns or protectedResourceConditions. AWS Backup does not test restores by itself.",
    remediation: {
      notFixed: "a restore testing plan and its selections are new resources, and restore tests create (and bill) restored resources.",
    },
    url: "https://docs.aws.amazon.com/aws-backup/latest/devguide/restore-testing.html",
    config: {},
  },
  {
    subjects: ({ index }) => index.ofType(BACKUP_PLAN),
    check(plan, { index }): Outcome {
      const who = describe(plan);
      const testing = restoreTesting(index);
      // Restore testing takes only these protectedResourceType values (no Redshift): ask for no test AWS rejects.
      const backedUp = [...(backedUpTypesByPlan(index).get(plan.urn)?.keys() ?? [])].filter((type) => RESTORE_TESTABLE.has(type)).sort();
      if (testing.plans.length === 0) {
        const what =
          backedUp.length > 0 ? `its ${listTypes(backedUp)} backups are never restored to prove they work` : "no restore is ever tested";
        return violated(
          `${who} has no aws.backup.RestoreTestingPlan in this stack, so ${what}; add a RestoreTestingPlan with a RestoreTestingSelection for each resource type the plan backs up.`,
        );
      }
      const missing = backedUp.filter((type) => !testing.types.has(type));
      if (missing.length === 0) return SATISFIED;
      if (testing.open) {
        return unverifiable(
          testing.open.property,
          `${testing.open.property} of RestoreTestingSelection '${testing.open.selection.name}' is unknown ${index.unknownWhen}, so it may test ${listTypes(missing)}`,
        );
      }
      const add =
        missing.length === 1
          ? `a RestoreTestingSelection with protectedResourceType "${missing[0]!}"`
          : `one RestoreTestingSelection per type, with protectedResourceType ${missing.map((type) => `"${type}"`).join(", ")}`;
      return violated(
        `${who} backs up ${listTypes(missing)} resources that no aws.backup.RestoreTestingSelection tests; add ${add}, to a RestoreTestingPlan.`,
      );
    },
  },
);
