// Parley's web client: plain ES modules, no build step (ADR 14). This file wires the screens
// to their paths, the session and the live notifications.

import { notifications } from "./notifications.js";
import { navigate, route, start } from "./router.js";
import { session } from "./session.js";
import { spaceView } from "./space/page.js";
import { toast } from "./ui/toast.js";
import { loginView, signupView } from "./views/auth.js";
import { clipView } from "./views/clip.js";
import { createView } from "./views/create.js";
import { notificationPath, notificationsView } from "./views/notifications.js";
import { profileView } from "./views/profile.js";
import { recordingsView } from "./views/recordings.js";
import { replayView } from "./views/replay.js";
import { mountShell } from "./views/shell.js";
import { spacesView } from "./views/spaces.js";

route("/", spacesView);
route("/login", loginView);
route("/signup", signupView);
route("/new", createView);
route("/notifications", notificationsView);
route("/spaces/:id", spaceView);
route("/spaces/:id/replay", replayView);
route("/me/recordings", recordingsView);
route("/clips/:id", clipView);
route("/u/:handle", profileView);

async function boot() {
  await session.load();
  const shell = mountShell(document.getElementById("app"));

  session.addEventListener("change", ({ detail }) => {
    notifications.start();
    if (!detail.user && detail.reason) {
      const why = detail.reason.slug === "account-suspended" ? "This account is suspended." : "Your session expired. Log in again.";
      toast(why, { kind: "error" });
      navigate(`/login?next=${encodeURIComponent(location.pathname)}`, { replace: true });
    }
  });
  notifications.addEventListener("arrived", ({ detail: item }) => {
    const here = location.pathname === "/notifications" || (item.space_id && location.pathname === `/spaces/${item.space_id}`);
    if (here) return;
    const action = item.space_id && item.kind !== "removed" ? { label: "Open", run: () => navigate(notificationPath(item)) } : null;
    toast(item.text, { action });
  });
  notifications.start();

  start(({ view, params }) => {
    if (view?.requiresAuth && !session.signedIn) {
      navigate(`/login?next=${encodeURIComponent(location.pathname)}`, { replace: true });
      return;
    }
    if (view?.bare && session.signedIn) {
      navigate("/", { replace: true });
      return;
    }
    shell.show(view, params);
  });
}

// A page restored from the back/forward cache has closed its sockets and left its Space:
// start it afresh.
window.addEventListener("pageshow", (event) => event.persisted && location.reload());

boot();
