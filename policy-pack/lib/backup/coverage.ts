/**
 * What the stack's backup plans protect, computed once per index from the selections:
 * for each data store, whether a counted selection selects it, and for each plan, the
 * AWS Backup resource types it backs up. And which types restore testing covers.
 */
import type { IndexedResource, StackIndex } from "../stackIndex";
import { EC2_VOLUME_ATTACHMENT, RESTORE_TESTING_PLAN, RESTORE_TESTING_SELECTION } from "../types";
import { stringField } from "../values";
import { DATA_STORE_TYPES, EBS_VOLUME, EC2_INSTANCE, kindOf, type ProtectedResourceType } from "./dataStores";
import { groupReferrers, openFor } from "./references";
import { selectionsOf, type ParsedSelection, type SelectionVerdict, type Tri } from "./selections";
import { S3_BUCKET, union } from "../types";

/** Whether one selection backs the data store up: it selects it and it counts. */
export function backsUp(verdict: SelectionVerdict): Tri {
  const { selected } = verdict;
  const { counts } = verdict.selection;
  if (selected === "no" || counts === "no") return "no";
  return selected === "yes" && counts === "yes" ? "yes" : "unknown";
}

export interface Protection {
  readonly state: Tri;
  /** The selections that back it up (`yes`), or may (`unknown`). */
  readonly selections: readonly ParsedSelection[];
  readonly verdicts: readonly SelectionVerdict[];
  /**
   * For an EBS volume attached to an EC2 instance of the stack: the instance whose
   * backup holds it (`yes`), or may (`unknown`). AWS Backup backs an EC2 instance up as
   * an AMI with a snapshot of every attached EBS volume.
   */
  readonly viaInstance?: IndexedResource;
}

/** The EC2 instances of the stack an EBS volume is attached to (aws.ec2.VolumeAttachment edges). */
function attachedInstances(index: StackIndex, volume: IndexedResource): IndexedResource[] {
  const out: IndexedResource[] = [];
  for (const { resource: attachment, property } of index.referrersOf(volume, EC2_VOLUME_ATTACHMENT)) {
    if (property !== "volumeId") continue;
    for (const instance of index.dependenciesOf(attachment, "instanceId", EC2_INSTANCE)) if (!out.includes(instance)) out.push(instance);
  }
  return out;
}

/** Whether a counted selection of the stack backs up a data store (an attached EBS volume: through its instance too). */
export function protection(index: StackIndex, resource: IndexedResource): Protection {
  const byUrn = index.memo("protectionByUrn", () => new Map<string, Protection>());
  const cached = byUrn.get(resource.urn);
  if (cached) return cached;
  const verdicts = selectionsOf(index, resource);
  const yes = verdicts.filter((verdict) => backsUp(verdict) === "yes").map((verdict) => verdict.selection);
  const maybe = verdicts.filter((verdict) => backsUp(verdict) === "unknown").map((verdict) => verdict.selection);
  let result: Protection =
    yes.length > 0
      ? { state: "yes", selections: yes, verdicts }
      : maybe.length > 0
        ? { state: "unknown", selections: maybe, verdicts }
        : { state: "no", selections: [], verdicts };
  if (result.state !== "yes" && EBS_VOLUME.has(resource.type)) {
    // An instance is never a volume, so this looks one step and cannot loop.
    const instances = attachedInstances(index, resource).map((instance) => ({ instance, state: protection(index, instance).state }));
    const covered =
      instances.find((entry) => entry.state === "yes") ??
      (result.state === "no" ? instances.find((entry) => entry.state === "unknown") : undefined);
    if (covered) {
      // Its snapshots are the instance's plans' (restore testing of EC2 covers them), not a plan's EBS backups.
      const selections = covered.state === "yes" ? [] : result.selections;
      result = { state: covered.state, selections, verdicts, viaInstance: covered.instance };
    }
  }
  byUrn.set(resource.urn, result);
  return result;
}

/** The AWS Backup resource types each plan backs up (data stores of the stack it is proven to select), by plan URN. */
export function backedUpTypesByPlan(index: StackIndex): ReadonlyMap<string, ReadonlyMap<ProtectedResourceType, IndexedResource>> {
  return index.memo("backedUpTypesByPlan", () => {
    const byPlan = new Map<string, Map<ProtectedResourceType, IndexedResource>>();
    for (const resource of index.ofType(union(DATA_STORE_TYPES, S3_BUCKET))) {
      const type = kindOf(resource.type)?.protectedType(resource);
      if (!type) continue;
      const found = protection(index, resource);
      if (found.state !== "yes") continue;
      for (const selection of found.selections) {
        for (const plan of selection.plans) {
          let types = byPlan.get(plan.urn);
          if (!types) byPlan.set(plan.urn, (types = new Map()));
          if (!types.has(type)) types.set(type, resource);
        }
      }
    }
    return byPlan;
  });
}

export interface RestoreTesting {
  /** The stack's restore testing plans. */
  readonly plans: readonly IndexedResource[];
  /** Resource types a counted restore testing selection tests. */
  readonly types: ReadonlySet<string>;
  /** A restore testing selection whose type or plan is unknown during preview, if any. */
  readonly open?: { readonly selection: IndexedResource; readonly property: string };
}

/** Which resource types the stack's restore testing selections test (of a restore testing plan of the stack). */
export function restoreTesting(index: StackIndex): RestoreTesting {
  return index.memo("restoreTesting", () => {
    const plans = index.ofType(RESTORE_TESTING_PLAN);
    const selections = index.ofType(RESTORE_TESTING_SELECTION);
    const groups = groupReferrers(index, selections, "restoreTestingPlanName", RESTORE_TESTING_PLAN, ["name"]);
    const types = new Set<string>();
    let open: RestoreTesting["open"];
    const counted = new Set<IndexedResource>();
    for (const plan of plans) for (const selection of groups.byTarget.get(plan.urn) ?? []) counted.add(selection);
    for (const plan of plans) {
      const [maybe] = openFor(groups, plan, ["name"]);
      if (maybe && !open) open = { selection: maybe, property: "restoreTestingPlanName" };
    }
    for (const selection of counted) {
      const type = stringField(selection.props.protectedResourceType);
      if (type.state === "known") types.add(type.value);
      else if (type.state === "unknown" && !open) open = { selection, property: "protectedResourceType" };
    }
    return { plans, types, ...(open && { open }) };
  });
}
