// "Add several files" (library/bulk.html): the files are sent one at a time, each with its
// progress bar, then the browser opens the page where they are described. Without JavaScript
// the form sends every file in one request and the server answers the same way. Labels are read
// from the hidden element #bulk-upload-text, so they are translated by the server.
(() => {
  const start = () => {
    const form = document.querySelector("form[data-bulk-upload]");
    const text = document.getElementById("bulk-upload-text");
    if (!form || !text || form.dataset.uploadReady || !window.FormData) {
      return;
    }
    form.dataset.uploadReady = "1";
    const input = form.querySelector("input[type=file][name=files]");
    const section = document.querySelector(".bulk-upload__progress");
    const list = section && section.querySelector(".bulk-upload__list");
    const next = section && section.querySelector(".bulk-upload__next");
    const status = document.querySelector(".bulk-upload__status");
    const submit = form.querySelector("button[type=submit]");
    if (!input || !list || !next || !status || !submit) {
      return;
    }
    const maxBytes = Number(text.dataset.maxBytes);
    const maxFiles = Number(text.dataset.maxFiles);
    const say = (key, params = {}) =>
      (text.dataset[key] || "").replace(/%\((\w+)\)s/g, (whole, name) =>
        name in params ? String(params[name]) : whole,
      );
    const announce = (message) => {
      status.textContent = message;
    };

    // The CSRF token as htmx sends it (the body's hx-headers), else the form's own.
    const csrfToken = () => {
      try {
        const headers = JSON.parse(document.body.getAttribute("hx-headers") || "{}");
        if (headers["X-CSRFToken"]) {
          return headers["X-CSRFToken"];
        }
      } catch (error) {
        // fall through to the form's field
      }
      const field = form.querySelector("input[name=csrfmiddlewaretoken]");
      return field ? field.value : "";
    };

    const row = (file, number) => {
      const item = document.createElement("li");
      item.className = "bulk-upload__item";
      const id = `bulk-file-${number}`;
      const label = document.createElement("label");
      label.htmlFor = id;
      label.className = "bulk-upload__name";
      label.textContent = file.name;
      const bar = document.createElement("progress");
      bar.id = id;
      bar.max = 100;
      bar.value = 0;
      const state = document.createElement("p");
      state.className = "bulk-upload__state";
      state.id = `${id}-state`;
      state.textContent = say("waiting");
      bar.setAttribute("aria-describedby", state.id);
      item.append(label, bar, state);
      list.append(item);
      return { item, bar, state };
    };

    // One file in one request; resolves with the status and the JSON answer (null if none).
    const send = (file, shown) =>
      new Promise((resolve) => {
        const data = new FormData(form);
        data.delete("files");
        data.append("files", file, file.name);
        const request = new XMLHttpRequest();
        request.open("POST", form.action);
        request.setRequestHeader("X-CSRFToken", csrfToken());
        request.setRequestHeader("Accept", "application/json");
        request.responseType = "json";
        request.upload.addEventListener("progress", (event) => {
          if (event.lengthComputable && event.total) {
            shown.bar.value = Math.min(99, Math.round((event.loaded / event.total) * 100));
          }
        });
        request.addEventListener("load", () => resolve({ code: request.status, body: request.response }));
        request.addEventListener("error", () => resolve({ code: 0, body: null }));
        request.send(data);
      });

    const reasonOf = (answer) => {
      const body = answer.body;
      if (!body || typeof body !== "object") {
        return say("unreachable");
      }
      const reasons = (body.refused || []).flatMap((file) => file.messages || []);
      return [...reasons, ...(body.errors || [])].join(" ") || say("unreachable");
    };

    const finish = (added, total) => {
      const url = `${text.dataset.detailsUrl}?${new URLSearchParams(added.map((id) => ["ids", id]))}`;
      if (added.length === total) {
        announce(say("allDone"));
        window.location.assign(url);
        return;
      }
      next.replaceChildren();
      if (added.length) {
        const link = document.createElement("a");
        link.className = "button";
        link.href = url;
        link.textContent = say("describe");
        next.append(link);
        next.hidden = false;
        announce(say("someDone", { added: added.length, total }));
        link.focus();
      } else {
        announce(say("noneDone"));
        submit.disabled = false;
        input.value = "";
        input.focus();
      }
    };

    form.addEventListener("submit", async (event) => {
      const files = Array.from(input.files || []);
      if (!files.length) {
        return; // the server says what is missing
      }
      event.preventDefault();
      submit.disabled = true;
      list.replaceChildren();
      next.hidden = true;
      section.hidden = false;
      const rows = files.map((file, index) => row(file, index + 1));
      const added = [];
      for (const [index, file] of files.entries()) {
        const shown = rows[index];
        const params = { number: index + 1, total: files.length, name: file.name };
        let reason = "";
        if (index >= maxFiles) {
          reason = say("tooMany");
        } else if (file.size > maxBytes) {
          reason = say("tooLarge");
        } else {
          shown.state.textContent = say("sending");
          const answer = await send(file, shown);
          const ids = answer.code === 201 && answer.body ? (answer.body.added || []) : [];
          if (ids.length) {
            added.push(...ids.map((resource) => resource.id));
            shown.bar.value = shown.bar.max;
            shown.state.textContent = say("done");
            shown.item.classList.add("bulk-upload__item--done");
            announce(say("uploaded", params));
            continue;
          }
          reason = reasonOf(answer);
        }
        shown.state.textContent = reason;
        shown.item.classList.add("bulk-upload__item--refused");
        announce(say("failed", { ...params, reason }));
      }
      finish(added, files.length);
    });
  };

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
