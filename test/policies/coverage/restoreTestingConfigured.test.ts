import * as aws from "@pulumi/aws";
import { FixtureStack, ref, unknown } from "../../../kit/fixtures";
import { check, GAPS, urnOf } from "../../helpers";
import { db, planWithRule, restoreTestingPlan, restoreTestingSelection, selection, table } from "./coverageFixtures";

const POLICY = "restore-testing-configured";
const PLAN = "aws:backup/plan:Plan";

function backedUp(stack: FixtureStack) {
  const plan = planWithRule(stack);
  const database = stack.add(aws.rds.Instance, "database", db);
  stack.add(aws.dynamodb.Table, "sessions", table);
  selection(stack, "everything", plan, { resources: [ref(database, "arn"), "arn:aws:dynamodb:*:*:table/*"] });
  return plan;
}

describe(POLICY, () => {
  it("accepts a plan whose every backed-up resource type has a restore testing selection", async () => {
    const stack = new FixtureStack();
    const plan = backedUp(stack);
    const testing = restoreTestingPlan(stack);
    restoreTestingSelection(stack, "test-rds", testing, "RDS", plan.role);
    restoreTestingSelection(stack, "test-dynamodb", testing, "DynamoDB", plan.role);
    expect(await check(stack, [POLICY, GAPS])).toEqual([]);
  });

  it("rejects plans without any restore testing plan, with or without resources they back up", async () => {
    const stack = new FixtureStack();
    backedUp(stack);
    planWithRule(stack, "idle-plan");
    expect(await check(stack, POLICY)).toEqual([
      {
        policy: POLICY,
        urn: urnOf(stack, PLAN, "idle-plan"),
        message:
          "Plan 'idle-plan' has no aws.backup.RestoreTestingPlan in this stack, so no restore is ever tested; add a RestoreTestingPlan with a RestoreTestingSelection for each resource type the plan backs up.",
      },
      {
        policy: POLICY,
        urn: urnOf(stack, PLAN, "plan"),
        message:
          "Plan 'plan' has no aws.backup.RestoreTestingPlan in this stack, so its DynamoDB and RDS backups are never restored to prove they work; add a RestoreTestingPlan with a RestoreTestingSelection for each resource type the plan backs up.",
      },
    ]);
  });

  it("rejects a plan that backs up a type no restore testing selection tests, and ignores selections of another stack's testing plan", async () => {
    const stack = new FixtureStack();
    const plan = backedUp(stack);
    const testing = restoreTestingPlan(stack);
    restoreTestingSelection(stack, "test-rds", testing, "RDS", plan.role);
    stack.add(aws.backup.RestoreTestingSelection, "elsewhere", {
      name: "elsewhere",
      restoreTestingPlanName: "other_stack_plan",
      protectedResourceType: "DynamoDB",
      iamRoleArn: ref(plan.role, "arn"),
      protectedResourceArns: ["*"],
    });
    expect(await check(stack, POLICY)).toEqual([
      {
        policy: POLICY,
        urn: urnOf(stack, PLAN, "plan"),
        message:
          "Plan 'plan' backs up DynamoDB resources that no aws.backup.RestoreTestingSelection tests; add a RestoreTestingSelection with protectedResourceType \"DynamoDB\", to a RestoreTestingPlan.",
      },
    ]);
  });

  it("reports a restore testing type unknown at preview as a gap", async () => {
    const stack = new FixtureStack();
    const plan = backedUp(stack);
    const testing = restoreTestingPlan(stack);
    restoreTestingSelection(stack, "test-rds", testing, "RDS", plan.role);
    restoreTestingSelection(stack, "test-computed", testing, unknown(), plan.role);
    expect(await check(stack, [POLICY, GAPS])).toEqual([
      {
        policy: GAPS,
        urn: urnOf(stack, PLAN, "plan"),
        message:
          "Plan 'plan': 1 control could not be verified during preview:\n- restore-testing-configured: protectedResourceType of RestoreTestingSelection 'test-computed' is unknown during preview, so it may test DynamoDB.",
      },
    ]);
  });

  it("asks for no restore test of Redshift, which restore testing does not take", async () => {
    const stack = new FixtureStack();
    const plan = planWithRule(stack);
    const warehouse = stack.add(aws.redshift.Cluster, "pass-warehouse", { clusterIdentifier: "wh", nodeType: "ra3.xlplus" });
    selection(stack, "warehouse", plan, { resources: [ref(warehouse, "arn")] });
    const testing = restoreTestingPlan(stack);
    restoreTestingSelection(stack, "ebs_tests", testing, "EBS", plan.role);
    expect(await check(stack, [POLICY, GAPS])).toEqual([]);
  });
});
