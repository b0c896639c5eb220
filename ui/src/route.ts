// Hash routes of the app. Hash routing keeps the current screen across reloads and gives
// the Android back button something to go back to, without any server.

/** A parsed route. */
export type Route =
  | { name: "news" }
  | { name: "article"; id: string }
  | { name: "procedures" }
  | { name: "lifeEvent"; id: string }
  | { name: "procedure"; code: string }
  | { name: "feedback" }
  | { name: "myRequests" }
  | { name: "myRequest"; id: string }
  | { name: "nearby" }
  | { name: "settings" }
  | { name: "announcements" }
  | { name: "official" }
  | { name: "onboarding" };

/** The tabs of the tab bar. */
export type Tab = "news" | "announcements" | "procedures" | "feedback" | "settings";

/** Reads a route from a location hash such as "#/procedures/1.001193". Unknown hashes give the news list. */
export function parseRoute(hash: string): Route {
  const parts = hash.replace(/^#\/?/, "").split("/").filter((p) => p !== "").map((p) => safeDecode(p));
  const [head, arg] = parts;
  switch (head) {
    case "news":
      return arg ? { name: "article", id: arg } : { name: "news" };
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
  }
}

/** Which tab a route belongs to. */
export function tabOf(route: Route): Tab | null {
  switch (route.name) {
    case "news":
    case "article":
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
    case "announcements":
      return "announcements";
    case "onboarding":
      return null;
  }
}
