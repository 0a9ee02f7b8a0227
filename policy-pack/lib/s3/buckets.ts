import { parseArn } from "../arn";
import { globMatches } from "../glob";
import { describe, type IndexedResource, type StackIndex } from "../stackIndex";
import { unverifiable, type Outcome } from "../outcome";
import {
  S3_BUCKET,
  S3_BUCKET_ENCRYPTION,
  S3_BUCKET_LIFECYCLE,
  S3_BUCKET_OBJECT_LOCK,
  S3_BUCKET_REPLICATION,
  S3_BUCKET_VERSIONING,
  type TypeSet,
} from "../types";
import {
  ABSENT,
  booleanField,
  expandPath,
  getPath,
  isUnknown,
  jsonField,
  listField,
  numberField,
  stringField,
  stringMapField,
  type Field,
  type Value,
} from "../values";

/** Which S3 buckets hold backups (shared by every policy that looks at backup buckets). */
export interface BackupBucketConfig {
  readonly backupBucketTags: Readonly<Record<string, string>>;
  readonly backupBucketNamePatterns: readonly string[];
}

/** The tags AWS puts on a bucket: its own `tags` over its provider's `defaultTags`. */
export interface EffectiveTags {
  readonly tags: Readonly<Record<string, string>>;
  /** Keys whose values are unknown during preview (or `*` when the whole map is). */
  readonly unknownKeys: readonly string[];
}

const defaultTagsByProvider = new WeakMap<object, EffectiveTags>();

/** The provider's `defaultTags`, parsed once per provider. */
export function providerDefaultTags(resource: IndexedResource): EffectiveTags {
  const provider = resource.provider;
  if (!provider) return { tags: {}, unknownKeys: [] };
  let tags = defaultTagsByProvider.get(provider);
  if (!tags) {
    tags = parseDefaultTags(provider.props.defaultTags);
    defaultTagsByProvider.set(provider, tags);
  }
  return tags;
}

function parseDefaultTags(value: Value | undefined): EffectiveTags {
  // The aws provider JSON-encodes `defaultTags` when it registers: `{"tags":{…}}`.
  const parsed = jsonField(value);
  if (parsed.state === "unknown") return { tags: {}, unknownKeys: ["*"] };
  if (parsed.state !== "known") return { tags: {}, unknownKeys: [] };
  const tags = stringMapField(getPath(parsed.value, ["tags"]));
  return tags.state === "known" ? { tags: tags.value.known, unknownKeys: tags.value.unknownKeys } : { tags: {}, unknownKeys: [] };
}

export function effectiveTags(index: StackIndex, resource: IndexedResource): EffectiveTags {
  // The provider never fills `tags` in (it computes `tagsAll`): an unknown is one the
  // program set, unless Analyze saw the program leave it unset. Read as absent, it
  // would turn "selected, unverifiably" into a certain "not selected".
  const raw = resource.props.tags;
  return overDefaultTags(resource, isUnknown(raw) && index.inputState(resource, "tags") === "absent" ? undefined : raw);
}

/** The resource's own `tags` value over its provider's `defaultTags`. */
function overDefaultTags(resource: IndexedResource, ownValue: Value | undefined): EffectiveTags {
  const defaults = providerDefaultTags(resource);
  const own = stringMapField(ownValue);
  if (own.state === "unknown") return { tags: defaults.tags, unknownKeys: ["*"] };
  const ownTags = own.state === "known" ? own.value : { known: {}, unknownKeys: [] };
  return {
    tags: { ...defaults.tags, ...ownTags.known },
    unknownKeys: [...defaults.unknownKeys, ...ownTags.unknownKeys],
  };
}

export type BackupBucketClass = "backup" | "not-backup" | "undecidable";

/** Decides whether a bucket is a backup bucket by its tags (case-insensitive) or logical name. */
export function classifyBucket(index: StackIndex, bucket: IndexedResource, config: BackupBucketConfig): BackupBucketClass {
  return classifyByNameAndTags(bucket, () => effectiveTags(index, bucket), config);
}

/**
 * The same decision from the bucket alone (its inputs in Remediate, before any other
 * resource is known): its logical name, its own `tags` and its provider's `defaultTags`.
 * A bucket that is a backup bucket only as another's replication destination is not one here.
 */
export function classifyBucketAlone(bucket: IndexedResource, config: BackupBucketConfig): BackupBucketClass {
  return classifyByNameAndTags(bucket, () => overDefaultTags(bucket, getPath(bucket.props, ["tags"])), config);
}

