import * as aws from "@pulumi/aws";
import { FixtureStack, ref, unknown } from "../../../kit/fixtures";
import { check, GAPS, urnOf } from "../../helpers";

const POLICY = "data-store-native-backups-enabled";
const INSTANCE = "aws:rds/instance:Instance";
const CLUSTER = "aws:rds/cluster:Cluster";
const TABLE = "aws:dynamodb/table:Table";

const db = { engine: "postgres", instanceClass: "db.t4g.micro", allocatedStorage: 20 };
const compliantDb = { ...db, backupRetentionPeriod: 7, deleteAutomatedBackups: false };
const table = { hashKey: "id", attributes: [{ name: "id", type: "S" }], billingMode: "PAY_PER_REQUEST" };

describe(POLICY, () => {
  it("accepts databases that keep a week of backups and survive deletion, and tables with point-in-time recovery", async () => {
    const stack = new FixtureStack();
    stack.add(aws.rds.Instance, "pass-instance", compliantDb);
    stack.add(aws.rds.Instance, "pass-final-snapshot", { ...db, backupRetentionPeriod: 14, finalSnapshotIdentifier: "final" });
    stack.add(aws.rds.Instance, "pass-final-snapshot-explicit", { ...db, backupRetentionPeriod: 35, skipFinalSnapshot: false });
    const source = stack.add(aws.rds.Instance, "pass-source", compliantDb);
    stack.add(aws.rds.Instance, "pass-read-replica", { instanceClass: "db.t4g.micro", replicateSourceDb: ref(source, "identifier") });
    stack.add(aws.rds.Cluster, "pass-cluster", { engine: "aurora-postgresql", backupRetentionPeriod: 7, skipFinalSnapshot: false });
    stack.add(aws.dynamodb.Table, "pass-table", { ...table, pointInTimeRecovery: { enabled: true } });
    stack.add(aws.dynamodb.Table, "pass-table-period", { ...table, pointInTimeRecovery: { enabled: true, recoveryPeriodInDays: 7 } });
    expect(await check(stack, POLICY)).toEqual([]);
  });

  it("rejects short, default and disabled RDS retention", async () => {
    const stack = new FixtureStack();
    stack.add(aws.rds.Instance, "fail-short", { ...compliantDb, backupRetentionPeriod: 3 });
    stack.add(aws.rds.Instance, "fail-default", { ...db, deleteAutomatedBackups: false });
    stack.add(aws.rds.Cluster, "fail-off", { engine: "aurora-mysql", backupRetentionPeriod: 0, deleteAutomatedBackups: false });
    expect(await check(stack, POLICY)).toEqual([
      {
        policy: POLICY,
        urn: urnOf(stack, CLUSTER, "fail-off"),
        message: "Cluster 'fail-off' sets backupRetentionPeriod to 0, which turns automated backups off; set it to at least 7.",
      },
      {
        policy: POLICY,
        urn: urnOf(stack, INSTANCE, "fail-default"),
        message:
          "Instance 'fail-default' does not set backupRetentionPeriod, so AWS keeps its automated backups for 1 day; set backupRetentionPeriod to at least 7.",
      },
      {
        policy: POLICY,
        urn: urnOf(stack, INSTANCE, "fail-short"),
        message:
          "Instance 'fail-short' keeps its automated backups for 3 days (backupRetentionPeriod), fewer than the minimum of 7; set backupRetentionPeriod to at least 7.",
      },
    ]);
  });

  it("rejects a database whose deletion would leave no backup, by default or explicitly", async () => {
    const stack = new FixtureStack();
    stack.add(aws.rds.Instance, "fail-default-delete", { ...db, backupRetentionPeriod: 7, skipFinalSnapshot: true });
    stack.add(aws.rds.Cluster, "fail-explicit-delete", {
      engine: "postgres",
      backupRetentionPeriod: 7,
      deleteAutomatedBackups: true,
      skipFinalSnapshot: true,
    });
    expect(await check(stack, POLICY)).toEqual([
      {
        policy: POLICY,
        urn: urnOf(stack, CLUSTER, "fail-explicit-delete"),
        message:
          "Cluster 'fail-explicit-delete' deletes its automated backups with it (deleteAutomatedBackups is true) and skips the final snapshot (skipFinalSnapshot is true), so deleting it leaves no backup; set deleteAutomatedBackups: false, or skipFinalSnapshot: false with a finalSnapshotIdentifier.",
      },
      {
        policy: POLICY,
        urn: urnOf(stack, INSTANCE, "fail-default-delete"),
        message:
          "Instance 'fail-default-delete' deletes its automated backups with it (deleteAutomatedBackups defaults to true) and skips the final snapshot (skipFinalSnapshot is true), so deleting it leaves no backup; set deleteAutomatedBackups: false, or skipFinalSnapshot: false with a finalSnapshotIdentifier.",
      },
    ]);
  });

  it("rejects tables without point-in-time recovery or with a short recovery period, and takes the configured minimum", async () => {
    const stack = new FixtureStack();
    stack.add(aws.dynamodb.Table, "fail-no-pitr", table);
    stack.add(aws.dynamodb.Table, "fail-pitr-off", { ...table, pointInTimeRecovery: { enabled: false } });
    stack.add(aws.dynamodb.Table, "fail-pitr-short", { ...table, pointInTimeRecovery: { enabled: true, recoveryPeriodInDays: 10 } });
    stack.add(aws.rds.Instance, "fail-under-14", compliantDb);
    const noPitr = (name: string) =>
      `Table '${name}' does not enable point-in-time recovery (pointInTimeRecovery.enabled), so only on-demand backups could restore it; set pointInTimeRecovery: { enabled: true }.`;
    expect(await check(stack, POLICY, { [POLICY]: { minRetentionDays: 14 } })).toEqual([
      {
        policy: POLICY,
        urn: urnOf(stack, TABLE, "fail-no-pitr"),
        message: noPitr("fail-no-pitr"),
      },
      {
        policy: POLICY,
        urn: urnOf(stack, TABLE, "fail-pitr-off"),
        message: noPitr("fail-pitr-off"),
      },
      {
        policy: POLICY,
        urn: urnOf(stack, TABLE, "fail-pitr-short"),
        message:
          "Table 'fail-pitr-short' keeps point-in-time recovery for 10 days (pointInTimeRecovery.recoveryPeriodInDays), fewer than the minimum of 14; set recoveryPeriodInDays to at least 14.",
      },
      {
        policy: POLICY,
        urn: urnOf(stack, INSTANCE, "fail-under-14"),
        message:
          "Instance 'fail-under-14' keeps its automated backups for 7 days (backupRetentionPeriod), fewer than the minimum of 14; set backupRetentionPeriod to at least 14.",
      },
    ]);
  });

  it("names a malformed value without echoing it", async () => {
    const stack = new FixtureStack();
    stack.addType(INSTANCE, "fail-odd-retention", { ...db, backupRetentionPeriod: "a week", deleteAutomatedBackups: false });
    expect(await check(stack, POLICY)).toEqual([
      {
        policy: POLICY,
        urn: urnOf(stack, INSTANCE, "fail-odd-retention"),
        message: "Instance 'fail-odd-retention' sets backupRetentionPeriod to a string; set it to a number of days of at least 7.",
      },
    ]);
  });

  it("reports retention and point-in-time recovery computed from other resources as gaps", async () => {
    const stack = new FixtureStack();
    const setting = stack.add(aws.ssm.Parameter, "retention", { type: "String", value: "7" });
    stack.add(aws.rds.Instance, "gap-retention", { ...compliantDb, backupRetentionPeriod: ref(setting, "value") as unknown as number });
    stack.add(aws.dynamodb.Table, "gap-pitr", { ...table, pointInTimeRecovery: { enabled: unknown<boolean>() } });
    expect(await check(stack, [POLICY, GAPS])).toEqual([
      {
        policy: "preview-verification-gaps",
        urn: urnOf(stack, TABLE, "gap-pitr"),
        message:
          "Table 'gap-pitr': 1 control could not be verified during preview:\n- data-store-native-backups-enabled: pointInTimeRecovery.enabled is unknown during preview.",
      },
      {
        policy: "preview-verification-gaps",
        urn: urnOf(stack, INSTANCE, "gap-retention"),
        message:
          "Instance 'gap-retention': 1 control could not be verified during preview:\n- data-store-native-backups-enabled: backupRetentionPeriod is unknown during preview.",
      },
    ]);
  });
});
