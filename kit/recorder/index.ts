import { execFile } from "child_process";
import * as fs from "fs";
import * as yaml from "js-yaml";
import * as os from "os";
import * as path from "path";
import type { EngineView } from "../view";
import type { RecordJob } from "./child";

/** Mirrors `PROGRAM_ERROR` in child.ts (not imported: the child module runs a program when loaded). */
const PROGRAM_ERROR = "backup-guardrails-program-error ";
import { UNANSWERED } from "./outputs";

export interface RecordOptions {
  /** `preview` (default): a first preview, AWS-computed values unknown. `known`: an update, everything known. */
  readonly mode?: "preview" | "known";
  /** Stack name; its `Pulumi.<stack>.yaml` supplies config. Default `dev`. */
  readonly stack?: string;
  readonly organization?: string;
  /**
   * Extra config over the stack file's, named as `pulumi config set` names keys: a bare
   * key is in the project's namespace (`dbPassword` → `<project>:dbPassword`),
   * `aws:region` is as written. Supplies secure values the recorder cannot decrypt.
   */
  readonly config?: Readonly<Record<string, string>>;
  /** Outputs of the stacks the program references (`new pulumi.StackReference(name)`), by stack name. */
  readonly stackReferenceOutputs?: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
}

export class RecordError extends Error {}

interface ProjectFile {
  readonly name: string;
  readonly main?: string;
}

function readYaml(file: string): unknown {
  try {
    return yaml.load(fs.readFileSync(file, "utf8"));
  } catch (error) {
    throw new RecordError(`${file} is not valid YAML: ${(error as Error).message.split("\n")[0]}`);
  }
}

/** Reads `Pulumi.yaml`: the project's name and its entry point. */
export function readProject(programDir: string): ProjectFile {
  const file = ["Pulumi.yaml", "Pulumi.yml"].map((f) => path.join(programDir, f)).find((f) => fs.existsSync(f));
  if (!file) throw new RecordError(`${programDir} has no Pulumi.yaml: not a Pulumi project directory.`);
  const project = readYaml(file) as (Partial<ProjectFile> & { runtime?: unknown }) | null;
  if (!project || typeof project.name !== "string") throw new RecordError(`${file} has no project name.`);
  const runtime =
    typeof project.runtime === "object" && project.runtime !== null ? (project.runtime as { name?: unknown }).name : project.runtime;
  if (runtime !== "nodejs") throw new RecordError(`${file}: only nodejs programs can be recorded (runtime is ${String(runtime)}).`);
  return { name: project.name, main: typeof project.main === "string" ? project.main : undefined };
}

/** `dbPassword` → `<project>:dbPassword`; `aws:region` as written. */
export function configKey(key: string, project: string): string {
  return key.includes(":") ? key : `${project}:${key}`;
}

/**
 * Reads `Pulumi.<stack>.yaml`'s config as the CLI passes it: `ns:key` → string. A
 * `secure:` value cannot be decrypted offline: it is listed in `secure`, and its value is
 * a placeholder the recorder turns into an unknown wherever the program uses it.
 */
export function readStackConfig(
  programDir: string,
  stack: string,
  project: string,
): Record<string, string> & { readonly [SECURE]?: readonly string[] } {
  const file = path.join(programDir, `Pulumi.${stack}.yaml`);
  if (!fs.existsSync(file)) return {};
  const document = readYaml(file) as { config?: Record<string, unknown> } | null;
  const config: Record<string, string> = {};
  const secure: string[] = [];
  for (const [key, value] of Object.entries(document?.config ?? {})) {
    const fullKey = configKey(key, project);
    if (typeof value === "object" && value !== null && "secure" in value) {
      secure.push(fullKey);
      config[fullKey] = UNANSWERED;
      continue;
    }
    config[fullKey] = typeof value === "string" ? value : JSON.stringify(value);
  }
  return Object.defineProperty(config, SECURE, { value: secure, enumerable: false });
}

/** The keys of a `readStackConfig` result whose values are encrypted. */
export const SECURE: unique symbol = Symbol("secure config keys");

/**
 * ts-node settings for the child: transpile only (the recorder checks behaviour, not
 * types), and, for a program with no tsconfig.json of its own, the compiler options
 * Pulumi's language host uses by default.
 */
function typeScriptEnvironment(programDir: string): Record<string, string> {
  const env: Record<string, string> = { TS_NODE_TRANSPILE_ONLY: "true" };
  if (!fs.existsSync(path.join(programDir, "tsconfig.json"))) {
    env.TS_NODE_SKIP_PROJECT = "true";
    env.TS_NODE_COMPILER_OPTIONS = JSON.stringify({
      target: "ES2020",
      module: "commonjs",
      moduleResolution: "node",
      esModuleInterop: true,
    });
  }
  return env;
}