function classifyByNameAndTags(bucket: IndexedResource, tagsOf: () => EffectiveTags, config: BackupBucketConfig): BackupBucketClass {
  if (config.backupBucketNamePatterns.some((pattern) => globMatches(pattern, bucket.name))) return "backup";
  const wanted = new Set(Object.entries(config.backupBucketTags).map(([k, v]) => `${k.toLowerCase()}=${v.toLowerCase()}`));
  if (wanted.size === 0) return "not-backup";
  const { tags, unknownKeys } = tagsOf();
  if (Object.entries(tags).some(([k, v]) => wanted.has(`${k.toLowerCase()}=${v.toLowerCase()}`))) return "backup";
  const unknown = new Set(unknownKeys.map((key) => key.toLowerCase()));
  const wantedKeys = Object.keys(config.backupBucketTags).map((key) => key.toLowerCase());
  return unknown.has("*") || wantedKeys.some((key) => unknown.has(key)) ? "undecidable" : "not-backup";
}

/** Buckets by their known physical name, for split resources that name a bucket literally. */
function bucketsByName(index: StackIndex): Map<string, IndexedResource> {
  return index.memo("bucketsByName", () => {
    const byName = new Map<string, IndexedResource>();
    for (const bucket of index.ofType(S3_BUCKET)) {
      const name = stringField(bucket.props.bucket);
      if (name.state === "known") byName.set(name.value, bucket);
    }
    return byName;
  });
}

/** The stack bucket a bucket reference (name, ARN, or edge) points to. */
export function bucketReferredTo(
  index: StackIndex,
  referrer: IndexedResource,
  property: string,
  value: Value | undefined,
): IndexedResource | undefined {
  const byEdge = index.dependenciesOf(referrer, property, S3_BUCKET);
  if (byEdge.length === 1) return byEdge[0];
  if (typeof value !== "string") return byEdge[0];
  const arn = parseArn(value);
  const name = arn?.service === "s3" ? arn.resource : value;
  return bucketsByName(index).get(name) ?? byEdge[0];
}

/** Split configuration resources (`BucketServerSideEncryptionConfiguration`, …) per bucket URN. */
export function bucketAttachments(index: StackIndex, types: TypeSet): Map<string, IndexedResource[]> {
  return index.memo(`attachments:${[...types].join(",")}`, () => {
    const byBucket = new Map<string, IndexedResource[]>();
    for (const attachment of index.ofType(types)) {
      const bucket = bucketReferredTo(index, attachment, "bucket", attachment.props.bucket);
      if (!bucket) continue;
      const list = byBucket.get(bucket.urn);
      if (list) list.push(attachment);
      else byBucket.set(bucket.urn, [attachment]);
    }
    return byBucket;
  });
}

/**
 * Split configuration resources whose `bucket` is unknown during preview and was
 * computed from no bucket of the stack: each may configure any bucket of the stack, so
 * a bucket that otherwise lacks that configuration cannot be judged to lack it.
 */
export function unplacedAttachments(index: StackIndex, types: TypeSet): readonly IndexedResource[] {
  return index.memo(`unplaced:${[...types].join(",")}`, () =>
    index
      .ofType(types)
      .filter((attachment) => isUnknown(attachment.props.bucket) && index.dependenciesOf(attachment, "bucket", S3_BUCKET).length === 0),
  );
}

/** What S3 calls each kind of split configuration, for messages. */
const SPLIT_KINDS: readonly (readonly [TypeSet, string])[] = [
  [S3_BUCKET_VERSIONING, "versioning"],
  [S3_BUCKET_OBJECT_LOCK, "Object Lock"],
  [S3_BUCKET_LIFECYCLE, "lifecycle"],
  [S3_BUCKET_REPLICATION, "replication"],
  [S3_BUCKET_ENCRYPTION, "default encryption"],
];

/**
 * A bucket configured by two or more split resources of one kind (a BucketVersioning and
 * a BucketVersioningV2, say). S3 keeps one such configuration per bucket: each resource
 * overwrites the other on every update, so which one is in force is undecided, and the
 * pack reports the bucket rather than silently crediting one of them.
 */
export function conflictingSplits(index: StackIndex, bucket: IndexedResource, types: TypeSet): string | undefined {
  const splits = bucketAttachments(index, types).get(bucket.urn) ?? [];
  if (splits.length < 2) return undefined;
  const what = SPLIT_KINDS.find(([kind]) => kind === types)?.[1] ?? "such";
  const names = splits.map(describe);
  const listed = `${names.slice(0, -1).join(", ")} and ${names[names.length - 1]!}`;
  return `${describe(bucket)} is configured by ${splits.length} resources of one kind (${listed}), but S3 keeps one ${what} configuration per bucket, so they overwrite each other on every update and which one is in force is undecided; keep exactly one.`;
}

