// Hash routes of the app. Hash routing keeps the current screen across reloads and gives
// the Android back button something to go back to, without any server.

/** A parsed route. */
export type Route =
  | { name: "news" }
  | { name: "article"; id: string }
  | { name: "outages" }
  | { name: "bulletins" }
  | { name: "alerts" }
  | { name: "procedures" }
  | { name: "lifeEvent"; id: string }
  | { name: "procedure"; code: string }
  | { name: "feedback" }
  | { name: "myRequests" }
  | { name: "myRequest"; id: string }
  | { name: "nearby" }
  | { name: "settings" }
  | { name: "onboarding" }
  | { name: "bus" }
  | { name: "busStop"; id: string }
  | { name: "busRoute"; id: string }
  | { name: "busJourney"; from: string; to: string; at?: string }
  | { name: "announcements" }
  | { name: "official" };

/** The tabs of the tab bar. */
export type Tab = "news" | "announcements" | "procedures" | "bus" | "feedback" | "settings";

/** Reads a route from a location hash such as "#/procedures/1.001193". Unknown hashes give the news list. */
export function parseRoute(hash: string): Route {
  const parts = hash.replace(/^#\/?/, "").split("/").filter((p) => p !== "").map((p) => safeDecode(p));
  const [head, arg, arg2, arg3, arg4] = parts;
  switch (head) {
    case "news":
      return arg ? { name: "article", id: arg } : { name: "news" };
    case "outages":
      return { name: "outages" };
    case "bulletins":
      return { name: "bulletins" };
    case "alerts":
      return { name: "alerts" };
    case "procedures":
      return arg ? { name: "procedure", code: arg } : { name: "procedures" };
    case "life-events":
      return arg ? { name: "lifeEvent", id: arg } : { name: "procedures" };
    case "feedback":
      return { name: "feedback" };
    case "requests":
      return arg ? { name: "myRequest", id: arg } : { name: "myRequests" };
    case "nearby":
      return { name: "nearby" };
    case "settings":
      return { name: "settings" };
    case "announcements":
      return { name: "announcements" };
    case "official":
      return { name: "official" };
    case "onboarding":
      return { name: "onboarding" };
    case "bus":
      if (arg === "stop" && arg2) return { name: "busStop", id: arg2 };
      if (arg === "route" && arg2) return { name: "busRoute", id: arg2 };
      if (arg === "journey") {
        const journey: Route = { name: "busJourney", from: arg2 ?? "", to: arg3 ?? "" };
        return arg4 ? { ...journey, at: arg4 } : journey;
      }
      return { name: "bus" };
    default:
      return { name: "news" };
  }
}

function safeDecode(part: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    return part;
  }
}

/** The hash of a route. */
export function href(route: Route): string {
  switch (route.name) {
    case "news":
      return "#/news";
    case "article":
      return `#/news/${encodeURIComponent(route.id)}`;
    case "outages":
      return "#/outages";
    case "bulletins":
      return "#/bulletins";
    case "alerts":
      return "#/alerts";
    case "procedures":
      return "#/procedures";
    case "lifeEvent":
      return `#/life-events/${encodeURIComponent(route.id)}`;
    case "procedure":
      return `#/procedures/${encodeURIComponent(route.code)}`;
    case "feedback":
      return "#/feedback";
    case "myRequests":
      return "#/requests";
    case "myRequest":
      return `#/requests/${encodeURIComponent(route.id)}`;
    case "nearby":
      return "#/nearby";
    case "settings":
      return "#/settings";
    case "announcements":
      return "#/announcements";
    case "official":
      return "#/official";
    case "onboarding":
      return "#/onboarding";
    case "bus":
      return "#/bus";
    case "busStop":
      return `#/bus/stop/${encodeURIComponent(route.id)}`;
    case "busRoute":
      return `#/bus/route/${encodeURIComponent(route.id)}`;
    case "busJourney": {
      // An optional leave-at time ("2025-12-01T07:30") makes a planned journey shareable.
      const parts = [route.from, route.to, route.at ?? ""].filter((p) => p !== "").map(encodeURIComponent);
      return `#/bus/journey${parts.map((p) => `/${p}`).join("")}`;
    }
  }
}

/** Which tab a route belongs to. */
export function tabOf(route: Route): Tab | null {
  switch (route.name) {
    case "news":
    case "article":
    case "outages":
    case "bulletins":
    case "alerts":
      return "news";
    case "procedures":
    case "lifeEvent":
    case "procedure":
      return "procedures";
    case "feedback":
    case "myRequests":
    case "myRequest":
    case "nearby":
      return "feedback";
    case "settings":
    case "official":
      return "settings";
    case "bus":
    case "busStop":
    case "busRoute":
    case "busJourney":
      return "bus";
    case "announcements":
      return "announcements";
    case "onboarding":
      return null;
  }
}
