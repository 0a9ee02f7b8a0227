/**
 * Policy pack configuration as the Pulumi CLI reconciles it before any analysis: the
 * policies' own levels and schema defaults, then the pack's `initialConfig`, then the
 * `--policy-pack-config` file (or a Pulumi Cloud policy group's config), then schema
 * validation, whose errors stop the run.
 */
import Ajv from "ajv";
import addFormats from "ajv-formats";
import type { AnalyzerInfo, EnforcementLevel, PolicyConfigEntry } from "./analyzer";

const LEVELS: ReadonlySet<string> = new Set(["advisory", "mandatory", "remediate", "disabled"]);

export class PolicyConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`Invalid policy pack configuration:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
  }
}

interface Override {
  readonly level?: EnforcementLevel;
  readonly properties: Record<string, unknown>;
}

/** A config value is a level string, or an object whose `enforcementLevel` is extracted. */
function parseOverride(where: string, raw: unknown, problems: string[]): Override | undefined {
  if (typeof raw === "string") {
    if (LEVELS.has(raw)) return { level: raw as EnforcementLevel, properties: {} };
    problems.push(`${where}: "${raw}" is not an enforcement level (advisory, mandatory, remediate, disabled)`);
    return undefined;
  }
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) {
    problems.push(`${where}: must be an enforcement level or an object`);
    return undefined;
  }
  const { enforcementLevel, ...properties } = raw as Record<string, unknown>;
  if (enforcementLevel !== undefined && (typeof enforcementLevel !== "string" || !LEVELS.has(enforcementLevel))) {
    problems.push(`${where}: enforcementLevel "${String(enforcementLevel)}" is not advisory, mandatory, remediate or disabled`);
    return undefined;
  }
  return { level: enforcementLevel as EnforcementLevel | undefined, properties };
}

function defaults(schema: AnalyzerInfo["policies"][number]["configSchema"]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, property] of Object.entries(schema?.properties ?? {})) {
    if (typeof property === "object" && property !== null && "default" in property) {
      out[name] = (property as { default: unknown }).default;
    }
  }
  return out;
}

/**
 * Reconciles the configuration of every policy of the pack. `file` is the parsed
 * `--policy-pack-config` JSON. Throws `PolicyConfigError` listing every problem, each
 * naming the policy and field.
 */
export function reconcileConfig(info: AnalyzerInfo, file: unknown = {}): Record<string, PolicyConfigEntry> {
  const problems: string[] = [];
  if (typeof file !== "object" || file === null || Array.isArray(file)) {
    throw new PolicyConfigError(['the policy pack config must be a JSON object keyed by policy name or "all"']);
  }
  const known = new Set(info.policies.map((policy) => policy.name));
  const layers = [info.initialConfig, file as Record<string, unknown>];
  const overrides = layers.map((layer, i) => {
    const parsed = new Map<string, Override>();
    for (const [name, raw] of Object.entries(layer)) {
      if (name !== "all" && !known.has(name)) {
        problems.push(`"${name}" is not a policy of ${info.name} (its policies: ${[...known].join(", ")})`);
        continue;
      }
      const override = parseOverride(i === 0 ? `initialConfig.${name}` : name, raw, problems);
      if (name === "all" && override && Object.keys(override.properties).length > 0) {
        problems.push(`all: only an enforcement level can be set for every policy, not ${Object.keys(override.properties).join(", ")}`);
      }
      if (override) parsed.set(name, override);
    }
    return parsed;
  });

  const ajv = new Ajv({ allErrors: true, strict: false });
  addFormats(ajv);
  const result: Record<string, PolicyConfigEntry> = {};
  for (const policy of info.policies) {
    let level: EnforcementLevel = policy.enforcementLevel;
    let properties = defaults(policy.configSchema);
    for (const layer of overrides) {
      // An `all` level overrides every policy's level; a policy's own level wins over it.
      const all = layer.get("all");
      if (all?.level) level = all.level;
      const own = layer.get(policy.name);
      if (own?.level) level = own.level;
      properties = { ...properties, ...(own?.properties ?? {}) };
    }
    const schema = {
      type: "object",
      properties: policy.configSchema?.properties ?? {},
      required: [...(policy.configSchema?.required ?? [])],
    };
    const validate = ajv.compile(schema);
    if (!validate(properties)) {
      for (const error of validate.errors ?? []) {
        const field = error.instancePath.replace(/^\//, "").replace(/\//g, ".") || "(config)";
        problems.push(`${policy.name}: ${field} ${error.message ?? "is invalid"}`);
      }
    }
    result[policy.name] = { enforcementLevel: level, properties };
  }
  if (problems.length > 0) throw new PolicyConfigError(problems);
  return result;
}