/** One replication rule's destination, from the split resource or the inline block. */
export interface ReplicationDestination {
  readonly source: IndexedResource;
  /**
   * The stack buckets it may be: the one its known ARN names, or, while the ARN is
   * unknown, every bucket the rules were computed from (they cannot be told apart).
   */
  readonly buckets: readonly IndexedResource[];
  readonly replicaKeyProperty: string;
  readonly replicaKey: Value | undefined;
  /** The top-level property whose `propertyDependencies` hold the destination's edges. */
  readonly edgeProperty: string;
}

function destinationBuckets(
  index: StackIndex,
  source: IndexedResource,
  property: string,
  value: Value | undefined,
  from: IndexedResource,
): IndexedResource[] {
  if (isUnknown(value)) return index.dependenciesOf(source, property, S3_BUCKET).filter((bucket) => bucket !== from);
  const bucket = bucketReferredTo(index, source, property, value);
  return bucket && bucket !== from ? [bucket] : [];
}

export function replicationDestinations(index: StackIndex, bucket: IndexedResource): ReplicationDestination[] {
  const out: ReplicationDestination[] = [];
  for (const config of bucketAttachments(index, S3_BUCKET_REPLICATION).get(bucket.urn) ?? []) {
    const rules = listField(config.props.rules);
    if (rules.state !== "known") continue;
    rules.value.forEach((rule, i) => {
      const destination = getPath(rule, ["destination"]);
      out.push({
        source: config,
        buckets: destinationBuckets(index, config, "rules", getPath(destination, ["bucket"]), bucket),
        replicaKeyProperty: `rules[${i}].destination.encryptionConfiguration.replicaKmsKeyId`,
        replicaKey: getPath(destination, ["encryptionConfiguration", "replicaKmsKeyId"]),
        edgeProperty: "rules",
      });
    });
  }
  for (const shape of INLINE_REPLICATION) {
    const destinations = expandPath(bucket.props[shape.property], [...shape.configSteps, ...shape.destinationSteps], shape.property);
    if (destinations === "unknown") continue;
    for (const destination of destinations) {
      out.push({
        source: bucket,
        buckets: destinationBuckets(index, bucket, shape.property, getPath(destination.value, ["bucket"]), bucket),
        replicaKeyProperty: `${destination.path}.replicaKmsKeyId`,
        replicaKey: getPath(destination.value, ["replicaKmsKeyId"]),
        edgeProperty: shape.property,
      });
    }
  }
  return out;
}

/**
 * The inline replication blocks of the bucket tokens: `Bucket` has one
 * `replicationConfiguration` with `rules[].destination`; the deprecated `BucketV2` has
 * lists, `replicationConfigurations[].rules[].destinations[]`.
 */
export const INLINE_REPLICATION = [
  { property: "replicationConfiguration", configSteps: [], destinationSteps: ["rules", "[]", "destination"] },
  { property: "replicationConfigurations", configSteps: ["[]"], destinationSteps: ["rules", "[]", "destinations", "[]"] },
] as const;

/** `Bucket`'s `serverSideEncryptionConfiguration.rule…` and `BucketV2`'s lists of the same. */
const INLINE_ENCRYPTION = [
  { property: "serverSideEncryptionConfiguration", steps: ["rule", "applyServerSideEncryptionByDefault"] },
  {
    property: "serverSideEncryptionConfigurations",
    steps: ["[]", "rules", "[]", "applyServerSideEncryptionByDefaults", "[]"],
  },
] as const;

/** Why a bucket counts as a backup bucket. */
export interface BackupBucket {
  readonly bucket: IndexedResource;
  /** Set when the bucket is a backup bucket because another one replicates into it. */
  readonly replicaOf?: IndexedResource;
}

export interface BackupBuckets {
  readonly byUrn: ReadonlyMap<string, BackupBucket>;
  /** Buckets whose tags are unknown during preview, so their role cannot be decided. */
  readonly undecidable: readonly IndexedResource[];
}

/**
 * Every backup bucket of the stack: tagged or named as one, plus (transitively) the
 * destinations backup buckets replicate to, since a replica is a backup copy too.
 */
export function backupBuckets(index: StackIndex, config: BackupBucketConfig): BackupBuckets {
  const key = `backupBuckets:${JSON.stringify(config.backupBucketTags)}:${JSON.stringify(config.backupBucketNamePatterns)}`;
  return index.memo(key, () => {
    const byUrn = new Map<string, BackupBucket>();
    const undecidable: IndexedResource[] = [];
    const queue: IndexedResource[] = [];
    for (const bucket of index.ofType(S3_BUCKET)) {
      const verdict = classifyBucket(index, bucket, config);
      if (verdict === "backup") {
        byUrn.set(bucket.urn, { bucket });
        queue.push(bucket);
      } else if (verdict === "undecidable") undecidable.push(bucket);
    }
    for (let next = queue.shift(); next; next = queue.shift()) {
      for (const destination of replicationDestinations(index, next)) {
        for (const replica of destination.buckets) {
          if (byUrn.has(replica.urn)) continue;
          byUrn.set(replica.urn, { bucket: replica, replicaOf: next });
          queue.push(replica);
        }
      }
    }
    return { byUrn, undecidable: undecidable.filter((bucket) => !byUrn.has(bucket.urn)) };
  });
}

