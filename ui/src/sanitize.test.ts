// @vitest-environment happy-dom
import { describe, expect, it } from "vitest";
import { sanitizeHtml } from "./sanitize";

function render(html: string): HTMLDivElement {
  const div = document.createElement("div");
  div.appendChild(sanitizeHtml(html, document));
  return div;
}

describe("sanitizeHtml", () => {
  it("drops scripts, styles, iframes and event handlers", () => {
    const div = render(
      '<p onclick="x()" style="color:red">Xin chào</p><script>alert(1)</script><iframe src="https://e.x"></iframe><style>p{}</style>',
    );
    expect(div.innerHTML).toBe("<p>Xin chào</p>");
  });
  it("moves image URLs to data-src so nothing is fetched", () => {
    const div = render('<img src="https://i.vnecdn.net/a.jpg" alt="Ảnh" onerror="x()" srcset="b.jpg 2x">');
    const img = div.querySelector("img");
    expect(img?.getAttribute("src")).toBeNull();
    expect(img?.getAttribute("srcset")).toBeNull();
    expect(img?.getAttribute("onerror")).toBeNull();
    expect(img?.dataset.src).toBe("https://i.vnecdn.net/a.jpg");
    expect(img?.getAttribute("alt")).toBe("Ảnh");
  });
  it("removes link targets, javascript: URLs included, but keeps the text", () => {
    const div = render('<a href="javascript:alert(1)">bấm</a> <a href="https://vnexpress.net">bài gốc</a>');
    expect(div.querySelectorAll("[href]").length).toBe(0);
    expect(div.textContent).toBe("bấm bài gốc");
  });
  it("drops nested dangerous elements and svg", () => {
    const div = render('<div><span>ok<svg><script>1</script></svg></span><object data="x"></object></div>');
    expect(div.querySelector("svg, script, object")).toBeNull();
    expect(div.textContent).toBe("ok");
  });
});
