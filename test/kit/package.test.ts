/**
 * The kit's package (kit/package.json, `backup-guardrails`) declares what kit/ loads at run
 * time, and reaches the pack only through the pack's package name, never by a path into
 * policy-pack/: what an installed kit can resolve. (test/engine/adoption.test.ts installs it.)
 */
import * as fs from "fs";
import { builtinModules } from "module";
import * as path from "path";

const KIT = path.resolve(__dirname, "../../kit");

function sources(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const file = path.join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === "dist" || entry.name === "node_modules" ? [] : sources(file);
    return entry.name.endsWith(".ts") && !entry.name.endsWith(".d.ts") ? [file] : [];
  });
}

/** Every module specifier kit/ loads at run time (type-only imports are erased), by file. */
function runtimeSpecifiers(): { file: string; specifier: string }[] {
  const patterns = [
    /^\s*(?:import|export)\s+(?!type\s)[^;]*?from\s+"([^"]+)"/gm,
    /\brequire(?:\.resolve)?\(\s*"([^"]+)"/g,
    /\bimport\(\s*"([^"]+)"\s*\)/g,
  ];
  return sources(KIT).flatMap((file) => {
    const text = fs.readFileSync(file, "utf8");
    return patterns.flatMap((pattern) =>
      [...text.matchAll(pattern)].map((match) => ({ file: path.relative(KIT, file), specifier: match[1] ?? "" })),
    );
  });
}

const packageName = (specifier: string) =>
  specifier
    .split("/")
    .slice(0, specifier.startsWith("@") ? 2 : 1)
    .join("/");

describe("the kit's package", () => {
  const manifest = JSON.parse(fs.readFileSync(path.join(KIT, "package.json"), "utf8")) as { dependencies?: Record<string, string> };
  const specifiers = runtimeSpecifiers();

  it("declares every package kit/ loads at run time", () => {
    const external = specifiers.filter(({ specifier }) => !specifier.startsWith(".") && !builtinModules.includes(packageName(specifier)));
    const undeclared = external.filter(({ specifier }) => !(packageName(specifier) in (manifest.dependencies ?? {})));
    expect(undeclared).toEqual([]);
    expect(external.map(({ specifier }) => specifier)).toEqual(expect.arrayContaining(["@grpc/grpc-js", "js-yaml", "ajv"]));
  });

  it("loads pack code through the pack's package name, and nothing outside kit/ by path", () => {
    const outside = specifiers.filter(
      ({ file, specifier }) =>
        specifier.startsWith(".") && path.relative(KIT, path.resolve(KIT, path.dirname(file), specifier)).startsWith(".."),
    );
    expect(outside).toEqual([]);
    expect(specifiers).toContainEqual({ file: "index.ts", specifier: "aws-backup-guardrails/bin/policies" });
  });
});