/** A bucket's default encryption as the split resource or the inline block sets it. */
export interface BucketEncryption {
  readonly source: IndexedResource;
  /** Path of the algorithm and key properties, as the user writes them. */
  readonly algorithmProperty: string;
  readonly keyProperty: string;
  /** Top-level property whose edges lead to the key. */
  readonly edgeProperty: string;
  readonly algorithm: Value | undefined;
  readonly key: Value | undefined;
}

/**
 * The default-encryption rules in force on a bucket. A split
 * `BucketServerSideEncryptionConfiguration` replaces the inline block; with neither,
 * S3 applies SSE-S3 (an empty list here). `undefined` means the configuration itself
 * is unknown during preview.
 */
export function bucketEncryption(index: StackIndex, bucket: IndexedResource): BucketEncryption[] | undefined {
  const split = bucketAttachments(index, S3_BUCKET_ENCRYPTION).get(bucket.urn) ?? [];
  if (split.length > 0) {
    const out: BucketEncryption[] = [];
    for (const config of split) {
      const rules = listField(config.props.rules);
      if (rules.state === "unknown") return undefined;
      if (rules.state !== "known") continue;
      rules.value.forEach((rule, i) => {
        const byDefault = getPath(rule, ["applyServerSideEncryptionByDefault"]);
        out.push({
          source: config,
          algorithmProperty: `rules[${i}].applyServerSideEncryptionByDefault.sseAlgorithm`,
          keyProperty: `rules[${i}].applyServerSideEncryptionByDefault.kmsMasterKeyId`,
          edgeProperty: "rules",
          algorithm: getPath(byDefault, ["sseAlgorithm"]),
          key: getPath(byDefault, ["kmsMasterKeyId"]),
        });
      });
    }
    return out;
  }
  if (unplacedAttachments(index, S3_BUCKET_ENCRYPTION).length > 0) return undefined;
  const out: BucketEncryption[] = [];
  for (const shape of INLINE_ENCRYPTION) {
    const reached = expandPath(bucket.props[shape.property], shape.steps, shape.property);
    if (reached === "unknown") {
      // Unknown without an edge: the provider computes it because the program left it unset.
      if (index.leftToProvider(bucket, shape.property)) continue;
      return undefined;
    }
    for (const byDefault of reached) {
      out.push({
        source: bucket,
        algorithmProperty: `${byDefault.path}.sseAlgorithm`,
        keyProperty: `${byDefault.path}.kmsMasterKeyId`,
        edgeProperty: shape.property,
        algorithm: getPath(byDefault.value, ["sseAlgorithm"]),
        key: getPath(byDefault.value, ["kmsMasterKeyId"]),
      });
    }
  }
  return out;
}

/** The backup buckets a control applies to, then the buckets whose role is undecidable (for `undecidedBucketOutcome`). */
export function backupBucketSubjects(index: StackIndex, config: BackupBucketConfig): IndexedResource[] {
  const buckets = backupBuckets(index, config);
  return [...[...buckets.byUrn.values()].map((entry) => entry.bucket), ...buckets.undecidable];
}

/** The gap of a bucket whose tags are unknown, or `undefined` for a backup bucket. */
export function undecidedBucketOutcome(index: StackIndex, config: BackupBucketConfig, bucket: IndexedResource): Outcome | undefined {
  if (backupBuckets(index, config).byUrn.has(bucket.urn)) return undefined;
  return unverifiable("tags", `its tags are unknown ${index.unknownWhen}, so whether it is a backup bucket cannot be decided`);
}

/** Where a setting of a bucket is made: the bucket itself (inline) or a split resource. */
export interface SettingSource {
  readonly source: IndexedResource;
  /** The path of the setting as the user writes it, on `source`. */
  readonly property: string;
}

/** `versioningConfiguration.status of BucketVersioning 'x'`, or the inline path. */
export function whereSet(bucket: IndexedResource, setting: SettingSource): string {
  return setting.source === bucket ? setting.property : `${setting.property} of ${describe(setting.source)}`;
}

/**
 * A split resource of the bucket replaces its inline block (two of one kind are
 * `conflictingSplits`, which the policies report first). Without one, a split resource
 * whose bucket is unknown may be this bucket's: `unplaced`.
 */
function splitOf(index: StackIndex, bucket: IndexedResource, types: TypeSet): IndexedResource | undefined {
  return bucketAttachments(index, types).get(bucket.urn)?.[0];
}

