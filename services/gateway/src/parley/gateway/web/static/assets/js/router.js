// Client-side routes on real paths (the gateway answers index.html for each of them), so a
// Space's share link https://…/spaces/<id> opens that Space. Links written as /#/spaces/<id>
// are accepted too and rewritten to the path form.

const routes = [];
let current = null;
let onRoute = () => {};

export function route(pattern, view) {
  const names = [];
  const source = pattern.replace(/:(\w+)/g, (_, name) => {
    names.push(name);
    return "([^/]+)";
  });
  routes.push({ regex: new RegExp(`^${source}/?$`), names, view });
}

export function start(render) {
  onRoute = render;
  if (location.hash.startsWith("#/")) {
    history.replaceState(null, "", location.hash.slice(1));
  }
  window.addEventListener("popstate", () => resolve());
  document.addEventListener("click", (event) => {
    const link = event.target.closest("a[href]");
    if (!link || event.defaultPrevented || event.button !== 0) return;
    if (event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    if (link.target && link.target !== "_self") return;
    const url = new URL(link.href, location.href);
    if (url.origin !== location.origin || url.pathname.startsWith("/api/")) return;
    if (link.hasAttribute("download")) return;
    event.preventDefault();
    navigate(url.pathname + url.search);
  });
  resolve();
}

export function navigate(path, { replace = false } = {}) {
  if (path === location.pathname + location.search) return resolve();
  history[replace ? "replaceState" : "pushState"](null, "", path);
  resolve();
}

export function currentPath() {
  return location.pathname;
}

function resolve() {
  const path = location.pathname;
  for (const { regex, names, view } of routes) {
    const match = regex.exec(path);
    if (match) {
      const params = Object.fromEntries(names.map((name, i) => [name, decodeURIComponent(match[i + 1])]));
      current = { view, params, path };
      onRoute(current);
      return;
    }
  }
  current = { view: null, params: {}, path };
  onRoute(current);
}
