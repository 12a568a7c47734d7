"use strict";
// One page, three views; everything comes from the JSON API of CONTRACT.md.
(function () {
  const $ = (id) => document.getElementById(id);
  const demo = document.body.dataset.demo === "1";
  const QR_STATES = {
    waiting: "等待扫码",
    scanned: "已扫码，请在手机上确认",
    expired: "二维码已过期，点击刷新",
    success: "登录成功",
  };
  const STATES = {
    queued: "排队中",
    syncing: "正在同步你的 B 站记录",
    training: "正在学习你的口味",
    scoring: "正在挑选推荐",
    ready: "推荐已就绪",
    login_expired: "B 站登录已失效",
    error: "出错了",
  };
  let csrf = "";
  let qrKey = null;
  let pollTimer = null;
  let statusTimer = null;

  async function api(method, path, body) {
    const opts = { method, headers: {}, credentials: "same-origin" };
    if (method !== "GET") opts.headers["X-CSRF-Token"] = csrf;
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

  function showError(text) {
    $("error").textContent = text || "";
    $("error").hidden = !text;
  }

  function show(view) {
    $("login-view").hidden = view !== "login";
    $("status-view").hidden = view !== "status";
    if (view !== "status") $("picks-view").hidden = true;
  }

  function fmtCount(n) {
    return n >= 10000 ? (n / 10000).toFixed(1) + "万" : String(n);
  }

  function fmtDuration(s) {
    const m = Math.floor(s / 60);
    return m + ":" + String(s % 60).padStart(2, "0");
  }

  function el(tag, cls, text) {
    const node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function pickCard(pick) {
    const li = el("li", "pick");
    li.appendChild(el("span", "rating", "推荐指数 " + pick.rating));
    const link = el("a", "title", pick.title);
    link.href = "https://www.bilibili.com/video/" + pick.bvid;
    link.target = "_blank";
    link.rel = "noopener noreferrer";
    li.appendChild(link);
    li.appendChild(el("div", "meta",
      "UP主：" + pick.author.name + " · " + fmtDuration(pick.duration) + " · 播放 " +
      fmtCount(pick.stats.view) + " · 点赞 " + fmtCount(pick.stats.like)));
    const reasons = el("ul", "reasons");
    for (const r of pick.reasons) reasons.appendChild(el("li", "", r));
    li.appendChild(reasons);
    const actions = el("div", "actions");
    for (const [kind, label] of [["like", "喜欢"], ["dislike", "不感兴趣"]]) {
      const b = el("button", "", label);
      b.type = "button";
      b.dataset.kind = kind;
      b.addEventListener("click", async () => {
        const { status } = await api("POST", "/api/feedback", { bvid: pick.bvid, kind });
        if (status === 204) {
          actions.textContent = kind === "like" ? "已记录：喜欢" : "已记录：不感兴趣";
        }
      });
      actions.appendChild(b);
    }
    li.appendChild(actions);
    return li;
  }

  let shownPicks = null;
  async function loadPicks() {
    const { status, data } = await api("GET", "/api/picks");
    if (status !== 200) { $("picks-view").hidden = true; return; }
    if (shownPicks === data.generated_at) return;
    shownPicks = data.generated_at;
    $("picks-date").textContent = data.date;
    for (const section of ["hot", "explore"]) {
      const list = $("picks-" + section);
      list.innerHTML = "";
      for (const pick of data[section]) list.appendChild(pickCard(pick));
    }
    $("picks-view").hidden = false;
  }

  function fmtTime(iso) {
    if (!iso) return "—";
    return new Date(iso).toLocaleString("zh-CN", { hour12: false });
  }

  async function loadSession() {
    const { data } = await api("GET", "/api/session");
    csrf = data.csrf_token;
    if (data.logged_in) {
      $("who").hidden = false;
      $("uname").textContent = data.uname || String(data.mid);
      showStatus();
    } else {
      $("who").hidden = true;
      showLogin();
    }
  }

  // ---- login ----
  async function newQr() {
    clearTimeout(pollTimer);
    qrKey = null;
    if (demo) $("demo-scan").disabled = true;
    showError("");
    $("qr-overlay").hidden = true;
    $("qr-state").textContent = "正在获取二维码…";
    const { status, data } = await api("POST", "/api/login/qrcode");
    if (status !== 200) {
      $("qr-state").textContent = "";
      showError(data && data.error ? data.error : "获取二维码失败");
      $("qr-overlay").hidden = false;
      return;
    }
    qrKey = data.qrcode_key;
    $("qr-image").src = data.image;
    $("qr-state").textContent = QR_STATES.waiting;
    if (demo) $("demo-scan").disabled = false;
    pollTimer = setTimeout(poll, 2000);
  }

  async function poll() {
    if (!qrKey) return;
    const { status, data } = await api("GET", "/api/login/poll?qrcode_key=" + encodeURIComponent(qrKey));
    if (status !== 200) {
      showError(data && data.error ? data.error : "登录状态查询失败");
      $("qr-overlay").hidden = false;
      return;
    }
    $("qr-state").textContent = QR_STATES[data.status] || data.status;
    if (data.status === "expired") {
      $("qr-overlay").hidden = false;
      if (demo) $("demo-scan").disabled = true;
    } else if (data.status === "success") {
      qrKey = null;
      await loadSession();
    } else {
      pollTimer = setTimeout(poll, 2000);
    }
  }

  async function loadDemoUsers() {
    const { status, data } = await api("GET", "/api/demo/users");
    if (status !== 200) return;
    const select = $("demo-user");
    select.innerHTML = "";
    for (const u of data.users) {
      const opt = document.createElement("option");
      opt.value = u.mid;
      opt.textContent = u.uname + "（" + u.mid + "）";
      select.appendChild(opt);
    }
  }

  async function demoScan() {
    if (!qrKey) return;
    const mid = parseInt($("demo-user").value, 10);
    const { status, data } = await api("POST", "/api/demo/scan", {
      qrcode_key: qrKey, mid: Number.isNaN(mid) ? null : mid,
    });
    if (status !== 204) showError(data && data.error ? data.error : "模拟扫码失败");
    clearTimeout(pollTimer);
    poll();
  }

  function showLogin() {
    clearTimeout(statusTimer);
    shownPicks = null;
    show("login");
    if (demo) loadDemoUsers();
    newQr();
  }

  // ---- status ----
  async function showStatus() {
    clearTimeout(pollTimer);
    show("status");
    await refreshStatus();
  }

  async function refreshStatus() {
    clearTimeout(statusTimer);
    const { status, data } = await api("GET", "/api/status");
    if (status === 401) return loadSession();
    if (status !== 200) {
      showError(data && data.error ? data.error : "状态查询失败");
      statusTimer = setTimeout(refreshStatus, 5000);
      return;
    }
    showError("");
    $("status-state").textContent = STATES[data.state] || data.state;
    $("status-progress").value = data.progress;
    $("status-message").textContent = data.message;
    $("status-last").textContent = fmtTime(data.last_refresh);
    $("status-next").textContent = fmtTime(data.next_refresh);
    $("relogin").hidden = data.state !== "login_expired";
    $("refresh").disabled = data.state === "login_expired";
    if (data.picks_date) loadPicks();
    const busy = ["queued", "syncing", "training", "scoring"].includes(data.state);
    statusTimer = setTimeout(refreshStatus, busy ? 2000 : 30000);
  }

  async function requestRefresh() {
    const { status, data } = await api("POST", "/api/refresh");
    if (status !== 202) showError(data && data.error ? data.error : "刷新失败");
    refreshStatus();
  }

  async function logout() {
    const { status, data } = await api("POST", "/api/logout");
    if (status !== 204 && status !== 401) {
      showError(data && data.error ? data.error : "退出失败");
      return;
    }
    await loadSession();
  }

  $("qr-refresh").addEventListener("click", newQr);
  $("refresh").addEventListener("click", requestRefresh);
  $("logout").addEventListener("click", logout);
  // Scanning again keeps picks and model: the new login simply replaces this session.
  $("relogin-button").addEventListener("click", showLogin);
  if (demo) $("demo-scan").addEventListener("click", demoScan);
  loadSession().catch(() => showError("无法连接服务器"));
})();
