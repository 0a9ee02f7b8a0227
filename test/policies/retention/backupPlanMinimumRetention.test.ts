import * as aws from "@pulumi/aws";
import { FixtureStack, ref, unknown } from "../../../kit/fixtures";
import { check } from "../../helpers";

const POLICY = "backup-plan-minimum-retention";
const urn = (name: string) => `urn:pulumi:test::fixture::aws:backup/plan:Plan::${name}`;

type Rule = aws.types.input.backup.PlanRule;

function plan(stack: FixtureStack, name: string, ...rules: Partial<Rule>[]) {
  return stack.add(aws.backup.Plan, name, {
    rules: rules.map((rule, i) => ({ ruleName: `rule-${i}`, targetVaultName: "vault", schedule: "cron(0 5 ? * * *)", ...rule })),
  });
}

describe(POLICY, () => {
  it("accepts 35 days, cold storage + 90, copies with their own retention, and points that never expire", async () => {
    const stack = new FixtureStack();
    plan(stack, "pass-35-days", { lifecycle: { deleteAfter: 35 } });
    plan(stack, "pass-cold-storage", { lifecycle: { coldStorageAfter: 30, deleteAfter: 120 } });
    plan(stack, "pass-never-expires", {});
    plan(stack, "pass-copy", {
      lifecycle: { deleteAfter: 35 },
      copyActions: [{ destinationVaultArn: "arn:aws:backup:us-west-2:111122223333:backup-vault:dr", lifecycle: { deleteAfter: 365 } }],
    });
    plan(stack, "pass-copy-never-expires", {
      lifecycle: { deleteAfter: 40 },
      copyActions: [{ destinationVaultArn: "arn:aws:backup:us-west-2:111122223333:backup-vault:dr" }],
    });
    expect(await check(stack, POLICY)).toEqual([]);
  });

  it("rejects 34 days, cold storage + 89 and a short copy, naming the rule and copy by position", async () => {
    const stack = new FixtureStack();
    plan(stack, "fail-backup-plan-minimum-retention-34-days", { lifecycle: { deleteAfter: 35 } }, { lifecycle: { deleteAfter: 34 } });
    plan(stack, "fail-backup-plan-minimum-retention-cold", { lifecycle: { coldStorageAfter: 30, deleteAfter: 119 } });
    plan(stack, "fail-backup-plan-minimum-retention-copy", {
      lifecycle: { deleteAfter: 35 },
      copyActions: [
        { destinationVaultArn: "arn:aws:backup:us-west-2:111122223333:backup-vault:dr", lifecycle: { deleteAfter: 35 } },
        { destinationVaultArn: "arn:aws:backup:eu-west-1:111122223333:backup-vault:dr", lifecycle: { deleteAfter: 7 } },
      ],
    });
    expect(await check(stack, POLICY)).toEqual([
      {
        policy: POLICY,
        urn: urn("fail-backup-plan-minimum-retention-34-days"),
        message:
          "Plan 'fail-backup-plan-minimum-retention-34-days' rules[1] keeps recovery points for 34 days, less than the minimum of 35; set rules[1].lifecycle.deleteAfter to 35 or more.",
      },
      {
        policy: POLICY,
        urn: urn("fail-backup-plan-minimum-retention-cold"),
        message:
          "Plan 'fail-backup-plan-minimum-retention-cold' rules[0] deletes recovery points after 119 days but moves them to cold storage after 30, and AWS keeps cold-storage points at least 90 days; set rules[0].lifecycle.deleteAfter to 120 or more (coldStorageAfter + 90).",
      },
      {
        policy: POLICY,
        urn: urn("fail-backup-plan-minimum-retention-copy"),
        message:
          "Plan 'fail-backup-plan-minimum-retention-copy' rules[0].copyActions[1] keeps copied recovery points for 7 days, less than the minimum of 35; set rules[0].copyActions[1].lifecycle.deleteAfter to 35 or more.",
      },
    ]);
  });

  it("holds the maximum and requireExpiry when configured, including points that never expire", async () => {
    const stack = new FixtureStack();
    plan(stack, "pass-within-bounds", { lifecycle: { deleteAfter: 365 } });
    plan(stack, "fail-backup-plan-minimum-retention-too-long", { lifecycle: { deleteAfter: 366 } });
    plan(stack, "fail-backup-plan-minimum-retention-forever", {});
    expect(await check(stack, POLICY, { [POLICY]: { maxRetentionDays: 365 } })).toEqual([
      {
        policy: POLICY,
        urn: urn("fail-backup-plan-minimum-retention-forever"),
        message:
          "Plan 'fail-backup-plan-minimum-retention-forever' rules[0] never expires recovery points (no rules[0].lifecycle.deleteAfter) but the maximum is 365 days; set rules[0].lifecycle.deleteAfter to a number of days from 35 to 365.",
      },
      {
        policy: POLICY,
        urn: urn("fail-backup-plan-minimum-retention-too-long"),
        message:
          "Plan 'fail-backup-plan-minimum-retention-too-long' rules[0] keeps recovery points for 366 days, more than the maximum of 365; set rules[0].lifecycle.deleteAfter to 365 or less.",
      },
    ]);
    const strict = new FixtureStack();
    // A copy action without a lifecycle keeps the rule's: here, none.
    plan(strict, "fail-backup-plan-minimum-retention-no-expiry", {
      copyActions: [{ destinationVaultArn: "arn:aws:backup:us-west-2:111122223333:backup-vault:dr" }],
    });
    expect(await check(strict, POLICY, { [POLICY]: { requireExpiry: true, minRetentionDays: 30 } })).toEqual([
      {
        policy: POLICY,
        urn: urn("fail-backup-plan-minimum-retention-no-expiry"),
        message:
          "Plan 'fail-backup-plan-minimum-retention-no-expiry' rules[0] never expires recovery points (no rules[0].lifecycle.deleteAfter) but expiry is required; set rules[0].lifecycle.deleteAfter to a number of days of at least 30.",
      },
      {
        policy: POLICY,
        urn: urn("fail-backup-plan-minimum-retention-no-expiry"),
        message:
          "Plan 'fail-backup-plan-minimum-retention-no-expiry' rules[0].copyActions[0] never expires copied recovery points (no rules[0].copyActions[0].lifecycle.deleteAfter) but expiry is required; set rules[0].copyActions[0].lifecycle.deleteAfter to a number of days of at least 30.",
      },
    ]);
  });

  it("rejects a retention that is not a number without echoing it", async () => {
    const stack = new FixtureStack();
    stack.addType("aws:backup/plan:Plan", "fail-backup-plan-minimum-retention-odd", {
      rules: [{ ruleName: "r", targetVaultName: "v", lifecycle: { deleteAfter: "thirty" } }],
    });
    stack.addType("aws:backup/plan:Plan", "fail-backup-plan-minimum-retention-not-a-list", { rules: "daily" });
    expect(await check(stack, POLICY)).toEqual([
      {
        policy: POLICY,
        urn: urn("fail-backup-plan-minimum-retention-not-a-list"),
        message: "Plan 'fail-backup-plan-minimum-retention-not-a-list' sets rules to a string; set rules to a list of backup rules.",
      },
      {
        policy: POLICY,
        urn: urn("fail-backup-plan-minimum-retention-odd"),
        message:
          "Plan 'fail-backup-plan-minimum-retention-odd' rules[0] sets rules[0].lifecycle.deleteAfter to a string; set it to a whole number of days of at least 35.",
      },
    ]);
  });

  it("reports retention computed from another resource as a gap, never a violation", async () => {
    const stack = new FixtureStack();
    const days = stack.add(aws.ssm.Parameter, "retention-days", { type: "String", value: "30" });
    plan(stack, "gap-retention", { lifecycle: { deleteAfter: ref(days, "value") as unknown as number } });
    plan(stack, "gap-copies", { lifecycle: { deleteAfter: 35 }, copyActions: unknown() });
    expect(await check(stack, "preview-verification-gaps")).toEqual([
      {
        policy: "preview-verification-gaps",
        urn: urn("gap-copies"),
        message:
          "Plan 'gap-copies': 2 controls could not be verified during preview:\n- backup-plan-cross-region-copy: rules[0].copyActions is unknown during preview.\n- backup-plan-minimum-retention: rules[0].copyActions is unknown during preview.",
      },
      {
        policy: "preview-verification-gaps",
        urn: urn("gap-retention"),
        message:
          "Plan 'gap-retention': 1 control could not be verified during preview:\n- backup-plan-minimum-retention: rules[0].lifecycle.deleteAfter is unknown during preview.",
      },
    ]);
  });

  it("reads 0 and -1 as unset (the provider sends no 0; -1 keeps points indefinitely) and lets a copy without a lifecycle keep the rule's", async () => {
    const stack = new FixtureStack();
    const dr = "arn:aws:backup:us-west-2:111122223333:backup-vault:dr";
    plan(stack, "pass-cold-storage-zero", { lifecycle: { coldStorageAfter: 0, deleteAfter: 35 } });
    plan(stack, "pass-cold-storage-minus-one", { lifecycle: { coldStorageAfter: -1, deleteAfter: 35 } });
    plan(stack, "pass-delete-zero", { lifecycle: { coldStorageAfter: 0, deleteAfter: 0 } });
    plan(stack, "pass-copy-inherits", { lifecycle: { deleteAfter: 35 }, copyActions: [{ destinationVaultArn: dr }] });
    expect(await check(stack, POLICY)).toEqual([]);
    const bounded = new FixtureStack();
    plan(bounded, "fail-backup-plan-minimum-retention-copy-inherits", {
      lifecycle: { deleteAfter: 40 },
      copyActions: [{ destinationVaultArn: dr }],
    });
    expect(await check(bounded, POLICY, { [POLICY]: { maxRetentionDays: 36 } })).toEqual([
      {
        policy: POLICY,
        urn: urn("fail-backup-plan-minimum-retention-copy-inherits"),
        message:
          "Plan 'fail-backup-plan-minimum-retention-copy-inherits' rules[0] keeps recovery points for 40 days, more than the maximum of 36; set rules[0].lifecycle.deleteAfter to 36 or less.",
      },
      {
        policy: POLICY,
        urn: urn("fail-backup-plan-minimum-retention-copy-inherits"),
        message:
          "Plan 'fail-backup-plan-minimum-retention-copy-inherits' rules[0].copyActions[0] keeps copied recovery points for 40 days, more than the maximum of 36; set rules[0].copyActions[0].lifecycle.deleteAfter to 36 or less.",
      },
    ]);
  });
});
