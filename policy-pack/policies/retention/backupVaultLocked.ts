import { retentionOf, vaultWriters, type VaultWriter } from "../../lib/backup/plans";
import { lockBounds, vaultLocks } from "../../lib/backup/vaultLocks";
import { booleanField, integerField } from "../../lib/config";
import { defineStackPolicy } from "../../lib/define";
import { SATISFIED, unverifiable, violated, type Outcome } from "../../lib/outcome";
import { describe, type IndexedResource, type StackIndex } from "../../lib/stackIndex";
import { BACKUP_VAULT, BACKUP_VAULT_LOCK } from "../../lib/types";

interface LockConfig {
  readonly minRetentionDays: number;
  readonly requireComplianceMode: boolean;
}

/**
 * The lock's own settings: from its inputs in Analyze, so `pulumi up` stops a weak lock
 * before it is applied; what the inputs leave unknown, from its outputs in the stack
 * check (which records the gap).
 */
function lockOutcomes(lock: IndexedResource, config: LockConfig, index?: StackIndex): Outcome[] {
  const who = describe(lock);
  const { changeableForDays, minRetentionDays, maxRetentionDays } = lockBounds(lock, index);
  const min = config.minRetentionDays;
  const when = index?.unknownWhen ?? "during preview";
  const out: Outcome[] = [];
  for (const [field, property] of [
    [changeableForDays, "changeableForDays"],
    [minRetentionDays, "minRetentionDays"],
    [maxRetentionDays, "maxRetentionDays"],
  ] as const) {
    if (field.state === "unknown") out.push(unverifiable(property, `${property} is unknown ${when}`));
    if (field.state === "invalid") out.push(violated(`${who} sets ${property} to ${field.found}; set it to a whole number of days.`));
  }
  if (config.requireComplianceMode && changeableForDays.state === "absent") {
    out.push(
      violated(
        `${who} does not set changeableForDays, so the lock is in governance mode and anyone allowed backup:DeleteBackupVaultLockConfiguration can remove it; set changeableForDays (at least 3) to lock the vault in compliance mode.`,
      ),
    );
  }
  if (minRetentionDays.state === "absent") {
    out.push(
      violated(
        `${who} does not set minRetentionDays, so recovery points can be deleted at any age; set minRetentionDays to ${min} or more.`,
      ),
    );
  } else if (minRetentionDays.state === "known" && minRetentionDays.value < min) {
    out.push(
      violated(
        `${who} sets minRetentionDays to ${minRetentionDays.value}, less than the minimum of ${min}; set minRetentionDays to ${min} or more.`,
      ),
    );
  }
  if (minRetentionDays.state === "known" && maxRetentionDays.state === "known" && maxRetentionDays.value < minRetentionDays.value) {
    out.push(violated(`${who} sets maxRetentionDays below minRetentionDays; set maxRetentionDays to at least minRetentionDays.`));
  }
  return out.length > 0 ? out : [SATISFIED];
}

function writerName(writer: VaultWriter): { who: string; what: string; jobs: string; property: string } {
  const path = writer.copyAction?.path ?? writer.rule.path;
  return {
    who: `${describe(writer.plan)} ${path}`,
    what: writer.copyAction ? "its copies" : "its recovery points",
    jobs: writer.copyAction ? "copy jobs" : "backup jobs",
    property: `${writer.lifecycle.path}.deleteAfter`,
  };
}

