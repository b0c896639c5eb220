// Defensive second pass over article HTML before it enters the DOM. The server already
// sanitizes with ammonia; this keeps the UI safe even if it did not. It never lets the
// browser fetch anything: image URLs move to data-src and are resolved through get_media.

const DROP = new Set([
  "script", "style", "iframe", "frame", "frameset", "object", "embed", "link", "meta", "base",
  "form", "input", "button", "textarea", "select", "svg", "math", "template", "noscript", "video", "audio", "source",
]);

/** Attribute names we keep; everything else (on*, style, srcset, …) is removed. */
const KEEP_ATTRS = new Set(["alt", "title", "colspan", "rowspan", "lang", "dir"]);

/**
 * Parses `html` and returns a sanitized fragment owned by `doc`.
 * Images keep their original URL in `data-src` (no `src`); links lose `href`.
 */
export function sanitizeHtml(html: string, doc: Document): DocumentFragment {
  const parsed = new DOMParser().parseFromString(html, "text/html");
  const walk = (el: Element): void => {
    for (const child of Array.from(el.children)) {
      if (DROP.has(child.localName)) {
        child.remove();
        continue;
      }
      const src = child.localName === "img" ? child.getAttribute("src") : null;
      for (const attr of Array.from(child.attributes)) {
        if (!KEEP_ATTRS.has(attr.name.toLowerCase())) child.removeAttribute(attr.name);
      }
      if (src !== null && /^https?:\/\//i.test(src.trim())) child.setAttribute("data-src", src.trim());
      walk(child);
    }
  };
  walk(parsed.body);
  const fragment = doc.createDocumentFragment();
  for (const node of Array.from(parsed.body.childNodes)) fragment.appendChild(doc.importNode(node, true));
  return fragment;
}
