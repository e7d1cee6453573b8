/* Assignments: the teacher sets one (class page), attaches files and grades (assignment
 * page); a student hands in text and files. Files are checked here for type and size so a
 * mistake is told at once; the server checks them again. */
(function () {
  "use strict";
  const api = window.Sohoa.api;
  const t = window.Sohoa.t;
  const MAX_BYTES = 10 * 1024 * 1024;
  const EXTENSIONS = [".pdf", ".docx", ".jpg", ".jpeg", ".png"];

  function fileError(message) {
    const err = new Error(message);
    err.details = { field: "file" };  // shown under the file field
    return err;
  }

  function checkFiles(input, limit) {
    const chosen = Array.from((input && input.files) || []);
    if (limit && chosen.length > limit) throw fileError(t("too_many_files", { n: limit }));
    chosen.forEach(function (file) {
      const name = file.name.toLowerCase();
      if (!EXTENSIONS.some(function (ext) { return name.endsWith(ext); })) {
        throw fileError(t("file_type", { name: file.name }));
      }
      if (file.size > MAX_BYTES) throw fileError(t("file_too_big", { name: file.name }));
    });
    return chosen;
  }

  function formData(chosen, fields) {
    const data = new FormData();
    Object.keys(fields || {}).forEach(function (key) { data.append(key, fields[key]); });
    chosen.forEach(function (file) { data.append("file", file); });
    return data;
  }

  function busy(form, on) {
    form.querySelectorAll("button").forEach(function (b) { b.disabled = on; });
  }

  function handle(form, errorBox, action) {
    form.addEventListener("submit", async function (event) {
      event.preventDefault();
      window.Sohoa.forms.clearErrors(form, errorBox);
      busy(form, true);
      try {
        await action();
      } catch (err) {
        // every field named by the refusal marked, the first focused (static/js/form-errors.js)
        window.Sohoa.forms.showErrors(form, err, { summary: errorBox });
        busy(form, false);
      }
    });
  }

  const create = document.getElementById("assignment-form");
  if (create) {
    const classId = document.getElementById("work").dataset.class;
    handle(create, document.getElementById("assignment-error"), async function () {
      const chosen = checkFiles(create.file, 10);
      const assignment = await api.post(`/api/v1/classes/${classId}/assignments`, {
        title: create.title.value,
        instructions: create.instructions.value,
        due_at: create.due_at.value,
        max_score: Number(create.max_score.value || 10),
        allow_late: create.allow_late.checked,
        allow_resubmission: create.allow_resubmission.checked,
      });
      const page = `/classroom/assignments/${assignment.id}`;
      if (chosen.length) {
        try {
          await api.upload(`/api/v1/assignments/${assignment.id}/attachments`, formData(chosen));
        } catch (err) {
          window.Sohoa.toast(t("attach_failed", { reason: err.message }), "error", { afterReload: true });
        }
      }
      window.location.href = page;
    });
  }

  const root = document.getElementById("assignment");
  if (!root) return;
  const assignmentId = root.dataset.assignment;

  const attach = document.getElementById("attach-form");
  if (attach) {
    handle(attach, document.getElementById("attach-error"), async function () {
      const chosen = checkFiles(attach.file, 10);
      await api.upload(`/api/v1/assignments/${assignmentId}/attachments`, formData(chosen));
      window.Sohoa.toast(t("attached"), "success", { afterReload: true });
      window.location.reload();
    });
  }

  const submit = document.getElementById("submit-form");
  if (submit) {
    handle(submit, document.getElementById("submit-error"), async function () {
      const chosen = checkFiles(submit.file, 5);
      await api.upload(
        `/api/v1/assignments/${assignmentId}/submissions`,
        formData(chosen, { text: submit.text.value })
      );
      window.Sohoa.toast(t("submitted"), "success", { afterReload: true });
      window.location.reload();
    });
  }

  document.querySelectorAll(".grade-form").forEach(function (form) {
    handle(form, form.querySelector("[data-form-errors]"), async function () {
      const score = form.score.value.trim().replace(",", ".");
      await api.post(`/api/v1/submissions/${form.dataset.submission}/grade`, {
        score: score === "" ? null : Number(score),
        feedback: form.feedback.value,
      });
      window.Sohoa.toast(t("graded"), "success", { afterReload: true });
      window.location.reload();
    });
  });
})();
