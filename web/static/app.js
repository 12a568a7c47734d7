"use strict";
// Session, QR login, status and the two views (#picks, #profile).
(function () {
  const { $, api, el, shared, showError, errorOf, fmtTime } = window.bilirec;
  const cards = window.bilirecCards;
  const profile = window.bilirecProfile;
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
  const BUSY = ["queued", "syncing", "training", "scoring"];
  const REFRESH_COOLDOWN_MS = 30000;
  let loggedIn = false;
  let qrKey = null;
  let pollTimer = null;
  let statusTimer = null;

  function route() {
    const view = ["#profile", "#rules"].includes(location.hash) ? "profile" : "picks";
    $("nav-picks").classList.toggle("active", view === "picks");
    $("nav-profile").classList.toggle("active", view === "profile");
    if (!loggedIn) return;
    $("profile-view").hidden = view !== "profile";
    $("status-view").hidden = view !== "picks";
    document.body.classList.toggle("on-profile", view === "profile");
    if (view === "profile") profile.load();
  }

  async function loadSession() {
    const { status, data } = await api("GET", "/api/session");
    if (status !== 200) return showError(errorOf(data, "无法连接服务器"));
    // 200 even with Redis down: then not logged in, and the error says why.
    if (data.error) return showError(data.error);
    shared.csrf = data.csrf_token;
    loggedIn = data.logged_in;
    $("who").hidden = !loggedIn;
    $("nav").hidden = !loggedIn;
    if (loggedIn) {
      $("uname").textContent = data.uname || String(data.mid);
      clearTimeout(pollTimer);
      qrKey = null;
      $("login-view").hidden = true;
      route();
      await refreshStatus();
    } else {
      clearTimeout(statusTimer);
      cards.reset();
      for (const id of ["status-view", "profile-view"]) $(id).hidden = true;
      showLogin(false);
    }
  }

  // ---- login (also the banner when bilibili's login has expired) ----
  function showLogin(expired) {
    $("login-title").textContent = expired ? "B 站登录已失效" : "扫码登录";
    $("login-hint").textContent = expired
      ? "请用 bilibili 手机客户端重新扫码登录；你的推荐和模型都还在，登录后会继续每天更新。"
      : "用 bilibili 手机客户端扫描二维码，登录后我们会根据你的观看、点赞、投币和收藏，每天为你挑选视频。";
    $("login-view").classList.toggle("banner", expired);
    if (!$("login-view").hidden && qrKey) return;
    $("login-view").hidden = false;
    if (demo) loadDemoUsers();
    newQr();
  }

  async function newQr() {
    clearTimeout(pollTimer);
    qrKey = null;
    if (demo) $("demo-scan").disabled = true;
    $("qr-overlay").hidden = true;
    $("qr-state").textContent = "正在获取二维码…";
    const { status, data } = await api("POST", "/api/login/qrcode");
    if (status !== 200) {
      $("qr-state").textContent = "";
      showError(errorOf(data, "获取二维码失败"));
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
    if (status === 429 || status === 503) {
      // Too often, or bilibili's risk control: the code is still good, ask again later.
      showError(errorOf(data, "登录状态查询失败"));
      pollTimer = setTimeout(poll, 5000);
      return;
    }
    if (status !== 200) {
      showError(errorOf(data, "登录状态查询失败"));
      $("qr-overlay").hidden = false;
      return;
    }
    $("qr-state").textContent = QR_STATES[data.status] || data.status;
    if (data.status === "expired") {
      $("qr-overlay").hidden = false;
      if (demo) $("demo-scan").disabled = true;
    } else if (data.status === "success") {
      qrKey = null;
      showError("");
      await loadSession();
    } else {
      pollTimer = setTimeout(poll, 2000);
    }
  }

  async function loadDemoUsers() {
    const select = $("demo-user");
    if (select.options.length) return;
    const { status, data } = await api("GET", "/api/demo/users");
    if (status !== 200) return;
    for (const u of data.users) {
      const opt = el("option", "", u.uname + "（" + u.mid + "）");
      opt.value = u.mid;
      select.appendChild(opt);
    }
  }

  async function demoScan() {
    if (!qrKey) return;
    const mid = parseInt($("demo-user").value, 10);
    const { status, data } = await api("POST", "/api/demo/scan", {
      qrcode_key: qrKey, mid: Number.isNaN(mid) ? null : mid,
    });
    if (status !== 204) showError(errorOf(data, "模拟扫码失败"));
    clearTimeout(pollTimer);
    poll();
  }

  // ---- status ----
  async function refreshStatus() {
    clearTimeout(statusTimer);
    if (!loggedIn) return;
    const { status, data } = await api("GET", "/api/status");
    if (status === 401) return loadSession();
    if (status !== 200) {
      showError(errorOf(data, "状态查询失败"));
      statusTimer = setTimeout(refreshStatus, 5000);
      return;
    }
    // Once picks exist a refresh keeps the state "ready" (the picks stay shown); its
    // progress below 1 says one is running.
    const busy = BUSY.includes(data.state) || (data.state === "ready" && data.progress < 1);
    $("status-state").textContent = STATES[data.state] || data.state;
    $("status-message").textContent = data.message;
    $("status-progress").hidden = !busy;
    $("status-progress").value = data.progress;
    $("status-last").textContent = fmtTime(data.last_refresh);
    $("status-next").textContent = fmtTime(data.next_refresh);
    $("refresh").disabled = busy || data.state === "login_expired" || coolingDown();
    if (data.state === "login_expired") showLogin(true);
    else if (!qrKey) $("login-view").hidden = true;
    await cards.onStatus(data);
    statusTimer = setTimeout(refreshStatus, busy ? 1000 : 30000);
  }

  let refreshedAt = 0;
  function coolingDown() {
    return Date.now() - refreshedAt < REFRESH_COOLDOWN_MS;
  }

  async function requestRefresh() {
    refreshedAt = Date.now();
    $("refresh").disabled = true;
    setTimeout(() => { $("refresh").disabled = false; }, REFRESH_COOLDOWN_MS);
    const { status, data } = await api("POST", "/api/refresh");
    if (status !== 202) showError(errorOf(data, "刷新失败"));
    else showError("");
    refreshStatus();
  }

  $("qr-refresh").addEventListener("click", newQr);
  $("refresh").addEventListener("click", requestRefresh);
  if (demo) $("demo-scan").addEventListener("click", demoScan);
  window.addEventListener("hashchange", route);
  // Rules saved or an UP主 blocked: the re-score takes seconds, so ask for status now.
  window.addEventListener("bilirec:rescore", () => { refreshStatus(); });
  profile.init(() => {
    loggedIn = false;
    clearTimeout(statusTimer);
    history.replaceState(null, "", location.pathname);
    loadSession();
  });
  loadSession().catch(() => showError("无法连接服务器"));
})();
