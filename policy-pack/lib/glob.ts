const cache = new Map<string, RegExp>();

/** Matches a logical name against a glob in which `*` is any run of characters and `?` one. */
export function globMatches(pattern: string, name: string): boolean {
  let regex = cache.get(pattern);
  if (!regex) {
    const body = pattern
      .replace(/[.+^${}()|[\]\\]/g, "\\$&")
      .replace(/\*/g, ".*")
      .replace(/\?/g, ".");
    regex = new RegExp(`^${body}$`);
    cache.set(pattern, regex);
  }
  return regex.test(name);
}
