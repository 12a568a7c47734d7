"use strict";
// 每天送到你身边: the 稍后再看 switch, count and 撤销全部, and the push target with its
// test message. Writes go to /api/settings; the worker does the rest, so after undo or a
// test the panel reads the settings again for a while to show the outcome.
window.bilirecSettings = (function () {
  const { $, api, el, showError, errorOf, fmtTime } = window.bilirec;
  const PLACEHOLDERS = {
    json: "例如 https://example.com/webhook",
    ntfy: "例如 https://ntfy.sh/你的主题",
    bark: "例如 https://api.day.app/你的密钥/",
    serverchan: "例如 https://sctapi.ftqq.com/你的SendKey.send",
    pushplus: "例如 https://www.pushplus.plus/send?token=你的token",
  };
  let followTimer = null;
  let lastPushAt = null;

  function render(data) {
    const t = data.toview;
    $("toview-enabled").checked = t.enabled;
    // An answer that arrives while the user types a new count must not overwrite it.
    if (document.activeElement !== $("toview-count")) $("toview-count").value = t.count;
    $("toview-summary").textContent = t.added
      ? `目前稍后再看里有 ${t.added} 个是我们添加的，最近一次添加于 ${fmtTime(t.added_at)}。`
      : (t.enabled ? "已开启，下次刷新推荐时会添加。" : "还没有添加过视频。");
    const list = $("toview-items");
    list.innerHTML = "";
    for (const item of t.items || []) {
      const li = el("li");
      const a = el("a", "", item.title || item.bvid);
      a.href = "https://www.bilibili.com/video/" + item.bvid;
      a.target = "_blank";
      a.rel = "noopener noreferrer";
      li.appendChild(a);
      const when = el("time", "", fmtTime(item.added_at));
      when.dateTime = item.added_at;
      li.appendChild(when);
      list.appendChild(li);
    }
    $("toview-undo").disabled = !t.added;
    $("toview-error").textContent = t.error || "";
    $("toview-error").hidden = !t.error;

    const p = data.push;
    if (p.kind) $("push-kind").value = p.kind;
    $("push-url").placeholder = PLACEHOLDERS[$("push-kind").value];
    $("push-target").textContent = p.target ? `${p.target}（${kindName(p.kind)}）` : "未设置";
    $("push-test").disabled = !p.target;
    $("push-remove").disabled = !p.target;
    const last = p.last;
    lastPushAt = last ? last.at : null;
    const line = $("push-last");
    line.className = "hint";
    if (!last) {
      line.textContent = p.target ? "还没有发送过消息。" : "";
    } else {
      const what = { test: "测试消息", login_expired: "登录失效提醒" }[last.what] || "每日推荐";
      line.textContent = `${fmtTime(last.at)} ${what}：` +
        (last.ok ? last.message : "发送失败，" + last.message);
      line.classList.add(last.ok ? "ok" : "error");
    }
  }

  function kindName(kind) {
    const opt = [...$("push-kind").options].find((o) => o.value === kind);
    return opt ? opt.textContent : kind;
  }

  async function save(body) {
    const { status, data } = await api("POST", "/api/settings", body);
    if (status !== 200) {
      showError(errorOf(data, "保存失败"));
      return false;
    }
    showError("");
    render(data);
    return true;
  }

  // Read the settings again every 2 s for a while, to show what the worker did.
  function follow(until) {
    clearTimeout(followTimer);
    const deadline = Date.now() + 60000;
    const tick = async () => {
      const { status, data } = await api("GET", "/api/settings");
      if (status !== 200) return;
      render(data);
      if (!until(data) && Date.now() < deadline) followTimer = setTimeout(tick, 2000);
    };
    followTimer = setTimeout(tick, 1000);
  }

  function init() {
    $("toview-enabled").addEventListener("change", (e) => {
      save({ toview: { enabled: e.target.checked } });
    });
    $("toview-count").addEventListener("change", (e) => {
      const count = parseInt(e.target.value, 10);
      save({ toview: { count: Number.isNaN(count) ? e.target.value : count } });
    });
    $("toview-undo").addEventListener("click", async () => {
      const { status, data } = await api("POST", "/api/toview/undo");
      if (status !== 202) return showError(errorOf(data, "撤销失败"));
      $("toview-undo").disabled = true;
      $("toview-undo-state").textContent = "正在从稍后再看中移除…";
      follow((d) => {
        const done = d.toview.added === 0 || d.toview.error;
        if (done) $("toview-undo-state").textContent = d.toview.added === 0 ? "已全部撤销" : "";
        return done;
      });
    });
    $("push-kind").addEventListener("change", () => {
      $("push-url").placeholder = PLACEHOLDERS[$("push-kind").value];
    });
    $("push-save").addEventListener("click", async () => {
      const url = $("push-url").value.trim();
      const body = url ? { kind: $("push-kind").value, url } : { kind: $("push-kind").value };
      if (await save({ push: body })) $("push-url").value = "";
    });
    $("push-remove").addEventListener("click", () => save({ push: null }));
    $("push-test").addEventListener("click", async () => {
      const before = lastPushAt;
      const { status, data } = await api("POST", "/api/push/test");
      if (status !== 202) return showError(errorOf(data, "发送测试失败"));
      showError("");
      $("push-last").className = "hint";
      $("push-last").textContent = "测试消息已排队，正在发送…";
      follow((d) => d.push.last !== null && d.push.last.at !== before);
    });
  }

  init();
  return { render };
})();
