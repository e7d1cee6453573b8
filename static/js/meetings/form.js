/* The meeting form (meetings/form.html): filtering the organisation and participant pickers,
 * the chosen times spelled out dd/mm/yyyy, and moving the end with the start. */
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
  // The chosen times spelled out dd/mm/yyyy (the picker shows the device's own format).
  const form = document.getElementById("meeting-form");
  const order = form.dataset.orderMessage;
  function spell(value) {
    const match = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})/.exec(value || "");
    if (!match) return "";
    const day = new Date(Number(match[1]), Number(match[2]) - 1, Number(match[3]));
    let weekday = "";
    try {
      weekday = new Intl.DateTimeFormat(document.documentElement.lang, { weekday: "long" }).format(day);
      weekday = weekday.charAt(0).toUpperCase() + weekday.slice(1) + ", ";
    } catch (e) { weekday = ""; }
    return weekday + match[3] + "/" + match[2] + "/" + match[1] + " · " + match[4] + ":" + match[5];
  }
  function describe() {
    const start = form.elements.starts_at.value;
    const end = form.elements.ends_at.value;
    document.querySelectorAll("[data-when-for]").forEach(function (hint) {
      hint.textContent = spell(form.elements[hint.dataset.whenFor].value);
      hint.classList.remove("is-wrong");
    });
    if (start && end && end <= start) {
      const hint = document.querySelector("[data-when-for=ends_at]");
      hint.textContent = order;
      hint.classList.add("is-wrong");
    }
  }
  form.elements.starts_at.addEventListener("change", function () {
    // Moving the start keeps the meeting's length.
    const end = form.elements.ends_at;
    if (this.dataset.previous && end.value) {
      const length = Date.parse(end.value) - Date.parse(this.dataset.previous);
      const moved = new Date(Date.parse(this.value) + length);
      if (length > 0 && !isNaN(moved)) {
        const pad = function (n) { return String(n).padStart(2, "0"); };
        end.value = moved.getFullYear() + "-" + pad(moved.getMonth() + 1) + "-" + pad(moved.getDate()) +
          "T" + pad(moved.getHours()) + ":" + pad(moved.getMinutes());
      }
    }
    this.dataset.previous = this.value;
    describe();
  });
  form.elements.starts_at.dataset.previous = form.elements.starts_at.value;
  form.elements.ends_at.addEventListener("change", describe);
  form.elements.ends_at.addEventListener("input", describe);
  describe();

  const bad = document.querySelector("[aria-invalid=true]");
  if (bad) bad.focus();
})();
