// Secret values taken out of what a tool said (psql, kubectl, rclone) before
// moat prints it: every occurrence, the longest value first (so a value that
// contains another is not left half shown), an empty value never (splitting on
// it would cut the text between every character).

export function withoutValues(text: string, values: Iterable<string>, mark = '<redacted>'): string {
  const ordered = [...new Set(values)].filter((v) => v !== '').sort((a, b) => b.length - a.length);
  let out = text;
  for (const value of ordered) out = out.split(value).join(mark);
  return out;
}
