/* The verification page: drop a PDF, show each signature's report; enrol a PKCS#12. */
(function () {
  "use strict";
  const form = document.getElementById("verify-form");
  const input = document.getElementById("verify-file");
  const drop = document.getElementById("verify-drop");
  const result = document.getElementById("verify-result");

  function el(tag, cls, text) {
    const node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text !== undefined) node.textContent = text;
    return node;
  }
  function yes(flag) { return Sohoa.t(flag ? "yes" : "no"); }
  function when(iso) {
    return iso ? iso.slice(8, 10) + "/" + iso.slice(5, 7) + "/" + iso.slice(0, 4) + " " + iso.slice(11, 19) : "—";
  }

  function show(report) {
    result.replaceChildren();
    result.appendChild(el("p", "s-verdict " + (report.valid ? "s-ok" : "s-bad"), report.message));
    const list = el("div", "s-sigs");
    report.signatures.forEach(function (sig) {
      const card = el("article", "s-sig " + (sig.problem === "ok" ? "s-ok" : "s-bad"));
      card.dataset.field = sig.field;
      card.appendChild(el("h3", "", sig.signer || sig.field));
      const facts = el("dl", "s-facts");
      [["signed_at", when(sig.signed_at)], ["intact", yes(sig.intact)], ["valid", yes(sig.valid)],
       ["trusted", yes(sig.trusted)],
       ["modification_level", sig.modification_level ? Sohoa.t("level_" + sig.modification_level) : "—"]]
        .forEach(function (pair) {
          const row = el("div");
          row.appendChild(el("dt", "", Sohoa.t(pair[0])));
          row.appendChild(el("dd", "", pair[1]));
          facts.appendChild(row);
        });
      card.appendChild(facts);
      card.appendChild(el("p", "small s-problem", sig.message));
      list.appendChild(card);
    });
    result.appendChild(list);
  }

  async function check(file) {
    result.replaceChildren(el("p", "muted", Sohoa.t("checking")));
    const data = new FormData();
    data.append("file", file);
    try {
      show(await Sohoa.api.upload(form.dataset.url, data));
    } catch (err) {
      result.replaceChildren(el("p", "s-verdict s-bad", err.message));
    }
  }

  if (form) {
    input.addEventListener("change", function () { if (input.files[0]) check(input.files[0]); });
    ["dragover", "dragenter"].forEach(function (name) {
      drop.addEventListener(name, function (e) { e.preventDefault(); drop.classList.add("is-over"); });
    });
    drop.addEventListener("dragleave", function () { drop.classList.remove("is-over"); });
    drop.addEventListener("drop", function (e) {
      e.preventDefault();
      drop.classList.remove("is-over");
      if (e.dataTransfer.files[0]) check(e.dataTransfer.files[0]);
    });
  }

  const enrol = document.getElementById("pkcs12-form");
  if (enrol) {
    enrol.addEventListener("submit", async function (e) {
      e.preventDefault();
      const error = document.getElementById("pkcs12-error");
      Sohoa.forms.clearErrors(enrol, error);
      try {
        await Sohoa.api.upload(document.getElementById("certificate").dataset.url, new FormData(enrol));
        window.location.reload();
      } catch (err) {
        // the refusal next to the field it is about: the passphrase, else the file
        const field = /passphrase|password/.test(err.code) ? "passphrase" : "file";
        Sohoa.forms.showErrors(enrol, err, { summary: error, field: field });
      }
    });
  }
})();
