import { copyDestination, planRules, type CopyAction, type PlanRule } from "../../lib/backup/plans";
import { booleanField, stringListField } from "../../lib/config";
import { defineStackPolicy } from "../../lib/define";
import { parseArn } from "../../lib/arn";
import { SATISFIED, unverifiable, violated, type Outcome } from "../../lib/outcome";
import { regionOf } from "../../lib/regions";
import { describe, type IndexedResource, type StackIndex } from "../../lib/stackIndex";
import { BACKUP_PLAN } from "../../lib/types";
import { jsonField } from "../../lib/values";

interface CopyConfig {
  readonly requiredRegions: readonly string[];
  readonly requireCrossAccount: boolean;
  readonly allowedDestinationAccounts: readonly string[];
}

/** Where one copy lands: its region and account ("" for the stack's own account), or why that is unknown. */
type Landing =
  | { readonly state: "known"; readonly region: string; readonly account: string }
  | { readonly state: "unknown"; readonly property: string; readonly reason: string }
  | { readonly state: "invalid"; readonly message: string };

function landings(index: StackIndex, plan: IndexedResource, rule: PlanRule, action: CopyAction): Landing[] {
  const property = `${action.path}.destinationVaultArn`;
  const destination = copyDestination(index, plan, rule, action);
  switch (destination.kind) {
    case "absent":
      return [
        {
          state: "invalid",
          message: `${describe(plan)} ${action.path} has no destinationVaultArn; set it to the ARN of a vault in another region.`,
        },
      ];
    case "invalid":
      return [
        {
          state: "invalid",
          message: `${describe(plan)} sets ${property} to ${destination.found}; set it to the ARN of a vault in another region.`,
        },
      ];
    case "unknown":
      return [
        { state: "unknown", property, reason: `${property} is unknown ${index.unknownWhen} and computed from no vault of the stack` },
      ];
    case "literal": {
      const arn = parseArn(destination.value);
      if (!arn || arn.service !== "backup" || arn.region === "") {
        return [
          {
            state: "invalid",
            message: `${describe(plan)} sets ${property} to something that is not a backup vault ARN; set it to the ARN of a vault in another region.`,
          },
        ];
      }
      return [{ state: "known", region: arn.region, account: arn.account }];
    }
    case "stack":
      return destination.vaults.map((vault) => {
        const region = regionOf(index, vault);
        return region.state === "known"
          ? { state: "known", region: region.region, account: "" }
          : { state: "unknown", property, reason: `${property} names ${describe(vault)}, and ${region.reason}` };
      });
  }
}

/** The stack's account, from the plan's known ARN (an update or audit) or a provider pinned to one account. */
function stackAccount(plan: IndexedResource): string | undefined {
  const arn = typeof plan.props.arn === "string" ? parseArn(plan.props.arn) : undefined;
  if (arn?.account) return arn.account;
  const allowed = jsonField(plan.provider?.props.allowedAccountIds);
  const ids = allowed.state === "known" ? allowed.value : undefined;
  return Array.isArray(ids) && ids.length === 1 && typeof ids[0] === "string" ? ids[0] : undefined;
}

function qualifies(landing: { region: string; account: string }, home: string, config: CopyConfig, own?: string): boolean {
  if (landing.region === home) return false;
  if (config.requireCrossAccount && (landing.account === "" || own === undefined || landing.account === own)) return false;
  if (config.allowedDestinationAccounts.length > 0 && !config.allowedDestinationAccounts.includes(landing.account)) return false;
  return true;
}

