// API Gateway v2 route selection: the most specific route wins. Literal segments beat {param}, which beats a
// greedy {proxy+}; a route for the exact method beats ANY; `$default` catches whatever nothing else matched.

export interface RouteMatch<T> {
  route: T;
  routeKey: string;
  pathParameters: Record<string, string>;
}

interface CompiledRoute<T> {
  route: T;
  routeKey: string;
  method: string;
  segments: string[];
  greedy: boolean;
  literals: number;
}

export class RouteMatcher<T> {
  private readonly routes: CompiledRoute<T>[] = [];
  private defaultRoute: T | undefined;

  add(routeKey: string, route: T): void {
    if (routeKey === "$default") {
      this.defaultRoute = route;
      return;
    }
    const [method = "ANY", path = "/"] = routeKey.split(" ");
    const segments = path.split("/").filter(Boolean);
    const greedy = segments.at(-1)?.endsWith("+}") ?? false;
    const literals = segments.filter((s) => !s.startsWith("{")).length;
    this.routes.push({ route, routeKey, method: method.toUpperCase(), segments, greedy, literals });
    this.routes.sort(compareSpecificity);
  }

  match(method: string, path: string): RouteMatch<T> | undefined {
    const parts = path.split("/").filter(Boolean);
    for (const candidate of this.routes) {
      if (candidate.method !== "ANY" && candidate.method !== method.toUpperCase()) continue;
      const pathParameters = matchSegments(candidate, parts);
      if (pathParameters) return { route: candidate.route, routeKey: candidate.routeKey, pathParameters };
    }
    if (this.defaultRoute !== undefined)
      return { route: this.defaultRoute, routeKey: "$default", pathParameters: {} };
    return undefined;
  }
}

function compareSpecificity<T>(a: CompiledRoute<T>, b: CompiledRoute<T>): number {
  if (a.greedy !== b.greedy) return a.greedy ? 1 : -1;
  if (a.literals !== b.literals) return b.literals - a.literals;
  if (a.segments.length !== b.segments.length) return b.segments.length - a.segments.length;
  if ((a.method === "ANY") !== (b.method === "ANY")) return a.method === "ANY" ? 1 : -1;
  return 0;
}

function matchSegments<T>(route: CompiledRoute<T>, parts: string[]): Record<string, string> | undefined {
  const params: Record<string, string> = {};
  const fixed = route.greedy ? route.segments.length - 1 : route.segments.length;
  if (route.greedy ? parts.length <= fixed : parts.length !== fixed) return undefined;
  for (let i = 0; i < fixed; i++) {
    const segment = route.segments[i] as string;
    const part = parts[i] as string;
    if (segment.startsWith("{")) params[segment.slice(1, -1)] = safeDecode(part);
    else if (segment !== part) return undefined;
  }
  if (route.greedy) {
    const name = (route.segments.at(-1) as string).slice(1, -2);
    params[name] = parts.slice(fixed).map(safeDecode).join("/");
  }
  return params;
}

function safeDecode(part: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    return part;
  }
}
