/* The meeting form (meetings/form.html): filtering the organisation and participant pickers,
 * the chosen times spelled out with the weekday, and moving the end with the start. */
(function () {
  "use strict";
  function fold(text) {
    return text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").replace(/đ/g, "d").replace(/Đ/g, "D").toLowerCase();
  }
  document.querySelectorAll("[data-picker]").forEach(function (picker) {
    const filter = picker.querySelector("[data-picker-filter]");
    const count = picker.querySelector("[data-picker-count]");
    const items = Array.from(picker.querySelectorAll(".m-pick"));
    const none = picker.querySelector(".m-picker-none");
    items.forEach(function (item) { item.dataset.folded = fold(item.dataset.text || ""); });
    function recount() {
      count.textContent = picker.querySelectorAll("input[type=checkbox]:checked").length;
    }
    filter.addEventListener("input", function () {
      const words = fold(filter.value).split(/\s+/).filter(Boolean);
      let shown = 0;
      items.forEach(function (item) {
        const match = words.every(function (w) { return item.dataset.folded.indexOf(w) !== -1; });
        item.hidden = !match;
        if (match) shown += 1;
      });
      none.hidden = shown > 0;
    });
    filter.addEventListener("keydown", function (event) {
      if (event.key === "Enter") event.preventDefault();  // filtering, not submitting
    });
    picker.addEventListener("change", recount);
  });
  // The chosen times spelled out with the weekday; the fields are dd/mm/yyyy HH:MM
  // (static/js/date-field.js) whatever the device's language.
  const form = document.getElementById("meeting-form");
  const order = form.dataset.orderMessage;
  const dates = window.Sohoa.dates;
  function when(name) {
    const found = dates.check(form.elements[name].value, true);
    return found instanceof Date ? found : null;
  }
  function spell(moment) {
    if (!moment) return "";
    let weekday = "";
    try {
      weekday = new Intl.DateTimeFormat(document.documentElement.lang, { weekday: "long" }).format(moment);
      weekday = weekday.charAt(0).toUpperCase() + weekday.slice(1) + ", ";
    } catch (e) { weekday = ""; }
    const text = dates.format(moment, true);
    return weekday + text.slice(0, 10) + " · " + text.slice(11);
  }
  function describe() {
    const start = when("starts_at");
    const end = when("ends_at");
    document.querySelectorAll("[data-when-for]").forEach(function (hint) {
      hint.textContent = spell(when(hint.dataset.whenFor));
      hint.classList.remove("is-wrong");
    });
    if (start && end && end <= start) {
      const hint = document.querySelector("[data-when-for=ends_at]");
      hint.textContent = order;
      hint.classList.add("is-wrong");
    }
  }
  const startField = form.elements.starts_at;
  let previous = when("starts_at");
  function startMoved() {
    // Moving the start keeps the meeting's length.
    const start = when("starts_at");
    const end = when("ends_at");
    if (start && previous && end && start.getTime() !== previous.getTime()) {
      const length = end - previous;
      if (length > 0) form.elements.ends_at.value = dates.format(new Date(start.getTime() + length), true);
    }
    if (start) previous = start;
    describe();
  }
  startField.addEventListener("change", startMoved);
  startField.addEventListener("input", function () { if (when("starts_at")) startMoved(); else describe(); });
  form.elements.ends_at.addEventListener("change", describe);
  form.elements.ends_at.addEventListener("input", describe);
  describe();
})();
