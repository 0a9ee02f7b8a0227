import { DYNAMODB_TABLE, RDS_CLUSTER, RDS_INSTANCE } from "../../lib/backup/dataStores";
import { integerField } from "../../lib/config";
import { defineResourcePolicy } from "../../lib/define";
import { SATISFIED, unverifiable, violated, type Outcome } from "../../lib/outcome";
import { describe, type IndexedResource } from "../../lib/stackIndex";
import { union } from "../../lib/types";
import { booleanField, getPath, isUnknown, numberField, type Value } from "../../lib/values";

// CreateDBInstance and CreateDBCluster keep automated backups for 1 day unless told otherwise.
const AWS_DEFAULT_RETENTION_DAYS = 1;
// DynamoDB keeps point-in-time recovery for 35 days unless recoveryPeriodInDays says otherwise.
const AWS_DEFAULT_PITR_DAYS = 35;

function unknownOutcome(property: string): Outcome {
  return unverifiable(property, `${property} is unknown during preview`);
}

function retention(resource: IndexedResource, minDays: number): Outcome {
  const who = describe(resource);
  const days = numberField(resource.props.backupRetentionPeriod);
  switch (days.state) {
    case "unknown":
      return unknownOutcome("backupRetentionPeriod");
    case "invalid":
      return violated(`${who} sets backupRetentionPeriod to ${days.found}; set it to a number of days of at least ${minDays}.`);
    case "absent":
      return AWS_DEFAULT_RETENTION_DAYS >= minDays
        ? SATISFIED
        : violated(
            `${who} does not set backupRetentionPeriod, so AWS keeps its automated backups for ${AWS_DEFAULT_RETENTION_DAYS} day; set backupRetentionPeriod to at least ${minDays}.`,
          );
    case "known":
      if (days.value === 0) {
        return violated(`${who} sets backupRetentionPeriod to 0, which turns automated backups off; set it to at least ${minDays}.`);
      }
      return days.value >= minDays
        ? SATISFIED
        : violated(
            `${who} keeps its automated backups for ${days.value} days (backupRetentionPeriod), fewer than the minimum of ${minDays}; set backupRetentionPeriod to at least ${minDays}.`,
          );
  }
}

/**
 * What survives deleting the database: AWS removes automated backups with it unless
 * `deleteAutomatedBackups` is false (the default is true), and takes a final snapshot
 * unless `skipFinalSnapshot` is true. With both gone, a deletion leaves no backup.
 */
function keptOnDelete(resource: IndexedResource): Outcome {
  const deleteBackups = booleanField(resource.props.deleteAutomatedBackups);
  const skipFinal = booleanField(resource.props.skipFinalSnapshot);
  if (deleteBackups.state === "known" && !deleteBackups.value) return SATISFIED;
  if (skipFinal.state === "absent" || (skipFinal.state === "known" && !skipFinal.value)) return SATISFIED;
  if (deleteBackups.state === "unknown") return unknownOutcome("deleteAutomatedBackups");
  if (skipFinal.state === "unknown") return unknownOutcome("skipFinalSnapshot");
  const who = describe(resource);
  if (deleteBackups.state === "invalid") {
    return violated(`${who} sets deleteAutomatedBackups to ${deleteBackups.found}; set deleteAutomatedBackups: false.`);
  }
  if (skipFinal.state === "invalid") {
    return violated(`${who} sets skipFinalSnapshot to ${skipFinal.found}; set skipFinalSnapshot: false with a finalSnapshotIdentifier.`);
  }
  const deletes = deleteBackups.state === "absent" ? "deleteAutomatedBackups defaults to true" : "deleteAutomatedBackups is true";
  return violated(
    `${who} deletes its automated backups with it (${deletes}) and skips the final snapshot (skipFinalSnapshot is true), so deleting it leaves no backup; set deleteAutomatedBackups: false, or skipFinalSnapshot: false with a finalSnapshotIdentifier.`,
  );
}

/** A read replica's backups are the source database's; its own retention is not what protects the data. */
function isReadReplica(value: Value | undefined): boolean {
  return isUnknown(value) || (typeof value === "string" && value !== "");
}

function pointInTimeRecovery(table: IndexedResource, minDays: number): Outcome {
  const who = describe(table);
  const block = table.props.pointInTimeRecovery;
  if (isUnknown(block)) return unknownOutcome("pointInTimeRecovery");
  const enabled = booleanField(getPath(block, ["enabled"]));
  if (enabled.state === "unknown") return unknownOutcome("pointInTimeRecovery.enabled");
  if (enabled.state !== "known" || !enabled.value) {
    return violated(
      `${who} does not enable point-in-time recovery (pointInTimeRecovery.enabled), so only on-demand backups could restore it; set pointInTimeRecovery: { enabled: true }.`,
    );
  }
  const period = numberField(getPath(block, ["recoveryPeriodInDays"]));
  if (period.state === "unknown") return unknownOutcome("pointInTimeRecovery.recoveryPeriodInDays");
  if (period.state === "invalid") {
    return violated(
      `${who} sets pointInTimeRecovery.recoveryPeriodInDays to ${period.found}; set it to a number of days of at least ${minDays}.`,
    );
  }
  const days = period.state === "known" ? period.value : AWS_DEFAULT_PITR_DAYS;
  return days >= minDays
    ? SATISFIED
    : violated(
        `${who} keeps point-in-time recovery for ${days} days (pointInTimeRecovery.recoveryPeriodInDays), fewer than the minimum of ${minDays}; set recoveryPeriodInDays to at least ${minDays}.`,
      );
}

export const dataStoreNativeBackupsEnabled = defineResourcePolicy(
  {
    name: "data-store-native-backups-enabled",
    description:
      "Every RDS DB instance and cluster must keep automated backups for at least the configured minimum and keep a backup when deleted, and every DynamoDB table must have point-in-time recovery on.",
    severity: "medium",
    area: "coverage",
    nist: ["CP-9", "CP-10"],
    specification:
      "System-level information is backed up at a defined frequency and the system can be recovered to a known state after a disruption (CP-9, CP-10).",
    remediationSteps:
      "On aws.rds.Instance and aws.rds.Cluster set backupRetentionPeriod to at least the minimum (AWS keeps 1 day by default) and deleteAutomatedBackups: false (or keep the final snapshot: skipFinalSnapshot: false with a finalSnapshotIdentifier). On aws.dynamodb.Table set pointInTimeRecovery: { enabled: true } with a recoveryPeriodInDays of at least the minimum (35 by default).",
    remediation: {
      notFixed:
        "turning automated RDS backups on restarts the instance, longer retention and point-in-time recovery add cost, and a final snapshot changes how a database is deleted: the owner decides when.",
    },
    url: "https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_WorkingWithAutomatedBackups.html",
    config: {
      minRetentionDays: integerField("Fewest days of automated RDS backups and DynamoDB point-in-time recovery to keep.", 7, 1, 35),
    },
  },
  {
    resourceTypes: union(RDS_INSTANCE, RDS_CLUSTER, DYNAMODB_TABLE),
    check(resource, { config }): readonly Outcome[] | undefined {
      if (DYNAMODB_TABLE.has(resource.type)) return [pointInTimeRecovery(resource, config.minRetentionDays)];
      if (RDS_INSTANCE.has(resource.type)) {
        if (isReadReplica(resource.props.replicateSourceDb)) return undefined;
      }
      return [retention(resource, config.minRetentionDays), keptOnDelete(resource)];
    },
  },
);
