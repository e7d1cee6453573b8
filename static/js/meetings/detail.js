/* The meeting preparation page: status, agenda (drag and drop / arrows), uploads,
 * comments, guests, door QR. Needs /static/js/sohoa-api.js. */
(function () {
  "use strict";

  const page = document.getElementById("meeting-page");
  if (!page) return;
  const api = Sohoa.api;
  const t = Sohoa.t;
  const meetingUrl = page.dataset.api;

  function showError(box, message) {
    if (!box) { Sohoa.toast(message, "error"); return; }
    box.textContent = message;
    box.hidden = !message;
  }

  function reloadWith(message) {
    Sohoa.toast(message, "success", { afterReload: true });
    window.location.reload();
  }

  function busy(button, on) {
    if (!button) return;
    button.disabled = on;
    button.classList.toggle("is-busy", on);
  }

  /* -- start / end ------------------------------------------------------------------- */

  document.querySelectorAll("[data-status-action]").forEach(function (button) {
    button.addEventListener("click", async function () {
      const action = button.dataset.statusAction;
      if (action === "end" && !window.confirm(t("confirm_end"))) return;
      busy(button, true);
      try {
        await api.post(meetingUrl + "/" + action);
        reloadWith(t(action === "start" ? "started" : "ended"));
      } catch (err) {
        showError(document.getElementById("status-error"), err.message);
        busy(button, false);
      }
    });
  });

  /* -- agenda: order, add, delete ---------------------------------------------------------- */

  const agenda = document.getElementById("agenda-list");
  const agendaError = document.getElementById("agenda-error");

  function items() {
    return Array.from(agenda.querySelectorAll(":scope > .m-agenda-item"));
  }

  function renumber() {
    items().forEach(function (item, index) {
      item.querySelector("[data-position]").textContent = index + 1;
    });
  }

  async function saveOrder(previous) {
    const order = items().map(function (item) { return Number(item.dataset.id); });
    if (previous && previous.join() === order.join()) return;
    renumber();
    agenda.classList.add("is-saving");
    try {
      await api.post(agenda.dataset.orderUrl, { order: order });
      showError(agendaError, "");
      Sohoa.toast(t("order_saved"));
      syncUploadSelect();
    } catch (err) {
      showError(agendaError, err.message);
      if (previous) {  // put the list back as the server has it
        const byId = {};
        items().forEach(function (item) { byId[item.dataset.id] = item; });
        previous.forEach(function (id) { agenda.appendChild(byId[id]); });
        renumber();
      }
    } finally {
      agenda.classList.remove("is-saving");
    }
  }

  function currentOrder() {
    return items().map(function (item) { return Number(item.dataset.id); });
  }

  /* the agenda select of the upload form follows the new numbering */
  function syncUploadSelect() {
    const select = document.getElementById("upload-item");
    if (!select) return;
    const titles = {};
    items().forEach(function (item, index) {
      titles[item.dataset.id] = index + 1 + ". " +
        item.querySelector(".m-agenda-title").textContent.trim();
    });
    const options = Array.from(select.options).filter(function (o) { return o.value; });
    options.sort(function (a, b) {
      return currentOrder().indexOf(Number(a.value)) - currentOrder().indexOf(Number(b.value));
    });
    options.forEach(function (option) {
      option.textContent = titles[option.value];
      select.appendChild(option);
    });
  }

  if (agenda && page.dataset.canManage === "true") {
    let dragged = null;
    let before = null;

    agenda.addEventListener("dragstart", function (event) {
      const item = event.target.closest(".m-agenda-item");
      if (!item || event.target.closest(".m-docs, button, a, input, textarea")) return;
      dragged = item;
      before = currentOrder();
      item.classList.add("is-dragging");
      event.dataTransfer.effectAllowed = "move";
      event.dataTransfer.setData("text/plain", item.dataset.id);
    });

    agenda.addEventListener("dragover", function (event) {
      if (!dragged) return;
      event.preventDefault();
      const over = event.target.closest(".m-agenda-item");
      if (!over || over === dragged) return;
      const box = over.getBoundingClientRect();
      const after = event.clientY > box.top + box.height / 2;
      agenda.insertBefore(dragged, after ? over.nextSibling : over);
    });

    agenda.addEventListener("drop", function (event) {
      if (dragged) event.preventDefault();
    });

    agenda.addEventListener("dragend", function () {
      if (!dragged) return;
      dragged.classList.remove("is-dragging");
      dragged = null;
      saveOrder(before);
    });

    agenda.addEventListener("click", async function (event) {
      const move = event.target.closest("[data-move]");
      if (move) {
        const item = move.closest(".m-agenda-item");
        const previous = currentOrder();
        if (move.dataset.move === "up" && item.previousElementSibling) {
          agenda.insertBefore(item, item.previousElementSibling);
        } else if (move.dataset.move === "down" && item.nextElementSibling) {
          agenda.insertBefore(item.nextElementSibling, item);
        } else {
          return;
        }
        item.classList.add("is-moved");
        setTimeout(function () { item.classList.remove("is-moved"); }, 600);
        move.focus();
        saveOrder(previous);
        return;
      }
      const remove = event.target.closest("[data-delete-item]");
      if (remove) {
        if (!window.confirm(t("confirm_delete_item", { title: remove.dataset.title }))) return;
        busy(remove, true);
        try {
          await api.del(remove.dataset.url);
          reloadWith(t("item_deleted"));
        } catch (err) {
          showError(agendaError, err.message);
          busy(remove, false);
        }
      }
    });
  }

  const agendaForm = document.getElementById("agenda-form");
  if (agendaForm) {
    agendaForm.addEventListener("submit", async function (event) {
      event.preventDefault();
      const data = new FormData(agendaForm);
      const body = { title: String(data.get("title") || "").trim() };
      if (data.get("presenter")) body.presenter = data.get("presenter");
      if (data.get("planned_minutes")) body.planned_minutes = data.get("planned_minutes");
      const button = agendaForm.querySelector("[type=submit]");
      Sohoa.forms.clearErrors(agendaForm);
      busy(button, true);
      try {
        await api.post(agendaForm.dataset.url, body);
        reloadWith(t("item_added"));
      } catch (err) {
        busy(button, false);
        Sohoa.forms.showErrors(agendaForm, err);
      }
    });
  }

  /* -- documents: upload --------------------------------------------------------------------- */

  const uploadForm = document.getElementById("upload-form");
  if (uploadForm) {
    const input = document.getElementById("upload-files");
    const submit = document.getElementById("upload-submit");
    const chosen = document.getElementById("upload-chosen");
    const list = document.getElementById("upload-files-list");
    const progress = document.getElementById("upload-progress");
    const errorBox = document.getElementById("upload-error");
    const dropzone = uploadForm.querySelector(".m-dropzone");

    function sizeText(bytes) {
      if (bytes >= 1048576) return (bytes / 1048576).toFixed(1).replace(".", ",") + " MB";
      return Math.max(1, Math.round(bytes / 1024)) + " KB";
    }

    function showFiles() {
      const files = Array.from(input.files);
      list.innerHTML = "";
      files.forEach(function (file) {
        const li = document.createElement("li");
        li.dataset.name = file.name;
        const name = document.createElement("span");
        name.className = "m-upload-name";
        name.textContent = file.name;
        const size = document.createElement("span");
        size.className = "muted small";
        size.textContent = sizeText(file.size);
        const state = document.createElement("span");
        state.className = "badge m-upload-state";
        // the title the document will have: blank keeps the PDF's own title or its name
        const title = document.createElement("input");
        title.className = "input m-upload-title";
        title.name = "titles";
        title.maxLength = 300;
        title.placeholder = file.name.replace(/\.pdf$/i, "");
        const label = document.createElement("label");
        label.className = "m-upload-title-field small";
        label.append(t("doc_title"), title);
        const hint = document.createElement("span");
        hint.className = "muted small";
        hint.textContent = t("doc_title_hint");
        label.appendChild(hint);
        li.append(name, size, state, label);
        list.appendChild(li);
      });
      chosen.textContent = files.length ? t("files_chosen", { n: files.length }) : "";
      submit.disabled = files.length === 0;
      Sohoa.forms.clearErrors(uploadForm, errorBox);
      progress.hidden = true;
    }

    input.addEventListener("change", showFiles);

    ["dragenter", "dragover"].forEach(function (name) {
      dropzone.addEventListener(name, function (event) {
        event.preventDefault();
        dropzone.classList.add("is-over");
      });
    });
    ["dragleave", "drop"].forEach(function (name) {
      dropzone.addEventListener(name, function () { dropzone.classList.remove("is-over"); });
    });
    dropzone.addEventListener("drop", function (event) {
      event.preventDefault();
      if (event.dataTransfer && event.dataTransfer.files.length) {
        input.files = event.dataTransfer.files;
        showFiles();
      }
    });

    function markFiles(refusedName) {
      list.querySelectorAll("li").forEach(function (li) {
        const state = li.querySelector(".m-upload-state");
        const refused = li.dataset.name === refusedName;
        li.classList.toggle("is-refused", refused);
        state.className = "badge m-upload-state " + (refused ? "badge-red" : "");
        state.textContent = refused ? t("file_refused") : t("file_not_saved");
      });
    }

    uploadForm.addEventListener("submit", async function (event) {
      event.preventDefault();
      const files = Array.from(input.files);
      if (!files.length) return;
      const data = new FormData();
      files.forEach(function (file) { data.append("file", file, file.name); });
      list.querySelectorAll("input[name=titles]").forEach(function (title) {
        data.append("titles", title.value.trim());
      });
      const item = document.getElementById("upload-item").value;
      if (item) data.append("agenda_item_id", item);
      busy(submit, true);
      Sohoa.forms.clearErrors(uploadForm, errorBox);
      progress.hidden = false;
      const bar = progress.querySelector("span");
      bar.style.width = "0%";
      progress.setAttribute("aria-label", t("uploading"));
      try {
        const created = await api.upload(uploadForm.dataset.url, data, function (fraction) {
          bar.style.width = Math.round(fraction * 100) + "%";
        });
        const count = Array.isArray(created) ? created.length : 1;
        reloadWith(t("uploaded", { n: count }));
      } catch (err) {
        progress.hidden = true;
        busy(submit, false);
        // the refusal under the file field (a refused file named), every message on top
        const file = err.details && err.details.file;
        const shown = file
          ? { message: t("upload_refused", { file: file, message: err.message }), details: { field: "file" } }
          : err;
        Sohoa.forms.showErrors(uploadForm, shown, { summary: errorBox, field: "file" });
        if (file) {
          const hint = document.createElement("p");
          hint.textContent = t("upload_retry");
          errorBox.appendChild(hint);
          markFiles(file);
        }
      }
    });
  }

  /* -- comments ------------------------------------------------------------------------------ */

  document.querySelectorAll("[data-toggle-comments]").forEach(function (button) {
    button.addEventListener("click", function () {
      const panel = document.getElementById(button.getAttribute("aria-controls"));
      const open = panel.hidden;
      panel.hidden = !open;
      button.setAttribute("aria-expanded", String(open));
      if (open) {
        const area = panel.querySelector("textarea");
        if (area) area.focus();
      }
    });
  });

  document.querySelectorAll("[data-comment-form]").forEach(function (form) {
    form.addEventListener("submit", async function (event) {
      event.preventDefault();
      const text = form.elements.text.value.trim();
      const pageNumber = form.elements.page.value;
      const button = form.querySelector("[type=submit]");
      Sohoa.forms.clearErrors(form);
      busy(button, true);
      try {
        await api.post(form.dataset.url, { text: text, page: pageNumber || null });
        const panel = form.closest(".m-comments");
        const li = document.createElement("li");
        li.className = "m-comment is-new";
        const head = document.createElement("div");
        head.className = "m-comment-head";
        const who = document.createElement("strong");
        who.textContent = document.querySelector(".user-name")
          ? document.querySelector(".user-name").textContent : "";
        const when = document.createElement("span");
        when.className = "muted small";
        when.textContent = t("just_now") + (pageNumber ? " · " + t("page_n", { n: pageNumber }) : "");
        head.append(who, " ", when);
        const body = document.createElement("p");
        body.textContent = text;
        li.append(head, body);
        panel.querySelector("[data-comment-list]").appendChild(li);
        panel.querySelector(".m-comment-empty").hidden = true;
        const counter = panel.closest(".m-doc").querySelector("[data-comment-count]");
        counter.textContent = Number(counter.textContent) + 1;
        form.reset();
        Sohoa.toast(t("comment_sent"));
      } catch (err) {
        Sohoa.forms.showErrors(form, err);
      } finally {
        busy(button, false);
      }
    });
  });

  /* -- guests --------------------------------------------------------------------------------- */

  const guestForm = document.getElementById("guest-form");
  if (guestForm) {
    guestForm.addEventListener("submit", async function (event) {
      event.preventDefault();
      const button = guestForm.querySelector("[type=submit]");
      Sohoa.forms.clearErrors(guestForm);
      busy(button, true);
      try {
        await api.post(guestForm.dataset.url, {
          name: guestForm.elements.name.value.trim(),
          affiliation: guestForm.elements.affiliation.value.trim(),
        });
        reloadWith(t("guest_invited"));
      } catch (err) {
        busy(button, false);
        Sohoa.forms.showErrors(guestForm, err);
      }
    });
  }

  document.querySelectorAll("[data-copy]").forEach(function (button) {
    button.addEventListener("click", async function () {
      const field = button.parentElement.querySelector("input");
      let done = false;
      if (navigator.clipboard && window.isSecureContext) {
        try { await navigator.clipboard.writeText(field.value); done = true; } catch (e) { /* */ }
      }
      if (!done) {  // plain http inside the city network: the older way
        field.select();
        field.setSelectionRange(0, field.value.length);
        try { done = document.execCommand("copy"); } catch (e) { done = false; }
      }
      if (done) Sohoa.toast(t("copied"));
      else field.select();
    });
  });

  /* -- door QR -------------------------------------------------------------------------------- */

  const print = document.getElementById("print-door-qr");
  if (print) {
    print.addEventListener("click", function () {
      document.body.classList.add("printing-door");
      window.print();
    });
    window.addEventListener("afterprint", function () {
      document.body.classList.remove("printing-door");
    });
  }
})();
