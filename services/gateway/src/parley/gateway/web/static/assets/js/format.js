// Small formatting helpers shared by the views.

export function initials(name, handle = "") {
  const words = (name || handle || "?").trim().split(/\s+/).filter(Boolean);
  const letters = words.length > 1 ? words[0][0] + words[words.length - 1][0] : (words[0] || "?").slice(0, 2);
  return letters.toUpperCase();
}

/** A stable hue per user, so the same person always has the same avatar colour. */
export function hueOf(key = "") {
  let hash = 2166136261;
  for (let i = 0; i < key.length; i++) {
    hash ^= key.charCodeAt(i);
    hash = Math.imul(hash, 16777619);
  }
  return Math.abs(hash) % 360;
}

const compact = new Intl.NumberFormat("en", { notation: "compact", maximumFractionDigits: 1 });

export function count(n) {
  return compact.format(n || 0);
}

export function plural(n, one, many = `${one}s`) {
  return `${count(n)} ${n === 1 ? one : many}`;
}

const relative = new Intl.RelativeTimeFormat("en", { numeric: "auto", style: "short" });

export function timeAgo(iso) {
  if (!iso) return "";
  const seconds = (new Date(iso).getTime() - Date.now()) / 1000;
  const abs = Math.abs(seconds);
  if (abs < 45) return "now";
  if (abs < 3600) return relative.format(Math.round(seconds / 60), "minute");
  if (abs < 86400) return relative.format(Math.round(seconds / 3600), "hour");
  if (abs < 86400 * 7) return relative.format(Math.round(seconds / 86400), "day");
  return new Date(iso).toLocaleDateString("en", { month: "short", day: "numeric" });
}

export function when(iso) {
  if (!iso) return "";
  return new Date(iso).toLocaleString("en", {
    weekday: "short",
    month: "short",
    day: "numeric",
    hour: "numeric",
    minute: "2-digit",
  });
}

/** A date as a `datetime-local` input shows it: the viewer's own time zone, to the minute. */
export function localInputValue(date) {
  return new Date(date.getTime() - date.getTimezoneOffset() * 60000).toISOString().slice(0, 16);
}

/** A `datetime-local` input's value (the viewer's time zone) as a UTC RFC 3339 time. */
export function fromLocalInput(value) {
  return new Date(value).toISOString();
}

export function hostOf(url) {
  try {
    return new URL(url).host.replace(/^www\./, "");
  } catch {
    return url;
  }
}

/** The share link of a Space: the server's, or built from this page's origin. */
export function shareLink(space) {
  return space.share_url || `${location.origin}/spaces/${space.id}`;
}

export const SPEAK_POLICIES = {
  everyone: "Everyone",
  followed: "People you follow",
  invited: "Only people you invite",
};

/** A length of audio as a player shows it: 4:05, 1:02:09. */
export function clock(seconds) {
  const total = Math.max(0, Math.floor(seconds || 0));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = String(total % 60).padStart(2, "0");
  return h ? `${h}:${String(m).padStart(2, "0")}:${s}` : `${m}:${s}`;
}
