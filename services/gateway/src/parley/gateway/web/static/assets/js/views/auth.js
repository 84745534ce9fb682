// Sign up and log in. The answer sets the HttpOnly cookie; the page then reads who it is.

import { accounts } from "../api.js";
import { h } from "../dom.js";
import { navigate } from "../router.js";
import { session } from "../session.js";

function nextPath() {
  const next = new URLSearchParams(location.search).get("next") || "/";
  return next.startsWith("/") && !next.startsWith("//") ? next : "/";
}

/** A voice-like row of bars: a slow swell with some jitter. */
function waveHeight(i) {
  return Math.round(24 + 70 * Math.abs(Math.sin(i * 0.45)) * (0.6 + 0.4 * Math.abs(Math.sin(i * 1.7))));
}

function field({ label, name, type = "text", autocomplete, hint = "", ...rest }) {
  const id = `f-${name}`;
  return h(
    "label",
    { class: "field", for: id },
    h("span", { class: "field-label" }, label),
    h("input", { id, name, type, autocomplete, class: "input", ...rest }),
    hint && h("span", { class: "field-hint" }, hint),
  );
}

function authScreen(container, { title, subtitle, fields, submit, alternate, onSubmit }) {
  const error = h("p", { class: "form-error", role: "alert", hidden: true });
  const button = h("button", { type: "submit", class: "btn btn-primary btn-lg btn-block" }, submit);
  const form = h(
    "form",
    {
      class: "auth-form",
      novalidate: true,
      onsubmit: async (event) => {
        event.preventDefault();
        error.hidden = true;
        button.disabled = true;
        try {
          await onSubmit(Object.fromEntries(new FormData(form)));
          session.set(await accounts.me());
          navigate(nextPath(), { replace: true });
        } catch (problem) {
          error.textContent = problem.message;
          error.hidden = false;
        } finally {
          button.disabled = false;
        }
      },
    },
    fields,
    error,
    button,
  );
  container.append(
    h(
      "div",
      { class: "auth" },
      h(
        "div",
        { class: "auth-hero", "aria-hidden": "true" },
        h("img", { src: "/assets/icons/parley.svg", alt: "", width: 72, height: 72 }),
        h("p", { class: "auth-tagline" }, "Live conversations,", h("br"), "out loud."),
        h("div", { class: "auth-waves" }, Array.from({ length: 28 }, (_, i) => h("span", { style: { "--i": String(i), "--h": `${waveHeight(i)}px` } }))),
      ),
      h(
        "section",
        { class: "auth-card" },
        h("a", { href: "/", class: "auth-logo", "aria-label": "Parley" }, h("img", { src: "/assets/icons/parley.svg", alt: "", width: 40, height: 40 })),
        h("h1", { class: "auth-title" }, title),
        h("p", { class: "auth-subtitle" }, subtitle),
        form,
        h("p", { class: "auth-alt" }, alternate),
      ),
    ),
  );
  container.querySelector("input")?.focus();
}

export const loginView = {
  name: "login",
  title: "Log in",
  bare: true,
  mount(container) {
    authScreen(container, {
      title: "Log in to Parley",
      subtitle: "Welcome back. Your Spaces are waiting.",
      fields: [
        field({ label: "Handle", name: "handle", autocomplete: "username", required: true, placeholder: "your_handle" }),
        field({ label: "Password", name: "password", type: "password", autocomplete: "current-password", required: true }),
      ],
      submit: "Log in",
      alternate: ["New to Parley? ", h("a", { href: `/signup${location.search}` }, "Create an account")],
      onSubmit: ({ handle, password }) => accounts.login(handle.replace(/^@/, "").trim(), password),
    });
  },
};

export const signupView = {
  name: "signup",
  title: "Sign up",
  bare: true,
  mount(container) {
    authScreen(container, {
      title: "Create your account",
      subtitle: "Host a Space, take the stage, or just listen in.",
      fields: [
        field({ label: "Name", name: "display_name", autocomplete: "name", required: true, maxlength: 50, placeholder: "Ada Lovelace" }),
        field({
          label: "Handle",
          name: "handle",
          autocomplete: "username",
          required: true,
          maxlength: 15,
          placeholder: "ada_l",
          hint: "3–15 letters, digits or _",
        }),
        field({
          label: "Password",
          name: "password",
          type: "password",
          autocomplete: "new-password",
          required: true,
          hint: "At least 8 characters",
        }),
      ],
      submit: "Create account",
      alternate: ["Already have an account? ", h("a", { href: `/login${location.search}` }, "Log in")],
      onSubmit: ({ handle, display_name, password }) =>
        accounts.register(handle.replace(/^@/, "").trim(), display_name.trim(), password),
    });
  },
};
