// The frame around every screen: the keyboard's "Skip to content", the navigation rail (wide
// screens) or the tab bar (phones), the notifications badge, the account menu, and the
// "you're offline" banner.

import { h, icon, render } from "../dom.js";
import { notifications } from "../notifications.js";
import { navigate } from "../router.js";
import { session } from "../session.js";
import { avatar } from "../ui/avatar.js";
import { actionSheet } from "../ui/dialog.js";

export function mountShell(root) {
  const view = h("main", { id: "view", class: "view", tabindex: "-1" });
  const rail = h("nav", { class: "rail", "aria-label": "Main" });
  const tabbar = h("nav", { class: "tabbar", "aria-label": "Tabs" });
  const offline = h(
    "div",
    { class: "net-banner", role: "status", hidden: navigator.onLine },
    icon("wifiOff", { size: 18 }),
    h("span", {}, "You're offline. Parley reconnects as soon as you're back."),
  );
  // Moves the focus without touching the URL (a #fragment would be a navigation to the router).
  const skip = h(
    "a",
    {
      href: "#view",
      class: "skip-link",
      onclick: (event) => {
        event.preventDefault();
        view.focus();
      },
    },
    "Skip to content",
  );
  const shell = h("div", { class: "shell" }, skip, rail, view, tabbar, offline);
  render(root, shell);
  root.classList.remove("boot");

  let active = "";
  let cleanup = null;

  const draw = () => {
    render(rail, ...railContent(active));
    render(tabbar, ...tabContent(active));
  };
  session.addEventListener("change", draw);
  notifications.addEventListener("change", () => {
    for (const badge of document.querySelectorAll("[data-badge=notifications]")) paintBadge(badge);
  });
  window.addEventListener("online", () => (offline.hidden = true));
  window.addEventListener("offline", () => (offline.hidden = false));
  draw();

  return {
    show(screen, params) {
      cleanup?.();
      cleanup = null;
      active = screen?.nav ?? "";
      shell.classList.toggle("bare", Boolean(screen?.bare));
      shell.classList.toggle("immersive", Boolean(screen?.immersive));
      draw();
      const container = h("div", { class: `screen screen-${screen?.name ?? "missing"}` });
      render(view, container);
      view.scrollTop = 0;
      window.scrollTo(0, 0);
      cleanup = screen ? screen.mount(container, params) ?? null : notFound(container);
      document.title = screen?.title ? `${screen.title} · Parley` : "Parley";
    },
  };
}

function navLink(href, name, iconName, label, active, extra = null) {
  return h(
    "a",
    {
      href,
      class: ["nav-link", { active: active === name }],
      "aria-current": active === name ? "page" : null,
      dataset: { nav: name },
    },
    h("span", { class: "nav-icon" }, icon(iconName, { size: 24 }), extra),
    // The name, also where only the icon shows (the label's words are then not drawn).
    h("span", { class: "nav-label", "aria-hidden": "true" }, label),
    h("span", { class: "visually-hidden" }, label),
  );
}

function badge() {
  return paintBadge(h("span", { class: "badge", dataset: { badge: "notifications" } }));
}

function paintBadge(el) {
  const n = notifications.unseen;
  el.textContent = n > 99 ? "99+" : String(n);
  el.hidden = n === 0;
  el.setAttribute("aria-label", `${n} new notifications`);
  return el;
}

function railContent(active) {
  const user = session.user;
  return [
    h(
      "a",
      { href: "/", class: "brand", "aria-label": "Parley home" },
      h("img", { src: "/assets/icons/parley.svg", alt: "", width: 32, height: 32 }),
      h("span", { class: "brand-name" }, "Parley"),
    ),
    navLink("/", "spaces", "spaces", "Spaces", active),
    user && navLink("/notifications", "notifications", "bell", "Notifications", active, badge()),
    user && navLink(`/u/${user.handle}`, "profile", "user", "Profile", active),
    user
      ? h("a", { href: "/new", class: "btn btn-primary btn-lg rail-cta", "aria-label": "Start a Space" }, icon("plus"), h("span", {}, "Start a Space"))
      : h(
          "div",
          { class: "rail-guest" },
          h("a", { href: "/signup", class: "btn btn-primary btn-block" }, "Create account"),
          h("a", { href: "/login", class: "btn btn-outline btn-block" }, "Log in"),
        ),
    user && accountChip(user),
  ];
}

function accountChip(user) {
  return h(
    "button",
    {
      class: "account-chip",
      "aria-label": `${user.display_name} @${user.handle}: account menu`,
      onclick: () =>
        actionSheet({
          title: `@${user.handle}`,
          actions: [
            { label: "Your profile", icon: "user", run: () => navigate(`/u/${user.handle}`) },
            { label: "Your recordings", icon: "play", run: () => navigate("/me/recordings") },
            { label: "Log out", icon: "logout", danger: true, run: () => logOut() },
          ],
        }),
    },
    avatar(user, { size: "sm" }),
    h(
      "span",
      { class: "account-names" },
      h("span", { class: "account-name" }, user.display_name),
      h("span", { class: "account-handle" }, `@${user.handle}`),
    ),
    icon("more"),
  );
}

export async function logOut() {
  await session.signOut();
  navigate("/");
}

function tabContent(active) {
  const user = session.user;
  if (!user) {
    return [
      navLink("/", "spaces", "spaces", "Spaces", active),
      h("a", { href: "/signup", class: "tab-login btn btn-outline btn-sm" }, "Sign up"),
      h("a", { href: "/login", class: "tab-login btn btn-primary btn-sm" }, "Log in"),
    ];
  }
  return [
    navLink("/", "spaces", "spaces", "Spaces", active),
    h("a", { href: "/new", class: "tab-create", "aria-label": "Start a Space" }, icon("plus", { size: 26 })),
    navLink("/notifications", "notifications", "bell", "Notifications", active, badge()),
    navLink(`/u/${user.handle}`, "profile", "user", "Profile", active),
  ];
}

function notFound(container) {
  render(
    container,
    h(
      "div",
      { class: "empty-state" },
      h("h1", {}, "This page doesn't exist"),
      h("p", {}, "Try the Spaces tab instead."),
      h("a", { href: "/", class: "btn btn-primary" }, "Go to Spaces"),
    ),
  );
  return null;
}
