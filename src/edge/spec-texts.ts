// A gatherer that knows some specs by text: the API's callers (src/api.ts) may hand a spec's text
// with the file name its messages should carry instead of a path. Those "spec" queries are
// answered from the texts, as the spec reader would answer them for a file of that text (its
// byte order mark dropped: src/specfile/read.ts); every other query goes on to the gatherer it
// wraps (the machine's, for a path, or a device's .pub file the relay reads).
import { stripBom } from "../specfile/read.ts";
import type { SpecText } from "../specfile/source.ts";
import { Facts, type Gatherer, type Query } from "./query.ts";

export function withSpecTexts(texts: readonly SpecText[], inner: Gatherer): Gatherer {
  const byName = new Map(texts.map((t) => [t.file, stripBom(t.text)]));
  const known = (q: Query): q is Query & { kind: "spec" } =>
    q.kind === "spec" && byName.has(q.file);
  const split = (queries: readonly Query[]) => {
    const mine = queries.filter(known);
    const facts = new Facts(mine.map((q) => [q, { file: q.file, text: byName.get(q.file)! }]));
    return { facts, rest: queries.filter((q) => !known(q)) };
  };
  return {
    gather(queries) {
      const { facts, rest } = split(queries);
      return rest.length === 0 ? facts : facts.with(inner.gather(rest));
    },
    async gatherAsync(queries) {
      const { facts, rest } = split(queries);
      return rest.length === 0 ? facts : facts.with(await inner.gatherAsync(rest));
    },
  };
}
