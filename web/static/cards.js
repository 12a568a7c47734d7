"use strict";
// The picks: a date switcher over /api/days, two grids of video cards, and feedback.
window.bilirecCards = (function () {
  const { $, api, el, showError, errorOf, fmtCount, fmtDuration, fmtTime, today, thumbnail } =
    window.bilirec;
  const UNDO_MS = 5000;
  let shown = null; // {date, generated_at} of the picks on screen
  let latest = null; // the newest picks' date and generation, for the "not fresh" note
  let status = null;
  let seenRefresh = null; // the last_refresh whose picks are loaded
  let asked = new URLSearchParams(location.search).get("date");
  if (asked && !/^\d{4}-\d{2}-\d{2}$/.test(asked)) asked = null;

  function sendFeedback(bvid, kind, keepalive) {
    return api("POST", "/api/feedback", { bvid, kind }, keepalive ? { keepalive: true } : {});
  }

  function card(pick) {
    const node = $("card-template").content.firstElementChild.cloneNode(true);
    const url = "https://www.bilibili.com/video/" + pick.bvid;
    node.dataset.bvid = pick.bvid;
    const cover = node.querySelector(".cover");
    cover.href = url;
    const img = cover.querySelector("img");
    img.src = thumbnail(pick.cover);
    img.alt = pick.title;
    node.querySelector(".duration").textContent = fmtDuration(pick.duration);
    const title = node.querySelector(".title");
    title.href = url;
    title.textContent = pick.title;
    title.title = pick.title;
    node.querySelector(".up").textContent = "UP主 " + pick.author.name;
    node.querySelector(".counts").textContent =
      "播放 " + fmtCount(pick.stats.view) + " · 点赞 " + fmtCount(pick.stats.like);
    node.querySelector(".rating").textContent = "推荐指数 " + pick.rating;
    const reasons = node.querySelector(".reasons");
    for (const r of pick.reasons) reasons.appendChild(el("li", "chip", r));
    for (const link of [cover, title]) {
      // Opening a pick means it was not "shown but ignored".
      const opened = () => sendFeedback(pick.bvid, "click", true);
      link.addEventListener("click", opened);
      link.addEventListener("auxclick", opened);
    }
    const like = node.querySelector("[data-kind=like]");
    like.classList.toggle("on", pick.feedback === "like");
    like.addEventListener("click", async () => {
      const kind = like.classList.contains("on") ? "clear" : "like";
      const { status: code, data } = await sendFeedback(pick.bvid, kind);
      if (code !== 204) return showError(errorOf(data, "操作失败"));
      like.classList.toggle("on", kind === "like");
    });
    node.querySelector("[data-kind=dislike]").addEventListener("click", () => dislike(node));
    if (pick.feedback === "dislike") node.hidden = true;
    return node;
  }

  async function dislike(node) {
    const bvid = node.dataset.bvid;
    const { status: code, data } = await sendFeedback(bvid, "dislike");
    if (code !== 204) return showError(errorOf(data, "操作失败"));
    node.classList.add("disliked");
    const undo = node.querySelector(".undo");
    undo.hidden = false;
    const timer = setTimeout(() => { node.hidden = true; }, UNDO_MS);
    undo.querySelector("button").onclick = async () => {
      clearTimeout(timer);
      const res = await sendFeedback(bvid, "clear");
      if (res.status !== 204) return showError(errorOf(res.data, "撤销失败"));
      node.classList.remove("disliked");
      node.querySelector("[data-kind=like]").classList.remove("on");
      undo.hidden = true;
    };
  }

  async function loadDays(selected) {
    const { status: code, data } = await api("GET", "/api/days");
    if (code !== 200) return;
    const select = $("day-select");
    select.innerHTML = "";
    const now = today();
    for (const d of data.dates) {
      const opt = el("option", "", d === now ? d + "（今天）" : d);
      opt.value = d;
      select.appendChild(opt);
    }
    if (selected) select.value = selected;
  }

  async function loadPicks(date) {
    const path = date ? "/api/picks?date=" + encodeURIComponent(date) : "/api/picks";
    const { status: code, data } = await api("GET", path);
    if (code !== 200) {
      showError(errorOf(data, "推荐加载失败"));
      return;
    }
    if (!date) latest = { date: data.date, generated_at: data.generated_at };
    shown = { date: data.date, generated_at: data.generated_at };
    for (const section of ["hot", "explore"]) {
      const list = $("picks-" + section);
      list.innerHTML = "";
      for (const pick of data[section]) list.appendChild(card(pick));
    }
    $("day-select").value = data.date;
    $("picks-view").hidden = false;
    note();
  }

  // Say why the newest picks are not today's: made when, and what stopped a fresher set.
  function note() {
    const box = $("stale-note");
    if (!latest || !shown || shown.date !== latest.date || latest.date === today() || !status) {
      box.hidden = true;
      return;
    }
    let why;
    if (status.state === "login_expired") why = "B 站登录已失效，重新扫码后会继续更新。";
    else if (status.state === "error") why = "上次刷新出错：" + status.message;
    else if (status.state !== "ready") why = "今天的推荐正在生成：" + status.message;
    else why = (status.message ? status.message + "；" : "") +
      "下次刷新 " + fmtTime(status.next_refresh) + "。";
    box.textContent = "今天的推荐还没有生成，这里是 " + latest.date + " 的推荐（生成于 " +
      fmtTime(latest.generated_at) + "）。" + why;
    box.hidden = false;
  }

  // Called with every /api/status answer: show new picks once a refresh has made them.
  async function onStatus(next) {
    status = next;
    if (!next.picks_date) {
      $("picks-view").hidden = true;
      return;
    }
    if (!shown && asked) {
      // A link to a past day (the Atom feed's entries point here with ?date=).
      seenRefresh = next.last_refresh;
      await loadDays(asked);
      if ([...$("day-select").options].some((o) => o.value === asked)) {
        await refreshLatestStamp();
        await loadPicks(asked);
      }
      asked = null;
    }
    const viewingLatest = !shown || (latest && shown.date === latest.date);
    if (!latest || latest.date !== next.picks_date || next.last_refresh !== seenRefresh) {
      seenRefresh = next.last_refresh;
      await loadDays(shown && !viewingLatest ? shown.date : undefined);
      if (viewingLatest) await loadPicks();
      else await refreshLatestStamp();
    }
    note();
  }

  async function refreshLatestStamp() {
    const { status: code, data } = await api("GET", "/api/picks");
    if (code === 200) latest = { date: data.date, generated_at: data.generated_at };
  }

  function reset() {
    shown = null;
    latest = null;
    status = null;
    seenRefresh = null;
    $("picks-hot").innerHTML = "";
    $("picks-explore").innerHTML = "";
    $("picks-view").hidden = true;
  }

  $("day-select").addEventListener("change", (e) => {
    const date = e.target.value;
    loadPicks(latest && date === latest.date ? undefined : date);
  });

  return { onStatus, reset };
})();
