// How the docs and the tools write a command for the learner to type. The Quick start needs
// only Node and npm, so pnpm is not on a newcomer's PATH; it is a devDependency of the root,
// though, and `npx pnpm` runs that copy (node_modules/.bin/pnpm, the pinned version) with no
// download. Someone with pnpm installed may leave `npx` out.
export const PNPM = 'npx pnpm';

/** `tutorial verify 02` → `npx pnpm tutorial verify 02`. */
export function typed(args: string): string {
  return `${PNPM} ${args}`;
}
