// Preloaded with `node -r` by scripts/bench.mjs: writes the process's peak RSS (KiB) at exit.
"use strict";
process.once("exit", () => {
  require("node:fs").writeFileSync(
    process.env.TUNNELC_RSS_FILE,
    String(process.resourceUsage().maxRSS),
  );
});
