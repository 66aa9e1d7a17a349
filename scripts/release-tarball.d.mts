// Types of scripts/release-tarball.mjs, for test/self-package.test.ts.
export const BUILD_TOOLS: string[];
export const RUNTIME: string[];
export function closure(roots: string[]): string[];
export function tarballFiles(): string[];
