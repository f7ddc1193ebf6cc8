// The wiki editor (wiki/edit.html, wiki/conflict.html): a Markdown toolbar, a preview and an
// autosave of the text as a draft. Without JavaScript the textarea and its Save button work on
// their own: everything here is built from this script, its labels read from the hidden
// element #wiki-editor-text (see wiki/_editor.html), so they are translated by the server.
(() => {
  const AUTOSAVE_MS = 10000;

  const start = () => {
    const area = document.getElementById("wiki-body");
    const text = document.getElementById("wiki-editor-text");
    if (!area || !text || area.dataset.editorReady) {
      return;
    }
    area.dataset.editorReady = "1";
    const form = area.closest("form");
    const say = (key) => text.dataset[key] || "";

    // Sending: the CSRF token from the body's hx-headers, the cookie, or the form.
    const csrfToken = () => {
      try {
        const headers = JSON.parse(document.body.getAttribute("hx-headers") || "{}");
        if (headers["X-CSRFToken"]) {
          return headers["X-CSRFToken"];
        }
      } catch (error) {
        // fall through to the cookie
      }
      const cookie = document.cookie.split("; ").find((part) => part.startsWith("csrftoken="));
      if (cookie) {
        return decodeURIComponent(cookie.slice("csrftoken=".length));
      }
      const field = form && form.querySelector("input[name=csrfmiddlewaretoken]");
      return field ? field.value : "";
    };

    const fieldValue = (name) => {
      const field = form && form.elements.namedItem(name);
      return field && "value" in field ? field.value : "";
    };

    const post = (url, data, accept) =>
      fetch(url, {
        method: "POST",
        credentials: "same-origin",
        headers: { "X-CSRFToken": csrfToken(), Accept: accept },
        body: new URLSearchParams(data),
      });

    // Editing the selection -----------------------------------------------------------------

    const replace = (start, end, inserted, selectFrom, selectTo) => {
      area.focus();
      area.setSelectionRange(start, end);
      // execCommand keeps the browser's undo history; setRangeText is the fallback.
      let done = false;
      try {
        done = document.execCommand("insertText", false, inserted);
      } catch (error) {
        done = false;
      }
      if (!done || area.value.slice(start, start + inserted.length) !== inserted) {
        area.setRangeText(inserted, start, end, "end");
        area.dispatchEvent(new Event("input", { bubbles: true }));
      }
      area.setSelectionRange(start + selectFrom, start + selectTo);
    };

    const wrap = (before, after, placeholder) => {
      const { selectionStart: from, selectionEnd: to, value } = area;
      const chosen = value.slice(from, to) || placeholder;
      replace(from, to, before + chosen + after, before.length, before.length + chosen.length);
    };

    const prefixLines = (prefix) => {
      const { selectionStart, selectionEnd, value } = area;
      const last = selectionEnd > selectionStart && value[selectionEnd - 1] === "\n" ? selectionEnd - 1 : selectionEnd;
      const from = value.lastIndexOf("\n", selectionStart - 1) + 1;
      const lineEnd = value.indexOf("\n", last);
      const to = lineEnd === -1 ? value.length : lineEnd;
      const lines = value.slice(from, to).split("\n");
      const result = lines.map((line, index) => prefix(index) + line).join("\n");
      replace(from, to, result, 0, result.length);
    };

    const insertBlock = (block) => {
      const { selectionStart: from, selectionEnd: to, value } = area;
      const before = from > 0 && value[from - 1] !== "\n" ? "\n\n" : "";
      const inserted = before + block + "\n";
      replace(from, to, inserted, inserted.length, inserted.length);
    };

    const commands = [
      { key: "heading", run: () => prefixLines(() => "## ") },
      { key: "bold", run: () => wrap("**", "**", say("boldSample")) },
      { key: "italic", run: () => wrap("*", "*", say("italicSample")) },
      { key: "bullets", run: () => prefixLines(() => "- ") },
      { key: "numbers", run: () => prefixLines((index) => `${index + 1}. `) },
      {
        key: "link",
        run: () => {
          const { selectionStart: from, selectionEnd: to, value } = area;
          const label = value.slice(from, to) || say("linkSample");
          const inserted = `[${label}](https://)`;
          const url = label.length + 3;
          replace(from, to, inserted, url, url + "https://".length);
        },
      },
      { key: "pageLink", run: () => wrap("[[", "]]", say("pageSample")) },
      {
        key: "table",
        run: () => {
          const column = say("tableColumn");
          insertBlock(`| ${column} 1 | ${column} 2 |\n| --- | --- |\n|  |  |`);
        },
      },
      { key: "quote", run: () => prefixLines(() => "> ") },
    ];

    // The toolbar: one tab stop, arrows move between its buttons (roving tabindex).
    const toolbar = document.createElement("div");
    toolbar.className = "wiki-toolbar";
    toolbar.setAttribute("role", "toolbar");
    toolbar.setAttribute("aria-label", say("toolbar"));
    toolbar.setAttribute("aria-controls", area.id);
    const buttons = commands.map((command, index) => {
      const button = document.createElement("button");
      button.type = "button";
      button.className = "button button--small button--secondary wiki-toolbar__button";
      button.textContent = say(command.key);
      button.dataset.command = command.key;
      button.tabIndex = index === 0 ? 0 : -1;
      button.addEventListener("click", () => command.run());
      toolbar.append(button);
      return button;
    });
    const moveTo = (index) => {
      const target = buttons[(index + buttons.length) % buttons.length];
      buttons.forEach((button) => {
        button.tabIndex = button === target ? 0 : -1;
      });
      target.focus();
    };
    toolbar.addEventListener("keydown", (event) => {
      const index = buttons.indexOf(document.activeElement);
      if (index === -1) {
        return;
      }
      const moves = { ArrowRight: index + 1, ArrowLeft: index - 1, Home: 0, End: -1 };
      if (event.key in moves) {
        event.preventDefault();
        moveTo(moves[event.key]);
      }
    });
    toolbar.addEventListener("focusin", (event) => {
      const index = buttons.indexOf(event.target);
      if (index !== -1) {
        buttons.forEach((button, other) => {
          button.tabIndex = other === index ? 0 : -1;
        });
      }
    });

    area.addEventListener("keydown", (event) => {
      if (!(event.ctrlKey || event.metaKey) || event.altKey || event.shiftKey) {
        return;
      }
      const key = event.key.toLowerCase();
      if (key === "b" || key === "i") {
        event.preventDefault();
        commands.find((command) => command.key === (key === "b" ? "bold" : "italic")).run();
      }
    });

    // Preview: the text rendered by the server as a save would render it, in a live region.
    const bar = document.createElement("div");
    bar.className = "wiki-editor__bar";
    const toggle = document.createElement("button");
    toggle.type = "button";
    toggle.className = "button button--small wiki-editor__toggle";
    toggle.textContent = say("preview");
    toggle.setAttribute("aria-controls", "wiki-preview");
    const preview = document.createElement("div");
    preview.id = "wiki-preview";
    preview.className = "wiki-editor__preview";
    preview.setAttribute("aria-live", "polite");
    let previewing = false;
    let previewRequest = 0;

    const showEditor = () => {
      previewing = false;
      previewRequest += 1;
      preview.replaceChildren();
      area.hidden = false;
      toolbar.hidden = false;
      toggle.textContent = say("preview");
    };

    const showPreview = async () => {
      previewing = true;
      const request = ++previewRequest;
      area.hidden = true;
      toolbar.hidden = true;
      toggle.textContent = say("edit");
      preview.replaceChildren();
      const waiting = document.createElement("p");
      waiting.className = "muted";
      waiting.textContent = say("previewLoading");
      preview.append(waiting);
      let html = null;
      let problem = say("previewFailed");
      try {
        const response = await post(area.dataset.previewUrl, { body: area.value }, "text/html");
        if (response.ok && !response.redirected) {
          html = await response.text();
        } else if (response.redirected) {
          problem = say("sessionEnded");
        } else if (response.status === 400) {
          problem = await response.text();
        }
      } catch (error) {
        // the message below says it
      }
      if (request !== previewRequest) {
        return; // back to editing meanwhile
      }
      if (html === null) {
        const message = document.createElement("p");
        message.className = "callout callout--error";
        message.textContent = problem;
        preview.replaceChildren(message);
      } else {
        // A fragment rendered and sanitised by the server (wiki/_preview.html).
        const fragment = document.createRange().createContextualFragment(html);
        fragment.querySelectorAll("script").forEach((script) => script.remove());
        preview.replaceChildren(fragment);
      }
    };

    toggle.addEventListener("click", () => {
      if (previewing) {
        showEditor();
        area.focus();
      } else {
        showPreview();
      }
    });

    bar.append(toolbar, toggle);
    area.before(bar);
    area.after(preview);

    // Autosave as a draft, 10 s after a change and when the page is hidden.
    const status = document.createElement("p");
    status.className = "wiki-editor__status muted";
    status.setAttribute("role", "status");
    preview.after(status);
    const draftUrl = text.dataset.draftUrl;
    let dirty = false;
    let timer = null;
    let submitting = false;

    const draftData = () => {
      const data = { title: fieldValue("title"), body: area.value };
      const base = fieldValue("base_number");
      if (base) {
        data.base_number = base;
      }
      return data;
    };

    const schedule = () => {
      if (timer === null && !submitting) {
        timer = window.setTimeout(autosave, AUTOSAVE_MS);
      }
    };

    const autosave = async () => {
      timer = null;
      if (!dirty || submitting || !draftUrl) {
        return;
      }
      dirty = false;
      try {
        const response = await post(draftUrl, draftData(), "application/json");
        const answer = response.redirected ? null : await response.json();
        if (answer && answer.saved) {
          const time = new Date(answer.updated_at).toLocaleTimeString(
            document.documentElement.lang || undefined,
            { hour: "2-digit", minute: "2-digit" },
          );
          status.textContent = say("saved").replace("%(time)s", time);
          return;
        }
        status.textContent = response.redirected
          ? say("sessionEnded")
          : (answer && answer.error) || say("saveFailed");
      } catch (error) {
        status.textContent = say("saveFailed");
      }
      dirty = true; // keep trying
      schedule();
    };

    const changed = () => {
      dirty = true;
      schedule();
    };
    area.addEventListener("input", changed);
    const title = form && form.elements.namedItem("title");
    if (title) {
      title.addEventListener("input", changed);
    }

    const saveNow = () => {
      if (!dirty || submitting || !draftUrl) {
        return;
      }
      const data = new FormData();
      Object.entries(draftData()).forEach(([name, value]) => data.append(name, value));
      const field = form && form.querySelector("input[name=csrfmiddlewaretoken]");
      data.append("csrfmiddlewaretoken", field ? field.value : csrfToken());
      if (navigator.sendBeacon(draftUrl, data)) {
        dirty = false;
      }
    };
    window.addEventListener("pagehide", saveNow);
    document.addEventListener("visibilitychange", () => {
      if (document.visibilityState === "hidden") {
        saveNow();
      }
    });

    if (form) {
      form.addEventListener("submit", () => {
        submitting = true;
        if (timer !== null) {
          window.clearTimeout(timer);
          timer = null;
        }
      });
    }
  };

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
