import { h } from "../dom.js";
import { hueOf, initials } from "../format.js";

/** A round avatar with the person's initials on a colour of their own. The initials are drawn
 * by CSS (`data-initials`): decoration, so never part of a control's name nor of its visible
 * words (a tile's name is the person's name, not "HH Hana Host"). */
export function avatar(person, { size = "md" } = {}) {
  const name = person.display_name || person.handle || "";
  const key = person.user_id || person.id || person.handle || name;
  return h(
    "span",
    {
      class: `avatar avatar-${size}`,
      style: { "--hue": String(hueOf(key)) },
      dataset: { initials: initials(name, person.handle) },
      "aria-hidden": "true",
    },
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
