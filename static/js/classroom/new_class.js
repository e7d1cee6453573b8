/* Creating a class (school staff): the class through the API, then its roster from the CSV
 * file; a refused file lists every rejected row and leaves the new (empty) class to fix. */
(function () {
  "use strict";
  const form = document.getElementById("new-class-form");
  if (!form) return;
  const api = window.Sohoa.api;
  const errors = document.getElementById("new-class-error");
  const school = document.getElementById("new-class-school");
  const teacher = document.getElementById("new-class-teacher");

  function filterTeachers() {
    let first = null;
    for (const option of teacher.options) {
      option.hidden = option.dataset.school !== school.value;
      if (!option.hidden && !first) first = option;
    }
    if (teacher.selectedOptions[0] && teacher.selectedOptions[0].hidden && first) first.selected = true;
  }
  school.addEventListener("change", filterTeachers);
  filterTeachers();

  function show(message, rows) {
    const head = document.createElement("li");
    head.textContent = message;
    errors.append(head);
    for (const row of rows || []) {
      const li = document.createElement("li");
      li.textContent = window.Sohoa.t("line", row);
      errors.append(li);
    }
  }

  const summary = document.getElementById("new-class-errors");
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    errors.replaceChildren();
    window.Sohoa.forms.clearErrors(form, summary);
    const grade = form.grade.value.trim();
    const body = { school: school.value, name: form.name.value.trim(), grade: grade ? Number(grade) : null,
      school_year: form.school_year.value.trim() || null, teacher: teacher.value, students: [] };
    let created;
    try {
      created = await api.post("/api/v1/classes", body);
    } catch (err) {
      // every field wrong named next to it, the first focused (static/js/form-errors.js)
      window.Sohoa.forms.showErrors(form, err, { summary: summary });
      return;
    }
    const file = form.file.files[0];
    if (file) {
      const data = new FormData();
      data.append("file", file);
      try {
        await api.upload(`/api/v1/classes/${created.id}/roster`, data);
      } catch (err) {
        show(window.Sohoa.t("createdWithErrors"));
        show(err.message, err.details && err.details.rejected);
        const link = document.createElement("a");
        link.href = `/classroom/classes/${created.id}`; link.textContent = body.name;
        errors.append(link);
        return;
      }
    }
    window.location.href = `/classroom/classes/${created.id}`;
  });
})();
