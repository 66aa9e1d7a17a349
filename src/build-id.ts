// Which build of tunnelc is running: scripts/build.mjs puts a hash of the sources into each
// bundle (esbuild's define), so two builds of one commit agree and any change to the sources
// gives another id. Run from the sources (tests), "source". The generator's memo
// (src/generator/memo.ts) is reused only by the build that wrote it.
declare const TUNNELC_BUILD_ID: string | undefined;

export const BUILD_ID: string = typeof TUNNELC_BUILD_ID === "string" ? TUNNELC_BUILD_ID : "source";
