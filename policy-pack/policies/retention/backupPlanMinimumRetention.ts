import { COLD_STORAGE_MINIMUM_DAYS, planRules, retentionOf, type Lifecycle } from "../../lib/backup/plans";
import { booleanField, integerField } from "../../lib/config";
import { defineResourcePolicy } from "../../lib/define";
import { SATISFIED, unverifiable, violated, type Outcome } from "../../lib/outcome";
import { describe } from "../../lib/stackIndex";
import { BACKUP_PLAN } from "../../lib/types";

interface RetentionConfig {
  readonly minRetentionDays: number;
  readonly maxRetentionDays: number;
  readonly requireExpiry: boolean;
}

function judgeLifecycle(who: string, what: string, lifecycle: Lifecycle, config: RetentionConfig): Outcome {
  const retention = retentionOf(lifecycle);
  const deleteAfter = `${lifecycle.path}.deleteAfter`;
  const max = config.maxRetentionDays;
  const range = max > 0 ? `from ${config.minRetentionDays} to ${max}` : `of at least ${config.minRetentionDays}`;
  switch (retention.kind) {
    case "unknown":
      return unverifiable(retention.property, `${retention.property} is unknown during preview`);
    case "invalid":
      return violated(`${who} sets ${retention.property} to ${retention.found}; set it to a whole number of days ${range}.`);
    case "forever":
      if (config.requireExpiry || max > 0) {
        const why = config.requireExpiry ? "expiry is required" : `the maximum is ${max} days`;
        return violated(`${who} never expires ${what} (no ${deleteAfter}) but ${why}; set ${deleteAfter} to a number of days ${range}.`);
      }
      return SATISFIED;
    case "days": {
      const { days, coldStorageAfter } = retention;
      if (days < config.minRetentionDays) {
        return violated(
          `${who} keeps ${what} for ${days} days, less than the minimum of ${config.minRetentionDays}; set ${deleteAfter} to ${config.minRetentionDays} or more.`,
        );
      }
      if (max > 0 && days > max) {
        return violated(`${who} keeps ${what} for ${days} days, more than the maximum of ${max}; set ${deleteAfter} to ${max} or less.`);
      }
      if (coldStorageAfter !== undefined && days < coldStorageAfter + COLD_STORAGE_MINIMUM_DAYS) {
        const needed = coldStorageAfter + COLD_STORAGE_MINIMUM_DAYS;
        return violated(
          `${who} deletes ${what} after ${days} days but moves them to cold storage after ${coldStorageAfter}, and AWS keeps cold-storage points at least ${COLD_STORAGE_MINIMUM_DAYS} days; set ${deleteAfter} to ${needed} or more (coldStorageAfter + ${COLD_STORAGE_MINIMUM_DAYS}).`,
        );
      }
      return SATISFIED;
    }
  }
}

export const backupPlanMinimumRetention = defineResourcePolicy(
  {
    name: "backup-plan-minimum-retention",
    description:
      "Every rule and copy action of an AWS Backup plan must keep recovery points for at least the configured minimum of days, within the maximum when one is set, and for at least 90 days after they move to cold storage.",
    severity: "high",
    area: "retention",
    nist: ["CP-9", "SI-12"],
    specification:
      "Backups are retained long enough to meet recovery point objectives, and information is retained as policy requires (CP-9, SI-12).",
    references: ["HIPAA 164.308(a)(7)(ii)(A)"],
    remediationSteps:
      "Set lifecycle.deleteAfter of every rule of the aws.backup.Plan, and of every copy action (copyActions[].lifecycle.deleteAfter), to at least the configured minimum (and at most the maximum when one is set); when coldStorageAfter is set, deleteAfter must be at least coldStorageAfter + 90. Omitting deleteAfter keeps points forever, which passes unless requireExpiry or maxRetentionDays is set.",
    remediation: {
      notFixed: "how long recovery points are kept is a retention decision with cost and legal consequences, not one to change silently.",
    },
    url: "https://docs.aws.amazon.com/aws-backup/latest/devguide/plan-options-and-configuration.html",
    config: {
      minRetentionDays: integerField("Shortest acceptable retention of a recovery point, in days.", 35, 1, 36500),
      maxRetentionDays: integerField("Longest acceptable retention, in days (0: no maximum).", 0, 0, 36500),
      requireExpiry: booleanField(
        "Require every rule and copy action to set lifecycle.deleteAfter (points that never expire fail).",
        false,
      ),
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
      const outcomes: Outcome[] = [];
      for (const rule of rules.rules) {
        outcomes.push(judgeLifecycle(`${who} ${rule.path}`, "recovery points", rule.lifecycle, config));
        if (rule.copyActions === "unknown") {
          outcomes.push(unverifiable(`${rule.path}.copyActions`, `${rule.path}.copyActions is unknown during preview`));
          continue;
        }
        for (const action of rule.copyActions) {
          outcomes.push(judgeLifecycle(`${who} ${action.path}`, "copied recovery points", action.lifecycle, config));
        }
      }
      return outcomes;
    },
  },
);
