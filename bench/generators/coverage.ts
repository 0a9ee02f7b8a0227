import * as aws from "@pulumi/aws";
import { ref } from "../../kit/fixtures";
import type { Generator } from ".";

/**
 * Coverage: eight data stores of several kinds, a plan with a rule and its backup role,
 * and one selection of them (about one selection per ten resources), by ARN edges, by a
 * selection tag, or by a wildcard refined by a tag condition; some stores stay unselected.
 */
export const coverage: Generator = (stack, i) => {
  const tags = { backup: `daily-${i}`, unit: `${i}` };
  const db = stack.add(aws.rds.Instance, `db-${i}`, {
    identifier: `db-${i}`,
    engine: "postgres",
    instanceClass: "db.t4g.micro",
    allocatedStorage: 20,
    backupRetentionPeriod: i % 4 === 0 ? 1 : 7,
    deleteAutomatedBackups: false,
    storageEncrypted: i % 5 !== 0,
    tags,
  });
  const table = stack.add(aws.dynamodb.Table, `table-${i}`, {
    name: `table-${i}`,
    hashKey: "id",
    attributes: [{ name: "id", type: "S" }],
    pointInTimeRecovery: { enabled: i % 3 !== 0 },
    tags,
  });
  stack.add(aws.efs.FileSystem, `files-${i}`, { tags });
  stack.add(aws.ebs.Volume, `volume-${i}`, { availabilityZone: "us-east-1a", size: 8, encrypted: true, tags });
  stack.add(aws.ec2.Instance, `server-${i}`, { ami: "ami-12345678", instanceType: "t3.micro", tags });
  stack.add(aws.docdb.Cluster, `docs-${i}`, { clusterIdentifier: `docs-${i}`, storageEncrypted: true, tags });
  stack.add(aws.fsx.LustreFileSystem, `lustre-${i}`, { subnetIds: "subnet-12345678", storageCapacity: 1200, tags });
  stack.add(aws.redshift.Cluster, `warehouse-${i}`, { clusterIdentifier: `warehouse-${i}`, nodeType: "ra3.xlplus", tags });
  const plan = stack.add(aws.backup.Plan, `plan-${i}`, {
    rules: [{ ruleName: "daily", targetVaultName: `vault-${i}`, schedule: "cron(0 5 ? * * *)", lifecycle: { deleteAfter: 35 } }],
  });
  const role = stack.add(aws.iam.Role, `coverage-backup-role-${i}`, {
    assumeRolePolicy: JSON.stringify({
      Statement: [{ Effect: "Allow", Principal: { Service: "backup.amazonaws.com" }, Action: "sts:AssumeRole" }],
    }),
  });
  const base = { planId: ref(plan, "id"), iamRoleArn: ref(role, "arn") };
  if (i % 3 === 0) {
    stack.add(aws.backup.Selection, `selection-${i}`, { ...base, resources: [ref(db, "arn"), ref(table, "arn")] });
  } else if (i % 3 === 1) {
    stack.add(aws.backup.Selection, `selection-${i}`, {
      ...base,
      selectionTags: [{ type: "STRINGEQUALS", key: "backup", value: `daily-${i}` }],
    });
  } else {
    stack.add(aws.backup.Selection, `selection-${i}`, {
      ...base,
      resources: ["arn:aws:ec2:*:*:volume/*", "arn:aws:rds:*:*:db:*"],
      conditions: [{ stringEquals: [{ key: "aws:ResourceTag/unit", value: `${i}` }] }],
    });
  }
};
