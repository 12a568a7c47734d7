"use strict";
// 你的兴趣画像: bar charts and a tag cloud (SVG drawn here, no library), the secret feed
// URL, and the account section.
window.bilirecProfile = (function () {
  const { $, api, el, showError, errorOf, fmtTime } = window.bilirec;
  const SVG = "http://www.w3.org/2000/svg";
  const BAR_H = 26;

  function svg(tag, attrs, text) {
    const node = document.createElementNS(SVG, tag);
    for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
    if (text !== undefined) node.textContent = text;
    return node;
  }

  // Horizontal bars, strongest first; widths relative to the strongest.
  function barChart(box, rows) {
    box.innerHTML = "";
    if (!rows.length) return;
    const top = Math.max(...rows.map((r) => r.weight), 1e-9);
    const chart = svg("svg", {
      viewBox: `0 0 600 ${rows.length * BAR_H}`, width: "100%", role: "img",
      "aria-label": rows.map((r) => r.label).join("、"), class: "bars",
    });
    rows.forEach((r, i) => {
      const y = i * BAR_H;
      const w = Math.max(4, (r.weight / top) * 400);
      chart.appendChild(svg("text", { x: 150, y: y + 18, "text-anchor": "end", class: "label" },
        r.label.length > 12 ? r.label.slice(0, 12) + "…" : r.label));
      chart.appendChild(svg("rect", { x: 160, y: y + 5, width: w, height: BAR_H - 10, rx: 4,
                                      class: "bar" }));
      chart.appendChild(svg("text", { x: 166 + w, y: y + 18, class: "value" },
        r.weight.toFixed(2)));
    });
    box.appendChild(chart);
  }

  function tagCloud(box, tags) {
    box.innerHTML = "";
    const top = Math.max(...tags.map((t) => t.weight), 1e-9);
    for (const t of tags) {
      const word = el("span", "word", t.name);
      word.style.fontSize = (13 + 17 * Math.max(0, t.weight) / top).toFixed(1) + "px";
      box.appendChild(word);
    }
  }

  async function load() {
    const { status, data } = await api("GET", "/api/profile");
    if (status !== 200) return showError(errorOf(data, "兴趣画像加载失败"));
    $("profile-events").textContent = String(data.events);
    $("profile-trained").textContent = data.model ? fmtTime(data.model.trained_at) : "尚未训练";
    $("profile-auc").textContent =
      data.model && data.model.auc !== null ? data.model.auc.toFixed(3) : "—";
    $("profile-empty").hidden = data.tags.length > 0 || data.authors.length > 0;
    const tags = data.tags.slice(0, 12);
    barChart($("chart-tags"), tags.map((t) => ({ label: t.name, weight: t.weight })));
    tagCloud($("cloud"), data.tags.slice(0, 40));
    barChart($("chart-authors"),
      data.authors.slice(0, 10).map((a) => ({ label: a.name, weight: a.weight })));
    const settings = await api("GET", "/api/settings");
    if (settings.status === 200) {
      $("feed-url").value = settings.data.feed_url;
      window.bilirecSettings.render(settings.data);
      window.bilirecRules.render(settings.data.rules);
      if (location.hash === "#rules") $("rules").scrollIntoView();
    }
  }

  async function rotate() {
    const { status, data } = await api("POST", "/api/feed/rotate");
    if (status !== 200) return showError(errorOf(data, "重新生成失败"));
    $("feed-url").value = data.feed_url;
  }

  function init(onLoggedOut) {
    $("feed-rotate").addEventListener("click", rotate);
    $("feed-url").addEventListener("focus", (e) => e.target.select());
    $("logout").addEventListener("click", () => { $("logout-confirm").hidden = false; });
    $("logout-no").addEventListener("click", () => { $("logout-confirm").hidden = true; });
    $("logout-yes").addEventListener("click", async () => {
      const { status, data } = await api("POST", "/api/logout");
      if (status !== 204 && status !== 401) return showError(errorOf(data, "退出失败"));
      $("logout-confirm").hidden = true;
      onLoggedOut();
    });
  }

  return { load, init };
})();
