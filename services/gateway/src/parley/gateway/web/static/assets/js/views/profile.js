// A profile: name, handle, bio, follower counts; follow / unfollow, block / unblock; the
// Spaces they host live right now; followers and following. Your own: edit, log out.

import { accounts, spaces as spacesApi } from "../api.js";
import { h, icon, render } from "../dom.js";
import { count, hueOf } from "../format.js";
import { session } from "../session.js";
import { avatar } from "../ui/avatar.js";
import { actionSheet, confirmDialog, openDialog } from "../ui/dialog.js";
import { toast, toastError } from "../ui/toast.js";
import { logOut } from "./shell.js";
import { spaceCard } from "./spaces.js";

export const profileView = {
  name: "profile",
  title: "Profile",
  get nav() {
    return session.user && location.pathname.toLowerCase() === `/u/${session.user.handle}`.toLowerCase() ? "profile" : "";
  },
  mount(container, { handle }) {
    let alive = true;
    let tab = "followers";
    const head = h("div", { class: "profile-head" });
    const live = h("div", { class: "profile-live" });
    const list = h("div", { class: "people-list" });
    const tabs = h("div", { class: "tabs", role: "tablist" });
    render(container, h("div", { class: "loading-block" }, h("span", { class: "spinner" })));

    const load = async () => {
      try {
        const user = await accounts.user(handle);
        if (!alive) return;
        document.title = `${user.display_name} (@${user.handle}) · Parley`;
        drawHead(user);
        drawTabs(user);
        loadList(user);
        render(container, head, live, tabs, list);
        const hosting = await spacesApi.list({ state: "live", q: undefined, limit: 100 }).catch(() => ({ items: [] }));
        const theirs = hosting.items.filter((s) => s.host.user_id === user.id);
        if (alive && theirs.length) render(live, h("h2", { class: "section-title" }, "Hosting now"), theirs.map((s) => spaceCard(s)));
      } catch (error) {
        if (!alive) return;
        render(
          container,
          h(
            "div",
            { class: "empty-state" },
            h("h1", {}, error.status === 404 ? "This account doesn't exist" : "Couldn't load this profile"),
            h("p", {}, error.status === 404 ? "Try searching for another." : error.message),
            h("a", { href: "/", class: "btn btn-primary" }, "Back to Spaces"),
          ),
        );
      }
    };

    const drawHead = (user) => {
      const mine = session.isMe(user.id);
      const act = (run) => async () => {
        try {
          await run();
          const fresh = await accounts.user(handle);
          if (alive) {
            drawHead(fresh);
            drawTabs(fresh);
          }
        } catch (error) {
          toastError(error);
        }
      };
      const actions = [];
      if (mine) {
        actions.push(h("button", { class: "btn btn-outline", onclick: () => editProfile(user, () => load()) }, "Edit profile"));
        actions.push(h("button", { class: "btn btn-ghost", onclick: logOut }, icon("logout", { size: 18 }), "Log out"));
      } else if (session.signedIn) {
        if (user.blocked_by_me) {
          actions.push(h("button", { class: "btn btn-danger-outline", onclick: act(() => accounts.unblock(user.handle)) }, "Unblock"));
        } else {
          actions.push(
            user.followed_by_me
              ? h(
                  "button",
                  { class: "btn btn-outline follow-btn following", "aria-label": `Unfollow @${user.handle}`, onclick: act(() => accounts.unfollow(user.handle)) },
                  h("span", { class: "when-idle" }, "Following"),
                  h("span", { class: "when-hover" }, "Unfollow"),
                )
              : h("button", { class: "btn btn-light follow-btn", onclick: act(() => accounts.follow(user.handle)) }, "Follow"),
          );
        }
        actions.push(
          h(
            "button",
            {
              class: "icon-btn icon-btn-outline",
              "aria-label": "More",
              onclick: () =>
                actionSheet({
                  title: `@${user.handle}`,
                  actions: [
                    user.blocked_by_me
                      ? { label: `Unblock @${user.handle}`, icon: "block", run: act(() => accounts.unblock(user.handle)) }
                      : {
                          label: `Block @${user.handle}`,
                          icon: "block",
                          danger: true,
                          run: async () => {
                            const ok = await confirmDialog({
                              title: `Block @${user.handle}?`,
                              text: "They won't be able to join Spaces you host, and you'll be warned when they speak in a Space you're in.",
                              confirm: "Block",
                              danger: true,
                            });
                            if (ok) await act(() => accounts.block(user.handle))();
                          },
                        },
                  ],
                }),
            },
            icon("more"),
          ),
        );
      } else {
        actions.push(h("a", { class: "btn btn-light", href: `/login?next=/u/${encodeURIComponent(user.handle)}` }, "Follow"));
      }
      render(
        head,
        h("div", { class: "profile-banner", style: { "--hue": String(hueOf(user.id)) } }),
        h(
          "div",
          { class: "profile-row" },
          avatar(user, { size: "xl" }),
          h("div", { class: "profile-actions" }, actions),
        ),
        h("h1", { class: "profile-name" }, user.display_name),
        h(
          "p",
          { class: "profile-handle" },
          `@${user.handle}`,
          user.follows_me && h("span", { class: "tag" }, "Follows you"),
          user.blocked_by_me && h("span", { class: "tag tag-danger" }, "Blocked"),
          user.suspended && h("span", { class: "tag tag-danger" }, "Suspended"),
        ),
        user.bio && h("p", { class: "profile-bio" }, user.bio),
        h(
          "p",
          { class: "profile-counts" },
          h("span", {}, h("strong", {}, count(user.following_count)), " Following"),
          h("span", {}, h("strong", {}, count(user.followers_count)), " Followers"),
        ),
      );
    };

    const drawTabs = (user) => {
      const button = (name, label) =>
        h(
          "button",
          {
            class: ["tab", { active: tab === name }],
            role: "tab",
            "aria-selected": String(tab === name),
            onclick: () => {
              tab = name;
              drawTabs(user);
              loadList(user);
            },
          },
          label,
        );
      render(tabs, button("followers", "Followers"), button("following", "Following"));
    };

    const loadList = async (user) => {
      render(list, h("div", { class: "loading-block" }, h("span", { class: "spinner" })));
      try {
        const page = tab === "followers" ? await accounts.followers(user.handle) : await accounts.following(user.handle);
        if (!alive) return;
        render(
          list,
          page.items.length
            ? page.items.map((person) =>
                h(
                  "a",
                  { class: "person-row", href: `/u/${encodeURIComponent(person.handle)}` },
                  avatar(person),
                  h("span", { class: "person-names" }, h("span", { class: "person-name" }, person.display_name), h("span", { class: "person-handle" }, `@${person.handle}`)),
                ),
              )
            : h("p", { class: "empty-line" }, tab === "followers" ? "No followers yet." : "Not following anyone yet."),
        );
      } catch (error) {
        if (alive) render(list, h("p", { class: "empty-line" }, error.message));
      }
    };

    load();
    return () => {
      alive = false;
    };
  },
};

function editProfile(user, done) {
  const name = h("input", { class: "input", name: "display_name", maxlength: 50, value: user.display_name, required: true });
  const bio = h("textarea", { class: "input", name: "bio", maxlength: 160, rows: 3 });
  bio.value = user.bio || "";
  const error = h("p", { class: "form-error", role: "alert", hidden: true });
  const dialog = openDialog({
    title: "Edit profile",
    body: h(
      "form",
      {
        class: "stack",
        onsubmit: async (event) => {
          event.preventDefault();
          try {
            const updated = await accounts.updateMe({ display_name: name.value.trim(), bio: bio.value.trim() });
            session.set({ ...session.user, ...updated });
            dialog.close();
            toast("Profile saved");
            done();
          } catch (problem) {
            error.textContent = problem.message;
            error.hidden = false;
          }
        },
      },
      h("label", { class: "field" }, h("span", { class: "field-label" }, "Name"), name),
      h("label", { class: "field" }, h("span", { class: "field-label" }, "Bio"), bio),
      error,
      h("div", { class: "dialog-actions" }, h("button", { type: "submit", class: "btn btn-primary" }, "Save")),
    ),
  });
}

