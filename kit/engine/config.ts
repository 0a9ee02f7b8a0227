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
  constructor(
    readonly problems: readonly string[],
    pack = "the policy pack",
  ) {
    super(`validating policy config of ${pack}:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
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
 * naming the policy and field. Like the CLI, it forwards entries for names that are not
 * policies of the pack (the pack ignores them), and says so in `warnings`.
 */
export function reconcileConfig(info: AnalyzerInfo, file: unknown = {}, warnings: string[] = []): Record<string, PolicyConfigEntry> {
  const problems: string[] = [];
  if (typeof file !== "object" || file === null || Array.isArray(file)) {
    throw new PolicyConfigError(['the policy pack config must be a JSON object keyed by policy name or "all"'], info.name);
  }
  const known = new Set(info.policies.map((policy) => policy.name));
  const layers = [info.initialConfig, file as Record<string, unknown>];
  const result: Record<string, PolicyConfigEntry> = {};
  const overrides = layers.map((layer, i) => {
    const parsed = new Map<string, Override>();
    for (const [name, raw] of Object.entries(layer)) {
      const override = parseOverride(i === 0 ? `initialConfig.${name}` : name, raw, problems);
      if (!override) continue;
      if (name === "all" || known.has(name)) {
        if (name === "all" && Object.keys(override.properties).length > 0) {
          warnings.push(
            `"all" sets only the enforcement level of every policy; its ${Object.keys(override.properties).join(", ")} are ignored`,
          );
        }
        parsed.set(name, override);
      } else if (!override.level) {
        // The CLI passes unknown names on to the pack, which needs a level for each.
        problems.push(`${name}: invalid enforcement level "" ("${name}" is not a policy of ${info.name})`);
      } else {
        warnings.push(`"${name}" is not a policy of ${info.name}; its configuration is ignored`);
        result[name] = { enforcementLevel: override.level, properties: override.properties };
      }
    }
    return parsed;
  });

  const ajv = new Ajv({ allErrors: true, strict: false });
  addFormats(ajv);
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
        problems.push(`${policy.name}: ${field}: ${error.message ?? "is invalid"}`);
      }
    }
    result[policy.name] = { enforcementLevel: level, properties };
  }
  if (problems.length > 0) throw new PolicyConfigError(problems, `${info.name} ${info.version}`);
  return result;
}
