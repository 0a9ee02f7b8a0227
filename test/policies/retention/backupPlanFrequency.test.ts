import * as aws from "@pulumi/aws";
import { FixtureStack, ref, unknown } from "../../../kit/fixtures";
import { check } from "../../helpers";

const POLICY = "backup-plan-frequency";
const urn = (name: string) => `urn:pulumi:test::fixture::aws:backup/plan:Plan::${name}`;

type Rule = aws.types.input.backup.PlanRule;

function plan(stack: FixtureStack, name: string, ...rules: Partial<Rule>[]) {
  return stack.add(aws.backup.Plan, name, {
    rules: rules.map((rule, i) => ({ ruleName: `rule-${i}`, targetVaultName: "vault", lifecycle: { deleteAfter: 35 }, ...rule })),
  });
}

describe(POLICY, () => {
  it("accepts a daily, a default, a twice-daily local, a continuous and an hourly schedule, and a plan whose best rule is daily", async () => {
    const stack = new FixtureStack();
    plan(stack, "pass-daily", { schedule: "cron(0 5 ? * * *)" });
    plan(stack, "pass-default-schedule", {});
    plan(stack, "pass-local-twice-daily", { schedule: "cron(0 1,13 ? * * *)", scheduleExpressionTimezone: "Europe/Berlin" });
    plan(stack, "pass-continuous", { schedule: "cron(0 5 1 * ? *)", enableContinuousBackup: true });
    plan(stack, "pass-hourly", { schedule: "cron(15 * ? * * *)" });
    plan(stack, "pass-best-rule", { schedule: "cron(0 5 1 * ? *)" }, { schedule: "cron(0 3 ? * * *)" });
    expect(await check(stack, POLICY)).toEqual([]);
  });

  it("rejects a weekday-only plan (72 hours), a daily local run skipped when daylight saving starts, and one across its end", async () => {
    const stack = new FixtureStack();
    plan(stack, "fail-backup-plan-frequency-weekdays", { schedule: "cron(0 5 ? * MON-FRI *)" }, { schedule: "cron(0 5 1 * ? *)" });
    plan(stack, "fail-backup-plan-frequency-skipped", { schedule: "cron(30 2 ? * * *)", scheduleExpressionTimezone: "America/New_York" });
    plan(stack, "fail-backup-plan-frequency-dst", { schedule: "cron(0 1 ? * * *)", scheduleExpressionTimezone: "America/New_York" });
    expect(await check(stack, POLICY)).toEqual([
      {
        policy: POLICY,
        urn: urn("fail-backup-plan-frequency-dst"),
        message:
          "Plan 'fail-backup-plan-frequency-dst' leaves up to 25 hours between backups (rules[0].schedule, its most frequent rule, in its time zone), more than the maximum of 24 hours; schedule a rule at least every 24 hours (e.g. cron(0 5 ? * * *)) or set enableContinuousBackup: true.",
      },
      {
        policy: POLICY,
        urn: urn("fail-backup-plan-frequency-skipped"),
        message:
          "Plan 'fail-backup-plan-frequency-skipped' leaves up to 47 hours between backups (rules[0].schedule, its most frequent rule, in its time zone), more than the maximum of 24 hours; schedule a rule at least every 24 hours (e.g. cron(0 5 ? * * *)) or set enableContinuousBackup: true.",
      },
      {
        policy: POLICY,
        urn: urn("fail-backup-plan-frequency-weekdays"),
        message:
          "Plan 'fail-backup-plan-frequency-weekdays' leaves up to 72 hours between backups (rules[0].schedule, its most frequent rule, in its time zone), more than the maximum of 24 hours; schedule a rule at least every 24 hours (e.g. cron(0 5 ? * * *)) or set enableContinuousBackup: true.",
      },
    ]);
  });

  it("holds AWS's daily default against a stricter maximum, and a plan without rules or runs", async () => {
    const stack = new FixtureStack();
    plan(stack, "fail-backup-plan-frequency-default", {});
    plan(stack, "pass-12-hours", { schedule: "cron(0 */12 ? * * *)" });
    stack.addType("aws:backup/plan:Plan", "fail-backup-plan-frequency-no-rules", { rules: [] });
    plan(stack, "fail-backup-plan-frequency-past", { schedule: "cron(0 5 ? * * 2020)" });
    expect(await check(stack, POLICY, { [POLICY]: { maxIntervalHours: 12 } })).toEqual([
      {
        policy: POLICY,
        urn: urn("fail-backup-plan-frequency-default"),
        message:
          "Plan 'fail-backup-plan-frequency-default' leaves up to 24 hours between backups (rules[0] has no schedule, so AWS runs it daily at 05:00 UTC), more than the maximum of 12 hours; schedule a rule at least every 12 hours (e.g. cron(0 5 ? * * *)) or set enableContinuousBackup: true.",
      },
      {
        policy: POLICY,
        urn: urn("fail-backup-plan-frequency-no-rules"),
        message:
          "Plan 'fail-backup-plan-frequency-no-rules' has no rules, so it never backs up; add a rule with a schedule such as cron(0 5 ? * * *).",
      },
      {
        policy: POLICY,
        urn: urn("fail-backup-plan-frequency-past"),
        message:
          "Plan 'fail-backup-plan-frequency-past' does not back up in the coming year (rules[0].schedule, its most frequent rule, does not run); schedule a rule at least every 12 hours (e.g. cron(0 5 ? * * *)) or set enableContinuousBackup: true.",
      },
    ]);
  });

  it("rejects an invalid expression or time zone, naming the rule and the problem, even beside a good rule", async () => {
    const stack = new FixtureStack();
    plan(stack, "fail-backup-plan-frequency-bad-cron", { schedule: "cron(0 5 * * * *)" }, { schedule: "cron(0 5 ? * * *)" });
    plan(stack, "fail-backup-plan-frequency-bad-zone", { schedule: "cron(0 5 ? * * *)", scheduleExpressionTimezone: "Mars/Olympus" });
    plan(stack, "fail-backup-plan-frequency-question-mark", { schedule: "cron(? 5 ? * * *)" });
    plan(stack, "fail-backup-plan-frequency-rate", { schedule: "rate(12 hours)" });
    plan(stack, "fail-backup-plan-frequency-too-often", { schedule: "cron(0/30 * ? * * *)" });
    stack.addType("aws:backup/plan:Plan", "fail-backup-plan-frequency-odd", {
      rules: [{ ruleName: "r", targetVaultName: "v", schedule: 5 }],
    });
    expect(await check(stack, POLICY)).toEqual([
      {
        policy: POLICY,
        urn: urn("fail-backup-plan-frequency-bad-cron"),
        message:
          "Plan 'fail-backup-plan-frequency-bad-cron' rules[0].schedule is not a valid AWS Backup schedule (exactly one of its day-of-month and day-of-week fields must be ?); set it to a cron(minutes hours day-of-month month day-of-week year) expression such as cron(0 5 ? * * *).",
      },
      {
        policy: POLICY,
        urn: urn("fail-backup-plan-frequency-bad-zone"),
        message:
          "Plan 'fail-backup-plan-frequency-bad-zone' rules[0].scheduleExpressionTimezone is not an IANA time zone name; set it to one such as Etc/UTC or Europe/Berlin.",
      },
      {
        policy: POLICY,
        urn: urn("fail-backup-plan-frequency-odd"),
        message:
          "Plan 'fail-backup-plan-frequency-odd' sets rules[0].schedule to a number; set it to a cron(minutes hours day-of-month month day-of-week year) expression such as cron(0 5 ? * * *).",
      },
      {
        policy: POLICY,
        urn: urn("fail-backup-plan-frequency-question-mark"),
        message:
          "Plan 'fail-backup-plan-frequency-question-mark' rules[0].schedule is not a valid AWS Backup schedule (the minutes field holds ?, which AWS allows only in day-of-month or day-of-week); set it to a cron(minutes hours day-of-month month day-of-week year) expression such as cron(0 5 ? * * *).",
      },
      {
        policy: POLICY,
        urn: urn("fail-backup-plan-frequency-rate"),
        message:
          "Plan 'fail-backup-plan-frequency-rate' rules[0].schedule is not a valid AWS Backup schedule (AWS Backup takes cron() expressions only, not rate()); set it to a cron(minutes hours day-of-month month day-of-week year) expression such as cron(0 5 ? * * *).",
      },
      {
        policy: POLICY,
        urn: urn("fail-backup-plan-frequency-too-often"),
        message:
          "Plan 'fail-backup-plan-frequency-too-often' rules[0].schedule is not a valid AWS Backup schedule (it runs more than once an hour, and AWS Backup takes schedules at least 60 minutes apart); set it to a cron(minutes hours day-of-month month day-of-week year) expression such as cron(0 5 ? * * *).",
      },
    ]);
  });

  it("reports an unknown schedule or time zone, or a form it cannot evaluate, as a gap unless another rule settles it", async () => {
    const stack = new FixtureStack();
    const parameter = stack.add(aws.ssm.Parameter, "schedule", { type: "String", value: "cron(0 5 ? * * *)" });
    plan(stack, "gap-schedule", { schedule: ref(parameter, "value") });
    plan(stack, "gap-zone", { schedule: "cron(0 5 ? * * *)", scheduleExpressionTimezone: unknown() });
    plan(stack, "gap-unsupported", { schedule: "cron(0 5 LW * ? *)" });
    plan(stack, "pass-settled", { schedule: ref(parameter, "value") }, { schedule: "cron(0 5 ? * * *)" });
    expect(await check(stack, "preview-verification-gaps")).toEqual([
      {
        policy: "preview-verification-gaps",
        urn: urn("gap-schedule"),
        message:
          "Plan 'gap-schedule': 1 control could not be verified during preview:\n- backup-plan-frequency: rules[0].schedule is unknown during preview.",
      },
      {
        policy: "preview-verification-gaps",
        urn: urn("gap-unsupported"),
        message:
          "Plan 'gap-unsupported': 1 control could not be verified during preview:\n- backup-plan-frequency: rules[0].schedule cannot be evaluated: the day-of-month form LW cannot be evaluated.",
      },
      {
        policy: "preview-verification-gaps",
        urn: urn("gap-zone"),
        message:
          "Plan 'gap-zone': 1 control could not be verified during preview:\n- backup-plan-frequency: rules[0].scheduleExpressionTimezone is unknown during preview.",
      },
    ]);
  });

  it("reads an empty schedule or time zone as AWS's default, and an unknown continuous flag as a gap", async () => {
    const stack = new FixtureStack();
    plan(stack, "pass-empty-schedule", { schedule: "", scheduleExpressionTimezone: "" });
    plan(stack, "pass-empty-zone", { schedule: "cron(0 5 ? * * *)", scheduleExpressionTimezone: "" });
    plan(stack, "gap-continuous", { schedule: "cron(0 5 ? * SUN *)", enableContinuousBackup: unknown<boolean>() });
    plan(stack, "pass-continuous-unknown-daily", { schedule: "cron(0 5 ? * * *)", enableContinuousBackup: unknown<boolean>() });
    expect(await check(stack, "preview-verification-gaps")).toEqual([
      {
        policy: "preview-verification-gaps",
        urn: urn("gap-continuous"),
        message:
          "Plan 'gap-continuous': 1 control could not be verified during preview:\n- backup-plan-frequency: rules[0].enableContinuousBackup is unknown during preview.",
      },
    ]);
  });
});