export const backupPlanCrossRegionCopy = defineStackPolicy(
  {
    name: "backup-plan-cross-region-copy",
    description:
      "Every AWS Backup plan must copy its recovery points to a vault in another region (and, when configured, another account or the required regions), so that a regional outage or a compromised account does not take the backups with it.",
    severity: "high",
    area: "replication",
    nist: ["CP-6", "CP-6(1)", "CP-9(3)"],
    specification:
      "Backups are stored at an alternate site separated from the primary so that both are not susceptible to the same threats (CP-6, CP-6(1), CP-9(3)).",
    remediationSteps:
      "Add a copyActions entry to a rule of the aws.backup.Plan whose destinationVaultArn is a vault in another region: an aws.backup.Vault created with region set (or an explicit aws.Provider for that region), encrypted with a key of that region (an aws.kms.ReplicaKey of the primary key), or the ARN of a vault in another account when requireCrossAccount is set.",
    remediation: {
      notFixed: "a copy needs a destination vault in another region (often another account), a new resource only the customer can choose.",
    },
    url: "https://docs.aws.amazon.com/aws-backup/latest/devguide/cross-region-backup.html",
    config: {
      requiredRegions: stringListField("Regions every plan must copy to (empty: any region other than the plan's)."),
      requireCrossAccount: booleanField("Require a copy to a vault in another account (known from its ARN).", false),
      allowedDestinationAccounts: stringListField("Accounts copies may go to (empty: any)."),
    },
  },
  {
    subjects: ({ index }) => index.ofType(BACKUP_PLAN),
    check(plan, { index, config }): Outcome | Outcome[] {
      const who = describe(plan);
      const rules = planRules(plan);
      if (rules.state === "unknown") return unverifiable(rules.property, `${rules.property} is unknown ${index.unknownWhen}`);
      if (rules.state === "invalid") return SATISFIED; // backup-plan-minimum-retention reports it
      const home = regionOf(index, plan);
      if (home.state === "unknown") return unverifiable("region", home.reason);
      const own = stackAccount(plan);
      const outcomes: Outcome[] = [];
      const known: { region: string; account: string; path: string }[] = [];
      let pending: Outcome | undefined;
      let copies = 0;
      for (const rule of rules.rules) {
        if (rule.copyActions === "unknown") {
          pending ??= unverifiable(`${rule.path}.copyActions`, `${rule.path}.copyActions is unknown ${index.unknownWhen}`);
          continue;
        }
        for (const action of rule.copyActions) {
          copies++;
          const found = landings(index, plan, rule, action);
          // A destination that is one of several candidates counts only when every candidate qualifies.
          if (found.every((landing) => landing.state === "known")) {
            const all = found as { region: string; account: string }[];
            if (all.every((landing) => qualifies(landing, home.region, config, own))) known.push({ ...all[0]!, path: action.path });
            else if (all.length === 1) known.push({ ...all[0]!, path: action.path });
            else
              pending ??= unverifiable(
                `${action.path}.destinationVaultArn`,
                `${action.path}.destinationVaultArn is unknown ${index.unknownWhen} and may name several vaults`,
              );
            continue;
          }
          for (const landing of found) {
            if (landing.state === "invalid") outcomes.push(violated(landing.message));
            else if (landing.state === "unknown") pending ??= unverifiable(landing.property, landing.reason);
          }
        }
      }
      const missing = config.requiredRegions.filter(
        (region) => !known.some((landing) => landing.region === region && qualifies(landing, home.region, config, own)),
      );
      if (known.some((landing) => qualifies(landing, home.region, config, own)) && missing.length === 0) return [...outcomes, SATISFIED];
      if (pending) return [...outcomes, pending];
      const remedy = "add a copyActions entry whose destinationVaultArn is a vault in another region";
      if (copies === 0) {
        outcomes.push(violated(`${who} copies its recovery points nowhere, so they share the fate of region ${home.region}; ${remedy}.`));
      } else if (missing.length > 0 && known.some((landing) => qualifies(landing, home.region, config, own))) {
        outcomes.push(
          violated(`${who} copies to none of the required regions ${missing.join(", ")}; add a copyActions entry to a vault in each.`),
        );
      } else if (known.every((landing) => landing.region === home.region)) {
        outcomes.push(
          violated(
            `${who} copies its recovery points only within its own region ${home.region} (${known.map((k) => k.path).join(", ")}); ${remedy}.`,
          ),
        );
      } else if (
        config.requireCrossAccount &&
        own === undefined &&
        known.some((landing) => landing.account !== "" && landing.region !== home.region)
      ) {
        outcomes.push(
          unverifiable(
            "arn",
            `the stack's account is unknown ${index.unknownWhen}, so whether a copy goes to another account cannot be decided`,
          ),
        );
      } else if (config.requireCrossAccount) {
        outcomes.push(
          violated(`${who} copies to no vault in another account (known from its destinationVaultArn); ${remedy} and account.`),
        );
      } else {
        outcomes.push(violated(`${who} copies only to accounts not on allowedDestinationAccounts; copy to a vault in an allowed account.`));
      }
      return outcomes;
    },
  },
);
