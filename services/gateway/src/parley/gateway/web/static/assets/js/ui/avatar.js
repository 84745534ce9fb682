import { h } from "../dom.js";
import { hueOf, initials } from "../format.js";

/** A round avatar with the person's initials on a colour of their own. */
export function avatar(person, { size = "md" } = {}) {
  const name = person.display_name || person.handle || "";
  const key = person.user_id || person.id || person.handle || name;
  return h(
    "span",
    {
      class: `avatar avatar-${size}`,
      style: { "--hue": String(hueOf(key)) },
      "aria-hidden": "true",
    },
    initials(name, person.handle),
  );
}

/** Up to `max` avatars overlapping, X style. */
export function avatarStack(people, { max = 3, size = "xs" } = {}) {
  return h(
    "span",
    { class: "avatar-stack" },
    people.slice(0, max).map((person) => avatar(person, { size })),
  );
}