/** The unknown setting a split resource of unknown bucket leaves this bucket with, if there is one. */
function unplaced(index: StackIndex, types: TypeSet): (SettingSource & { readonly state: "unknown" }) | undefined {
  const attachment = unplacedAttachments(index, types)[0];
  return attachment && { state: "unknown", source: attachment, property: "bucket" };
}

/** Versioning as S3 applies it: `Enabled`, `Suspended` or `Disabled` (never enabled). */
export type BucketVersioningState =
  | (SettingSource & { readonly state: "unknown" })
  | (SettingSource & { readonly state: "invalid"; readonly found: string })
  | (SettingSource & {
      readonly state: "known";
      readonly status: "Enabled" | "Suspended" | "Disabled";
      readonly mfaDelete: Field<boolean>;
      readonly mfaDeleteProperty: string;
    });

function enabledFlag(field: Field<string | boolean>): Field<boolean> {
  if (field.state !== "known") return field;
  if (typeof field.value === "boolean") return { state: "known", value: field.value };
  return { state: "known", value: field.value.toLowerCase() === "enabled" };
}

function stringOrBoolean(value: Value | undefined): Field<string | boolean> {
  const flag = booleanField(value);
  return flag.state === "invalid" ? stringField(value) : flag;
}

/** Where a bucket's inline versioning block sits: `versioning` (Bucket) or `versionings[0]` (BucketV2). */
export function inlineVersioningPath(bucket: IndexedResource): readonly [string, ...(string | number)[]] {
  return bucket.type === "aws:s3/bucketV2:BucketV2" ? ["versionings", 0] : ["versioning"];
}

/**
 * A bucket's versioning: a split `BucketVersioning`/`BucketVersioningV2` replaces the
 * inline `versioning` (Bucket) or `versionings[0]` (BucketV2) block; with none, a
 * bucket is unversioned.
 */
export function bucketVersioning(index: StackIndex, bucket: IndexedResource): BucketVersioningState {
  const split = splitOf(index, bucket, S3_BUCKET_VERSIONING);
  if (split) {
    const property = "versioningConfiguration.status";
    const status = stringField(getPath(split.props, ["versioningConfiguration", "status"]));
    if (status.state === "unknown") return { state: "unknown", source: split, property };
    if (status.state === "invalid") return { state: "invalid", source: split, property, found: status.found };
    const value = status.state === "known" ? status.value : "Disabled";
    const normalized = value === "Enabled" || value === "Suspended" ? value : "Disabled";
    return {
      state: "known",
      source: split,
      property,
      status: normalized,
      mfaDelete: enabledFlag(stringOrBoolean(getPath(split.props, ["versioningConfiguration", "mfaDelete"]))),
      mfaDeleteProperty: "versioningConfiguration.mfaDelete",
    };
  }
  // A bucket created with Object Lock stays versioned whatever a versioning resource says.
  const unknownSplit = unplaced(index, S3_BUCKET_VERSIONING);
  if (unknownSplit && !objectLockEnabledAtCreation(index, bucket)) return unknownSplit;
  const inline = inlineVersioningPath(bucket);
  const top = inline[0];
  const block = index.setting(bucket, inline);
  const path = inline.length === 2 ? `${top}[0]` : top;
  const property = `${path}.enabled`;
  if (isUnknown(block)) return { state: "unknown", source: bucket, property };
  const enabled = booleanField(getPath(block, ["enabled"]));
  if (enabled.state === "unknown") return { state: "unknown", source: bucket, property };
  if (enabled.state === "invalid") return { state: "invalid", source: bucket, property, found: enabled.found };
  // S3 turns versioning on, for good, when a bucket is created with Object Lock.
  if (!(enabled.state === "known" && enabled.value) && objectLockEnabledAtCreation(index, bucket)) {
    return {
      state: "known",
      source: bucket,
      property: "objectLockEnabled",
      status: "Enabled",
      mfaDelete: ABSENT,
      mfaDeleteProperty: `${path}.mfaDelete`,
    };
  }
  return {
    state: "known",
    source: bucket,
    property,
    status: enabled.state === "known" && enabled.value ? "Enabled" : "Disabled",
    mfaDelete: booleanField(getPath(block, ["mfaDelete"])),
    mfaDeleteProperty: `${path}.mfaDelete`,
  };
}

/** A known `objectLockEnabled: true` or inline `objectLockConfiguration.objectLockEnabled: "Enabled"` on the bucket. */
function objectLockEnabledAtCreation(index: StackIndex, bucket: IndexedResource): boolean {
  return objectLockEnabledIn(index.setting(bucket, ["objectLockEnabled"]), index.setting(bucket, ["objectLockConfiguration"]));
}

