// One ordering for text everywhere output must be reproducible: by code point.
// `localeCompare` depends on the machine's locale (`/å` sorts differently under
// da_DK than under en_US), which would make rendered files differ between hosts.
export function byText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
