// Embeddable chat widget of the desk. Plain browser JavaScript, no build step.
//
//   <script src="https://desk.example/widget.js" data-agency="taian_city" defer></script>
//
// adds a floating button and a chat panel. Both live in a Shadow DOM, so the
// host page's CSS does not reach them, and the panel's style comes from
// static/widget.css next to this script. docs/widget.md lists the attributes
// and the page API (window.DeskWidget). All text goes into the page through
// textContent or form values, so no message is ever parsed as HTML.
"use strict";

(() => {
  if (window.DeskWidget) {
    return;
  }

  const script = document.currentScript;
  // The desk's base URL is the folder of this script, so a desk served under a
  // path prefix works too.
  const BASE_URL = new URL("./", script ? script.src : window.location.href);
  const DEFAULT_AGENCY = (script && script.dataset.agency) || "";
  const OPEN_ON_LOAD = Boolean(script && script.dataset.open === "true");

  const STORAGE_KEY = "desk.widget.conversation";
  const AGENCY_KEY = "desk.widget.agency";
  const OPEN_KEY = "desk.widget.open";

  // Same limit as MAX_MESSAGE_CHARS in desk/settings.py, counted in code points.
  const MAX_MESSAGE_CHARS = 2000;
  // Images the desk accepts, by content type and size; the desk checks the
  // file's magic bytes again, so a renamed file is rejected there.
  const IMAGE_TYPES = ["image/png", "image/jpeg", "image/gif", "image/webp"];
  const MAX_IMAGE_BYTES = 5 * 1024 * 1024;

  const POLL_MS = 3000;
  const RECONNECT_DELAYS_MS = [1000, 2000, 4000, 8000, 15000, 30000];
  const PING_MS = 25000;
  // A socket that sends nothing for this long after a ping counts as dead.
  const PONG_TIMEOUT_MS = 10000;
  const TYPING_SEND_MS = 3000;
  // An agent's typing indicator disappears after this long without news.
  const REMOTE_TYPING_MS = 8000;

  const STATUS_BOT = "bot";
  const STATUS_LEFT_MESSAGE = "left_message";
  // Statuses in which staff own the conversation.
  const STAFF_STATUSES = ["queued", "assigned", "transferred"];

  const TEXT = {
    launcher: "在线咨询",
    title: "社保医保在线咨询",
    botOnline: "智能助手全天在线",
    welcome:
      "您好，我是社保智能助手。我可以解答参保缴费、转移接续、养老待遇、退休审批、医保个账家庭共济等问题，也可以为您转接人工服务。请直接输入您的问题。",
    waiting: "正在为您转接工作人员，请稍候",
    leftMessage: "工作人员暂时不在线，您可以在下方留言",
    botTyping: "正在输入…",
    agentTyping: "工作人员正在输入…",
    reconnecting: "网络连接中断，正在重新连接…",
    startFailed: "暂时无法连接在线咨询服务，请稍后再试。",
    agentLabel: "工作人员",
  };
  const SCORE_LABELS = ["非常不满意", "不满意", "一般", "满意", "非常满意"];
  const WEEKDAYS = ["周日", "周一", "周二", "周三", "周四", "周五", "周六"];

  class ApiError extends Error {
    constructor(status, body, retryAfter) {
      super((body && body.error) || `HTTP ${status}`);
      this.status = status;
      this.body = body || {};
      this.retryAfter = retryAfter;
    }
  }

  const state = {
    // {id, token, agency, enterprise, lastStatus, ticketId, ratingTicketId,
    // ratedTicketId, contactSent}, saved in localStorage.
    conversation: null,
    status: STATUS_BOT,
    agentName: "",
    // Every message with an id up to the cursor is rendered.
    cursor: 0,
    renderedIds: new Set(),
    busy: false,
    composing: false,
    agency: readStorage(AGENCY_KEY) || DEFAULT_AGENCY,
    agencies: [],
    agenciesLoaded: false,
    unread: 0,
    lastTypingSent: 0,
    remoteTypingTimer: null,
  };

  const connection = {
    socket: null,
    live: false,
    attempts: 0,
    reconnectTimer: null,
    pollTimer: null,
    pingTimer: null,
    pongTimer: null,
  };

  // ---------------------------------------------------------------- storage

  // `area` is "localStorage" or "sessionStorage". Reading the property itself
  // throws where the browser blocks storage, so it happens inside the try.
  function readStorage(key, area = "localStorage") {
    try {
      return window[area].getItem(key);
    } catch (error) {
      return null;
    }
  }

  function writeStorage(key, value, area = "localStorage") {
    try {
      if (value === null) {
        window[area].removeItem(key);
      } else {
        window[area].setItem(key, value);
      }
    } catch (error) {
      // Without storage the conversation lasts until the page is closed.
    }
  }

  function loadStoredConversation() {
    try {
      const stored = JSON.parse(readStorage(STORAGE_KEY) || "null");
      if (stored && typeof stored.id === "string" && typeof stored.token === "string") {
        return stored;
      }
    } catch (error) {
      // Something else is stored under the key; start a new conversation.
    }
    return null;
  }

  function saveConversation() {
    writeStorage(STORAGE_KEY, state.conversation ? JSON.stringify(state.conversation) : null);
  }

  // -------------------------------------------------------------------- API

  function apiUrl(path) {
    return new URL(path, BASE_URL);
  }

  function conversationPath(suffix) {
    return `api/conversations/${encodeURIComponent(state.conversation.id)}/${suffix}`;
  }

  async function callApi(method, path, { body, form, auth = true } = {}) {
    const headers = { Accept: "application/json" };
    let requestBody;
    if (form) {
      requestBody = form;
    } else if (body !== undefined) {
      headers["Content-Type"] = "application/json";
      requestBody = JSON.stringify(body);
    }
    if (auth && state.conversation) {
      headers.Authorization = `Bearer ${state.conversation.token}`;
    }
    const response = await fetch(apiUrl(path), {
      method,
      headers,
      body: requestBody,
      credentials: "omit",
    });
    let data = null;
    try {
      data = await response.json();
    } catch (error) {
      data = null;
    }
    if (!response.ok) {
      throw new ApiError(response.status, data, response.headers.get("Retry-After"));
    }
    return data;
  }

  function isForgotten(error) {
    return error instanceof ApiError && (error.status === 401 || error.status === 404);
  }

  // Chooses the citizen's message by HTTP status, because the API's own
  // `error` text is written for developers.
  function describeError(error) {
    if (!(error instanceof ApiError)) {
      return "网络连接失败，请检查网络后重试。";
    }
    switch (error.status) {
      case 400:
        return "消息格式有误，请检查内容（例如删除无法显示的特殊字符）后重新发送。";
      case 401:
      case 404:
        return "会话已失效，请再发送一次，系统会为您开启新的会话。";
      case 409:
        return "当前状态下不能这样操作，请刷新后重试。";
      case 413: {
        const maxChars = Number(error.body.max_chars) || MAX_MESSAGE_CHARS;
        return `消息太长了：最多 ${maxChars} 字，请删减或分几条发送。`;
      }
      case 422:
        return "这个选项已失效，请直接输入您的问题。";
      case 429: {
        const seconds = Number(error.retryAfter);
        return seconds > 0
          ? `发送太频繁了，请 ${seconds} 秒后再试。`
          : "发送太频繁了，请稍等片刻再试。";
      }
      default:
        if (error.status >= 500) {
          return "服务暂时不可用，请稍后重试。";
        }
        return `发送失败（错误代码 ${error.status}），请稍后重试。`;
    }
  }

  // ------------------------------------------------------------------- DOM

  // Creates an element. `text` becomes its textContent; `attrs` are set as
  // attributes, and a value of true sets an empty (boolean) attribute.
  function el(tag, { className, text, attrs } = {}, children = []) {
    const element = document.createElement(tag);
    if (className) {
      element.className = className;
    }
    if (text !== undefined && text !== null) {
      element.textContent = text;
    }
    Object.entries(attrs || {}).forEach(([name, value]) => {
      if (value === true) {
        element.setAttribute(name, "");
      } else if (value !== false && value !== null && value !== undefined) {
        element.setAttribute(name, String(value));
      }
    });
    children.forEach((child) => element.appendChild(child));
    return element;
  }

  function button(text, className, onClick, attrs = {}) {
    const element = el("button", { className, text, attrs: { type: "button", ...attrs } });
    if (onClick) {
      element.addEventListener("click", onClick);
    }
    return element;
  }

  const host = el("div", { attrs: { id: "desk-widget", "data-desk-widget": "" } });
  const root = host.attachShadow({ mode: "open" });
  const ui = buildUi();

  function buildUi() {
    const stylesheet = el("link", {
      attrs: { rel: "stylesheet", href: new URL("static/widget.css", BASE_URL).href },
    });
    const badge = el("span", { className: "badge", attrs: { hidden: true } });
    const launcher = button(TEXT.launcher, "launcher", null, {
      "aria-expanded": "false",
      "aria-controls": "panel",
    });
    launcher.appendChild(badge);

    const subtitle = el("p", { className: "subtitle", text: TEXT.botOnline });
    const restart = button("新对话", "header-button restart");
    const close = button("收起", "header-button close", null, {
      "aria-label": "收起在线咨询",
    });
    const header = el("header", { className: "header" }, [
      el("div", { className: "heading" }, [
        el("h2", { text: TEXT.title, attrs: { id: "panel-title" } }),
        subtitle,
      ]),
      restart,
      close,
    ]);

    const agencySelect = el("select", { attrs: { id: "agency" } });
    const agencyField = el("div", { className: "agency-field", attrs: { hidden: true } }, [
      el("label", { text: "咨询机构", attrs: { for: "agency" } }),
      agencySelect,
    ]);
    const enterpriseButton = button("企业咨询", "link-button enterprise-open");
    const hours = el("p", { className: "hours", attrs: { hidden: true } });
    const toolbar = el("div", { className: "toolbar" }, [agencyField, enterpriseButton]);

    const statusLine = el("p", {
      className: "status-line",
      attrs: { role: "status", hidden: true },
    });
    const transcript = el("div", {
      className: "transcript",
      attrs: { role: "log", "aria-live": "polite", "aria-label": "对话记录" },
    });
    const cards = el("div", { className: "cards" });
    const body = el("div", { className: "body" }, [transcript, cards]);

    const enterprise = buildEnterpriseView();

    const errorLine = el("p", { className: "error-line", attrs: { role: "alert", hidden: true } });
    const errorText = el("span", { className: "error-text" });
    const errorDetail = el("span", { className: "error-detail" });
    errorLine.append(errorText, errorDetail);

    const fileInput = el("input", {
      className: "file-input",
      attrs: {
        type: "file",
        accept: IMAGE_TYPES.join(","),
        tabindex: "-1",
        "aria-hidden": "true",
      },
    });
    const attach = button("图片", "attach", null, { "aria-label": "发送图片" });
    const input = el("textarea", {
      attrs: {
        id: "message-input",
        rows: "1",
        placeholder: "请输入您的问题",
        enterkeyhint: "send",
      },
    });
    const send = el("button", { className: "send", text: "发送", attrs: { type: "submit" } });
    const composer = el("form", { className: "composer", attrs: { autocomplete: "off" } }, [
      attach,
      fileInput,
      el("label", {
        className: "visually-hidden",
        text: "输入您的问题",
        attrs: { for: "message-input" },
      }),
      input,
      send,
    ]);

    const panel = el(
      "section",
      {
        className: "panel",
        attrs: {
          id: "panel",
          role: "dialog",
          "aria-modal": "false",
          "aria-labelledby": "panel-title",
          "data-connection": "none",
          hidden: true,
        },
      },
      [header, toolbar, hours, statusLine, body, enterprise.view, errorLine, composer],
    );
    const wrapper = el("div", { className: "widget", attrs: { hidden: true } }, [
      panel,
      launcher,
    ]);
    // The widget stays hidden until its stylesheet has loaded, so the host page
    // never shows it unstyled.
    stylesheet.addEventListener("load", () => {
      wrapper.hidden = false;
    });
    stylesheet.addEventListener("error", () => {
      wrapper.hidden = false;
    });
    root.append(stylesheet, wrapper);

    return {
      launcher,
      badge,
      panel,
      subtitle,
      restart,
      close,
      agencyField,
      agencySelect,
      enterpriseButton,
      hours,
      statusLine,
      body,
      transcript,
      cards,
      enterprise,
      errorLine,
      errorText,
      errorDetail,
      fileInput,
      attach,
      input,
      send,
      composer,
    };
  }

  function buildEnterpriseView() {
    const codeInput = el("input", {
      attrs: {
        id: "credit-code",
        // Room for the spaces of a pasted code, which are removed on lookup.
        maxlength: "24",
        autocomplete: "off",
        autocapitalize: "characters",
        spellcheck: "false",
        "aria-describedby": "credit-code-hint",
      },
    });
    const form = el("form", { className: "credit-form" }, [
      el("label", { text: "统一社会信用代码", attrs: { for: "credit-code" } }),
      el("div", { className: "credit-row" }, [
        codeInput,
        el("button", { text: "查询", attrs: { type: "submit" } }),
      ]),
    ]);
    const error = el("p", { className: "field-error", attrs: { role: "alert", hidden: true } });
    const result = el("div", { className: "enterprise-result", attrs: { "aria-live": "polite" } });
    const back = button("返回对话", "link-button enterprise-back");
    const view = el(
      "section",
      {
        className: "enterprise",
        attrs: { "aria-labelledby": "enterprise-title", hidden: true },
      },
      [
        el("h3", { text: "企业咨询", attrs: { id: "enterprise-title" } }),
        el("p", {
          className: "hint",
          text: "输入单位的统一社会信用代码（18 位），查看有工作人员在线的业务科室，直接向科室咨询。",
          attrs: { id: "credit-code-hint" },
        }),
        form,
        error,
        result,
        back,
      ],
    );
    return { view, form, codeInput, error, result, back };
  }

  // ------------------------------------------------------------ transcript

  function scrollToEnd() {
    ui.body.scrollTop = ui.body.scrollHeight;
  }

  function isSafeImageUrl(url) {
    try {
      const parsed = new URL(url, BASE_URL);
      return parsed.protocol === "https:" || parsed.protocol === "http:";
    } catch (error) {
      return false;
    }
  }

  function renderWelcome() {
    ui.transcript.appendChild(
      el("div", { className: "message message-bot welcome" }, [
        el("p", { className: "bubble", text: TEXT.welcome }),
      ]),
    );
  }

  function clearTranscript() {
    ui.transcript.replaceChildren();
    ui.cards.replaceChildren();
    state.renderedIds.clear();
    state.cursor = 0;
    renderWelcome();
  }

  function buildMessageRow(message) {
    const sender = ["citizen", "agent", "system"].includes(message.sender)
      ? message.sender
      : "bot";
    const row = el("div", { className: `message message-${sender}` });
    if (sender === "agent") {
      const name = message.agent_name ? `${TEXT.agentLabel} ${message.agent_name}` : TEXT.agentLabel;
      row.appendChild(el("p", { className: "sender-label", text: name }));
    }
    if (message.text) {
      row.appendChild(el("p", { className: "bubble", text: message.text }));
    }
    if (message.image && isSafeImageUrl(message.image)) {
      const href = new URL(message.image, BASE_URL).href;
      const image = el("img", {
        className: "message-image",
        attrs: { src: href, alt: "图片", loading: "lazy" },
      });
      image.addEventListener("load", scrollToEnd);
      row.appendChild(
        el("a", {
          className: "image-link",
          attrs: { href, target: "_blank", rel: "noopener noreferrer", "aria-label": "查看大图" },
        }, [image]),
      );
    }
    if (sender !== "citizen" && Array.isArray(message.buttons) && message.buttons.length) {
      row.appendChild(renderButtons(message.buttons));
    }
    if (typeof message.id === "number") {
      row.dataset.id = String(message.id);
    }
    return row;
  }

  function renderButtons(buttons) {
    const group = el("div", { className: "buttons" });
    buttons.forEach((item) => {
      if (!item || typeof item.title !== "string" || typeof item.payload !== "string") {
        return;
      }
      const element = button(item.title, "choice", () => {
        sendMessage({ payload: item.payload }, item.title);
      });
      element.disabled = state.busy;
      group.appendChild(element);
    });
    return group;
  }

  // Inserts a row before the first row with a larger id, and before the rows
  // that stay at the end (pending messages, typing indicators).
  function insertInOrder(row, id) {
    const next = [...ui.transcript.children].find(
      (other) =>
        other.dataset.trailing === "true" ||
        (other.dataset.id !== undefined && Number(other.dataset.id) > id),
    );
    ui.transcript.insertBefore(row, next || null);
  }

  // Renders a message once: messages that arrive again, through the socket,
  // a poll or a reply, are recognised by id. Returns whether it was new.
  function renderMessage(message, { live = true } = {}) {
    if (!message || typeof message !== "object") {
      return false;
    }
    const id = typeof message.id === "number" ? message.id : null;
    if (id !== null && state.renderedIds.has(id)) {
      return false;
    }
    if (id !== null && message.sender === "citizen" && claimPending(message)) {
      return true;
    }
    if (id !== null) {
      state.renderedIds.add(id);
    }
    const row = buildMessageRow(message);
    if (id === null) {
      insertInOrder(row, Number.MAX_SAFE_INTEGER);
    } else {
      insertInOrder(row, id);
    }
    if (message.sender === "agent") {
      showRemoteTyping("agent", false);
      if (message.agent_name) {
        state.agentName = message.agent_name;
        showStatusLine();
      }
    }
    if (live && message.sender !== "citizen" && ui.panel.hidden) {
      setUnread(state.unread + 1);
    }
    scrollToEnd();
    return true;
  }

  // Gives the id of the citizen's own message, which came back from the desk,
  // to the bubble shown while it was on its way.
  function claimPending(message) {
    const pending = ui.transcript.querySelector(".message-pending");
    if (!pending) {
      return false;
    }
    // The pending bubble of an image shows only a sending notice, so the
    // pushed image replaces it.
    if (pending.dataset.kind === "image") {
      if (message.image) {
        pending.remove();
      }
      return false;
    }
    if (message.image) {
      return false;
    }
    confirmPending(pending, message.id);
    return true;
  }

  function confirmPending(pending, id) {
    if (!pending || !pending.isConnected || typeof id !== "number") {
      return;
    }
    if (pending.dataset.id !== undefined || state.renderedIds.has(id)) {
      if (pending.dataset.id === undefined) {
        pending.remove();
      }
      return;
    }
    state.renderedIds.add(id);
    pending.classList.remove("message-pending");
    pending.dataset.id = String(id);
    delete pending.dataset.trailing;
    pending.remove();
    insertInOrder(pending, id);
  }

  function renderPending(text, kind) {
    const row = buildMessageRow({ sender: "citizen", text });
    row.classList.add("message-pending");
    row.dataset.trailing = "true";
    row.dataset.kind = kind;
    ui.transcript.appendChild(row);
    scrollToEnd();
    return row;
  }

  function renderTyping(sender) {
    const existing = ui.transcript.querySelector(`.typing-${sender}`);
    if (existing) {
      return existing;
    }
    const text = sender === "agent" ? TEXT.agentTyping : TEXT.botTyping;
    const row = el("div", {
      className: `message message-${sender === "agent" ? "agent" : "bot"} typing typing-${sender}`,
    }, [el("p", { className: "bubble", text })]);
    row.dataset.trailing = "true";
    ui.transcript.appendChild(row);
    scrollToEnd();
    return row;
  }

  function hideTyping(sender) {
    const row = ui.transcript.querySelector(`.typing-${sender}`);
    if (row) {
      row.remove();
    }
  }

  function showRemoteTyping(sender, typing) {
    window.clearTimeout(state.remoteTypingTimer);
    if (sender !== "agent" && sender !== "bot") {
      return;
    }
    if (!typing) {
      hideTyping(sender);
      return;
    }
    renderTyping(sender);
    state.remoteTypingTimer = window.setTimeout(() => hideTyping(sender), REMOTE_TYPING_MS);
  }

  function advanceCursor(messages) {
    messages.forEach((message) => {
      if (typeof message.id === "number" && message.id > state.cursor) {
        state.cursor = message.id;
      }
    });
  }

  function setUnread(count) {
    state.unread = count;
    ui.badge.textContent = count > 99 ? "99+" : String(count);
    ui.badge.hidden = count === 0;
    ui.launcher.setAttribute(
      "aria-label",
      count ? `${TEXT.launcher}，${count} 条新消息` : TEXT.launcher,
    );
  }

  // ---------------------------------------------------------------- status

  function showError(text, detail = "") {
    ui.errorText.textContent = text;
    ui.errorDetail.textContent = detail;
    ui.errorLine.hidden = !text;
  }

  function statusText(status) {
    if (status === "assigned") {
      return state.agentName ? `工作人员${state.agentName}正在为您服务` : "工作人员正在为您服务";
    }
    if (STAFF_STATUSES.includes(status)) {
      return TEXT.waiting;
    }
    if (status === STATUS_LEFT_MESSAGE) {
      return TEXT.leftMessage;
    }
    return "";
  }

  function showStatusLine() {
    const line = statusText(state.status);
    ui.statusLine.textContent = line;
    ui.statusLine.hidden = !line || !ui.enterprise.view.hidden;
  }

  // Applies a conversation status from a reply, a poll or the socket. `details`
  // may carry agent_name and ticket_id.
  function applyStatus(status, details = {}) {
    if (typeof status !== "string" || !state.conversation) {
      return;
    }
    const conversation = state.conversation;
    const previous = conversation.lastStatus || STATUS_BOT;
    if (typeof details.agent_name === "string") {
      state.agentName = details.agent_name;
    }
    const ticketId = details.ticket_id ?? (details.ticket && details.ticket.id);
    if (ticketId !== undefined && ticketId !== null) {
      conversation.ticketId = ticketId;
    }

    state.status = status;
    showStatusLine();
    ui.agencySelect.disabled = STAFF_STATUSES.includes(status);

    // A status push names the ticket and its state. A poll returns only the
    // status, so there a ticket counts as closed when staff give the
    // conversation back to the bot.
    const closed =
      details.ticket_state === "closed" ||
      (STAFF_STATUSES.includes(previous) && status === STATUS_BOT);
    if (closed && conversation.ticketId && conversation.ratedTicketId !== conversation.ticketId) {
      conversation.ratingTicketId = conversation.ticketId;
    }
    if (status === STATUS_LEFT_MESSAGE && previous !== STATUS_LEFT_MESSAGE) {
      conversation.contactSent = false;
    }
    conversation.lastStatus = status;
    saveConversation();
    renderCards();
  }

  // ----------------------------------------------------------------- cards

  function renderCards() {
    const conversation = state.conversation;
    const wanted = [];
    if (conversation && conversation.ratingTicketId) {
      wanted.push("rating");
    }
    if (conversation && state.status === STATUS_LEFT_MESSAGE && !conversation.contactSent) {
      wanted.push("contact");
    }
    [...ui.cards.children].forEach((card) => {
      if (!wanted.includes(card.dataset.card) && card.dataset.done !== "true") {
        card.remove();
      }
    });
    if (wanted.includes("rating") && !ui.cards.querySelector('[data-card="rating"]')) {
      ui.cards.appendChild(buildRatingCard(conversation.ratingTicketId));
      scrollToEnd();
    }
    if (wanted.includes("contact") && !ui.cards.querySelector('[data-card="contact"]')) {
      ui.cards.appendChild(buildContactCard());
      scrollToEnd();
    }
  }

  function finishCard(card, text) {
    card.dataset.done = "true";
    card.replaceChildren(el("p", { className: "card-done", text, attrs: { role: "status" } }));
  }

  function buildRatingCard(ticketId) {
    // novalidate: the widget's own checks show their message in the card.
    const card = el("form", {
      className: "card rating",
      attrs: { "aria-labelledby": "rating-title", novalidate: true },
    });
    card.dataset.card = "rating";
    const scores = el("div", { className: "scores" });
    SCORE_LABELS.forEach((label, index) => {
      const score = index + 1;
      const id = `rating-score-${score}`;
      scores.appendChild(
        el("div", { className: "score" }, [
          el("input", {
            attrs: { type: "radio", name: "score", value: String(score), id, required: true },
          }),
          el("label", { text: `${score} 分 ${label}`, attrs: { for: id } }),
        ]),
      );
    });
    const comment = el("textarea", {
      attrs: { id: "rating-comment", name: "comment", rows: "2", maxlength: "500" },
    });
    const error = el("p", { className: "field-error", attrs: { role: "alert", hidden: true } });
    const submit = el("button", { className: "primary", text: "提交评价", attrs: { type: "submit" } });
    const skip = button("暂不评价", "link-button", () => {
      state.conversation.ratedTicketId = ticketId;
      state.conversation.ratingTicketId = null;
      saveConversation();
      card.remove();
      ui.input.focus();
    });
    card.append(
      el("fieldset", {}, [
        el("legend", { text: "请为本次人工服务评分", attrs: { id: "rating-title" } }),
        scores,
      ]),
      el("label", { text: "意见和建议（选填）", attrs: { for: "rating-comment" } }),
      comment,
      error,
      el("div", { className: "card-actions" }, [submit, skip]),
    );
    card.addEventListener("submit", async (event) => {
      event.preventDefault();
      const chosen = card.querySelector('input[name="score"]:checked');
      if (!chosen) {
        showFieldError(error, "请先选择分数。");
        return;
      }
      submit.disabled = true;
      try {
        await callApi("POST", conversationPath("rating"), {
          body: { ticket_id: ticketId, score: Number(chosen.value), comment: comment.value.trim() },
        });
        finishCard(card, "感谢您的评价！");
      } catch (failure) {
        if (failure instanceof ApiError && failure.status === 409) {
          finishCard(card, "这次服务已经评价过了，感谢您的反馈。");
        } else {
          showFieldError(error, describeError(failure));
          submit.disabled = false;
          return;
        }
      }
      state.conversation.ratedTicketId = ticketId;
      state.conversation.ratingTicketId = null;
      saveConversation();
    });
    return card;
  }

  function buildContactCard() {
    const card = el("form", {
      className: "card contact",
      attrs: { "aria-labelledby": "contact-title", novalidate: true },
    });
    card.dataset.card = "contact";
    const name = el("input", { attrs: { id: "contact-name", name: "name", maxlength: "50", autocomplete: "name" } });
    const phone = el("input", {
      attrs: { id: "contact-phone", name: "phone", type: "tel", maxlength: "20", autocomplete: "tel", inputmode: "tel" },
    });
    const message = el("textarea", {
      attrs: { id: "contact-message", name: "message", rows: "3", maxlength: String(MAX_MESSAGE_CHARS), required: true },
    });
    const error = el("p", { className: "field-error", attrs: { role: "alert", hidden: true } });
    const submit = el("button", { className: "primary", text: "提交留言", attrs: { type: "submit" } });
    card.append(
      el("h3", { text: "给工作人员留言", attrs: { id: "contact-title" } }),
      el("p", { className: "hint", text: "工作人员上班后会在这个对话里回复您。留下电话的，必要时会与您联系。" }),
      el("label", { text: "姓名（选填）", attrs: { for: "contact-name" } }),
      name,
      el("label", { text: "手机或电话（选填）", attrs: { for: "contact-phone" } }),
      phone,
      el("label", { text: "留言内容", attrs: { for: "contact-message" } }),
      message,
      error,
      el("div", { className: "card-actions" }, [submit]),
    );
    card.addEventListener("submit", async (event) => {
      event.preventDefault();
      const fields = {
        name: name.value.trim(),
        phone: phone.value.replace(/\s+/g, ""),
        message: message.value.trim(),
      };
      if (!fields.message) {
        showFieldError(error, "请填写留言内容。");
        message.focus();
        return;
      }
      if (fields.phone && !/^\+?[0-9-]{7,20}$/.test(fields.phone)) {
        showFieldError(error, "电话号码只能包含数字和“-”，例如 13800000000 或 0538-1234567。");
        phone.focus();
        return;
      }
      submit.disabled = true;
      try {
        await callApi("POST", conversationPath("contact"), { body: fields });
      } catch (failure) {
        showFieldError(error, describeError(failure));
        submit.disabled = false;
        return;
      }
      state.conversation.contactSent = true;
      saveConversation();
      finishCard(card, "留言已提交，工作人员回复后会显示在这个对话里。");
    });
    return card;
  }

  function showFieldError(element, text) {
    element.textContent = text;
    element.hidden = !text;
  }

  // ----------------------------------------------------------- conversation

  async function ensureConversation(options = {}) {
    if (state.conversation) {
      return;
    }
    const body = { channel: "web" };
    if (state.agency) {
      body.agency = state.agency;
    }
    Object.assign(body, options);
    const created = await callApi("POST", "api/conversations", { body, auth: false });
    state.conversation = {
      id: created.conversation_id,
      token: created.token,
      agency: body.agency || null,
      enterprise: body.enterprise || null,
      lastStatus: STATUS_BOT,
    };
    saveConversation();
    applyStatus(created.status, created);
    connect();
  }

  function forgetConversation() {
    disconnect();
    state.conversation = null;
    state.status = STATUS_BOT;
    state.agentName = "";
    saveConversation();
    ui.statusLine.hidden = true;
    ui.agencySelect.disabled = false;
    clearTranscript();
  }

  async function loadTranscript() {
    const data = await callApi("GET", `${conversationPath("messages")}?after=${state.cursor}`);
    const messages = Array.isArray(data.messages) ? data.messages : [];
    messages.forEach((message) => renderMessage(message, { live: state.cursor > 0 }));
    advanceCursor(messages);
    applyStatus(data.status, data);
  }

  function setBusy(value) {
    state.busy = value;
    ui.send.disabled = value;
    ui.attach.disabled = value;
    ui.transcript.querySelectorAll(".buttons button").forEach((element) => {
      element.disabled = value;
    });
  }

  // Sends typed text or a button payload. `shownText` is the citizen's bubble:
  // the typed text, or the title of the pressed button.
  async function sendMessage(body, shownText) {
    if (state.busy) {
      return false;
    }
    showError("");
    setBusy(true);
    const pending = shownText.trim() ? renderPending(shownText, "text") : null;
    // While staff own the conversation the desk stores the message and the
    // bot does not reply.
    if (!STAFF_STATUSES.includes(state.status)) {
      renderTyping("bot");
    }
    try {
      await ensureConversation();
      const data = await callApi("POST", conversationPath("messages"), { body });
      confirmPending(pending, data.message_id);
      (data.messages || []).forEach((message) => renderMessage(message));
      applyStatus(data.status, data);
      return true;
    } catch (error) {
      if (pending && pending.dataset.id === undefined) {
        pending.remove();
      }
      showError(describeError(error));
      if (isForgotten(error)) {
        forgetConversation();
      }
      return false;
    } finally {
      hideTyping("bot");
      setBusy(false);
    }
  }

  async function sendTypedText() {
    const text = ui.input.value;
    // The desk counts the text without the whitespace at its ends.
    if ([...text.trim()].length > MAX_MESSAGE_CHARS) {
      showError(`消息太长了：最多 ${MAX_MESSAGE_CHARS} 字，请删减或分几条发送。`);
      return;
    }
    if (!text.trim()) {
      return;
    }
    // The box is emptied while the message is on its way and refilled on failure.
    ui.input.value = "";
    const sent = await sendMessage({ text }, text);
    if (!sent && !ui.input.value) {
      ui.input.value = text;
    }
    ui.input.focus();
  }

  function describeUploadError(error) {
    if (!(error instanceof ApiError)) {
      return describeError(error);
    }
    if (error.status === 413) {
      return `图片太大，没有发送：最大 ${MAX_IMAGE_BYTES / 1024 / 1024} MB。`;
    }
    if (error.status === 415) {
      return "图片格式不支持，没有发送：只能发送 PNG、JPEG、GIF、WebP 图片。";
    }
    return describeError(error);
  }

  // Returns the reason why the desk would reject the file, or "".
  function checkImage(file) {
    if (!IMAGE_TYPES.includes(file.type)) {
      return "只能发送 PNG、JPEG、GIF、WebP 格式的图片。";
    }
    if (file.size > MAX_IMAGE_BYTES) {
      const megabytes = (file.size / 1024 / 1024).toFixed(1);
      return `图片太大：最大 ${MAX_IMAGE_BYTES / 1024 / 1024} MB，这张有 ${megabytes} MB。`;
    }
    return "";
  }

  async function uploadImage(file) {
    const problem = checkImage(file);
    if (problem) {
      showError(problem);
      return;
    }
    if (state.busy) {
      return;
    }
    showError("");
    setBusy(true);
    const pending = renderPending("正在发送图片…", "image");
    try {
      await ensureConversation();
      const form = new FormData();
      form.append("file", file, file.name);
      const data = await callApi("POST", conversationPath("attachments"), { form });
      pending.remove();
      renderMessage(data.message);
    } catch (error) {
      pending.remove();
      // The desk's error names the detected type or the size and the limit.
      const detail = error instanceof ApiError && error.body.error ? error.body.error : "";
      showError(describeUploadError(error), detail);
      // A 404 may come from a desk without uploads, so only 401 discards the
      // stored conversation.
      if (error instanceof ApiError && error.status === 401) {
        forgetConversation();
      }
    } finally {
      setBusy(false);
    }
  }

  // ------------------------------------------------------------ connection

  // The desk first sends every message after `after`, in id order, and then
  // each new one, so the socket's messages have no gaps.
  function socketUrl() {
    const url = apiUrl(conversationPath("ws"));
    url.protocol = url.protocol === "https:" ? "wss:" : "ws:";
    url.searchParams.set("token", state.conversation.token);
    url.searchParams.set("after", String(state.cursor));
    return url.href;
  }

  // Records how the panel receives messages in its data-connection
  // attribute: "none", "connecting", "socket" (open) or "polling".
  function setConnectionState(name) {
    ui.panel.dataset.connection = name;
  }

  // Opens the conversation's WebSocket. Until it is open, and whenever it
  // fails, the transcript is polled every POLL_MS instead.
  function connect() {
    window.clearTimeout(connection.reconnectTimer);
    connection.reconnectTimer = null;
    if (!state.conversation || connection.socket) {
      return;
    }
    if (!("WebSocket" in window)) {
      startPolling();
      return;
    }
    let socket;
    try {
      socket = new WebSocket(socketUrl());
    } catch (error) {
      handleDisconnect();
      return;
    }
    connection.socket = socket;
    if (connection.pollTimer === null) {
      setConnectionState("connecting");
    }
    socket.addEventListener("open", () => {
      if (socket === connection.socket) {
        handleOpen();
      }
    });
    socket.addEventListener("message", (event) => {
      if (socket === connection.socket) {
        handleSocketData(event.data);
      }
    });
    socket.addEventListener("close", () => {
      if (socket === connection.socket) {
        connection.socket = null;
        handleDisconnect();
      }
    });
  }

  // The socket resends the messages after the cursor, but not the status
  // changes that happened while it was closed, so the status is read again.
  async function handleOpen() {
    connection.live = true;
    connection.attempts = 0;
    stopPolling();
    startHeartbeat();
    setConnectionState("socket");
    try {
      await loadTranscript();
    } catch (error) {
      if (isForgotten(error)) {
        forgetConversation();
      }
    }
  }

  function handleSocketData(data) {
    watchHeartbeat();
    let event;
    try {
      event = JSON.parse(data);
    } catch (error) {
      return;
    }
    if (!event || typeof event !== "object") {
      return;
    }
    if (event.type === "message" && event.message) {
      renderMessage(event.message);
      advanceCursor([event.message]);
    } else if (event.type === "status") {
      applyStatus(event.status, event);
    } else if (event.type === "typing") {
      showRemoteTyping(event.sender, Boolean(event.typing));
    }
  }

  function handleDisconnect() {
    connection.live = false;
    stopHeartbeat();
    if (!state.conversation) {
      return;
    }
    startPolling();
    const delay =
      RECONNECT_DELAYS_MS[Math.min(connection.attempts, RECONNECT_DELAYS_MS.length - 1)];
    connection.attempts += 1;
    connection.reconnectTimer = window.setTimeout(connect, delay);
  }

  // Closes a socket that sent nothing after a ping and handles it as closed.
  function dropSocket() {
    const socket = connection.socket;
    connection.socket = null;
    if (socket) {
      socket.close();
    }
    handleDisconnect();
  }

  function disconnect() {
    const socket = connection.socket;
    connection.socket = null;
    connection.live = false;
    connection.attempts = 0;
    window.clearTimeout(connection.reconnectTimer);
    stopHeartbeat();
    stopPolling();
    if (socket) {
      socket.close(1000);
    }
    setConnectionState("none");
  }

  function sendOnSocket(event) {
    if (connection.live && connection.socket && connection.socket.readyState === WebSocket.OPEN) {
      connection.socket.send(JSON.stringify(event));
      return true;
    }
    return false;
  }

  function startHeartbeat() {
    stopHeartbeat();
    connection.pingTimer = window.setInterval(checkSocket, PING_MS);
  }

  // Sends a ping; the socket is dropped unless something arrives in time.
  function checkSocket() {
    if (sendOnSocket({ type: "ping" }) && connection.pongTimer === null) {
      connection.pongTimer = window.setTimeout(dropSocket, PONG_TIMEOUT_MS);
    }
  }

  function watchHeartbeat() {
    window.clearTimeout(connection.pongTimer);
    connection.pongTimer = null;
  }

  function stopHeartbeat() {
    window.clearInterval(connection.pingTimer);
    window.clearTimeout(connection.pongTimer);
    connection.pingTimer = null;
    connection.pongTimer = null;
  }

  function startPolling() {
    if (connection.pollTimer === null) {
      connection.pollTimer = window.setInterval(poll, POLL_MS);
    }
    setConnectionState("polling");
  }

  function stopPolling() {
    if (connection.pollTimer !== null) {
      window.clearInterval(connection.pollTimer);
      connection.pollTimer = null;
    }
  }

  async function poll() {
    if (!state.conversation || document.hidden) {
      return;
    }
    try {
      await loadTranscript();
      if (ui.errorText.textContent === TEXT.reconnecting) {
        showError("");
      }
    } catch (error) {
      // An error already on show, such as that of a failed send, stays.
      if (isForgotten(error)) {
        forgetConversation();
      } else if (ui.errorLine.hidden) {
        showError(TEXT.reconnecting);
      }
    }
  }

  // --------------------------------------------------------- agency chooser

  async function loadAgencies() {
    if (state.agenciesLoaded) {
      return;
    }
    state.agenciesLoaded = true;

    let data;
    try {
      data = await callApi("GET", "api/agencies", { auth: false });
    } catch (error) {
      // Without the list the conversation goes to data-agency or the desk's
      // default agency. A network failure lets the next opening try again.
      state.agenciesLoaded = error instanceof ApiError;
      return;
    }
    state.agencies = Array.isArray(data.agencies) ? data.agencies : [];
    if (!state.agencies.length) {
      return;
    }

    const known = state.agencies.some((agency) => agency.id === state.agency);
    if (!known) {
      const fallback = state.agencies.find((agency) => agency.default) || state.agencies[0];
      state.agency = fallback.id;
    }

    ui.agencySelect.replaceChildren(
      ...state.agencies.map((agency) =>
        el("option", { text: agency.name, attrs: { value: agency.id } }),
      ),
    );
    ui.agencySelect.value =
      (state.conversation && state.conversation.agency) || state.agency;
    ui.agencyField.hidden = false;
    showAgency();
  }

  function selectedAgency() {
    return state.agencies.find((agency) => agency.id === ui.agencySelect.value) || null;
  }

  // Formats an ISO 8601 time in Asia/Shanghai time, e.g. "12月7日（周一）08:30".
  function formatOpening(value) {
    const date = new Date(value);
    if (Number.isNaN(date.getTime())) {
      return String(value);
    }
    const parts = {};
    new Intl.DateTimeFormat("zh-CN", {
      timeZone: "Asia/Shanghai",
      month: "numeric",
      day: "numeric",
      weekday: "short",
      hour: "2-digit",
      minute: "2-digit",
      hourCycle: "h23",
    })
      .formatToParts(date)
      .forEach((part) => {
        parts[part.type] = part.value;
      });
    // Intl gives the weekday as "周一" in zh-CN; WEEKDAYS covers engines that do not.
    const weekday = parts.weekday || WEEKDAYS[date.getDay()];
    return `${parts.month}月${parts.day}日（${weekday}）${parts.hour}:${parts.minute}`;
  }

  function showAgency() {
    const agency = selectedAgency();
    if (!agency) {
      ui.subtitle.textContent = TEXT.botOnline;
      ui.hours.hidden = true;
      return;
    }
    ui.subtitle.textContent = `${agency.name} · ${TEXT.botOnline}`;
    let hours = "";
    if (agency.open_now) {
      hours = "人工服务：工作时间内，需要时可以转人工。";
    } else if (agency.next_open) {
      hours = `人工服务：现在不在工作时间，${formatOpening(agency.next_open)} 起有工作人员。`;
    }
    ui.hours.textContent = hours;
    ui.hours.hidden = !hours;
  }

  function changeAgency() {
    const agency = ui.agencySelect.value;
    state.agency = agency;
    writeStorage(AGENCY_KEY, agency);
    showAgency();
    // The agency is fixed when a conversation starts, so another agency means
    // a new conversation.
    if (state.conversation && state.conversation.agency !== agency) {
      forgetConversation();
    }
  }

  // -------------------------------------------------------- enterprise entry

  // Characters of a unified social credit code (GB 32100-2015): digits and
  // capital letters without I, O, S, V and Z.
  const CREDIT_CODE_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY";
  const CREDIT_CODE_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];

  // Returns why `code` is not a unified social credit code, or "".
  function checkCreditCode(code) {
    if (code.length !== 18) {
      return `统一社会信用代码是 18 位，您输入了 ${code.length} 位。`;
    }
    const values = [...code].map((character) => CREDIT_CODE_CHARS.indexOf(character));
    const wrong = values.findIndex((value) => value < 0);
    if (wrong >= 0) {
      return `第 ${wrong + 1} 位“${code[wrong]}”不是信用代码中使用的字符（数字和除 I、O、S、V、Z 以外的大写字母）。`;
    }
    const sum = CREDIT_CODE_WEIGHTS.reduce((total, weight, index) => total + weight * values[index], 0);
    const check = (31 - (sum % 31)) % 31;
    if (values[17] !== check) {
      return "校验位不对，请对照营业执照重新核对代码。";
    }
    return "";
  }

  function showEnterpriseView(visible) {
    ui.enterprise.view.hidden = !visible;
    ui.body.hidden = visible;
    ui.composer.hidden = visible;
    showStatusLine();
    if (visible) {
      ui.enterprise.codeInput.focus();
    } else {
      ui.input.focus();
    }
  }

  async function lookUpEnterprise(event) {
    event.preventDefault();
    const view = ui.enterprise;
    const code = view.codeInput.value.replace(/\s+/g, "").toUpperCase();
    view.codeInput.value = code;
    view.result.replaceChildren();
    const problem = checkCreditCode(code);
    showFieldError(view.error, problem);
    if (problem) {
      view.codeInput.focus();
      return;
    }
    let data;
    try {
      data = await callApi("GET", `api/enterprises/${encodeURIComponent(code)}/departments`, {
        auth: false,
      });
    } catch (error) {
      showFieldError(
        view.error,
        error instanceof ApiError && error.status === 404
          ? "没有找到这个信用代码对应的单位。请核对代码，或直接在对话里咨询。"
          : describeError(error),
      );
      return;
    }
    renderDepartments(code, data);
  }

  function renderDepartments(code, data) {
    const view = ui.enterprise;
    const enterprise = data.enterprise || {};
    const agencyId = enterprise.agency || state.agency;
    const agency = state.agencies.find((item) => item.id === agencyId);
    const list = el("ul", { className: "departments" });
    (data.departments || []).forEach((department) => {
      const online = Number(department.online_staff) || 0;
      const start = button(`咨询${department.name}`, "primary", () =>
        startEnterpriseConversation({ agency: agencyId, enterprise: code, department: department.id }),
      );
      list.appendChild(
        el("li", { className: "department" }, [
          el("span", { className: "department-name", text: department.name }),
          el("span", {
            className: online ? "online" : "offline",
            text: online ? `${online} 人在线` : "暂无人在线，可以留言",
          }),
          start,
        ]),
      );
    });
    view.result.replaceChildren(
      el("p", {
        className: "enterprise-name",
        text: agency ? `${enterprise.name || code}（${agency.name}）` : enterprise.name || code,
      }),
      list,
      button("不选科室，先问智能助手", "link-button", () =>
        startEnterpriseConversation({ agency: agencyId, enterprise: code }),
      ),
    );
  }

  async function startEnterpriseConversation(options) {
    if (state.busy) {
      return;
    }
    setBusy(true);
    forgetConversation();
    const agency = options.agency;
    if (agency && state.agencies.some((item) => item.id === agency)) {
      ui.agencySelect.value = agency;
      state.agency = agency;
      showAgency();
    }
    try {
      await ensureConversation(options);
    } catch (error) {
      showFieldError(ui.enterprise.error, describeError(error));
      return;
    } finally {
      setBusy(false);
    }
    showEnterpriseView(false);
    try {
      await loadTranscript();
    } catch (error) {
      // The socket or the next poll loads the transcript.
    }
  }

  // ------------------------------------------------------------ open/close

  function openPanel() {
    ui.panel.hidden = false;
    ui.launcher.setAttribute("aria-expanded", "true");
    ui.launcher.hidden = true;
    writeStorage(OPEN_KEY, "1", "sessionStorage");
    setUnread(0);
    loadAgencies();
    scrollToEnd();
    ui.input.focus();
  }

  function closePanel() {
    ui.panel.hidden = true;
    ui.launcher.hidden = false;
    ui.launcher.setAttribute("aria-expanded", "false");
    writeStorage(OPEN_KEY, null, "sessionStorage");
    ui.launcher.focus();
  }

  function restart() {
    if (state.busy) {
      return;
    }
    forgetConversation();
    showError("");
    showEnterpriseView(false);
  }

  function sendTypingNotice() {
    const now = Date.now();
    if (state.status !== "assigned" || now - state.lastTypingSent < TYPING_SEND_MS) {
      return;
    }
    if (sendOnSocket({ type: "typing", typing: true })) {
      state.lastTypingSent = now;
    }
  }

  function bindEvents() {
    ui.launcher.addEventListener("click", openPanel);
    ui.close.addEventListener("click", closePanel);
    ui.restart.addEventListener("click", restart);
    ui.panel.addEventListener("keydown", (event) => {
      if (event.key === "Escape" && !state.composing) {
        closePanel();
      }
    });
    ui.agencySelect.addEventListener("change", changeAgency);
    ui.enterpriseButton.addEventListener("click", () => {
      loadAgencies();
      showEnterpriseView(ui.enterprise.view.hidden);
    });
    ui.enterprise.back.addEventListener("click", () => showEnterpriseView(false));
    ui.enterprise.form.addEventListener("submit", lookUpEnterprise);

    ui.composer.addEventListener("submit", (event) => {
      event.preventDefault();
      sendTypedText();
    });
    ui.input.addEventListener("compositionstart", () => {
      state.composing = true;
    });
    ui.input.addEventListener("compositionend", () => {
      state.composing = false;
    });
    ui.input.addEventListener("keydown", (event) => {
      // Enter confirms a candidate while an input method is composing (keyCode
      // 229 in Safari, which ends the composition before the keydown), so it
      // must not send then. Shift+Enter adds a line.
      if (
        event.key !== "Enter" ||
        event.shiftKey ||
        event.isComposing ||
        state.composing ||
        event.keyCode === 229
      ) {
        return;
      }
      event.preventDefault();
      sendTypedText();
    });
    ui.input.addEventListener("input", sendTypingNotice);

    ui.attach.addEventListener("click", () => ui.fileInput.click());
    ui.fileInput.addEventListener("change", () => {
      const file = ui.fileInput.files && ui.fileInput.files[0];
      ui.fileInput.value = "";
      if (file) {
        uploadImage(file);
      }
    });

    // A socket can outlive a network change without a close event, so a
    // change of network is checked with a ping at once.
    window.addEventListener("online", () => {
      if (state.conversation && !connection.socket) {
        connect();
      } else {
        checkSocket();
      }
    });
    window.addEventListener("offline", checkSocket);
    document.addEventListener("visibilitychange", () => {
      if (!document.hidden && state.conversation && !connection.live) {
        poll();
      }
    });
  }

  async function start() {
    state.conversation = loadStoredConversation();
    clearTranscript();
    if (readStorage(OPEN_KEY, "sessionStorage") === "1" || OPEN_ON_LOAD) {
      openPanel();
    }
    if (!state.conversation) {
      return;
    }
    state.status = state.conversation.lastStatus || STATUS_BOT;
    try {
      await loadTranscript();
    } catch (error) {
      if (isForgotten(error)) {
        // The desk no longer has the stored conversation.
        forgetConversation();
        return;
      }
      showError(TEXT.startFailed);
    }
    connect();
  }

  function mount() {
    bindEvents();
    document.body.appendChild(host);
    start();
  }

  window.DeskWidget = {
    open: openPanel,
    close: closePanel,
  };
  // A script in <head> without `defer` runs before <body> exists.
  if (document.body) {
    mount();
  } else {
    document.addEventListener("DOMContentLoaded", mount, { once: true });
  }
})();