/** The same, from the bucket's inputs alone (Remediate). */
export function objectLockEnabledOnInputs(bucket: IndexedResource): boolean {
  return objectLockEnabledIn(getPath(bucket.props, ["objectLockEnabled"]), getPath(bucket.props, ["objectLockConfiguration"]));
}

function objectLockEnabledIn(flagValue: Value | undefined, configuration: Value | undefined): boolean {
  const flag = booleanField(flagValue);
  if (flag.state === "known" && flag.value) return true;
  const inline = stringField(getPath(configuration, ["objectLockEnabled"]));
  return inline.state === "known" && inline.value === "Enabled";
}

/** A default retention of Object Lock, where it is set. */
export interface ObjectLockRetention extends SettingSource {
  readonly mode: Field<string>;
  readonly days: Field<number>;
  readonly years: Field<number>;
}

/** Object Lock on a bucket: whether it is enabled, and its default retention. */
export type BucketObjectLock =
  | (SettingSource & { readonly state: "unknown" })
  | {
      readonly state: "known";
      /** Where Object Lock is enabled, or `undefined` when it is not. */
      readonly enabledAt?: SettingSource;
      readonly retention?: ObjectLockRetention;
    };

function retentionAt(source: IndexedResource, property: string, block: Value | undefined): ObjectLockRetention {
  return {
    source,
    property,
    mode: stringField(getPath(block, ["mode"])),
    days: numberField(getPath(block, ["days"])),
    years: numberField(getPath(block, ["years"])),
  };
}

/**
 * A bucket's Object Lock: enabled by the bucket's `objectLockEnabled`, its inline
 * `objectLockConfiguration.objectLockEnabled`, or a split
 * `BucketObjectLockConfiguration` (which enables it on an existing versioned bucket);
 * the default retention comes from the split resource, else from the inline rule
 * (`rule.defaultRetention` on Bucket, `rules[0].defaultRetentions[0]` on BucketV2).
 */
export function bucketObjectLock(index: StackIndex, bucket: IndexedResource): BucketObjectLock {
  let enabledAt: SettingSource | undefined;
  const flag = booleanField(index.setting(bucket, ["objectLockEnabled"]));
  if (flag.state === "unknown") return { state: "unknown", source: bucket, property: "objectLockEnabled" };
  if (flag.state === "known" && flag.value) enabledAt = { source: bucket, property: "objectLockEnabled" };
  const split = splitOf(index, bucket, S3_BUCKET_OBJECT_LOCK);
  if (split) {
    const splitFlag = stringField(index.setting(split, ["objectLockEnabled"]));
    if (splitFlag.state === "unknown") return { state: "unknown", source: split, property: "objectLockEnabled" };
    // The split resource's objectLockEnabled defaults to Enabled.
    if (splitFlag.state !== "known" || splitFlag.value === "Enabled") enabledAt ??= { source: split, property: "objectLockEnabled" };
    const rule = index.setting(split, ["rule", "defaultRetention"]);
    if (isUnknown(rule)) return { state: "unknown", source: split, property: "rule.defaultRetention" };
    return {
      state: "known",
      enabledAt,
      ...(rule !== undefined && rule !== null && { retention: retentionAt(split, "rule.defaultRetention", rule) }),
    };
  }
  // Object Lock enabled on the bucket itself may still take its retention from a split resource of unknown bucket.
  const unknownSplit = unplaced(index, S3_BUCKET_OBJECT_LOCK);
  if (unknownSplit) return unknownSplit;
  const inline = index.setting(bucket, ["objectLockConfiguration"]);
  if (isUnknown(inline)) return { state: "unknown", source: bucket, property: "objectLockConfiguration" };
  const inlineFlag = stringField(getPath(inline, ["objectLockEnabled"]));
  if (inlineFlag.state === "unknown") return { state: "unknown", source: bucket, property: "objectLockConfiguration.objectLockEnabled" };
  if (inlineFlag.state === "known" && inlineFlag.value === "Enabled") {
    enabledAt ??= { source: bucket, property: "objectLockConfiguration.objectLockEnabled" };
  }
  const v2 = bucket.type === "aws:s3/bucketV2:BucketV2";
  const steps = v2 ? ["rules", 0, "defaultRetentions", 0] : ["rule", "defaultRetention"];
  const property = v2 ? "objectLockConfiguration.rules[0].defaultRetentions[0]" : "objectLockConfiguration.rule.defaultRetention";
  const rule = getPath(inline, steps);
  if (isUnknown(rule)) return { state: "unknown", source: bucket, property };
  return { state: "known", enabledAt, ...(rule !== undefined && rule !== null && { retention: retentionAt(bucket, property, rule) }) };
}

