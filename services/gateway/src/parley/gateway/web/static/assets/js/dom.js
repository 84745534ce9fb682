// Building DOM without innerHTML: every piece of user text becomes a text node, so nothing a
// user types can turn into markup (the page's CSP forbids inline scripts as a second line).

const SVG_NS = "http://www.w3.org/2000/svg";

/**
 * h("button", {class: "btn", onclick: fn, disabled: true}, "Label", child, [more])
 * Props: class (string | array | {name: bool}), dataset, style ({--var: value}), on<event>,
 * boolean and value properties (hidden, disabled, checked, value), anything else an attribute.
 */
export function h(tag, props, ...children) {
  const el = document.createElement(tag);
  applyProps(el, props);
  append(el, children);
  return el;
}

export function applyProps(el, props) {
  if (!props) return el;
  for (const [key, value] of Object.entries(props)) {
    if (value === undefined || value === null || value === false) continue;
    if (key === "class") el.className = classNames(value);
    else if (key === "dataset") Object.assign(el.dataset, value);
    else if (key === "style") for (const [k, v] of Object.entries(value)) el.style.setProperty(k, v);
    else if (key.startsWith("on") && typeof value === "function") {
      el.addEventListener(key.slice(2).toLowerCase(), value);
    } else if (key in PROPERTIES) el[PROPERTIES[key]] = value;
    else el.setAttribute(key, value === true ? "" : String(value));
  }
  return el;
}

const PROPERTIES = {
  hidden: "hidden",
  disabled: "disabled",
  checked: "checked",
  value: "value",
  selected: "selected",
  autofocus: "autofocus",
  required: "required",
  text: "textContent",
};

export function classNames(value) {
  if (typeof value === "string") return value;
  if (Array.isArray(value)) return value.filter(Boolean).map(classNames).join(" ");
  return Object.entries(value)
    .filter(([, on]) => on)
    .map(([name]) => name)
    .join(" ");
}

export function append(el, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false || child === true) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return el;
}

/** Replace everything inside `el` with `children`. */
export function render(el, ...children) {
  el.replaceChildren();
  return append(el, children);
}

/** True when `el` already shows what `key` describes; otherwise remembers `key`. Parts are
 * only redrawn when what they show changed, so a button is never replaced under a click. */
export function unchanged(el, key) {
  const text = JSON.stringify(key);
  if (el.drawnFrom === text) return true;
  el.drawnFrom = text;
  return false;
}

