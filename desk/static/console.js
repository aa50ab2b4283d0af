// Agent console of the desk. Plain browser JavaScript, no build step.
//
// The session is the HttpOnly desk_session cookie, so the page keeps no secret
// itself. Live changes arrive over /api/agent/ws. After every (re)connect the
// page fetches queues, lists and the open ticket again, so that nothing pushed
// while it was disconnected is missed. All citizen and agent text goes into
// the page through textContent.
"use strict";

(() => {
  // Reconnect delays of the WebSocket, doubled after each failure.
  const RECONNECT_MIN_MS = 1000;
  const RECONNECT_MAX_MS = 30000;
  // A ping every PING_INTERVAL_MS; no pong within PONG_TIMEOUT_MS closes the socket.
  const PING_INTERVAL_MS = 25000;
  const PONG_TIMEOUT_MS = 10000;
  const SOCKET_CLOSED_UNAUTHORIZED = 4401;
  // Waiting times from this many seconds on are shown in red.
  const LONG_WAIT_SECONDS = 300;
  const CANNED_DEBOUNCE_MS = 250;
  // The agent's typing signal is sent at most this often while keys are
  // pressed, and "stopped" follows after this long without a key.
  const TYPING_SIGNAL_MS = 3000;
  const TYPING_IDLE_MS = 4000;
  // The citizen's typing indicator hides when no new signal came this long.
  const CITIZEN_TYPING_MS = 10000;
  const SUCCESS_NOTICE_MS = 5000;
  // How long a pushed ticket change is kept to reapply over slower fetches.
  const CHANGE_MEMORY_MS = 60000;
  const PAGE_TITLE = "坐席工作台 · 社保医保在线咨询";
  const TIME_ZONE = "Asia/Shanghai";

  // Ticket states in which the ticket waits for an agent to accept it.
  const WAITING_STATES = ["queued", "transferred", "left_message"];

  const ROLE_LABELS = {
    window_specialist: "窗口专员",
    department_staff: "科室专员",
    account_manager: "包保专员",
    trainer: "训练员",
    administrator: "管理员",
  };
  const PRESENCE_LABELS = { online: "在线", away: "离开", offline: "离线" };
  const STATE_LABELS = {
    queued: "排队中",
    assigned: "处理中",
    transferred: "已转接",
    left_message: "留言",
    closed: "已结束",
  };
  const QUEUE_KIND_LABELS = { window: "窗口", department: "科室", personal: "专属" };
  const TOPIC_LABELS = {
    contribution_payment: "参保缴费",
    insurance_transfer: "转移接续",
    pension_benefits: "养老待遇",
    retirement_approval: "退休审批",
    family_account_sharing: "医保个账家庭共济",
    medical_insurance: "医疗保险",
    enterprise_business: "企业业务",
    social_security_card: "社保卡",
    unemployment: "失业保险",
    work_injury: "工伤保险",
    other_agencies: "其他部门业务",
  };
  const REASON_LABELS = {
    requested: "市民要求转人工",
    offer_accepted: "市民接受了转人工建议",
    assistant_unavailable: "机器人暂时不可用",
  };
  const SENDER_LABELS = { citizen: "市民", bot: "机器人", agent: "工作人员", system: "系统消息" };
  const NOTE_KIND_LABELS = { transfer: "转接", return: "退回窗口" };
  const CONTACT_LABELS = { name: "姓名", phone: "电话", message: "留言" };
  const LIST_EMPTY_TEXT = {
    queue: "队列中暂无等待的会话。",
    mine: "您还没有接入的会话。",
    history: "没有找到已结束的会话。",
  };

  const byId = (id) => document.getElementById(id);
  const loading = byId("loading");
  const loginView = byId("login-view");
  const loginForm = byId("login-form");
  const loginMessage = byId("login-message");
  const loginUsername = byId("login-username");
  const loginPassword = byId("login-password");
  const loginButton = byId("login-button");
  const consoleView = byId("console-view");
  const agentLabel = byId("agent-label");
  const presenceState = byId("presence-state");
  const presenceButtons = document.querySelectorAll(".presence-button");
  const connectionState = byId("connection-state");
  const logoutButton = byId("logout-button");
  const notice = byId("console-notice");
  const noticeText = byId("console-notice-text");
  const queueList = byId("queue-list");
  const tabs = document.querySelectorAll(".tab");
  const queueFilter = byId("queue-filter");
  const queueFilterName = byId("queue-filter-name");
  const historySearch = byId("history-search");
  const historyQuery = byId("history-query");
  const ticketList = byId("ticket-list");
  const ticketListEmpty = byId("ticket-list-empty");
  const conversationEmpty = byId("conversation-empty");
  const conversationView = byId("conversation-view");
  const ticketTitle = byId("ticket-title");
  const ticketSubtitle = byId("ticket-subtitle");
  const acceptButton = byId("accept-button");
  const transcript = byId("transcript");
  const typingIndicator = byId("typing-indicator");
  const replyForm = byId("reply-form");
  const replyInput = byId("reply-input");
  const replyButton = byId("reply-button");
  const replyClosedNote = byId("reply-closed-note");
  const cannedQuery = byId("canned-query");
  const cannedResults = byId("canned-results");
  const details = byId("details");
  const ticketFacts = byId("ticket-facts");
  const flowEmpty = byId("flow-empty");
  const flowFacts = byId("flow-facts");
  const slotsHeading = byId("slots-heading");
  const flowSlots = byId("flow-slots");
  const notesEmpty = byId("notes-empty");
  const notesList = byId("notes-list");
  const actionsPanel = byId("actions-panel");
  const transferForm = byId("transfer-form");
  const transferDepartment = byId("transfer-department");
  const transferNote = byId("transfer-note");
  const returnForm = byId("return-form");
  const returnNote = byId("return-note");
  const closeForm = byId("close-form");
  const closeResolution = byId("close-resolution");

  const state = {
    agent: null,
    tab: "queue",
    queueFilter: "",
    queues: [],
    lists: { queue: [], mine: [], history: [] },
    historyLoaded: false,
    departments: null,
    selectedId: null,
    detail: null,
    renderedMessageIds: new Set(),
    freshTicketIds: new Set(),
    unreadTicketIds: new Set(),
    drafts: new Map(),
  };

  // Incremented on login, logout and expiry, so that responses to requests of
  // an earlier session are dropped instead of rendered.
  let sessionEpoch = 0;
  let socket = null;
  let reconnectDelay = RECONNECT_MIN_MS;
  let reconnectTimer = null;
  let pingTimer = null;
  let pongTimer = null;
  let tickTimer = null;
  let noticeTimer = null;
  let cannedTimer = null;
  let cannedRequest = 0;
  let typingTicketId = null;
  let typingSentAt = 0;
  const pendingTimers = new Map();
  // Tickets that pushes or action responses changed, with a running number.
  // A list or ticket fetched over HTTP may have been read on the server
  // before such a change, so newer changes are applied again on top of it.
  let ticketChangeCount = 0;
  const changedTickets = new Map();

  class ApiError extends Error {
    constructor(status, body, retryAfter) {
      super((body && body.error) || (status ? `HTTP ${status}` : "network error"));
      this.status = status;
      this.body = body || {};
      this.retryAfter = retryAfter;
    }
  }

  // ---- HTTP -------------------------------------------------------------

  // Sends one request to the agent API. A 401 on any call except login and
  // the first session check ends the session in the page.
  async function api(method, path, body, { session = true } = {}) {
    const headers = { Accept: "application/json" };
    if (body !== undefined) {
      headers["Content-Type"] = "application/json";
    }
    let response;
    try {
      response = await fetch(path, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        credentials: "same-origin",
        cache: "no-store",
      });
    } catch (error) {
      throw new ApiError(0, null, null);
    }
    let data = null;
    if (response.status !== 204) {
      try {
        data = await response.json();
      } catch (error) {
        data = null;
      }
    }
    if (!response.ok) {
      if (response.status === 401 && session) {
        expireSession();
      }
      throw new ApiError(response.status, data, response.headers.get("Retry-After"));
    }
    return data;
  }

  function ticketPath(id, action) {
    const base = `/api/agent/tickets/${encodeURIComponent(id)}`;
    return action ? `${base}/${action}` : base;
  }

  // Returns the Chinese text for a failed request. The API's own `error`
  // text is English; it is shown underneath as a detail for support staff.
  function describeError(error) {
    switch (error.status) {
      case 0:
        return "网络连接失败，请检查网络后重试。";
      case 403:
        return "没有权限处理这个会话：它不属于您的经办机构或队列。";
      case 404:
        return "会话不存在，可能已被删除。";
      case 409:
        return "会话状态已经变化，页面已刷新，请确认后重试。";
      case 413:
      case 422:
        return "输入内容不符合要求，请检查后重试。";
      case 429:
        return "操作太频繁，请稍后再试。";
      default:
        if (error.status >= 500) {
          return "服务暂时不可用，请稍后重试。";
        }
        return `请求失败（错误代码 ${error.status}），请稍后重试。`;
    }
  }

  function showApiError(action, error) {
    if (error.status === 401) {
      return;
    }
    const detail = error.status && error.body.error ? error.body.error : "";
    showNotice(`${action}失败：${describeError(error)}`, "error", detail);
  }

  // ---- Small helpers ------------------------------------------------------

  function element(tag, className, text) {
    const node = document.createElement(tag);
    if (className) {
      node.className = className;
    }
    if (text !== undefined && text !== null) {
      node.textContent = String(text);
    }
    return node;
  }

  function sameId(left, right) {
    return left !== null && right !== null && String(left) === String(right);
  }

  function label(labels, key, fallback) {
    if (key && Object.prototype.hasOwnProperty.call(labels, key)) {
      return labels[key];
    }
    return key || fallback;
  }

  function topicLabel(ticket) {
    return label(TOPIC_LABELS, ticket.topic, "未分类咨询");
  }

  function formatDuration(totalSeconds) {
    const seconds = Math.max(0, Math.floor(totalSeconds));
    if (seconds < 60) {
      return `${seconds}秒`;
    }
    const minutes = Math.floor(seconds / 60);
    if (minutes < 60) {
      return `${minutes}分${String(seconds % 60).padStart(2, "0")}秒`;
    }
    const hours = Math.floor(minutes / 60);
    if (hours < 24) {
      return `${hours}小时${String(minutes % 60).padStart(2, "0")}分`;
    }
    return `${Math.floor(hours / 24)}天${hours % 24}小时`;
  }

  const dayFormat = new Intl.DateTimeFormat("zh-CN", {
    timeZone: TIME_ZONE,
    year: "numeric",
    month: "numeric",
    day: "numeric",
  });
  const clockFormat = new Intl.DateTimeFormat("zh-CN", {
    timeZone: TIME_ZONE,
    hour: "2-digit",
    minute: "2-digit",
    hourCycle: "h23",
  });
  const dateTimeFormat = new Intl.DateTimeFormat("zh-CN", {
    timeZone: TIME_ZONE,
    month: "numeric",
    day: "numeric",
    hour: "2-digit",
    minute: "2-digit",
    hourCycle: "h23",
  });

  // Formats an ISO 8601 time in Beijing time: the clock alone for today.
  function formatTime(value) {
    const date = new Date(value);
    if (!value || Number.isNaN(date.getTime())) {
      return "";
    }
    if (dayFormat.format(date) === dayFormat.format(new Date())) {
      return clockFormat.format(date);
    }
    return dateTimeFormat.format(date);
  }

  function formatValue(value) {
    if (value === null || value === undefined || value === "") {
      return "—";
    }
    if (typeof value === "boolean") {
      return value ? "是" : "否";
    }
    if (Array.isArray(value)) {
      return value.map(formatValue).join("、");
    }
    if (typeof value === "object") {
      return JSON.stringify(value);
    }
    return String(value);
  }

  // Runs `callback` once, `delayMs` after the last of several calls with `key`.
  function debounce(key, delayMs, callback) {
    window.clearTimeout(pendingTimers.get(key));
    pendingTimers.set(
      key,
      window.setTimeout(() => {
        pendingTimers.delete(key);
        callback();
      }, delayMs),
    );
  }

  function clearPendingTimers() {
    pendingTimers.forEach((timer) => window.clearTimeout(timer));
    pendingTimers.clear();
  }

  // A waiting time that the ticker advances every second. The server's
  // seconds count from the moment the value arrived.
  function tickingDuration(className, prefix, seconds) {
    const node = element("span", className ? `${className} ticking` : "ticking");
    node.dataset.prefix = prefix;
    node.dataset.seconds = String(Number(seconds) || 0);
    node.dataset.since = String(Date.now());
    updateTicking(node, Date.now());
    return node;
  }

  function updateTicking(node, now) {
    const seconds =
      Number(node.dataset.seconds) + (now - Number(node.dataset.since)) / 1000;
    node.textContent = node.dataset.prefix + formatDuration(seconds);
    node.classList.toggle("is-long", seconds >= LONG_WAIT_SECONDS);
  }

  function tick() {
    const now = Date.now();
    document.querySelectorAll(".ticking").forEach((node) => updateTicking(node, now));
  }

  // ---- Notices --------------------------------------------------------------

  function showNotice(text, kind = "info", detail = "") {
    window.clearTimeout(noticeTimer);
    notice.className = `notice notice-${kind}`;
    noticeText.textContent = text;
    if (detail) {
      noticeText.appendChild(element("span", "notice-detail", detail));
    }
    notice.hidden = false;
    if (kind === "success") {
      noticeTimer = window.setTimeout(hideNotice, SUCCESS_NOTICE_MS);
    }
  }

  function hideNotice() {
    window.clearTimeout(noticeTimer);
    notice.hidden = true;
    noticeText.textContent = "";
  }

  // ---- Views and session ------------------------------------------------

  function showLogin(message, kind = "error") {
    loading.hidden = true;
    consoleView.hidden = true;
    loginView.hidden = false;
    loginMessage.className = `notice notice-${kind}`;
    loginMessage.textContent = message || "";
    loginMessage.hidden = !message;
    document.title = PAGE_TITLE;
    (loginUsername.value ? loginPassword : loginUsername).focus();
  }

  function resetState() {
    state.agent = null;
    state.queues = [];
    state.lists = { queue: [], mine: [], history: [] };
    state.historyLoaded = false;
    state.departments = null;
    state.selectedId = null;
    state.detail = null;
    state.renderedMessageIds.clear();
    state.freshTicketIds.clear();
    state.unreadTicketIds.clear();
    state.drafts.clear();
  }

  // Leaves the console: stops the socket and timers and clears its data.
  function leaveConsole() {
    sessionEpoch += 1;
    closeSocket();
    window.clearInterval(tickTimer);
    tickTimer = null;
    clearPendingTimers();
    typingTicketId = null;
    changedTickets.clear();
    hideNotice();
    resetState();
    queueList.replaceChildren();
    ticketList.replaceChildren();
    transcript.replaceChildren();
    replyInput.value = "";
  }

  function expireSession() {
    if (!state.agent) {
      return;
    }
    loginUsername.value = state.agent.username || loginUsername.value;
    leaveConsole();
    showLogin("登录已过期或已在其他地方退出，请重新登录。", "warning");
  }

  async function submitLogin(event) {
    event.preventDefault();
    const username = loginUsername.value.trim();
    const password = loginPassword.value;
    if (!username || !password) {
      showLogin("请输入用户名和密码。");
      return;
    }
    loginButton.disabled = true;
    loginButton.textContent = "正在登录…";
    try {
      const body = await api(
        "POST",
        "/api/agent/login",
        { username, password },
        { session: false },
      );
      loginPassword.value = "";
      await enterConsole(body.agent, { fresh: true });
    } catch (error) {
      showLogin(describeLoginError(error));
    } finally {
      loginButton.disabled = false;
      loginButton.textContent = "登录";
    }
  }

  function describeLoginError(error) {
    switch (error.status) {
      case 401:
        return "用户名或密码错误。";
      case 422:
        return "请输入用户名和密码。";
      case 429: {
        const seconds = Number(error.retryAfter);
        if (seconds > 0) {
          return `登录失败次数过多，请 ${Math.ceil(seconds / 60)} 分钟后再试。`;
        }
        return "登录失败次数过多，请 15 分钟后再试。";
      }
      default:
        return describeError(error);
    }
  }

  async function logout() {
    logoutButton.disabled = true;
    try {
      await api("POST", "/api/agent/logout");
    } catch (error) {
      if (error.status !== 401) {
        showApiError("退出登录", error);
        logoutButton.disabled = false;
        return;
      }
    }
    logoutButton.disabled = false;
    leaveConsole();
    showLogin("您已退出登录。", "info");
  }

  // Shows the console for `agent`. A fresh login also sets the agent online,
  // because an agent who logs in means to take conversations.
  async function enterConsole(agent, { fresh = false } = {}) {
    leaveConsole();
    state.agent = agent;
    loading.hidden = true;
    loginView.hidden = true;
    consoleView.hidden = false;
    restoreLocation();
    renderAgent();
    renderTabs();
    renderDetail();
    tickTimer = window.setInterval(tick, 1000);
    connectSocket();
    if (fresh && agent.presence !== "online") {
      await setPresence("online");
    }
    await refreshAll();
  }

  // ---- Location: the open tab and ticket survive a reload -------------------

  function restoreLocation() {
    const params = new URLSearchParams(window.location.hash.slice(1));
    const tab = params.get("tab");
    state.tab = ["queue", "mine", "history"].includes(tab) ? tab : "queue";
    state.selectedId = params.get("ticket") || null;
  }

  function saveLocation() {
    const params = new URLSearchParams();
    params.set("tab", state.tab);
    if (state.selectedId !== null) {
      params.set("ticket", String(state.selectedId));
    }
    window.history.replaceState(null, "", `#${params}`);
  }

  // ---- Agent and presence -----------------------------------------------

  function renderAgent() {
    const agent = state.agent;
    const parts = [agent.name || agent.username, label(ROLE_LABELS, agent.role, "")];
    parts.push(agent.agency_name || agent.agency);
    if (agent.department_name) {
      parts.push(agent.department_name);
    }
    agentLabel.textContent = parts.filter(Boolean).join(" · ");
    const presence = agent.presence || "offline";
    presenceState.dataset.presence = presence;
    // The pressed button already names "online" and "away"; only the
    // offline state, in which no conversation is routed here, needs words.
    presenceState.title = label(PRESENCE_LABELS, presence, "离线");
    presenceState.textContent = presence === "offline" ? "离线，不会分配新会话" : "";
    presenceButtons.forEach((button) => {
      button.setAttribute("aria-pressed", String(button.dataset.presence === presence));
    });
  }

  async function setPresence(presence) {
    const epoch = sessionEpoch;
    presenceButtons.forEach((button) => {
      button.disabled = true;
    });
    try {
      const body = await api("PUT", "/api/agent/presence", { presence });
      if (epoch === sessionEpoch) {
        state.agent = body.agent;
        renderAgent();
      }
    } catch (error) {
      showApiError("切换在线状态", error);
    } finally {
      presenceButtons.forEach((button) => {
        button.disabled = false;
      });
    }
  }

  // ---- Fetching ---------------------------------------------------------

  async function refreshAll() {
    const epoch = sessionEpoch;
    const tasks = [loadQueues(), loadList("queue"), loadList("mine"), loadDepartments()];
    if (state.tab === "history") {
      tasks.push(loadList("history"));
    }
    if (state.selectedId !== null) {
      tasks.push(loadDetail(state.selectedId));
    }
    const results = await Promise.allSettled(tasks);
    const failed = results.find((result) => result.status === "rejected");
    if (failed && epoch === sessionEpoch) {
      showApiError("刷新", failed.reason);
    }
  }

  async function loadQueues() {
    const epoch = sessionEpoch;
    const body = await api("GET", "/api/agent/queues");
    if (epoch !== sessionEpoch) {
      return;
    }
    state.queues = body.queues || [];
    if (state.queueFilter && !state.queues.some((queue) => queue.id === state.queueFilter)) {
      state.queueFilter = "";
    }
    renderQueues();
    renderTicketList();
  }

  async function loadList(scope) {
    const epoch = sessionEpoch;
    const since = ticketChangeCount;
    const params = new URLSearchParams({ scope });
    if (scope === "history" && historyQuery.value.trim()) {
      params.set("q", historyQuery.value.trim());
    }
    const body = await api("GET", `/api/agent/tickets?${params}`);
    if (epoch !== sessionEpoch) {
      return;
    }
    state.lists[scope] = body.tickets || [];
    changesSince(since).forEach(placeTicket);
    if (scope === "history") {
      state.historyLoaded = true;
    }
    renderTicketList();
    renderTabs();
  }

  // Loads the departments that tickets can be transferred to, with the
  // number of their staff online, on every refresh.
  async function loadDepartments() {
    const epoch = sessionEpoch;
    const body = await api("GET", "/api/agent/departments");
    if (epoch !== sessionEpoch) {
      return;
    }
    const selected = transferDepartment.value;
    state.departments = body.departments || [];
    renderDepartments();
    if (selected) {
      transferDepartment.value = selected;
    }
  }

  async function loadDetail(id) {
    const epoch = sessionEpoch;
    const since = ticketChangeCount;
    let body;
    try {
      body = await api("GET", ticketPath(id));
    } catch (error) {
      const gone = error.status === 403 || error.status === 404;
      if (!gone || epoch !== sessionEpoch || !sameId(state.selectedId, id)) {
        throw error;
      }
      // A ticket transferred away stays on screen as it was. One that was
      // never loaded, such as a stale link, is closed with a notice.
      if (!state.detail) {
        selectTicket(null);
        showNotice(
          error.status === 404
            ? `会话 #${id} 不存在。`
            : `会话 #${id} 不在您可以查看的队列中。`,
          "warning",
        );
      }
      return;
    }
    if (epoch !== sessionEpoch || !sameId(state.selectedId, id)) {
      return;
    }
    const changedTicket = !state.detail || !sameId(state.detail.ticket.id, id);
    const newer = changesSince(since).find((ticket) => sameId(ticket.id, id));
    state.detail = {
      ticket: newer || body.ticket,
      flow: body.flow || null,
      notes: body.notes || [],
    };
    if (changedTicket) {
      transcript.replaceChildren();
      state.renderedMessageIds.clear();
    }
    (body.messages || []).forEach((message) => appendMessage(message, false));
    renderDetail();
    scrollTranscriptToEnd();
  }

  // ---- Queues -------------------------------------------------------------

  function renderQueues() {
    const items = state.queues.map((queue) => {
      const button = element("button", "queue-item");
      button.type = "button";
      button.setAttribute("aria-pressed", String(queue.id === state.queueFilter));
      const name = element("span", "queue-name", queue.name);
      name.appendChild(element("span", "queue-kind", label(QUEUE_KIND_LABELS, queue.kind, "")));
      const stats = element("span", "queue-stats");
      const waiting = element("span", "queue-waiting", `${queue.waiting || 0} 人等待`);
      waiting.dataset.waiting = String(queue.waiting || 0);
      stats.appendChild(waiting);
      if (queue.waiting > 0) {
        stats.appendChild(
          tickingDuration("queue-oldest", "最久已等 ", queue.oldest_waiting_seconds),
        );
      }
      button.append(name, stats);
      button.addEventListener("click", () => {
        state.queueFilter = state.queueFilter === queue.id ? "" : queue.id;
        switchTab("queue");
        renderQueues();
      });
      const item = element("li");
      item.appendChild(button);
      return item;
    });
    queueList.replaceChildren(...items);
    if (!items.length) {
      queueList.appendChild(element("li", "panel-empty", "您的角色没有可接待的队列。"));
    }
    const waitingTotal = state.queues.reduce((sum, queue) => sum + (queue.waiting || 0), 0);
    document.title = waitingTotal ? `(${waitingTotal}) ${PAGE_TITLE}` : PAGE_TITLE;
  }

  // ---- Ticket lists ---------------------------------------------------------

  function switchTab(tab) {
    state.tab = tab;
    saveLocation();
    renderTabs();
    renderTicketList();
    if (tab === "history" && !state.historyLoaded) {
      loadList("history").catch((error) => showApiError("加载历史记录", error));
    }
  }

  function renderTabs() {
    tabs.forEach((tab) => {
      tab.setAttribute("aria-selected", String(tab.dataset.tab === state.tab));
    });
    document.querySelector('[data-count="queue"]').textContent =
      state.lists.queue.length ? String(state.lists.queue.length) : "";
    document.querySelector('[data-count="mine"]').textContent =
      state.lists.mine.length ? String(state.lists.mine.length) : "";
    historySearch.hidden = state.tab !== "history";
    const filtered = state.tab === "queue" && state.queueFilter;
    queueFilter.hidden = !filtered;
    if (filtered) {
      const queue = state.queues.find((candidate) => candidate.id === state.queueFilter);
      queueFilterName.textContent = `只显示：${queue ? queue.name : state.queueFilter}`;
    }
  }

  function visibleTickets() {
    const tickets = state.lists[state.tab];
    if (state.tab === "queue" && state.queueFilter) {
      return tickets.filter((ticket) => ticket.queue === state.queueFilter);
    }
    return tickets;
  }

  function renderTicketList() {
    const tickets = visibleTickets();
    ticketList.replaceChildren(...tickets.map(renderTicketItem));
    ticketListEmpty.textContent = LIST_EMPTY_TEXT[state.tab];
    ticketListEmpty.hidden = tickets.length > 0;
  }

  function renderTicketItem(ticket) {
    const button = element("button", "ticket-item");
    button.type = "button";
    button.dataset.ticketId = String(ticket.id);
    button.setAttribute("aria-current", String(sameId(ticket.id, state.selectedId)));
    if (state.freshTicketIds.has(String(ticket.id))) {
      button.classList.add("is-new");
    }

    const first = element("span", "ticket-line");
    if (state.unreadTicketIds.has(String(ticket.id))) {
      const dot = element("span", "unread-dot");
      dot.title = "有新消息";
      first.appendChild(dot);
    }
    first.appendChild(element("span", "ticket-topic", `#${ticket.id} ${topicLabel(ticket)}`));
    first.appendChild(stateBadge(ticket.state));

    const second = element("span", "ticket-line");
    const meta = [ticket.queue_name];
    if (ticket.enterprise) {
      meta.push(enterpriseText(ticket.enterprise));
    }
    if (ticket.assigned_name && state.tab !== "mine") {
      meta.push(ticket.assigned_name);
    }
    second.appendChild(element("span", "ticket-meta", meta.filter(Boolean).join(" · ")));
    if (isWaiting(ticket)) {
      second.appendChild(tickingDuration("ticket-wait", "已等 ", ticket.waiting_seconds));
    } else {
      const shown = ticket.closed_at || ticket.created_at;
      second.appendChild(element("span", "ticket-wait", formatTime(shown)));
    }
    button.append(first, second);

    const last = ticket.last_message;
    if (last && last.text) {
      const who = label(SENDER_LABELS, last.sender, "");
      button.appendChild(element("span", "ticket-excerpt", `${who}：${last.text}`));
    }
    button.addEventListener("click", () => selectTicket(ticket.id));
    const item = element("li");
    item.appendChild(button);
    return item;
  }

  function stateBadge(ticketState) {
    const badge = element("span", "state-badge", label(STATE_LABELS, ticketState, ""));
    badge.dataset.state = ticketState;
    return badge;
  }

  function enterpriseText(enterprise) {
    if (typeof enterprise === "object") {
      return [enterprise.name, enterprise.credit_code].filter(Boolean).join(" ");
    }
    return String(enterprise);
  }

  function isWaiting(ticket) {
    return WAITING_STATES.includes(ticket.state) && !ticket.assigned_to;
  }

  function isMine(ticket) {
    return (
      Boolean(state.agent) &&
      ticket.state === "assigned" &&
      ticket.assigned_to === state.agent.username
    );
  }

  function visibleQueueIds() {
    return new Set(state.queues.map((queue) => queue.id));
  }

  // Puts a changed ticket into the lists it now belongs to and out of the others.
  function placeTicket(ticket) {
    const id = String(ticket.id);
    const inQueue = isWaiting(ticket) && visibleQueueIds().has(ticket.queue);
    const wasQueued = state.lists.queue.some((other) => sameId(other.id, id));
    state.lists.queue = upsert(state.lists.queue, ticket, inQueue);
    state.lists.mine = upsert(state.lists.mine, ticket, isMine(ticket));
    state.lists.history = upsert(
      state.lists.history,
      ticket,
      state.lists.history.some((other) => sameId(other.id, id)),
    );
    if (inQueue && !wasQueued) {
      state.freshTicketIds.add(id);
      window.setTimeout(() => state.freshTicketIds.delete(id), 2000);
    }
    if (!isMine(ticket)) {
      state.unreadTicketIds.delete(id);
    }
    state.lists.queue.sort((left, right) => right.waiting_seconds - left.waiting_seconds);
  }

  function upsert(tickets, ticket, keep) {
    const others = tickets.filter((other) => !sameId(other.id, ticket.id));
    if (!keep) {
      return others;
    }
    const index = tickets.findIndex((other) => sameId(other.id, ticket.id));
    if (index === -1) {
      return [...others, ticket];
    }
    const updated = tickets.slice();
    updated[index] = ticket;
    return updated;
  }

  function selectTicket(id) {
    if (state.selectedId !== null) {
      state.drafts.set(String(state.selectedId), replyInput.value);
    }
    state.selectedId = id === null ? null : String(id);
    state.detail = null;
    state.renderedMessageIds.clear();
    transcript.replaceChildren();
    replyInput.value = state.selectedId ? state.drafts.get(state.selectedId) || "" : "";
    typingIndicator.hidden = true;
    stopTyping();
    hideCanned();
    if (state.selectedId) {
      state.unreadTicketIds.delete(state.selectedId);
    }
    saveLocation();
    renderTicketList();
    renderDetail();
    if (state.selectedId !== null) {
      loadDetail(state.selectedId).catch((error) => showApiError("打开会话", error));
    }
  }

  // ---- Ticket detail --------------------------------------------------------

  function renderDetail() {
    const detail = state.detail;
    conversationEmpty.hidden = Boolean(detail) || state.selectedId !== null;
    conversationView.hidden = !detail && state.selectedId === null;
    details.hidden = !detail;
    if (!detail) {
      ticketTitle.textContent = state.selectedId ? `会话 #${state.selectedId}` : "";
      ticketSubtitle.textContent = state.selectedId ? "正在加载…" : "";
      acceptButton.hidden = true;
      replyForm.hidden = true;
      replyClosedNote.hidden = true;
      return;
    }
    const ticket = detail.ticket;
    ticketTitle.textContent = `会话 #${ticket.id} · ${topicLabel(ticket)}`;
    const subtitle = [label(STATE_LABELS, ticket.state, ""), ticket.queue_name];
    if (ticket.assigned_name) {
      subtitle.push(`接待人 ${ticket.assigned_name}`);
    }
    subtitle.push(`创建于 ${formatTime(ticket.created_at)}`);
    ticketSubtitle.textContent = subtitle.filter(Boolean).join(" · ");
    acceptButton.hidden = !isWaiting(ticket);

    const mine = isMine(ticket);
    replyForm.hidden = !mine;
    replyClosedNote.hidden = mine;
    replyClosedNote.textContent = readOnlyReason(ticket);
    actionsPanel.hidden = !mine;
    // Only a ticket outside the window queue can go back to it.
    returnForm.hidden = !mine || queueKind(ticket.queue) === "window";

    renderFacts(ticket);
    renderFlow(detail.flow);
    renderNotes(detail.notes);
  }

  function queueKind(queueId) {
    const queue = state.queues.find((candidate) => candidate.id === queueId);
    return queue ? queue.kind : null;
  }

  function readOnlyReason(ticket) {
    if (ticket.state === "closed") {
      return "会话已结束，只能查看记录。";
    }
    if (isWaiting(ticket)) {
      return "接入会话后才能回复市民。";
    }
    if (ticket.assigned_to) {
      return `这个会话由 ${ticket.assigned_name || ticket.assigned_to} 接待中。`;
    }
    return "这个会话目前不能回复。";
  }

  function addFact(list, term, value) {
    if (value === null || value === undefined || value === "") {
      return;
    }
    list.append(element("dt", "", term), element("dd", "", value));
  }

  function renderFacts(ticket) {
    ticketFacts.replaceChildren();
    addFact(ticketFacts, "会话编号", `#${ticket.id}`);
    addFact(ticketFacts, "状态", label(STATE_LABELS, ticket.state, ""));
    addFact(ticketFacts, "队列", ticket.queue_name || ticket.queue);
    addFact(ticketFacts, "经办机构", agencyName(ticket.agency));
    addFact(ticketFacts, "咨询话题", topicLabel(ticket));
    addFact(ticketFacts, "转人工原因", label(REASON_LABELS, ticket.reason, ""));
    addFact(ticketFacts, "接待人", ticket.assigned_name || ticket.assigned_to);
    addFact(ticketFacts, "创建时间", formatTime(ticket.created_at));
    if (isWaiting(ticket)) {
      const waited = element("dd");
      waited.appendChild(tickingDuration("", "", ticket.waiting_seconds));
      ticketFacts.append(element("dt", "", "已等待"), waited);
    }
    if (ticket.enterprise) {
      addFact(ticketFacts, "企业", enterpriseText(ticket.enterprise));
    }
    renderContact(ticket.contact);
    if (ticket.closed_at) {
      addFact(ticketFacts, "结束时间", formatTime(ticket.closed_at));
    }
    addFact(ticketFacts, "处理结果", ticket.resolution);
  }

  function agencyName(agency) {
    if (state.agent && agency === state.agent.agency && state.agent.agency_name) {
      return state.agent.agency_name;
    }
    return agency;
  }

  function renderContact(contact) {
    if (!contact) {
      return;
    }
    if (typeof contact !== "object") {
      addFact(ticketFacts, "联系方式", String(contact));
      return;
    }
    Object.entries(contact).forEach(([key, value]) => {
      addFact(ticketFacts, `留言 · ${label(CONTACT_LABELS, key, key)}`, formatValue(value));
    });
  }

  function renderFlow(flow) {
    flowEmpty.hidden = Boolean(flow);
    flowFacts.hidden = !flow;
    flowFacts.replaceChildren();
    flowSlots.replaceChildren();
    // Older tickets carry only slot names and raw values, so those show when
    // the action server sent no question-and-answer pairs.
    const answers = flow && flow.answers && flow.answers.length ? flow.answers : null;
    const slots = flow && flow.slots ? Object.entries(flow.slots) : [];
    const shown = answers ? answers.length : slots.length;
    slotsHeading.hidden = !shown;
    flowSlots.hidden = !shown;
    if (!flow) {
      return;
    }
    addFact(flowFacts, "流程", flow.flow_name || flow.flow);
    addFact(flowFacts, "当前步骤", flow.step_text || flow.step || "—");
    if (answers) {
      answers.forEach((item) => addFact(flowSlots, item.question, item.answer));
    } else {
      slots.forEach(([name, value]) => addFact(flowSlots, name, formatValue(value)));
    }
  }

  function renderNotes(notes) {
    notesEmpty.hidden = notes.length > 0;
    notesList.replaceChildren(
      ...notes.map((note) => {
        const item = element("li");
        const route = [note.from_name || note.from, note.to_name || note.to]
          .filter(Boolean)
          .join(" → ");
        const meta = [
          label(NOTE_KIND_LABELS, note.kind, ""),
          route,
          note.by_name || note.by,
          formatTime(note.at),
        ];
        item.appendChild(element("span", "note-meta", meta.filter(Boolean).join(" · ")));
        item.appendChild(element("span", "note-text", note.note || "（无说明）"));
        return item;
      }),
    );
  }

  // Fills the transfer list, grouped by agency when it spans several, with
  // the agent's own agency first as the server sorts it.
  function renderDepartments() {
    const departments = state.departments || [];
    const groups = new Map();
    departments.forEach((department) => {
      const key = department.agency || "";
      if (!groups.has(key)) {
        groups.set(key, { name: department.agency_name || key, options: [] });
      }
      groups.get(key).options.push(departmentOption(department));
    });
    if (groups.size > 1) {
      transferDepartment.replaceChildren(
        ...Array.from(groups.values()).map((group) => {
          const optgroup = element("optgroup");
          optgroup.label = group.name;
          optgroup.append(...group.options);
          return optgroup;
        }),
      );
    } else {
      transferDepartment.replaceChildren(
        ...Array.from(groups.values()).flatMap((group) => group.options),
      );
    }
    // The first option chooses nothing, so that a transfer is always a choice.
    const placeholder = element(
      "option",
      "",
      departments.length ? "请选择科室" : "暂无可转接的科室",
    );
    placeholder.value = "";
    transferDepartment.prepend(placeholder);
    transferDepartment.value = "";
    transferDepartment.disabled = !departments.length;
  }

  function departmentOption(department) {
    const option = element("option", "", department.name);
    option.value = department.id;
    option.dataset.name = department.name;
    if (typeof department.online_staff === "number") {
      option.textContent = `${department.name}（在线 ${department.online_staff} 人）`;
    }
    return option;
  }

  // ---- Transcript -----------------------------------------------------------

  function appendMessage(message, scroll = true) {
    const key = message.id === undefined ? null : String(message.id);
    if (key !== null && state.renderedMessageIds.has(key)) {
      return;
    }
    if (key !== null) {
      state.renderedMessageIds.add(key);
    }
    const nearEnd =
      transcript.scrollHeight - transcript.scrollTop - transcript.clientHeight < 80;
    const row = renderMessage(message);
    // Pushes and POST responses may arrive out of order, so rows stay sorted by id.
    const later = Array.from(transcript.children).find(
      (other) => key !== null && Number(other.dataset.messageId) > Number(key),
    );
    transcript.insertBefore(row, later || null);
    if (scroll && (nearEnd || message.sender === "agent")) {
      scrollTranscriptToEnd();
    }
  }

  function renderMessage(message) {
    const sender = Object.prototype.hasOwnProperty.call(SENDER_LABELS, message.sender)
      ? message.sender
      : "system";
    const row = element("div", `message message-${sender}`);
    if (message.id !== undefined) {
      row.dataset.messageId = String(message.id);
    }
    const who =
      sender === "agent" && message.agent_name ? message.agent_name : SENDER_LABELS[sender];
    row.appendChild(element("p", "message-label", `${who} ${formatTime(message.created_at)}`));
    if (message.text) {
      row.appendChild(element("p", "bubble", message.text));
    }
    if (message.image && isSafeImageUrl(message.image)) {
      const link = element("a");
      link.href = message.image;
      link.target = "_blank";
      link.rel = "noopener noreferrer";
      const image = element("img", "message-image");
      image.src = message.image;
      image.alt = "市民发送的图片";
      image.loading = "lazy";
      link.appendChild(image);
      row.appendChild(link);
    }
    if (Array.isArray(message.buttons) && message.buttons.length) {
      const group = element("div", "message-buttons");
      group.title = "机器人给出的选项";
      message.buttons.forEach((button) => group.appendChild(element("span", "", button.title)));
      row.appendChild(group);
    }
    return row;
  }

  function isSafeImageUrl(url) {
    try {
      const parsed = new URL(url, window.location.href);
      return parsed.protocol === "https:" || parsed.protocol === "http:";
    } catch (error) {
      return false;
    }
  }

  function scrollTranscriptToEnd() {
    transcript.scrollTop = transcript.scrollHeight;
  }

  // ---- Ticket actions -------------------------------------------------------

  function recordTicketChange(ticket) {
    ticketChangeCount += 1;
    changedTickets.set(String(ticket.id), {
      ticket,
      change: ticketChangeCount,
      at: Date.now(),
    });
  }

  // Returns the tickets changed after change number `since`, and removes
  // changes older than CHANGE_MEMORY_MS.
  function changesSince(since) {
    const now = Date.now();
    const newer = [];
    changedTickets.forEach((entry, id) => {
      if (now - entry.at > CHANGE_MEMORY_MS) {
        changedTickets.delete(id);
      } else if (entry.change > since) {
        newer.push(entry.ticket);
      }
    });
    return newer;
  }

  // Applies a ticket returned by an action or pushed over the WebSocket.
  function applyTicket(ticket) {
    recordTicketChange(ticket);
    const previous = state.detail && sameId(state.detail.ticket.id, ticket.id)
      ? state.detail.ticket
      : null;
    placeTicket(ticket);
    if (previous) {
      state.detail.ticket = ticket;
      renderDetail();
    }
    renderTicketList();
    renderTabs();
    return previous;
  }

  async function acceptSelected() {
    const id = state.selectedId;
    acceptButton.disabled = true;
    try {
      const body = await api("POST", ticketPath(id, "accept"));
      applyTicket(body.ticket);
      switchTab("mine");
      showNotice(`已接入会话 #${id}，可以回复市民了。`, "success");
      replyInput.focus();
    } catch (error) {
      if (error.status === 409) {
        showNotice(`接入失败：会话 #${id} 已被其他工作人员接入。`, "warning");
        refreshAll();
      } else {
        showApiError("接入会话", error);
      }
    } finally {
      acceptButton.disabled = false;
      loadQueues().catch(() => {});
    }
  }

  async function sendReply() {
    const id = state.selectedId;
    const text = replyInput.value;
    if (!text.trim() || replyButton.disabled) {
      return;
    }
    replyButton.disabled = true;
    replyInput.value = "";
    stopTyping();
    try {
      const body = await api("POST", ticketPath(id, "messages"), { text });
      state.drafts.delete(String(id));
      if (sameId(state.selectedId, id)) {
        appendMessage(body.message);
      }
      hideNotice();
    } catch (error) {
      if (!replyInput.value && sameId(state.selectedId, id)) {
        replyInput.value = text;
      }
      showApiError("发送回复", error);
      if (error.status === 409 || error.status === 403) {
        loadDetail(id).catch(() => {});
      }
    } finally {
      replyButton.disabled = false;
      replyInput.focus();
    }
  }

  // Runs a transfer, return or close request and refreshes the page after it.
  async function runTicketAction(form, action, body, successText, failureLabel) {
    const id = state.selectedId;
    const submit = form.querySelector("button[type=submit]");
    submit.disabled = true;
    try {
      const result = await api("POST", ticketPath(id, action), body);
      applyTicket(result.ticket);
      form.reset();
      showNotice(successText(id), "success");
      loadDetail(id).catch(() => {});
      return true;
    } catch (error) {
      showApiError(failureLabel, error);
      if (error.status === 409) {
        refreshAll();
      }
      return false;
    } finally {
      submit.disabled = false;
      loadQueues().catch(() => {});
    }
  }

  function transferSelected(event) {
    event.preventDefault();
    const department = transferDepartment.value;
    if (!department) {
      showNotice("请选择要转接的科室。", "warning");
      return;
    }
    const name = transferDepartment.selectedOptions[0].dataset.name;
    runTicketAction(
      transferForm,
      "transfer",
      { department, note: transferNote.value.trim() },
      (id) => `已将会话 #${id} 转接到${name}。`,
      "转接",
    );
  }

  function returnSelected(event) {
    event.preventDefault();
    runTicketAction(
      returnForm,
      "return",
      { note: returnNote.value.trim() },
      (id) => `已将会话 #${id} 退回窗口队列。`,
      "退回窗口",
    );
  }

  async function closeSelected(event) {
    event.preventDefault();
    const resolution = closeResolution.value.trim();
    if (!resolution) {
      showNotice("请先填写处理结果，再结束会话。", "warning");
      closeResolution.focus();
      return;
    }
    const closed = await runTicketAction(
      closeForm,
      "close",
      { resolution },
      (id) => `会话 #${id} 已结束，市民会收到评价邀请。`,
      "结束会话",
    );
    if (closed) {
      state.historyLoaded = false;
      if (state.tab === "history") {
        loadList("history").catch((error) => showApiError("加载历史记录", error));
      }
    }
  }

  // ---- Canned replies ---------------------------------------------------------

  function searchCanned() {
    const query = cannedQuery.value.trim();
    window.clearTimeout(cannedTimer);
    if (!query) {
      hideCanned();
      return;
    }
    cannedTimer = window.setTimeout(() => loadCanned(query), CANNED_DEBOUNCE_MS);
  }

  async function loadCanned(query) {
    cannedRequest += 1;
    const request = cannedRequest;
    let replies;
    try {
      const body = await api("GET", `/api/agent/canned?q=${encodeURIComponent(query)}`);
      replies = body.replies || [];
    } catch (error) {
      showApiError("搜索知识库", error);
      return;
    }
    if (request !== cannedRequest || cannedQuery.value.trim() !== query) {
      return;
    }
    const items = replies.map((reply) => {
      const button = element("button", "canned-option");
      button.type = "button";
      button.append(
        element("span", "canned-question", reply.question),
        element("span", "canned-answer", reply.answer),
      );
      button.addEventListener("click", () => insertCanned(reply.answer));
      const item = element("li");
      item.appendChild(button);
      return item;
    });
    if (!items.length) {
      items.push(element("li", "canned-empty", "知识库里没有找到相关答案。"));
    }
    cannedResults.replaceChildren(...items);
    cannedResults.hidden = false;
  }

  function insertCanned(answer) {
    const current = replyInput.value.replace(/\s+$/, "");
    replyInput.value = current ? `${current}\n${answer}` : answer;
    hideCanned();
    cannedQuery.value = "";
    replyInput.focus();
    replyInput.setSelectionRange(replyInput.value.length, replyInput.value.length);
  }

  function hideCanned() {
    window.clearTimeout(cannedTimer);
    cannedRequest += 1;
    cannedResults.hidden = true;
    cannedResults.replaceChildren();
  }

  // ---- Typing signals -------------------------------------------------------

  function sendSocketEvent(event) {
    if (socket !== null && socket.readyState === WebSocket.OPEN) {
      socket.send(JSON.stringify(event));
    }
  }

  // Tells the citizen's widget that the agent is typing a reply.
  function signalTyping() {
    const ticket = state.detail && state.detail.ticket;
    if (!ticket || !isMine(ticket) || !replyInput.value.trim()) {
      stopTyping();
      return;
    }
    const now = Date.now();
    if (!sameId(typingTicketId, ticket.id) || now - typingSentAt >= TYPING_SIGNAL_MS) {
      stopTyping();
      typingTicketId = ticket.id;
      typingSentAt = now;
      sendSocketEvent({ type: "typing", ticket_id: Number(ticket.id), typing: true });
    }
    debounce("typing", TYPING_IDLE_MS, stopTyping);
  }

  function stopTyping() {
    window.clearTimeout(pendingTimers.get("typing"));
    if (typingTicketId !== null) {
      sendSocketEvent({ type: "typing", ticket_id: Number(typingTicketId), typing: false });
    }
    typingTicketId = null;
    typingSentAt = 0;
  }

  function onTypingEvent(event) {
    if (event.sender !== "citizen" || !sameId(event.ticket_id, state.selectedId)) {
      return;
    }
    typingIndicator.hidden = !event.typing;
    if (event.typing) {
      debounce("citizen-typing", CITIZEN_TYPING_MS, () => {
        typingIndicator.hidden = true;
      });
    }
  }

  // ---- WebSocket ------------------------------------------------------------

  function socketUrl() {
    const scheme = window.location.protocol === "https:" ? "wss" : "ws";
    return `${scheme}://${window.location.host}/api/agent/ws`;
  }

  function setConnection(value) {
    connectionState.dataset.state = value;
    connectionState.textContent = {
      connecting: "正在连接…",
      up: "实时更新已连接",
      down: "连接中断，正在重新连接…",
    }[value];
  }

  function connectSocket() {
    window.clearTimeout(reconnectTimer);
    const epoch = sessionEpoch;
    setConnection(socket === null && reconnectDelay === RECONNECT_MIN_MS ? "connecting" : "down");
    let current;
    try {
      current = new WebSocket(socketUrl());
    } catch (error) {
      scheduleReconnect();
      return;
    }
    socket = current;
    current.addEventListener("open", () => {
      if (epoch !== sessionEpoch || socket !== current) {
        current.close();
        return;
      }
      reconnectDelay = RECONNECT_MIN_MS;
      setConnection("up");
      startPing(current);
      // Whatever happened while the socket was closed arrives by this fetch.
      refreshAll();
    });
    current.addEventListener("message", (event) => {
      if (epoch === sessionEpoch && socket === current) {
        handleSocketMessage(event.data);
      }
    });
    current.addEventListener("close", (event) => {
      if (socket !== current) {
        return;
      }
      socket = null;
      stopPing();
      // The desk closes with 4000 + the HTTP status, 4401 for an expired session.
      if (event.code === SOCKET_CLOSED_UNAUTHORIZED) {
        expireSession();
        return;
      }
      if (epoch === sessionEpoch && state.agent) {
        setConnection("down");
        scheduleReconnect();
      }
    });
  }

  function closeSocket() {
    window.clearTimeout(reconnectTimer);
    stopPing();
    reconnectDelay = RECONNECT_MIN_MS;
    const current = socket;
    socket = null;
    if (current) {
      current.close();
    }
  }

  function scheduleReconnect() {
    window.clearTimeout(reconnectTimer);
    const delay = reconnectDelay * (0.75 + Math.random() * 0.5);
    reconnectDelay = Math.min(reconnectDelay * 2, RECONNECT_MAX_MS);
    reconnectTimer = window.setTimeout(reconnect, delay);
  }

  // Checks the session over HTTP first, because a refused WebSocket upgrade
  // reaches the page only as code 1006, and an expired session must send the
  // agent to the login form instead of retrying forever.
  async function reconnect() {
    const epoch = sessionEpoch;
    try {
      const body = await api("GET", "/api/agent/me");
      if (epoch !== sessionEpoch) {
        return;
      }
      state.agent = body.agent;
      renderAgent();
    } catch (error) {
      if (error.status !== 401 && epoch === sessionEpoch) {
        scheduleReconnect();
      }
      return;
    }
    connectSocket();
  }

  function startPing(current) {
    stopPing();
    pingTimer = window.setInterval(() => {
      if (current.readyState !== WebSocket.OPEN) {
        return;
      }
      current.send(JSON.stringify({ type: "ping" }));
      window.clearTimeout(pongTimer);
      pongTimer = window.setTimeout(() => current.close(), PONG_TIMEOUT_MS);
    }, PING_INTERVAL_MS);
  }

  function stopPing() {
    window.clearInterval(pingTimer);
    window.clearTimeout(pongTimer);
    pingTimer = null;
    pongTimer = null;
  }

  function handleSocketMessage(data) {
    let event;
    try {
      event = JSON.parse(data);
    } catch (error) {
      return;
    }
    switch (event.type) {
      case "ticket":
        onTicketEvent(event.ticket);
        break;
      case "message":
        onMessageEvent(event.ticket_id, event.message);
        break;
      case "presence":
        onPresenceEvent(event.agent);
        break;
      case "typing":
        onTypingEvent(event);
        break;
      case "pong":
        window.clearTimeout(pongTimer);
        break;
      default:
        break;
    }
  }

  function onTicketEvent(ticket) {
    if (!ticket) {
      return;
    }
    const previous = applyTicket(ticket);
    const takenElsewhere =
      previous &&
      isWaiting(previous) &&
      ticket.assigned_to &&
      ticket.assigned_to !== state.agent.username;
    if (takenElsewhere) {
      const who = ticket.assigned_name || ticket.assigned_to;
      showNotice(`会话 #${ticket.id} 已由 ${who} 接入。`, "warning");
    }
    if (previous) {
      // Notes and the flow come only with the full ticket.
      debounce("detail", 300, () => {
        if (state.selectedId !== null) {
          loadDetail(state.selectedId).catch(() => {});
        }
      });
    }
    if (ticket.state === "closed") {
      state.historyLoaded = false;
      if (state.tab === "history") {
        debounce("history", 300, () => loadList("history").catch(() => {}));
      }
    }
    debounce("queues", 300, () => loadQueues().catch(() => {}));
  }

  function onMessageEvent(ticketId, message) {
    if (!message) {
      return;
    }
    ["queue", "mine", "history"].forEach((scope) => {
      state.lists[scope].forEach((ticket) => {
        if (sameId(ticket.id, ticketId) && message.text) {
          ticket.last_message = {
            text: message.text,
            sender: message.sender,
            created_at: message.created_at,
          };
        }
      });
    });
    if (sameId(ticketId, state.selectedId) && state.detail) {
      if (message.sender === "citizen") {
        typingIndicator.hidden = true;
      }
      appendMessage(message);
    } else if (
      message.sender === "citizen" &&
      state.lists.mine.some((ticket) => sameId(ticket.id, ticketId))
    ) {
      state.unreadTicketIds.add(String(ticketId));
    }
    renderTicketList();
  }

  function onPresenceEvent(agent) {
    if (agent && state.agent && agent.username === state.agent.username) {
      state.agent = agent;
      renderAgent();
    }
    // The transfer list shows how many staff of each department are online.
    debounce("departments", 1000, () => loadDepartments().catch(() => {}));
  }

  // ---- Events -----------------------------------------------------------------

  loginForm.addEventListener("submit", submitLogin);
  logoutButton.addEventListener("click", logout);
  byId("console-notice-close").addEventListener("click", hideNotice);
  presenceButtons.forEach((button) => {
    button.addEventListener("click", () => setPresence(button.dataset.presence));
  });
  tabs.forEach((tab) => {
    tab.addEventListener("click", () => switchTab(tab.dataset.tab));
  });
  byId("queue-filter-clear").addEventListener("click", () => {
    state.queueFilter = "";
    renderQueues();
    renderTabs();
    renderTicketList();
  });
  historySearch.addEventListener("submit", (event) => {
    event.preventDefault();
    loadList("history").catch((error) => showApiError("搜索历史记录", error));
  });
  acceptButton.addEventListener("click", acceptSelected);
  replyForm.addEventListener("submit", (event) => {
    event.preventDefault();
    sendReply();
  });
  replyInput.addEventListener("keydown", (event) => {
    // Enter confirms a candidate while an input method is composing (keyCode
    // 229 in older Safari), so it must not send then. Shift+Enter adds a line.
    if (event.key !== "Enter" || event.shiftKey || event.isComposing || event.keyCode === 229) {
      return;
    }
    event.preventDefault();
    sendReply();
  });
  replyInput.addEventListener("input", signalTyping);
  cannedQuery.addEventListener("input", searchCanned);
  cannedQuery.addEventListener("keydown", (event) => {
    if (event.key === "Escape") {
      hideCanned();
      return;
    }
    // Enter in the search box inserts the first result instead of sending the reply.
    if (event.key === "Enter" && !event.isComposing && event.keyCode !== 229) {
      event.preventDefault();
      const first = cannedResults.querySelector(".canned-option");
      if (first) {
        first.click();
      } else {
        loadCanned(cannedQuery.value.trim());
      }
    }
  });
  transferForm.addEventListener("submit", transferSelected);
  returnForm.addEventListener("submit", returnSelected);
  closeForm.addEventListener("submit", closeSelected);

  async function start() {
    try {
      const body = await api("GET", "/api/agent/me", undefined, { session: false });
      await enterConsole(body.agent);
    } catch (error) {
      if (error.status === 401) {
        showLogin("");
      } else {
        showLogin("暂时无法连接服务，请稍后刷新页面。");
      }
    }
  }

  start();
})();