/** One lifecycle rule's expirations, where they are set. */
export interface LifecycleRuleView extends SettingSource {
  /** `status` (split) or `enabled` (inline), as a flag. */
  readonly enabled: Field<boolean>;
  readonly enabledProperty: string;
  readonly currentDays: Field<number>;
  readonly currentDaysProperty: string;
  readonly currentDate: Field<string>;
  readonly noncurrentDays: Field<number>;
  readonly noncurrentDaysProperty: string;
}

/**
 * The lifecycle rules in force on a bucket. A split `BucketLifecycleConfiguration`
 * replaces the inline `lifecycleRules` (S3 keeps one lifecycle configuration per
 * bucket). `unknown` when the rules themselves are unknown.
 */
export function bucketLifecycleRules(
  index: StackIndex,
  bucket: IndexedResource,
): LifecycleRuleView[] | (SettingSource & { state: "unknown" }) {
  const split = splitOf(index, bucket, S3_BUCKET_LIFECYCLE);
  if (!split) {
    const unknownSplit = unplaced(index, S3_BUCKET_LIFECYCLE);
    if (unknownSplit) return unknownSplit;
  }
  const v2 = bucket.type === "aws:s3/bucketV2:BucketV2";
  const source = split ?? bucket;
  const rules = split ? split.props.rules : index.setting(bucket, ["lifecycleRules"]);
  const top = split ? "rules" : "lifecycleRules";
  if (isUnknown(rules)) return { state: "unknown", source, property: top };
  if (!Array.isArray(rules)) return [];
  const out: LifecycleRuleView[] = [];
  for (const [i, rule] of rules.entries()) {
    const path = `${top}[${i}]`;
    if (isUnknown(rule)) return { state: "unknown", source, property: path };
    if (split) {
      out.push({
        source,
        property: path,
        enabled: enabledFlag(stringField(getPath(rule, ["status"]))),
        enabledProperty: `${path}.status`,
        currentDays: numberField(getPath(rule, ["expiration", "days"])),
        currentDaysProperty: `${path}.expiration.days`,
        currentDate: stringField(getPath(rule, ["expiration", "date"])),
        noncurrentDays: numberField(getPath(rule, ["noncurrentVersionExpiration", "noncurrentDays"])),
        noncurrentDaysProperty: `${path}.noncurrentVersionExpiration.noncurrentDays`,
      });
    } else {
      const expiration = v2 ? ["expirations", 0] : ["expiration"];
      const noncurrent = v2 ? ["noncurrentVersionExpirations", 0] : ["noncurrentVersionExpiration"];
      const name = (steps: (string | number)[]) => steps.map((step) => (typeof step === "number" ? `[${step}]` : `.${step}`)).join("");
      out.push({
        source,
        property: path,
        enabled: booleanField(getPath(rule, ["enabled"])),
        enabledProperty: `${path}.enabled`,
        currentDays: numberField(getPath(rule, [...expiration, "days"])),
        currentDaysProperty: `${path}${name([...expiration, "days"])}`,
        currentDate: stringField(getPath(rule, [...expiration, "date"])),
        noncurrentDays: numberField(getPath(rule, [...noncurrent, "days"])),
        noncurrentDaysProperty: `${path}${name([...noncurrent, "days"])}`,
      });
    }
  }
  return out;
}

/** One replication rule of a bucket, from the split resource or an inline block. */
export interface ReplicationRuleView extends SettingSource {
  readonly enabled: Field<boolean>;
  /** The stack buckets its destination may be (see `ReplicationDestination.buckets`). */
  readonly destinations: readonly IndexedResource[];
  /** The destination as written: a literal ARN of a bucket outside the stack, or unknown. */
  readonly destinationValue: Value | undefined;
  readonly replicaKeyProperty: string;
  readonly replicaKey: Value | undefined;
  readonly edgeProperty: string;
  /** Whether S3 replicates delete markers under this rule (V1 rules without a filter always do). */
  readonly replicatesDeleteMarkers: Field<boolean>;
  readonly deleteMarkerProperty: string;
  /** Whether objects encrypted with SSE-KMS are replicated (`sourceSelectionCriteria…sseKmsEncryptedObjects`). */
  readonly replicatesKmsObjects: Field<boolean>;
  readonly kmsObjectsProperty: string;
}

function deleteMarkers(filter: Value | undefined, status: Value | undefined): Field<boolean> {
  if (isUnknown(filter)) return { state: "unknown" };
  const hasFilter = filter !== undefined && filter !== null && !(Array.isArray(filter) && filter.length === 0);
  if (!hasFilter) return { state: "known", value: true };
  const flag = stringField(status);
  if (flag.state === "unknown") return flag;
  return { state: "known", value: flag.state === "known" && flag.value === "Enabled" };
}

/**
 * The replication rules of a bucket: a split `BucketReplicationConfig` replaces the
 * inline `replicationConfiguration` (Bucket) or `replicationConfigurations[0]`
 * (BucketV2). `unknown` when the rules themselves are unknown.
 */
