// Making a clip: ask for it (202 with its id), look at it until the clipping service has cut
// it (seconds), then show its share link in a dialog. Used by a live Space ("Clip last 30 s")
// and by a replay ("Clip from here").

import { clips } from "../api.js";
import { h, icon } from "../dom.js";
import { openDialog } from "./dialog.js";
import { toast, toastError } from "./toast.js";

const POLL_MS = 1000;
const GIVE_UP_MS = 60_000;
const pause = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** The share link of a clip: the server's, or built from this page's origin. */
export function clipLink(clip, id) {
  return clip?.share_url || `${location.origin}/clips/${encodeURIComponent(id)}`;
}

/** Clip 30 s of `spaceId` (the last 30 s when `startS` is null); resolves to the ready clip
 * (and its id) or null when it could not be made. */
export async function makeClip(spaceId, startS = null) {
  let created;
  try {
    created = await clips.create(spaceId, startS);
  } catch (error) {
    toastError(error, "The clip couldn't be made");
    return null;
  }
  const id = created.clip_id;
  toast("Making your clip…");
  const deadline = Date.now() + GIVE_UP_MS;
  while (Date.now() < deadline) {
    await pause(POLL_MS);
    let clip;
    try {
      clip = await clips.get(id);
    } catch (error) {
      if (error.network || error.status >= 500) continue; // look again
      toastError(error, "The clip couldn't be made");
      return null;
    }
    if (clip.state === "ready") {
      showClip(clip, id);
      return { ...clip, clip_id: id };
    }
    if (clip.state !== "pending") {
      toast("The clip couldn't be made", { kind: "error" });
      return null;
    }
  }
  toast("Your clip is taking longer than usual. Its link will work once it's ready.", { kind: "error" });
  showClip(null, id);
  return null;
}

function showClip(clip, id) {
  const url = clipLink(clip, id);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(url);
      toast("Link copied");
    } catch {
      toast(url);
    }
  };
  const dialog = openDialog({
    title: "Your clip is ready",
    className: "dialog-clip",
    body: [
      h("p", { class: "dialog-text" }, "Anyone with the link can play it, signed in or not."),
      h("a", { class: "clip-link", href: url, target: "_blank", rel: "noopener", dataset: { clipId: id } }, icon("link", { size: 16 }), h("span", {}, url)),
      h(
        "div",
        { class: "dialog-actions" },
        h("button", { class: "btn btn-ghost", onclick: () => dialog.close() }, "Close"),
        h("button", { class: "btn btn-primary", autofocus: true, onclick: copy }, icon("share", { size: 16 }), "Copy link"),
      ),
    ],
  });
  return dialog;
}
