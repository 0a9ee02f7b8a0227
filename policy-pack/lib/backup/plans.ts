/**
 * The one model of an AWS Backup plan: its rules, each with its schedule, lifecycle,
 * target vault and copy actions (each with its own lifecycle), read from a plan's
 * props with unknowns kept. Rules are named by position (`rules[0]`), since a rule
 * name is a property value.
 */
import { parseArn } from "../arn";
import type { IndexedResource, StackIndex } from "../stackIndex";
import { BACKUP_PLAN, BACKUP_VAULT } from "../types";
import {
  ABSENT,
  booleanField,
  describeType,
  getPath,
  isObject,
  isUnknown,
  numberField,
  stringField,
  type Field,
  type Value,
} from "../values";

/** A `lifecycle` block of a rule or of a copy action. */
export interface Lifecycle {
  /** Path of the block as the user writes it: `rules[0].lifecycle`. */
  readonly path: string;
  readonly deleteAfter: Field<number>;
  readonly coldStorageAfter: Field<number>;
}

/** A copy action of a rule: where copies go and how long they are kept there. */
export interface CopyAction {
  /** `rules[0].copyActions[1]`. */
  readonly path: string;
  readonly destinationVaultArn: Value | undefined;
  readonly lifecycle: Lifecycle;
}

export interface PlanRule {
  /** `rules[0]`. */
  readonly path: string;
  readonly position: number;
  readonly targetVaultName: Value | undefined;
  readonly schedule: Field<string>;
  readonly scheduleExpressionTimezone: Field<string>;
  readonly enableContinuousBackup: Field<boolean>;
  readonly lifecycle: Lifecycle;
  /** `unknown` when the list (or one of its items) is unknown during preview. */
  readonly copyActions: readonly CopyAction[] | "unknown";
}

/** What a plan's `rules` hold. */
export type PlanRules =
  | { readonly state: "unknown"; readonly property: string }
  | { readonly state: "invalid"; readonly property: string; readonly found: string }
  | { readonly state: "known"; readonly rules: readonly PlanRule[] };

function lifecycleOf(block: Value | undefined, path: string): Lifecycle {
  return {
    path,
    deleteAfter: numberField(getPath(block, ["deleteAfter"])),
    coldStorageAfter: numberField(getPath(block, ["coldStorageAfter"])),
  };
}

/**
 * A copy action without a lifecycle keeps its copies as long as the rule keeps the
 * source ("AWS Backup applies the lifecycle policy of the source backup").
 */
function copyActionsOf(value: Value | undefined, rulePath: string, ruleLifecycle: Value | undefined): readonly CopyAction[] | "unknown" {
  if (isUnknown(value)) return "unknown";
  if (!Array.isArray(value)) return [];
  const out: CopyAction[] = [];
  for (const [i, action] of value.entries()) {
    if (isUnknown(action)) return "unknown";
    if (!isObject(action)) continue;
    const path = `${rulePath}.copyActions[${i}]`;
    out.push({
      path,
      destinationVaultArn: action.destinationVaultArn,
      lifecycle: lifecycleOf(action.lifecycle ?? ruleLifecycle, `${path}.lifecycle`),
    });
  }
  return out;
}

const rulesByPlan = new WeakMap<object, PlanRules>();

/** The rules of a plan (inputs in a resource policy, outputs in a stack policy), parsed once per props object. */
export function planRules(plan: IndexedResource): PlanRules {
  const cached = rulesByPlan.get(plan.props);
  if (cached) return cached;
  const parsed = parseRules(plan.props.rules);
  rulesByPlan.set(plan.props, parsed);
  return parsed;
}

function parseRules(value: Value | undefined): PlanRules {
  if (isUnknown(value)) return { state: "unknown", property: "rules" };
  if (value === undefined || value === null) return { state: "known", rules: [] };
  if (!Array.isArray(value)) return { state: "invalid", property: "rules", found: describeType(value) };
  const rules: PlanRule[] = [];
  for (const [i, rule] of value.entries()) {
    const path = `rules[${i}]`;
    if (isUnknown(rule)) return { state: "unknown", property: path };
    if (!isObject(rule)) return { state: "invalid", property: path, found: describeType(rule) };
    rules.push({
      path,
      position: i,
      targetVaultName: rule.targetVaultName,
      schedule: stringField(rule.schedule),
      scheduleExpressionTimezone: stringField(rule.scheduleExpressionTimezone),
      enableContinuousBackup: booleanField(rule.enableContinuousBackup),
      lifecycle: lifecycleOf(rule.lifecycle, `${path}.lifecycle`),
      copyActions: copyActionsOf(rule.copyActions, path, rule.lifecycle),
    });
  }
  return { state: "known", rules };
}

/** How long a lifecycle keeps recovery points, as AWS applies it. */
export type Retention =
  | { readonly kind: "unknown"; readonly property: string }
  | { readonly kind: "invalid"; readonly property: string; readonly found: string }
  /** No `deleteAfter`: AWS keeps the points until someone deletes them. */
  | { readonly kind: "forever" }
  | { readonly kind: "days"; readonly days: number; readonly coldStorageAfter?: number };

/** The provider does not send 0, and AWS reads -1 as "not set" (keep indefinitely, no cold storage). */
function unsetWhenZero(field: Field<number>): Field<number> {
  return field.state === "known" && (field.value === 0 || field.value === -1) ? ABSENT : field;
}

