import { planRules, type PlanRule } from "../../lib/backup/plans";
import { AWS_DEFAULT_SCHEDULE, AWS_DEFAULT_TIMEZONE, isTimeZone, longestGapHours, parseSchedule } from "../../lib/backup/schedules";
import { integerField } from "../../lib/config";
import { defineResourcePolicy } from "../../lib/define";
import { SATISFIED, unverifiable, violated, type Outcome } from "../../lib/outcome";
import { describe } from "../../lib/stackIndex";
import { BACKUP_PLAN } from "../../lib/types";

const EXAMPLE = `set it to a cron(minutes hours day-of-month month day-of-week year) expression such as ${AWS_DEFAULT_SCHEDULE}`;
const YEAR_HOURS = 366 * 24;

/** How often one rule backs up, or why that cannot be said. */
type RuleFrequency =
  | { readonly kind: "continuous" }
  | { readonly kind: "gap"; readonly hours: number; readonly defaulted: boolean }
  | { readonly kind: "violated"; readonly outcome: Outcome }
  | { readonly kind: "unverifiable"; readonly outcome: Outcome };

function unknownAt(property: string): RuleFrequency {
  return { kind: "unverifiable", outcome: unverifiable(property, `${property} is unknown during preview`) };
}

function frequencyOf(who: string, rule: PlanRule): RuleFrequency {
  const continuous = rule.enableContinuousBackup;
  if (continuous.state === "known" && continuous.value) return { kind: "continuous" };
  const schedule = rule.schedule;
  const timezone = rule.scheduleExpressionTimezone;
  const property = `${rule.path}.schedule`;
  if (schedule.state === "unknown") return unknownAt(property);
  if (schedule.state === "invalid")
    return { kind: "violated", outcome: violated(`${who} sets ${property} to ${schedule.found}; ${EXAMPLE}.`) };
  // The provider sends neither an empty schedule nor an empty time zone: AWS applies its defaults.
  const defaulted = schedule.state === "absent" || (schedule.state === "known" && schedule.value === "");
  const parsed = parseSchedule(defaulted || schedule.state !== "known" ? AWS_DEFAULT_SCHEDULE : schedule.value);
  if (parsed.state === "invalid") {
    return {
      kind: "violated",
      outcome: violated(`${who} ${property} is not a valid AWS Backup schedule (${parsed.problem}); ${EXAMPLE}.`),
    };
  }
  if (parsed.state === "unsupported") {
    return { kind: "unverifiable", outcome: unverifiable(property, `${property} cannot be evaluated: ${parsed.problem}`) };
  }
  const zoneProperty = `${rule.path}.scheduleExpressionTimezone`;
  if (timezone.state === "unknown") return unknownAt(zoneProperty);
  if (timezone.state === "invalid") {
    return {
      kind: "violated",
      outcome: violated(`${who} sets ${zoneProperty} to ${timezone.found}; set it to an IANA time zone name such as Etc/UTC.`),
    };
  }
  const zone = timezone.state === "known" && timezone.value !== "" ? timezone.value : AWS_DEFAULT_TIMEZONE;
  if (!isTimeZone(zone)) {
    return {
      kind: "violated",
      outcome: violated(`${who} ${zoneProperty} is not an IANA time zone name; set it to one such as Etc/UTC or Europe/Berlin.`),
    };
  }
  try {
    return { kind: "gap", hours: longestGapHours(parsed.schedule, zone), defaulted };
  } catch {
    return { kind: "unverifiable", outcome: unverifiable(property, `${property} cannot be evaluated by the schedule parser`) };
  }
}

const hours = (value: number) => `${Number(value.toFixed(2))} hours`;

export const backupPlanFrequency = defineResourcePolicy(
  {
    name: "backup-plan-frequency",
    description:
      "Every AWS Backup plan must have a rule that backs up at least every configured number of hours, over a whole year in the rule's time zone, or that uses continuous backup.",
    severity: "high",
    area: "retention",
    nist: ["CP-9"],
    specification: "Backups are taken at a frequency consistent with the recovery point objectives (CP-9).",
    remediationSteps:
      "Give the aws.backup.Plan a rule whose schedule runs at least every maxIntervalHours hours on every day of the year, e.g. cron(0 5 ? * * *) for daily (a weekday-only schedule leaves a 72-hour weekend gap, and a daily run at a local time is 25 hours apart when daylight saving ends, and a local time the clocks skip when it starts does not run that day: schedule in Etc/UTC or more often), or set enableContinuousBackup: true. A rule without a schedule runs daily at 05:00 UTC; AWS Backup takes cron() only, not rate(), and runs at least 60 minutes apart.",
    remediation: {
      notFixed: "when and how often backups run is an operational choice (backup windows, load, cost), so schedules are not rewritten.",
    },
    url: "https://docs.aws.amazon.com/aws-backup/latest/devguide/creating-a-backup-plan.html",
    config: {
      maxIntervalHours: integerField("Longest acceptable time between two backups of a plan, in hours.", 24, 1, YEAR_HOURS),
    },
  },
  {
    resourceTypes: BACKUP_PLAN,
    check(plan, { config }) {
      const who = describe(plan);
      const rules = planRules(plan);
      if (rules.state === "unknown") return unverifiable(rules.property, `${rules.property} is unknown during preview`);
      if (rules.state === "invalid")
        return violated(`${who} sets ${rules.property} to ${rules.found}; set rules to a list of backup rules.`);
      if (rules.rules.length === 0)
        return violated(`${who} has no rules, so it never backs up; add a rule with a schedule such as ${AWS_DEFAULT_SCHEDULE}.`);
      const outcomes: Outcome[] = [];
      let pending: Outcome | undefined;
      let best: { rule: PlanRule; hours: number; defaulted: boolean } | undefined;
      let continuous = false;
      for (const rule of rules.rules) {
        // A rule whose continuous flag is unknown may be continuous: its schedule alone cannot fail the plan.
        const flag = `${rule.path}.enableContinuousBackup`;
        if (rule.enableContinuousBackup.state === "unknown") pending ??= unverifiable(flag, `${flag} is unknown during preview`);
        const frequency = frequencyOf(who, rule);
        if (frequency.kind === "continuous") continuous = true;
        else if (frequency.kind === "violated") outcomes.push(frequency.outcome);
        else if (frequency.kind === "unverifiable") pending ??= frequency.outcome;
        else if (!best || frequency.hours < best.hours) best = { rule, hours: frequency.hours, defaulted: frequency.defaulted };
      }
      const max = config.maxIntervalHours;
      if (continuous || (best && best.hours <= max)) return [...outcomes, SATISFIED];
      if (pending) return [...outcomes, pending];
      if (!best) return outcomes;
      const rule = best.rule.path;
      const remedy = `schedule a rule at least every ${hours(max)} (e.g. ${AWS_DEFAULT_SCHEDULE}) or set enableContinuousBackup: true`;
      if (best.hours >= YEAR_HOURS) {
        outcomes.push(
          violated(`${who} does not back up in the coming year (${rule}.schedule, its most frequent rule, does not run); ${remedy}.`),
        );
      } else {
        const why = best.defaulted
          ? `${rule} has no schedule, so AWS runs it daily at 05:00 UTC`
          : `${rule}.schedule, its most frequent rule, in its time zone`;
        outcomes.push(
          violated(`${who} leaves up to ${hours(best.hours)} between backups (${why}), more than the maximum of ${hours(max)}; ${remedy}.`),
        );
      }
      return outcomes;
    },
  },
);
