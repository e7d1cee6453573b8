/* Sohoa.api — a tiny helper for browser calls to /api/v1 with the session cookie.
 *
 *   const meeting = await Sohoa.api.get("/api/v1/meetings/3");
 *   await Sohoa.api.post("/api/v1/meetings/3/start");
 *   await Sohoa.api.upload(url, formData, (fraction) => ...);
 *
 * Every call sends the CSRF token (X-CSRFToken, from <meta name="csrf-token">), JSON
 * in and out. A refused call rejects with Sohoa.ApiError whose .message is the server's
 * message, already in the user's language, ready to show; .code, .status and .details
 * carry the rest of {"error": {code, message, details}}.
 *
 * Page strings: templates put translated strings in
 * <script type="application/json" data-i18n>{...}</script>; Sohoa.t(key, {n: 2}) reads them
 * and fills {n}-style placeholders (not %(n)s, which Jinja's gettext would format itself).
 */
(function (global) {
  "use strict";

  const Sohoa = global.Sohoa || (global.Sohoa = {});
  let messages = null;

  function t(key, params) {
    if (messages === null) {
      messages = {};
      document.querySelectorAll("script[data-i18n]").forEach(function (node) {
        try { Object.assign(messages, JSON.parse(node.textContent)); } catch (e) { /* skip */ }
      });
    }
    let text = Object.prototype.hasOwnProperty.call(messages, key) ? messages[key] : null;
    if (text === null) {
      const english = document.documentElement.lang === "en";
      const fallback = {
        network_error: english
          ? "Could not reach the server. Check the connection and try again."
          : "Không kết nối được máy chủ. Kiểm tra kết nối mạng rồi thử lại.",
        unexpected_error: english
          ? "Something went wrong. Please try again."
          : "Đã có lỗi xảy ra. Vui lòng thử lại.",
      };
      text = fallback[key] || key;
    }
    if (params) {
      Object.keys(params).forEach(function (name) {
        text = text.split("{" + name + "}").join(String(params[name]));
      });
    }
    return text;
  }

  class ApiError extends Error {
    constructor(message, status, code, details) {
      super(message);
      this.name = "ApiError";
      this.status = status;
      this.code = code || "error";
      this.details = details || {};
    }
  }

  function csrfToken() {
    const meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.getAttribute("content") : "";
  }

  /* Refusals come back in the page's language, not the browser's (the API would follow
   * Accept-Language, which an English phone sends on a Vietnamese page). */
  function pageLanguage() {
    return document.documentElement.lang || "vi";
  }

  function errorFrom(status, body) {
    const error = body && body.error;
    if (error && error.message) {
      return new ApiError(error.message, status, error.code, error.details);
    }
    return new ApiError(t("unexpected_error"), status, "http_" + status);
  }

  function parse(text) {
    if (!text) return null;
    try { return JSON.parse(text); } catch (e) { return null; }
  }

  async function request(method, url, body, options) {
    const headers = Object.assign(
      { "Accept": "application/json", "X-CSRFToken": csrfToken(), "Accept-Language": pageLanguage() },
      (options && options.headers) || {}
    );
    const init = { method: method, headers: headers, credentials: "same-origin" };
    if (body instanceof FormData) {
      init.body = body;
    } else if (body !== undefined && body !== null) {
      headers["Content-Type"] = "application/json";
      init.body = JSON.stringify(body);
    }
    let response;
    try {
      response = await fetch(url, init);
    } catch (e) {
      throw new ApiError(t("network_error"), 0, "network_error");
    }
    const data = parse(await response.text());
    if (!response.ok) throw errorFrom(response.status, data);
    return data;
  }

  /* A multipart upload with progress (fetch has no upload progress): onProgress(0..1). */
  function upload(url, formData, onProgress) {
    return new Promise(function (resolve, reject) {
      const xhr = new XMLHttpRequest();
      xhr.open("POST", url);
      xhr.setRequestHeader("X-CSRFToken", csrfToken());
      xhr.setRequestHeader("Accept", "application/json");
      xhr.setRequestHeader("Accept-Language", pageLanguage());
      if (onProgress) {
        xhr.upload.addEventListener("progress", function (event) {
          if (event.lengthComputable) onProgress(event.loaded / event.total);
        });
      }
      xhr.addEventListener("load", function () {
        const data = parse(xhr.responseText);
        if (xhr.status >= 200 && xhr.status < 300) resolve(data);
        else reject(errorFrom(xhr.status, data));
      });
      xhr.addEventListener("error", function () {
        reject(new ApiError(t("network_error"), 0, "network_error"));
      });
      xhr.send(formData);
    });
  }

  /* A short message at the bottom of the screen; survives one reload with {afterReload}. */
  function toast(text, kind, options) {
    if (options && options.afterReload) {
      try { sessionStorage.setItem("sohoa-toast", JSON.stringify([text, kind || "success"])); }
      catch (e) { /* private mode: no toast */ }
      return;
    }
    let box = document.getElementById("sohoa-toasts");
    if (!box) {
      box = document.createElement("div");
      box.id = "sohoa-toasts";
      box.className = "toasts";
      box.setAttribute("aria-live", "polite");
      document.body.appendChild(box);
    }
    const item = document.createElement("div");
    item.className = "toast toast-" + (kind || "success");
    item.setAttribute("role", kind === "error" ? "alert" : "status");
    item.textContent = text;
    box.appendChild(item);
    setTimeout(function () { item.classList.add("leaving"); }, kind === "error" ? 6000 : 3200);
    setTimeout(function () { item.remove(); }, kind === "error" ? 6500 : 3700);
  }

  document.addEventListener("DOMContentLoaded", function () {
    let saved = null;
    try {
      saved = sessionStorage.getItem("sohoa-toast");
      sessionStorage.removeItem("sohoa-toast");
    } catch (e) { /* ignore */ }
    if (saved) {
      const pair = parse(saved);
      if (pair) toast(pair[0], pair[1]);
    }
  });

  Sohoa.ApiError = ApiError;
  Sohoa.t = t;
  Sohoa.toast = toast;
  Sohoa.api = {
    request: request,
    get: function (url) { return request("GET", url); },
    post: function (url, body) { return request("POST", url, body === undefined ? {} : body); },
    put: function (url, body) { return request("PUT", url, body); },
    patch: function (url, body) { return request("PATCH", url, body); },
    del: function (url) { return request("DELETE", url); },
    upload: upload,
    csrfToken: csrfToken,
    language: pageLanguage,
  };
})(window);
