"use strict";
// 我的规则: blocked UP主, title words, tags and zones as removable chips; the duration
// range, the minimum like rate and two switches. Every change saves the whole rule set
// (docs/api.md: rules replaces it); the worker then re-scores from the stored pools, and the
// page's status poll brings the new picks (the "bilirec:rescore" event hurries it).
window.bilirecRules = (function () {
  const { $, api, el, showError, errorOf } = window.bilirec;
  const LISTS = { authors: "屏蔽的UP主", words: "标题关键词", tags: "标签", zones: "分区" };
  let rules = null;

  function chip(label, title, onRemove) {
    const li = el("li", "chip rule-chip");
    li.appendChild(el("span", "", label));
    if (title) li.title = title;
    const remove = el("button", "chip-remove", "×");
    remove.type = "button";
    remove.setAttribute("aria-label", "删除 " + label);
    remove.addEventListener("click", onRemove);
    li.appendChild(remove);
    return li;
  }

  function render(next) {
    rules = next;
    for (const name of Object.keys(LISTS)) {
      const list = $("rules-" + name);
      list.innerHTML = "";
      rules[name].forEach((item, i) => {
        const label = name === "authors" ? (item.name || "UP主") + "（" + item.mid + "）" : item;
        const without = () => save({ [name]: rules[name].filter((_, j) => j !== i) });
        list.appendChild(chip(label, name === "authors" ? "mid " + item.mid : "", without));
      });
      if (!rules[name].length) list.appendChild(el("li", "hint empty", "暂无"));
    }
    $("rules-min-duration").value = minutes(rules.min_duration_s);
    $("rules-max-duration").value = minutes(rules.max_duration_s);
    $("rules-like-rate").value = rules.min_like_rate === null ? ""
      : String(Math.round(rules.min_like_rate * 1000) / 10);
    $("rules-hide-vertical").checked = rules.hide_vertical;
    $("rules-hide-upower").checked = rules.hide_upower;
  }

  function minutes(seconds) {
    return seconds === null ? "" : String(Math.round(seconds / 6) / 10);
  }

  function seconds(input) {
    const v = input.value.trim();
    return v === "" ? null : Math.round(parseFloat(v) * 60);
  }

  async function save(change) {
    if (!rules) return false;
    const body = Object.assign({}, rules, change);
    $("rules-state").textContent = "保存中…";
    const { status, data } = await api("POST", "/api/settings", { rules: body });
    if (status !== 200) {
      $("rules-state").textContent = "";
      showError(errorOf(data, "规则保存失败"));
      render(rules); // the inputs show what is saved
      return false;
    }
    showError("");
    render(data.rules);
    $("rules-state").textContent = "已保存，正在按新规则重新挑选今天的推荐…";
    window.dispatchEvent(new Event("bilirec:rescore"));
    return true;
  }

  function init() {
    for (const form of document.querySelectorAll(".rule-add[data-list]")) {
      form.addEventListener("submit", async (e) => {
        e.preventDefault();
        const input = form.querySelector("input");
        const value = input.value.trim();
        if (!value || !rules) return;
        const name = form.dataset.list;
        if (await save({ [name]: [...rules[name], value] })) input.value = "";
      });
    }
    $("rules-authors-form").addEventListener("submit", async (e) => {
      e.preventDefault();
      const mid = parseInt($("rules-author-mid").value, 10);
      if (!mid || !rules) return showError("请填写 UP主 的 mid（空间地址里的数字）");
      const entry = { mid, name: $("rules-author-name").value.trim() };
      const kept = rules.authors.filter((a) => a.mid !== mid);
      if (await save({ authors: [...kept, entry] })) {
        $("rules-author-mid").value = "";
        $("rules-author-name").value = "";
      }
    });
    $("rules-min-duration").addEventListener("change", (e) =>
      save({ min_duration_s: seconds(e.target) }));
    $("rules-max-duration").addEventListener("change", (e) =>
      save({ max_duration_s: seconds(e.target) }));
    $("rules-like-rate").addEventListener("change", (e) => {
      const v = e.target.value.trim();
      save({ min_like_rate: v === "" ? null : parseFloat(v) / 100 });
    });
    $("rules-hide-vertical").addEventListener("change", (e) =>
      save({ hide_vertical: e.target.checked }));
    $("rules-hide-upower").addEventListener("change", (e) =>
      save({ hide_upower: e.target.checked }));
  }

  // A card's 不看这个UP主 undone: the UP主 leaves the rules again.
  async function unblock(mid) {
    const { status, data } = await api("GET", "/api/settings");
    if (status !== 200) return false;
    rules = data.rules;
    return save({ authors: rules.authors.filter((a) => a.mid !== mid) });
  }

  init();
  return { render, unblock };
})();
