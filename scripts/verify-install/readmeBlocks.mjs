// The fenced blocks of a README's "## Install" section: what
// readme-install.mjs executes and readmes.test.mjs compares.

/** The fenced blocks of the `## Install` section. */
export function installBlocks(markdown) {
  const start = markdown.search(/^## Install\s*$/m);
  if (start < 0) throw new Error('no "## Install" section');
  const rest = markdown.slice(start + 1);
  const end = rest.search(/^## /m);
  const section = end < 0 ? rest : rest.slice(0, end);
  const blocks = [];
  const fence = /^```(\S*)([^\n]*)\n([\s\S]*?)^```\s*$/gm;
  for (const match of section.matchAll(fence)) {
    const [, lang, meta, code] = match;
    const title = /title="([^"]+)"/.exec(meta)?.[1];
    blocks.push({ lang, title, code });
  }
  return blocks;
}