export function retentionOf(lifecycle: Lifecycle): Retention {
  const deleteAfter = unsetWhenZero(lifecycle.deleteAfter);
  const coldStorageAfter = unsetWhenZero(lifecycle.coldStorageAfter);
  if (deleteAfter.state === "unknown") return { kind: "unknown", property: `${lifecycle.path}.deleteAfter` };
  if (deleteAfter.state === "invalid") return { kind: "invalid", property: `${lifecycle.path}.deleteAfter`, found: deleteAfter.found };
  if (coldStorageAfter.state === "unknown") return { kind: "unknown", property: `${lifecycle.path}.coldStorageAfter` };
  if (coldStorageAfter.state === "invalid") {
    return { kind: "invalid", property: `${lifecycle.path}.coldStorageAfter`, found: coldStorageAfter.found };
  }
  if (deleteAfter.state === "absent") return { kind: "forever" };
  return {
    kind: "days",
    days: deleteAfter.value,
    ...(coldStorageAfter.state === "known" && { coldStorageAfter: coldStorageAfter.value }),
  };
}

/** Every lifecycle a plan applies: each rule's, then each of its copy actions'. */
export interface PlanLifecycle {
  readonly rule: PlanRule;
  /** Set for a copy action's lifecycle. */
  readonly copyAction?: CopyAction;
  readonly lifecycle: Lifecycle;
}

/** AWS keeps a recovery point in cold storage for at least 90 days. */
export const COLD_STORAGE_MINIMUM_DAYS = 90;

/** Who writes recovery points into a vault: a rule (its backups) or a copy action (its copies). */
export interface VaultWriter {
  readonly plan: IndexedResource;
  readonly rule: PlanRule;
  readonly copyAction?: CopyAction;
  /** The lifecycle the points get in the vault. */
  readonly lifecycle: Lifecycle;
  /**
   * True when this vault is proven to be the destination; false when the destination is
   * unknown and this vault is only one of the vaults the plan was computed from.
   */
  readonly definite: boolean;
}

function vaultByName(index: StackIndex): ReadonlyMap<string, IndexedResource> {
  return index.memo("plans:vaultByName", () => {
    const out = new Map<string, IndexedResource>();
    for (const vault of index.ofType(BACKUP_VAULT)) {
      const name = stringField(vault.props.name);
      if (name.state === "known") out.set(name.value, vault);
    }
    return out;
  });
}

/** The vault name an AWS Backup vault ARN names (`arn:aws:backup:<region>:<account>:backup-vault:<name>`). */
export function vaultNameOfArn(value: string): string | undefined {
  const arn = parseArn(value);
  if (!arn || arn.service !== "backup" || !arn.resource.startsWith("backup-vault:")) return undefined;
  return arn.resource.slice("backup-vault:".length);
}

/** The destination of a rule (`targetVaultName`) or a copy action (`destinationVaultArn`) in the stack. */
export type VaultDestination =
  | { readonly kind: "stack"; readonly vaults: readonly IndexedResource[]; readonly definite: boolean }
  /** A literal naming no vault of the stack whose name is known. */
  | { readonly kind: "literal"; readonly value: string }
  | { readonly kind: "unknown" }
  | { readonly kind: "absent" }
  | { readonly kind: "invalid"; readonly found: string };

function destinationOf(
  index: StackIndex,
  plan: IndexedResource,
  value: Value | undefined,
  literalName: (literal: string) => string | undefined,
  exclude?: IndexedResource,
): VaultDestination {
  if (value === undefined || value === null || value === "") return { kind: "absent" };
  if (typeof value === "string") {
    const name = literalName(value);
    const vault = name === undefined ? undefined : vaultByName(index).get(name);
    return vault ? { kind: "stack", vaults: [vault], definite: true } : { kind: "literal", value };
  }
  if (!isUnknown(value)) return { kind: "invalid", found: describeType(value) };
  // propertyDependencies are per top-level property: the plan's edges to vaults say
  // which vaults its rules name, not which rule names which. A copy never goes to
  // its own rule's vault, which settles the usual pair (backup vault, copy vault).
  const candidates = index.dependenciesOf(plan, "rules", BACKUP_VAULT).filter((vault) => vault !== exclude);
  if (candidates.length === 0) return { kind: "unknown" };
  return { kind: "stack", vaults: candidates, definite: candidates.length === 1 };
}

/** Where a rule's backups go. */
export function ruleDestination(index: StackIndex, plan: IndexedResource, rule: PlanRule): VaultDestination {
  return destinationOf(index, plan, rule.targetVaultName, (literal) => literal);
}

/** Where a copy action's copies go. */
export function copyDestination(index: StackIndex, plan: IndexedResource, rule: PlanRule, action: CopyAction): VaultDestination {
  const own = ruleDestination(index, plan, rule);
  const exclude = own.kind === "stack" && own.definite ? own.vaults[0] : undefined;
  return destinationOf(index, plan, action.destinationVaultArn, vaultNameOfArn, exclude);
}

/** Every rule and copy action of every plan that writes into each vault of the stack, by vault URN. */
export function vaultWriters(index: StackIndex): ReadonlyMap<string, readonly VaultWriter[]> {
  return index.memo("plans:vaultWriters", () => {
    const out = new Map<string, VaultWriter[]>();
    const add = (destination: VaultDestination, writer: Omit<VaultWriter, "definite">) => {
      if (destination.kind !== "stack") return;
      for (const vault of destination.vaults) {
        const list = out.get(vault.urn) ?? [];
        list.push({ ...writer, definite: destination.definite });
        out.set(vault.urn, list);
      }
    };
    for (const plan of index.ofType(BACKUP_PLAN)) {
      const rules = planRules(plan);
      if (rules.state !== "known") continue;
      for (const rule of rules.rules) {
        add(ruleDestination(index, plan, rule), { plan, rule, lifecycle: rule.lifecycle });
        if (rule.copyActions === "unknown") continue;
        for (const action of rule.copyActions) {
          add(copyDestination(index, plan, rule, action), { plan, rule, copyAction: action, lifecycle: action.lifecycle });
        }
      }
    }
    return out;
  });
}
