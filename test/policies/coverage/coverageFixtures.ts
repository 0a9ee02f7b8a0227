/** Shared fixtures of the coverage tests: a plan with a rule, its backup role, and selections of it. */
import * as aws from "@pulumi/aws";
import { ref, type Fixture, type FixtureStack } from "../../../kit/fixtures";

export const BACKUP_TRUST = JSON.stringify({
  Version: "2012-10-17",
  Statement: [{ Effect: "Allow", Principal: { Service: "backup.amazonaws.com" }, Action: "sts:AssumeRole" }],
});

export interface PlanFixture {
  readonly plan: Fixture;
  readonly role: Fixture;
}

/** A vault, a plan with one daily rule into it, and the role AWS Backup assumes. */
export function planWithRule(stack: FixtureStack, name = "plan"): PlanFixture {
  const vault = stack.add(aws.backup.Vault, `${name}-vault`, {});
  const plan = stack.add(aws.backup.Plan, name, {
    rules: [{ ruleName: "daily", targetVaultName: ref(vault, "name"), schedule: "cron(0 5 * * ? *)", lifecycle: { deleteAfter: 35 } }],
  });
  const role = stack.add(aws.iam.Role, `${name}-role`, { assumeRolePolicy: BACKUP_TRUST });
  return { plan, role };
}

/** A selection of the plan, with the plan's role. */
export function selection(
  stack: FixtureStack,
  name: string,
  { plan, role }: PlanFixture,
  args: Omit<aws.backup.SelectionArgs, "planId" | "iamRoleArn"> & Partial<Pick<aws.backup.SelectionArgs, "iamRoleArn">>,
): Fixture {
  return stack.add(aws.backup.Selection, name, { planId: ref(plan, "id"), iamRoleArn: ref(role, "arn"), ...args });
}

export const db = { engine: "postgres", instanceClass: "db.t4g.micro", allocatedStorage: 20, backupRetentionPeriod: 7 };
export const table = { hashKey: "id", attributes: [{ name: "id", type: "S" }], billingMode: "PAY_PER_REQUEST" };

/** A restore testing plan of every vault's latest recovery points. */
export function restoreTestingPlan(stack: FixtureStack, name = "restore-tests"): Fixture {
  return stack.add(aws.backup.RestoreTestingPlan, name, {
    name: name.replace(/-/g, "_"),
    scheduleExpression: "cron(0 1 ? * SUN *)",
    recoveryPointSelection: { algorithm: "LATEST_WITHIN_WINDOW", includeVaults: ["*"], recoveryPointTypes: ["SNAPSHOT"] },
  });
}

/** A restore testing selection of one resource type in a restore testing plan. */
export function restoreTestingSelection(stack: FixtureStack, name: string, testingPlan: Fixture, type: string, role: Fixture): Fixture {
  return stack.add(aws.backup.RestoreTestingSelection, name, {
    name: name.replace(/-/g, "_"),
    restoreTestingPlanName: ref(testingPlan, "name"),
    protectedResourceType: type,
    iamRoleArn: ref(role, "arn"),
    protectedResourceArns: ["*"],
  });
}