// Icons: 24×24 stroke paths (drawn for Parley, in the spirit of common open icon sets).
const ICONS = {
  spaces: ["M4 10v4", "M8 7v10", "M12 4v16", "M16 7v10", "M20 10v4"],
  bell: [
    "M6 16V11a6 6 0 0 1 12 0v5l1.5 2h-15L6 16Z",
    "M10 20.5a2.2 2.2 0 0 0 4 0",
  ],
  user: ["M12 12a4 4 0 1 0 0-8 4 4 0 0 0 0 8Z", "M4.5 20a7.5 7.5 0 0 1 15 0"],
  plus: ["M12 5v14", "M5 12h14"],
  mic: [
    "M12 3a3 3 0 0 0-3 3v6a3 3 0 0 0 6 0V6a3 3 0 0 0-3-3Z",
    "M5.5 11a6.5 6.5 0 0 0 13 0",
    "M12 17.5V21",
  ],
  micOff: [
    "M15 10V6a3 3 0 0 0-5.7-1.3",
    "M9 9v3a3 3 0 0 0 4.9 2.3",
    "M5.5 11a6.5 6.5 0 0 0 10.4 5.2",
    "M18.3 13a6.5 6.5 0 0 0 .2-2",
    "M12 17.5V21",
    "M4 4l16 16",
  ],
  hand: [
    "M8 13V6.5a1.5 1.5 0 0 1 3 0V12",
    "M11 11V5a1.5 1.5 0 0 1 3 0v6",
    "M14 11V6.5a1.5 1.5 0 0 1 3 0V14",
    "M8 13V10a1.5 1.5 0 0 0-3 0v4a7 7 0 0 0 7 7h.5a5.5 5.5 0 0 0 4.5-5V14",
  ],
  share: ["M12 15V3", "M7.5 7.5 12 3l4.5 4.5", "M5 13v6a2 2 0 0 0 2 2h10a2 2 0 0 0 2-2v-6"],
  heart: [
    "M12 20s-7-4.4-7-10a4 4 0 0 1 7-2.6A4 4 0 0 1 19 10c0 5.6-7 10-7 10Z",
  ],
  pin: ["M9 4h6l-1 6 3 3H7l3-3-1-6Z", "M12 13v8"],
  more: ["M5 12h.01", "M12 12h.01", "M19 12h.01"],
  close: ["M6 6l12 12", "M18 6 6 18"],
  check: ["M5 12.5 10 17l9-10"],
  back: ["M15 5l-7 7 7 7"],
  search: ["M11 18a7 7 0 1 0 0-14 7 7 0 0 0 0 14Z", "M20 20l-4-4"],
  logout: ["M14 4h4a2 2 0 0 1 2 2v12a2 2 0 0 1-2 2h-4", "M10 16l-4-4 4-4", "M6 12h10"],
  headphones: [
    "M4 15v-3a8 8 0 0 1 16 0v3",
    "M4 15a2 2 0 0 1 2-2h1v7H6a2 2 0 0 1-2-2v-3Z",
    "M20 15a2 2 0 0 0-2-2h-1v7h1a2 2 0 0 0 2-2v-3Z",
  ],
  link: [
    "M10 14a4 4 0 0 0 5.7 0l3-3a4 4 0 0 0-5.7-5.7l-1 1",
    "M14 10a4 4 0 0 0-5.7 0l-3 3a4 4 0 0 0 5.7 5.7l1-1",
  ],
  edit: ["M4 20h4L19 9l-4-4L4 16v4Z", "M13.5 6.5l4 4"],
  shield: ["M12 3 5 6v5c0 4.5 3 8.3 7 10 4-1.7 7-5.5 7-10V6l-7-3Z"],
  wifiOff: [
    "M2 8.5a15 15 0 0 1 5-3",
    "M22 8.5a15 15 0 0 0-9.5-4",
    "M5 12a10 10 0 0 1 4-2.3",
    "M19 12a10 10 0 0 0-2.5-1.7",
    "M8.5 15.5a5 5 0 0 1 7 0",
    "M12 19h.01",
    "M3 3l18 18",
  ],
  calendar: ["M5 6h14v14H5z", "M5 10h14", "M9 3v4", "M15 3v4"],
  users: [
    "M9 11a3.5 3.5 0 1 0 0-7 3.5 3.5 0 0 0 0 7Z",
    "M2.5 20a6.5 6.5 0 0 1 13 0",
    "M16 4.5a3.5 3.5 0 0 1 0 6.5",
    "M18 14a6.5 6.5 0 0 1 3.5 6",
  ],
  door: ["M14 4H6v16h8", "M18 12H10", "M15 9l3 3-3 3"],
  captions: ["M3 6h18v12H3z", "M7 11h4", "M13 11h4", "M7 14h7"],
  smile: [
    "M12 21a9 9 0 1 0 0-18 9 9 0 0 0 0 18Z",
    "M8.5 14a4.5 4.5 0 0 0 7 0",
    "M9 9.5h.01",
    "M15 9.5h.01",
  ],
  block: ["M12 21a9 9 0 1 0 0-18 9 9 0 0 0 0 18Z", "M5.6 5.6l12.8 12.8"],
  flag: ["M5 21V4", "M5 4h11l-2 4 2 4H5"],
  arrowDown: ["M12 5v14", "M6 13l6 6 6-6"],
  scissors: [
    "M6 9a3 3 0 1 0 0-6 3 3 0 0 0 0 6Z",
    "M6 21a3 3 0 1 0 0-6 3 3 0 0 0 0 6Z",
    "M8.1 7.9 20 20",
    "M8.1 16.1 20 4",
  ],
  play: ["M7 4.5v15l12-7.5-12-7.5Z"],
  trash: ["M4 7h16", "M9 7V4h6v3", "M6 7l1 13h10l1-13", "M10 11v6", "M14 11v6"],
  star: ["M12 3.5l2.6 5.3 5.9.9-4.3 4.1 1 5.8L12 16.9l-5.2 2.7 1-5.8-4.3-4.1 5.9-.9L12 3.5Z"],
};

export function icon(name, { size = 20, label } = {}) {
  const svg = document.createElementNS(SVG_NS, "svg");
  svg.setAttribute("viewBox", "0 0 24 24");
  svg.setAttribute("width", size);
  svg.setAttribute("height", size);
  svg.setAttribute("class", `icon icon-${name}`);
  svg.setAttribute("fill", "none");
  svg.setAttribute("stroke", "currentColor");
  svg.setAttribute("stroke-width", "2");
  svg.setAttribute("stroke-linecap", "round");
  svg.setAttribute("stroke-linejoin", "round");
  if (label) {
    svg.setAttribute("role", "img");
    svg.setAttribute("aria-label", label);
  } else svg.setAttribute("aria-hidden", "true");
  for (const d of ICONS[name] ?? []) {
    const path = document.createElementNS(SVG_NS, "path");
    path.setAttribute("d", d);
    svg.append(path);
  }
  return svg;
}