/** Whether the retention a writer gives its points fits the lock's bounds (AWS fails the job otherwise). */
function writerOutcome(index: StackIndex, vault: IndexedResource, lock: IndexedResource, writer: VaultWriter): Outcome {
  const bounds = lockBounds(lock, index);
  const lockAt = describe(lock);
  for (const [field, property] of [
    [bounds.minRetentionDays, "minRetentionDays"],
    [bounds.maxRetentionDays, "maxRetentionDays"],
  ] as const) {
    if (field.state === "unknown") return unverifiable("(vault lock)", `${property} of ${lockAt} is unknown ${index.unknownWhen}`);
  }
  const min = bounds.minRetentionDays.state === "known" ? bounds.minRetentionDays.value : undefined;
  const max = bounds.maxRetentionDays.state === "known" ? bounds.maxRetentionDays.value : undefined;
  const { who, what, jobs, property } = writerName(writer);
  const retention = retentionOf(writer.lifecycle);
  if (retention.kind === "unknown")
    return unverifiable("(writers)", `${who} writes into it, and ${retention.property} is unknown ${index.unknownWhen}`);
  if (retention.kind === "invalid") return SATISFIED; // backup-plan-minimum-retention reports it
  let problem: string | undefined;
  if (retention.kind === "forever" && max !== undefined) {
    problem = `is locked with a maximum retention (maxRetentionDays of ${lockAt}), but ${who} never expires ${what}, so its ${jobs} will fail; set ${property} to at most the lock's maxRetentionDays.`;
  } else if (retention.kind === "days" && min !== undefined && retention.days < min) {
    problem = `is locked with a minimum retention (minRetentionDays of ${lockAt}) longer than ${who} keeps ${what}, so its ${jobs} will fail; set ${property} to at least the lock's minRetentionDays.`;
  } else if (retention.kind === "days" && max !== undefined && retention.days > max) {
    problem = `is locked with a maximum retention (maxRetentionDays of ${lockAt}) shorter than ${who} keeps ${what}, so its ${jobs} will fail; set ${property} to at most the lock's maxRetentionDays.`;
  }
  if (!problem) return SATISFIED;
  if (!writer.definite) {
    return unverifiable(
      "(writers)",
      `${who} may write into it (its vault is unknown ${index.unknownWhen}) with a retention outside the lock's bounds`,
    );
  }
  return violated(`${describe(vault)} ${problem}`);
}

export const backupVaultLocked = defineStackPolicy(
  {
    name: "backup-vault-locked",
    description:
      "Every AWS Backup vault must have a vault lock in compliance mode with a minimum retention of at least the configured days, and every plan rule or copy action that writes into it must keep recovery points within the lock's bounds.",
    severity: "high",
    area: "retention",
    nist: ["CP-9", "SI-12"],
    specification:
      "Backup information is protected from deletion and alteration for its retention period, including by privileged users (CP-9d, SI-12).",
    remediationSteps:
      "Add an aws.backup.VaultLockConfiguration for the vault with changeableForDays (compliance mode: after that many days nobody can remove the lock) and minRetentionDays of at least the configured minimum (and maxRetentionDays if you want a ceiling). Then make every rule whose targetVaultName is the vault, and every copy action whose destinationVaultArn is the vault (in any plan), keep points within those bounds: AWS fails backup and copy jobs whose lifecycle falls outside them.",
    remediation: {
      notFixed:
        "a vault lock is a new resource, and in compliance mode it becomes immutable once its grace time ends: never something to add automatically.",
    },
    url: "https://docs.aws.amazon.com/aws-backup/latest/devguide/vault-lock.html",
    config: {
      minRetentionDays: integerField("Shortest acceptable minRetentionDays of a vault lock.", 35, 1, 36500),
      requireComplianceMode: booleanField("Require compliance mode (changeableForDays set); governance-mode locks can be removed.", true),
    },
  },
  {
    inputs: {
      resourceTypes: BACKUP_VAULT_LOCK,
      check: (lock, { config }) => lockOutcomes(lock, config),
    },
    // Locks the inputs could not settle are checked again on their outputs.
    subjects: ({ index }) => [...index.ofType(BACKUP_VAULT), ...index.ofType(BACKUP_VAULT_LOCK)],
    check(vault, { index, config }): Outcome | Outcome[] {
      if (BACKUP_VAULT_LOCK.has(vault.type)) return lockOutcomes(vault, config, index);
      const { locks, open } = vaultLocks(index, vault);
      const lock = locks[0];
      if (!lock) {
        if (open.length > 0) {
          return unverifiable("(vault lock)", `${describe(open[0]!)} may lock it, but its backupVaultName is unknown ${index.unknownWhen}`);
        }
        return violated(
          `${describe(vault)} has no VaultLockConfiguration, so anyone allowed backup:DeleteRecoveryPoint can delete its recovery points at any age; add an aws.backup.VaultLockConfiguration for it with changeableForDays (compliance mode) and minRetentionDays of ${config.minRetentionDays} or more.`,
        );
      }
      return [SATISFIED, ...(vaultWriters(index).get(vault.urn) ?? []).map((writer) => writerOutcome(index, vault, lock, writer))];
    },
  },
);