/** The program's own error and where it was thrown, without the recorder's stack frames. */
function programError(stderr: string): string | undefined {
  const reported = stderr.split("\n").find((line) => line.startsWith(PROGRAM_ERROR));
  if (reported) {
    try {
      const { message, location } = JSON.parse(reported.slice(PROGRAM_ERROR.length)) as { message?: string; location?: string };
      if (message) return location ? `${message} (at ${location})` : message;
    } catch {
      // Fall back to the first error line.
    }
  }
  const lines = stderr.split("\n").map((line) => line.trimEnd());
  const message = lines.find((line) => /^(\w*Error|TSError|Error)\b|error TS\d+/.test(line.trim()));
  return message?.trim() ?? lines.find((line) => line.trim() !== "")?.trim();
}

/**
 * What the Node language host runs: Pulumi.yaml's `main`, else the directory itself,
 * which Node resolves through package.json's `main` and then `index.*`.
 */
function entryPoint(programDir: string, main: string | undefined): string {
  if (main) return main;
  const manifest = path.join(programDir, "package.json");
  if (fs.existsSync(manifest)) {
    let packageMain: unknown;
    try {
      packageMain = (JSON.parse(fs.readFileSync(manifest, "utf8")) as { main?: unknown }).main;
    } catch {
      throw new RecordError(`${manifest} is not valid JSON.`);
    }
    if (typeof packageMain === "string" && packageMain !== "") {
      try {
        require.resolve(path.resolve(programDir, packageMain), { paths: [programDir] });
      } catch {
        if (!["", ".ts"].some((ext) => fs.existsSync(path.resolve(programDir, packageMain + ext)))) {
          throw new RecordError(`package.json in ${programDir} names main ${packageMain}, which does not exist (is the program built?).`);
        }
      }
      return packageMain;
    }
  }
  for (const candidate of ["index.ts", "index.js"]) if (fs.existsSync(path.join(programDir, candidate))) return candidate;
  throw new RecordError(`${programDir} has no index.ts or index.js, and neither Pulumi.yaml nor package.json names a main.`);
}

/**
 * Runs a Pulumi TypeScript or JavaScript program under Pulumi's mocks, in its own
 * process, and returns the engine's view of it: engine URNs, default providers,
 * flattened references, and (in preview mode) unknown computed outputs.
 */
export async function recordProgram(programDir: string, options: RecordOptions = {}): Promise<EngineView> {
  const dir = path.resolve(programDir);
  const project = readProject(dir);
  const stack = options.stack ?? "dev";
  const warnings: string[] = [];
  if (options.stack !== undefined && !fs.existsSync(path.join(dir, `Pulumi.${stack}.yaml`))) {
    warnings.push(
      `${programDir} has no Pulumi.${stack}.yaml: the program runs with no stack config (is --stack ${stack} the stack you meant?)`,
    );
  }
  const fromFile = readStackConfig(dir, stack, project.name);
  const extra = Object.fromEntries(Object.entries(options.config ?? {}).map(([key, value]) => [configKey(key, project.name), value]));
  const undecrypted = (fromFile[SECURE] ?? []).filter((key) => !(key in extra));
  if (undecrypted.length > 0) {
    const flags = undecrypted.map((key) => `--config ${key}=<value>`).join(" ");
    warnings.push(
      `Pulumi.${stack}.yaml holds encrypted values the recorder cannot decrypt (${undecrypted.join(", ")}): they are unknown to the pack, so what depends on them is unverifiable; supply them with ${flags}`,
    );
  }
  const work = fs.mkdtempSync(path.join(os.tmpdir(), "backup-guardrails-record-"));
  const job: RecordJob = {
    programDir: dir,
    main: entryPoint(dir, project.main),
    project: project.name,
    stack,
    organization: options.organization ?? "organization",
    dryRun: (options.mode ?? "preview") === "preview",
    config: { ...fromFile, ...extra },
    stackReferenceOutputs: options.stackReferenceOutputs ?? {},
    output: path.join(work, "view.json"),
  };
  fs.writeFileSync(path.join(work, "job.json"), JSON.stringify(job));
  const childScript = fs.existsSync(path.join(__dirname, "child.js")) ? path.join(__dirname, "child.js") : path.join(__dirname, "child.ts");
  const tsNode = require.resolve("ts-node/register/transpile-only");
  try {
    await new Promise<void>((resolve, reject) => {
      execFile(
        process.execPath,
        ["-r", tsNode, childScript, path.join(work, "job.json")],
        { cwd: dir, maxBuffer: 64 * 1024 * 1024, env: { ...process.env, ...typeScriptEnvironment(dir) } },
        (error, _stdout, stderr) => {
          if (error)
            reject(new RecordError(`the program in ${programDir} failed under Pulumi's mocks: ${programError(stderr) ?? error.message}`));
          else resolve();
        },
      );
    });
    const view = JSON.parse(fs.readFileSync(job.output, "utf8")) as EngineView;
    return warnings.length > 0 ? { ...view, warnings } : view;
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}
