/* Date fields (core/_fields.html `date_field`): dd/mm/yyyy or dd/mm/yyyy HH:MM (24-hour
 * clock) whatever the browser's language. While typing, the slashes, the space and the
 * colon go in by themselves ("01122026" → "01/12/2026"; "1/" → "01/"); a pasted ISO date
 * is turned round; leaving the field checks it (31/02 is refused) and says why under it;
 * the calendar button opens a month grid with finger-sized days. The value posted is the
 * text shown: the server reads dd/mm/yyyy the same way.
 *
 *   Sohoa.dates.parse("01/12/2026 14:30", true)  → Date (local), null if empty, NaN-Date if wrong
 *   Sohoa.dates.format(date, true)              → "01/12/2026 14:30"
 */
(function (global) {
  "use strict";
  const Sohoa = global.Sohoa || (global.Sohoa = {});
  const SIZES = [2, 2, 4, 2, 2];
  const MARKS = ["/", "/", " ", ":"];
  const pad = function (n) { return String(n).padStart(2, "0"); };

  function format(date, withTime) {
    const day = pad(date.getDate()) + "/" + pad(date.getMonth() + 1) + "/" + date.getFullYear();
    return withTime ? day + " " + pad(date.getHours()) + ":" + pad(date.getMinutes()) : day;
  }

  /* "" → null; a real day (and time) → Date; anything else → "format" or "no_such_day". */
  function check(text, withTime) {
    const value = (text || "").trim();
    if (!value) return null;
    const pattern = withTime ? /^(\d{1,2})\/(\d{1,2})\/(\d{4})\s+(\d{1,2}):(\d{2})$/ : /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/;
    const m = pattern.exec(value);
    if (!m) return "format";
    const parts = m.slice(1).map(Number);
    const hour = withTime ? parts[3] : 0;
    const minute = withTime ? parts[4] : 0;
    const date = new Date(parts[2], parts[1] - 1, parts[0], hour, minute);
    if (date.getDate() !== parts[0] || date.getMonth() !== parts[1] - 1 || hour > 23 || minute > 59) {
      return "no_such_day";
    }
    return date;
  }

  function parse(text, withTime) {
    const found = check(text, withTime);
    return typeof found === "string" ? new Date(NaN) : found;
  }

  /* What the user typed, with the separators put in: the digits fill dd, mm, yyyy, HH, MM
   * in turn; a separator typed after one digit pads it ("1/" → "01/"). */
  function shape(raw, withTime) {
    const iso = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2}))?/.exec(raw.trim());
    if (iso) {
      const day = iso[3] + "/" + iso[2] + "/" + iso[1];
      return withTime && iso[4] ? day + " " + iso[4] + ":" + iso[5] : day;
    }
    const limit = withTime ? 5 : 3;
    const parts = [];
    let digits = "";
    for (const ch of raw) {
      if (parts.length >= limit) break;
      if (/\d/.test(ch)) {
        digits += ch;
        if (digits.length === SIZES[parts.length]) { parts.push(digits); digits = ""; }
      } else if (digits) {
        parts.push(digits.padStart(SIZES[parts.length], "0").slice(-SIZES[parts.length]));
        digits = "";
      }
    }
    let out = "";
    parts.forEach(function (part, i) {
      out += part;
      if (i < limit - 1) out += MARKS[i];
    });
    return out + (parts.length < limit ? digits : "");
  }

  function message(input, problem) {
    if (problem === "no_such_day") {
      return (input.dataset.noSuchDay || "").split("{value}").join(input.value.trim());
    }
    return input.dataset.formatMessage || "";
  }

  function showProblem(field, input, text) {
    const box = field.querySelector(".field-error");
    field.classList.toggle("has-error", Boolean(text));
    if (text) input.setAttribute("aria-invalid", "true");
    else input.removeAttribute("aria-invalid");
    if (box) { box.textContent = text || ""; box.hidden = !text; }
    const ids = (input.getAttribute("aria-describedby") || "").split(/\s+/).filter(Boolean);
    const errorId = box && box.id;
    const kept = ids.filter(function (id) { return id !== errorId; });
    if (text && errorId) kept.push(errorId);
    input.setAttribute("aria-describedby", kept.join(" "));
  }

  /* The month grid under the field: Monday first, days as 44px buttons. */
  function calendar(field, input, button) {
    const withTime = input.dataset.dateInput === "datetime";
    const lang = document.documentElement.lang || "vi";
    let panel = null;
    let shown = null;

    function close(refocus) {
      if (!panel) return;
      panel.remove();
      panel = null;
      button.setAttribute("aria-expanded", "false");
      document.removeEventListener("pointerdown", outside, true);
      if (refocus) button.focus();
    }
    function outside(event) {
      if (panel && !panel.contains(event.target) && !button.contains(event.target)) close(false);
    }
    function choose(day) {
      const current = check(input.value, withTime);
      const time = withTime && current instanceof Date ? " " + pad(current.getHours()) + ":" + pad(current.getMinutes()) : "";
      input.value = format(day, false) + (withTime ? time || " " : "");
      close(false);
      input.focus();
      input.setSelectionRange(input.value.length, input.value.length);
      input.dispatchEvent(new Event("input", { bubbles: true }));
      if (!withTime || time) input.dispatchEvent(new Event("change", { bubbles: true }));
    }
    function draw() {
      const first = new Date(shown.getFullYear(), shown.getMonth(), 1);
      const picked = check(input.value.slice(0, 10), false);
      const today = new Date();
      panel.replaceChildren();
      const head = document.createElement("div");
      head.className = "date-cal-head";
      const title = document.createElement("span");
      title.className = "date-cal-title";
      const month = document.createElement("strong");
      month.setAttribute("aria-live", "polite");
      month.textContent = new Intl.DateTimeFormat(lang, { month: "long" }).format(first);
      // a year to jump to (a date of birth is years back): min from data-min-year
      const year = document.createElement("select");
      year.className = "date-cal-year";
      year.setAttribute("aria-label", button.dataset.year || "");
      const now = today.getFullYear();
      const low = Math.min(Number(input.dataset.minYear) || now - 5, shown.getFullYear());
      const high = Math.max(input.dataset.minYear ? now : now + 10, shown.getFullYear());
      for (let y = high; y >= low; y -= 1) year.add(new Option(String(y), String(y), false, y === shown.getFullYear()));
      year.addEventListener("change", function () {
        shown = new Date(Number(year.value), shown.getMonth(), 1);
        draw();
        panel.querySelector(".date-cal-year").focus();
      });
      title.append(month, year);
      [["‹", button.dataset.prev, -1], ["›", button.dataset.next, 1]].forEach(function (spec, i) {
        const step = document.createElement("button");
        step.type = "button";
        step.className = "date-cal-step";
        step.textContent = spec[0];
        step.setAttribute("aria-label", spec[1]);
        step.addEventListener("click", function () {
          shown = new Date(shown.getFullYear(), shown.getMonth() + spec[2], 1);
          draw();
        });
        if (i === 0) head.append(step, title); else head.append(step);
      });
      const grid = document.createElement("div");
      grid.className = "date-cal-grid";
      grid.setAttribute("role", "grid");
      const names = new Intl.DateTimeFormat(lang, { weekday: "short" });
      for (let i = 0; i < 7; i += 1) {
        const cell = document.createElement("span");
        cell.className = "date-cal-weekday";
        cell.textContent = names.format(new Date(2024, 0, 1 + i));  // 1/1/2024 was a Monday
        grid.append(cell);
      }
      const offset = (first.getDay() + 6) % 7;
      for (let i = 0; i < offset; i += 1) grid.append(document.createElement("span"));
      const count = new Date(shown.getFullYear(), shown.getMonth() + 1, 0).getDate();
      for (let d = 1; d <= count; d += 1) {
        const day = new Date(shown.getFullYear(), shown.getMonth(), d);
        const cell = document.createElement("button");
        cell.type = "button";
        cell.className = "date-cal-day";
        cell.textContent = String(d);
        cell.setAttribute("aria-label", format(day, false));
        if (picked instanceof Date && picked.getTime() === day.getTime()) cell.setAttribute("aria-pressed", "true");
        if (day.toDateString() === today.toDateString()) cell.classList.add("is-today");
        cell.addEventListener("click", function () { choose(day); });
        grid.append(cell);
      }
      panel.append(head, grid);
    }
    function open() {
      const current = check(input.value.slice(0, 10), false);
      const start = current instanceof Date ? current : new Date();
      shown = new Date(start.getFullYear(), start.getMonth(), 1);
      panel = document.createElement("div");
      panel.className = "date-cal";
      panel.setAttribute("role", "dialog");
      panel.setAttribute("aria-label", button.getAttribute("aria-label"));
      panel.addEventListener("keydown", function (event) {
        if (event.key === "Escape") { event.preventDefault(); close(true); }
      });
      draw();
      field.append(panel);
      button.setAttribute("aria-expanded", "true");
      document.addEventListener("pointerdown", outside, true);
      const focus = panel.querySelector("[aria-pressed=true]") || panel.querySelector(".is-today") || panel.querySelector(".date-cal-day");
      if (focus) focus.focus();
    }
    button.addEventListener("click", function () { if (panel) close(true); else open(); });
  }

  function setUp(field) {
    const input = field.querySelector("[data-date-input]");
    if (!input || input.dataset.ready) return;
    input.dataset.ready = "1";
    const withTime = input.dataset.dateInput === "datetime";
    input.addEventListener("input", function (event) {
      const type = event.inputType || "";
      if (!type.startsWith("insert")) return;  // deleting is left alone
      if (input.selectionStart !== input.value.length) return;  // editing in the middle
      const shaped = shape(input.value, withTime);
      if (shaped !== input.value) input.value = shaped;
    });
    input.addEventListener("blur", function () {
      if (!input.value.trim()) return;
      input.value = input.value.trim().replace(/\s+/, " ");
      const found = check(input.value, withTime);
      showProblem(field, input, typeof found === "string" ? message(input, found) : "");
    });
    const button = field.querySelector("[data-date-pick]");
    if (button) calendar(field, input, button);
  }

  function setUpAll(root) {
    (root || document).querySelectorAll("[data-date-field]").forEach(setUp);
  }

  Sohoa.dates = { parse: parse, check: check, format: format, shape: shape, setUp: setUpAll };
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", function () { setUpAll(); });
  else setUpAll();
})(window);