export function bucketReplicationRules(
  index: StackIndex,
  bucket: IndexedResource,
): ReplicationRuleView[] | (SettingSource & { readonly state: "unknown" }) {
  const split = splitOf(index, bucket, S3_BUCKET_REPLICATION);
  const out: ReplicationRuleView[] = [];
  if (split) {
    const rules = split.props.rules;
    if (isUnknown(rules)) return { state: "unknown", source: split, property: "rules" };
    if (!Array.isArray(rules)) return out;
    for (const [i, rule] of rules.entries()) {
      const path = `rules[${i}]`;
      if (isUnknown(rule)) return { state: "unknown", source: split, property: path };
      const destination = getPath(rule, ["destination", "bucket"]);
      out.push({
        source: split,
        property: path,
        enabled: enabledFlag(stringField(getPath(rule, ["status"]))),
        destinations: destinationBuckets(index, split, "rules", destination, bucket),
        destinationValue: destination,
        replicaKeyProperty: `${path}.destination.encryptionConfiguration.replicaKmsKeyId`,
        replicaKey: getPath(rule, ["destination", "encryptionConfiguration", "replicaKmsKeyId"]),
        edgeProperty: "rules",
        replicatesDeleteMarkers: deleteMarkers(getPath(rule, ["filter"]), getPath(rule, ["deleteMarkerReplication", "status"])),
        deleteMarkerProperty: `${path}.deleteMarkerReplication.status`,
        replicatesKmsObjects: enabledFlag(stringField(getPath(rule, ["sourceSelectionCriteria", "sseKmsEncryptedObjects", "status"]))),
        kmsObjectsProperty: `${path}.sourceSelectionCriteria.sseKmsEncryptedObjects.status`,
      });
    }
    return out;
  }
  const unknownSplit = unplaced(index, S3_BUCKET_REPLICATION);
  if (unknownSplit) return unknownSplit;
  const v2 = bucket.type === "aws:s3/bucketV2:BucketV2";
  const top = v2 ? "replicationConfigurations" : "replicationConfiguration";
  const block = index.setting(bucket, [top]);
  if (isUnknown(block)) return { state: "unknown", source: bucket, property: top };
  const config = v2 ? getPath(block, [0]) : block;
  const prefix = v2 ? `${top}[0]` : top;
  const rules = getPath(config, ["rules"]);
  if (isUnknown(rules)) return { state: "unknown", source: bucket, property: `${prefix}.rules` };
  if (!Array.isArray(rules)) return out;
  for (const [i, rule] of rules.entries()) {
    const path = `${prefix}.rules[${i}]`;
    if (isUnknown(rule)) return { state: "unknown", source: bucket, property: path };
    const destinationPath = v2 ? ["destinations", 0] : ["destination"];
    const destination = getPath(rule, [...destinationPath, "bucket"]);
    const destinationAt = v2 ? `${path}.destinations[0]` : `${path}.destination`;
    const sse = v2
      ? ["sourceSelectionCriterias", 0, "sseKmsEncryptedObjects", 0, "enabled"]
      : ["sourceSelectionCriteria", "sseKmsEncryptedObjects", "enabled"];
    out.push({
      source: bucket,
      property: path,
      enabled: enabledFlag(stringField(getPath(rule, ["status"]))),
      destinations: destinationBuckets(index, bucket, top, destination, bucket),
      destinationValue: destination,
      replicaKeyProperty: `${destinationAt}.replicaKmsKeyId`,
      replicaKey: getPath(rule, [...destinationPath, "replicaKmsKeyId"]),
      edgeProperty: top,
      replicatesDeleteMarkers: deleteMarkers(getPath(rule, [v2 ? "filters" : "filter"]), getPath(rule, ["deleteMarkerReplicationStatus"])),
      deleteMarkerProperty: `${path}.deleteMarkerReplicationStatus`,
      replicatesKmsObjects: booleanField(getPath(rule, sse)),
      kmsObjectsProperty: v2
        ? `${path}.sourceSelectionCriterias[0].sseKmsEncryptedObjects[0].enabled`
        : `${path}.sourceSelectionCriteria.sseKmsEncryptedObjects.enabled`,
    });
  }
  return out;
}

/** Buckets that are replication destinations of a backup bucket (replicas need not replicate again). */
export function replicaBuckets(index: StackIndex, config: BackupBucketConfig): ReadonlySet<string> {
  return index.memo(`replicaBuckets:${JSON.stringify(config)}`, () => {
    const out = new Set<string>();
    for (const { bucket } of backupBuckets(index, config).byUrn.values()) {
      for (const destination of replicationDestinations(index, bucket)) for (const replica of destination.buckets) out.add(replica.urn);
    }
    return out;
  });
}
