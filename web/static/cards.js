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

  const UNDO_TEXT = {
    "": "已减少此类推荐",
    author: "已屏蔽这个UP主",
    topic: "将减少这类内容",
    clickbait: "已标记为标题党",
    too_short: "将少推荐这么短的视频",
    too_long: "将少推荐这么长的视频",
    seen: "已标记为看过，不再推荐",
  };

  function sendFeedback(bvid, kind, keepalive, reason) {
    const body = reason ? { bvid, kind, reason } : { bvid, kind };
    return api("POST", "/api/feedback", body, keepalive ? { keepalive: true } : {});
  }

  // 不感兴趣 opens a small menu of reasons; one tap (or Enter) on an item is the whole
  // action. Arrow keys move, Escape closes and gives the focus back to the button.
  function reasonMenu(node, pick) {
    const button = node.querySelector("[data-kind=dislike]");
    const menu = node.querySelector(".reason-menu");
    const items = [...menu.querySelectorAll("[role=menuitem]")];
    const open = (focusIndex) => {
      closeMenus(menu);
      menu.hidden = false;
      button.setAttribute("aria-expanded", "true");
      items[focusIndex].focus();
    };
    const close = (refocus) => {
      menu.hidden = true;
      button.setAttribute("aria-expanded", "false");
      if (refocus) button.focus();
    };
    menu.close = close;
    button.addEventListener("click", () => (menu.hidden ? open(0) : close(false)));
    button.addEventListener("keydown", (e) => {
      if (e.key === "ArrowDown") { e.preventDefault(); open(0); }
      if (e.key === "ArrowUp") { e.preventDefault(); open(items.length - 1); }
    });
    menu.addEventListener("keydown", (e) => {
      const at = items.indexOf(document.activeElement);
      if (e.key === "Escape") { e.preventDefault(); close(true); }
      else if (e.key === "ArrowDown") { e.preventDefault(); items[(at + 1) % items.length].focus(); }
      else if (e.key === "ArrowUp") {
        e.preventDefault();
        items[(at - 1 + items.length) % items.length].focus();
      } else if (e.key === "Home") { e.preventDefault(); items[0].focus(); }
      else if (e.key === "End") { e.preventDefault(); items[items.length - 1].focus(); }
      else if (e.key === "Tab") close(false);
    });
    for (const item of items) {
      item.addEventListener("click", () => {
        close(false);
        dislike(node, item.dataset.reason, pick);
      });
    }
  }

  function closeMenus(except) {
    for (const menu of document.querySelectorAll(".reason-menu:not([hidden])")) {
      if (menu !== except && menu.close) menu.close(false);
    }
  }

  document.addEventListener("click", (e) => {
    if (!e.target.closest(".reason-menu, [data-kind=dislike]")) closeMenus(null);
  });

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
    reasonMenu(node, pick);
    if (pick.feedback === "dislike") node.hidden = true;
    return node;
  }

  async function dislike(node, reason, pick) {
    const bvid = node.dataset.bvid;
    const { status: code, data } = await sendFeedback(bvid, "dislike", false, reason);
    if (code !== 204) return showError(errorOf(data, "操作失败"));
    showError("");
    node.classList.add("disliked");
    const undo = node.querySelector(".undo");
    undo.querySelector(".undo-text").textContent = UNDO_TEXT[reason || ""];
    undo.hidden = false;
    const timer = setTimeout(() => { node.hidden = true; }, UNDO_MS);
    // A blocked UP主 is a rule: the re-scored picks come within seconds.
    if (reason === "author") window.dispatchEvent(new Event("bilirec:rescore"));
    undo.querySelector("button").onclick = async () => {
      clearTimeout(timer);
      const res = await sendFeedback(bvid, "clear");
      if (res.status !== 204) return showError(errorOf(res.data, "撤销失败"));
      if (reason === "author" && !(await window.bilirecRules.unblock(pick.author.mid))) {
        return showError("撤销屏蔽失败，可在“我的规则”里删除");
      }
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
    const filtered = data.filtered || 0;
    $("filtered-text").textContent = (data.date === today() ? "今日" : data.date + " ") +
      "已按你的规则过滤 " + filtered + " 个视频";
    $("filtered-note").hidden = filtered === 0;
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
