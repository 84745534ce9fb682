// Create a Space: title, description, topics, who can speak, recording, clipping, captions,
// now or scheduled. A Space created now waits for its host to start it (mic off).

import { spaces as spacesApi } from "../api.js";
import { h, icon } from "../dom.js";
import { fromLocalInput, localInputValue, SPEAK_POLICIES } from "../format.js";
import { navigate } from "../router.js";

const MAX_TOPICS = 3;

export const createView = {
  name: "create",
  nav: "",
  title: "Start a Space",
  requiresAuth: true,
  mount(container) {
    const topics = [];
    const title = h("input", {
      class: "input input-lg",
      name: "title",
      maxlength: 70,
      required: true,
      placeholder: "What do you want to talk about?",
      autocomplete: "off",
    });
    const description = h("textarea", {
      class: "input",
      name: "description",
      maxlength: 280,
      rows: 3,
      placeholder: "Add a description (optional)",
    });
    const counter = (input, max) => {
      const el = h("span", { class: "counter" }, `0/${max}`);
      input.addEventListener("input", () => {
        el.textContent = `${input.value.length}/${max}`;
        el.classList.toggle("near", input.value.length > max * 0.9);
      });
      return el;
    };
    const topicChips = h("span", { class: "topic-chips" });
    const topicInput = h("input", {
      class: "topic-input",
      placeholder: "Add up to 3 topics",
      maxlength: 30,
      "aria-label": "Add a topic",
    });
    const drawTopics = () => {
      topicChips.replaceChildren(
        ...topics.map((topic, i) =>
          h(
            "span",
            { class: "chip chip-removable" },
            topic,
            h(
              "button",
              {
                type: "button",
                "aria-label": `Remove ${topic}`,
                onclick: () => {
                  topics.splice(i, 1);
                  drawTopics();
                },
              },
              icon("close", { size: 14 }),
            ),
          ),
        ),
      );
      topicInput.hidden = topics.length >= MAX_TOPICS;
    };
    const addTopic = () => {
      const topic = topicInput.value.replace(/,/g, "").trim();
      if (topic && topics.length < MAX_TOPICS && !topics.some((t) => t.toLowerCase() === topic.toLowerCase())) {
        topics.push(topic);
        drawTopics();
      }
      topicInput.value = "";
    };
    topicInput.addEventListener("keydown", (event) => {
      if (event.key === "Enter" || event.key === ",") {
        event.preventDefault();
        addTopic();
      } else if (event.key === "Backspace" && !topicInput.value && topics.length) {
        topics.pop();
        drawTopics();
      }
    });
    topicInput.addEventListener("blur", addTopic);

    const policy = h(
      "div",
      { class: "segmented", role: "radiogroup", "aria-label": "Who can speak" },
      Object.entries(SPEAK_POLICIES).map(([value, label], i) =>
        h("label", { class: "segment" }, h("input", { type: "radio", name: "speak_policy", value, checked: i === 0 }), h("span", {}, label)),
      ),
    );
    const toggle = (name, label, hint, checked = false) =>
      h(
        "label",
        { class: "toggle-row" },
        h("span", { class: "toggle-text" }, h("span", { class: "toggle-label" }, label), h("span", { class: "toggle-hint" }, hint)),
        h("input", { type: "checkbox", class: "switch", name, checked, role: "switch" }),
      );
    const scheduleToggle = h("input", { type: "checkbox", class: "switch", name: "schedule", role: "switch" });
    const scheduleAt = h("input", { type: "datetime-local", class: "input", name: "scheduled_start", hidden: true, "aria-label": "Starts at (your time)" });
    scheduleToggle.addEventListener("change", () => {
      scheduleAt.hidden = !scheduleToggle.checked;
      submit.textContent = scheduleToggle.checked ? "Schedule Space" : "Create Space";
      if (scheduleToggle.checked && !scheduleAt.value) {
        const soon = new Date(Date.now() + 60 * 60 * 1000);
        soon.setMinutes(0, 0, 0);
        scheduleAt.value = localInputValue(soon);
      }
    });

    const error = h("p", { class: "form-error", role: "alert", hidden: true });
    const submit = h("button", { type: "submit", class: "btn btn-primary btn-lg" }, "Create Space");
    const form = h(
      "form",
      {
        class: "create-form card",
        onsubmit: async (event) => {
          event.preventDefault();
          addTopic();
          error.hidden = true;
          const data = new FormData(form);
          const body = {
            title: title.value.trim(),
            description: description.value.trim(),
            topics,
            speak_policy: data.get("speak_policy"),
            recording: data.has("recording"),
            clipping: data.has("clipping"),
            captions: data.has("captions"),
          };
          if (scheduleToggle.checked && scheduleAt.value) {
            body.scheduled_start = fromLocalInput(scheduleAt.value);
          }
          if (!body.title) {
            error.textContent = "Give your Space a title.";
            error.hidden = false;
            title.focus();
            return;
          }
          submit.disabled = true;
          try {
            const space = await spacesApi.create(body);
            navigate(`/spaces/${encodeURIComponent(space.id)}`);
          } catch (problem) {
            error.textContent = problem.message;
            error.hidden = false;
            submit.disabled = false;
          }
        },
      },
      h("div", { class: "field" }, h("span", { class: "field-label" }, "Title"), title, counter(title, 70)),
      h("div", { class: "field" }, h("span", { class: "field-label" }, "Description"), description, counter(description, 280)),
      h("div", { class: "field" }, h("span", { class: "field-label" }, "Topics"), h("div", { class: "input topic-box" }, topicChips, topicInput)),
      h("fieldset", { class: "field" }, h("legend", { class: "field-label" }, "Who can speak"), policy),
      h(
        "fieldset",
        { class: "field toggles" },
        h("legend", { class: "field-label" }, "Settings"),
        toggle("recording", "Record Space", "Keep a recording people can replay. Can't be turned on once live."),
        toggle("clipping", "Allow clips", "Anyone can clip the last 30 seconds of a recorded Space.", true),
        toggle("captions", "Captions", "Show live captions of what's said on stage."),
        h(
          "label",
          { class: "toggle-row" },
          h("span", { class: "toggle-text" }, h("span", { class: "toggle-label" }, "Schedule for later"), h("span", { class: "toggle-hint" }, "Pick a time; people can find it under Upcoming.")),
          scheduleToggle,
        ),
        scheduleAt,
      ),
      error,
      h(
        "div",
        { class: "form-actions" },
        h("p", { class: "form-note" }, icon("micOff", { size: 16 }), "Your mic is off when the Space starts."),
        submit,
      ),
    );
    container.append(
      h(
        "header",
        { class: "page-head" },
        h("div", { class: "page-title-row" }, h("button", { class: "icon-btn", "aria-label": "Back", onclick: () => history.back() }, icon("back")), h("h1", { class: "page-title" }, "Start a Space")),
      ),
      form,
    );
    title.focus();
  },
};
