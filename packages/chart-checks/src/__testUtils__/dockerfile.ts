/** One Dockerfile instruction: its keyword, arguments and first line. */
export type Instruction = { keyword: string; args: string; line: number };

/**
 * Splits a Dockerfile into instructions: comments and blank lines dropped,
 * backslash continuations joined. Enough for the rules the tests check
 * (hadolint itself is not installable here).
 */
export function parseDockerfile(text: string): Instruction[] {
  const instructions: Instruction[] = [];
  let pending: Instruction | undefined;
  text.split('\n').forEach((raw, index) => {
    const line = raw.trim();
    if (!pending && (line === '' || line.startsWith('#'))) return;
    if (pending && line.startsWith('#')) return;
    const continued = line.endsWith('\\');
    const body = continued ? line.slice(0, -1).trim() : line;
    if (pending) {
      pending.args = `${pending.args} ${body}`.trim();
    } else {
      const [keyword, ...rest] = body.split(/\s+/);
      pending = {
        keyword: keyword.toUpperCase(),
        args: rest.join(' '),
        line: index + 1,
      };
    }
    if (!continued) {
      instructions.push(pending);
      pending = undefined;
    }
  });
  if (pending) instructions.push(pending);
  return instructions;
}

/** The source paths of a COPY or ADD (flags and the destination left out). */
export function copySources(instruction: Instruction): string[] {
  const words = instruction.args.split(/\s+/).filter(w => !w.startsWith('--'));
  return words.slice(0, -1);
}
