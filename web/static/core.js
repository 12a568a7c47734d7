"use strict";
// Helpers shared by the page's scripts: the JSON API of docs/api.md and small formatters.
window.bilirec = (function () {
  const $ = (id) => document.getElementById(id);
  const shared = { csrf: "" };

  async function api(method, path, body, extra) {
    const opts = Object.assign({ method, headers: {}, credentials: "same-origin" }, extra);
    if (method !== "GET") opts.headers["X-CSRF-Token"] = shared.csrf;
    if (body !== undefined) {
      opts.headers["Content-Type"] = "application/json";
      opts.body = JSON.stringify(body);
    }
    let resp;
    try {
      resp = await fetch(path, opts);
    } catch (e) {
      return { status: 0, data: { error: "无法连接服务器，请检查网络" } };
    }
    let data = null;
    if (resp.status !== 204) {
      try { data = await resp.json(); } catch (e) { data = null; }
    }
    return { status: resp.status, data };
  }

  function el(tag, cls, text) {
    const node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function showError(text) {
    $("error").textContent = text || "";
    $("error").hidden = !text;
  }

  function errorOf(data, fallback) {
    return data && data.error ? data.error : fallback;
  }

  function fmtCount(n) {
    return n >= 10000 ? (n / 10000).toFixed(1) + "万" : String(n);
  }

  function fmtDuration(s) {
    const h = Math.floor(s / 3600);
    const m = Math.floor((s % 3600) / 60);
    const sec = String(s % 60).padStart(2, "0");
    return h ? h + ":" + String(m).padStart(2, "0") + ":" + sec : m + ":" + sec;
  }

  function fmtTime(iso) {
    if (!iso) return "—";
    return new Date(iso).toLocaleString("zh-CN", { hour12: false });
  }

  // Today's date where the picks are made (BILIREC_TIMEZONE), as YYYY-MM-DD.
  function today() {
    const tz = document.body.dataset.tz || undefined;
    return new Intl.DateTimeFormat("en-CA", {
      timeZone: tz, year: "numeric", month: "2-digit", day: "2-digit",
    }).format(new Date());
  }

  // A thumbnail of the displayed size from bilibili's image host, over HTTPS when the
  // host is bilibili's (covers come as http://) or when this page itself is HTTPS.
  function thumbnail(cover) {
    if (!cover) return "";
    let url = cover.split("@")[0];
    if (url.startsWith("//")) url = "https:" + url;
    if (url.startsWith("http://") &&
        (/^http:\/\/[^/]*\.hdslb\.com\//.test(url) || location.protocol === "https:")) {
      url = "https://" + url.slice("http://".length);
    }
    return url + "@320w_200h_1c.webp";
  }

  return { $, api, el, shared, showError, errorOf, fmtCount, fmtDuration, fmtTime, today,
           thumbnail };
})();
