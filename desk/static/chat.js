// Chat page of the desk. Plain browser JavaScript, no build step.
//
// The conversation id and token stay in localStorage, so a reload shows the
// same conversation. All text goes into the page through textContent.
"use strict";

(() => {
  const STORAGE_KEY = "desk.conversation";
  // Same limit as MAX_MESSAGE_CHARS in desk/settings.py, counted in code points.
  const MAX_MESSAGE_CHARS = 2000;
  // Seconds between transcript polls while staff own the conversation.
  const POLL_SECONDS = 5;
  // Seconds between transcript polls while the desk waits for a late reply
  // from the bot (the response field late_reply_seconds is a number).
  const LATE_REPLY_POLL_SECONDS = 2;
  const STATUS_BOT = "bot";
  const HANDOFF_STATUS_TEXT = "已为您转接人工，工作人员会在这里回复";

  const transcript = document.getElementById("transcript");
  const statusLine = document.getElementById("status-line");
  const errorLine = document.getElementById("error-line");
  const composer = document.getElementById("composer");
  const input = document.getElementById("message-input");
  const sendButton = document.getElementById("send-button");

  let conversation = null;
  let lastMessageId = 0;
  let busy = false;
  let pollTimer = null;
  let lateReplyTimer = null;
  // Date.now() after which the page stops polling for a late reply.
  let lateReplyUntil = 0;

  class ApiError extends Error {
    constructor(status, body) {
      super((body && body.error) || `HTTP ${status}`);
      this.status = status;
      this.body = body || {};
    }
  }

  function loadStoredConversation() {
    try {
      const stored = JSON.parse(localStorage.getItem(STORAGE_KEY) || "null");
      if (stored && typeof stored.id === "string" && typeof stored.token === "string") {
        return stored;
      }
    } catch (error) {
      // Storage may be disabled or hold something else; start a new conversation.
    }
    return null;
  }

  function storeConversation(value) {
    try {
      if (value) {
        localStorage.setItem(STORAGE_KEY, JSON.stringify(value));
      } else {
        localStorage.removeItem(STORAGE_KEY);
      }
    } catch (error) {
      // Without storage the conversation lasts until the page is closed.
    }
  }

  async function callApi(method, path, body) {
    const headers = { Accept: "application/json" };
    if (body !== undefined) {
      headers["Content-Type"] = "application/json";
    }
    if (conversation) {
      headers.Authorization = `Bearer ${conversation.token}`;
    }
    const response = await fetch(path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    let data = null;
    try {
      data = await response.json();
    } catch (error) {
      data = null;
    }
    if (!response.ok) {
      throw new ApiError(response.status, data);
    }
    return data;
  }

  async function startConversation() {
    conversation = null;
    lastMessageId = 0;
    const created = await callApi("POST", "/api/conversations", { channel: "web" });
    conversation = { id: created.conversation_id, token: created.token };
    storeConversation(conversation);
    showStatus(created.status);
  }

  function messagesPath() {
    return `/api/conversations/${encodeURIComponent(conversation.id)}/messages`;
  }

  async function loadTranscript() {
    showTranscript(await readTranscript());
  }

  function readTranscript() {
    return callApi("GET", `${messagesPath()}?after=${lastMessageId}`);
  }

  function showTranscript(data) {
    data.messages.forEach(renderMessage);
    showStatus(data.status);
    expectLateReply(data.late_reply_seconds);
  }

  function renderMessage(message) {
    if (message.id) {
      if (message.id <= lastMessageId) {
        return;
      }
      lastMessageId = message.id;
    }
    const sender = ["citizen", "agent", "system"].includes(message.sender)
      ? message.sender
      : "bot";
    const row = document.createElement("div");
    row.className = `message message-${sender}`;
    if (sender === "agent") {
      const label = document.createElement("p");
      label.className = "sender-label";
      label.textContent = "工作人员";
      row.appendChild(label);
    }
    if (message.text) {
      const bubble = document.createElement("p");
      bubble.className = "bubble";
      bubble.textContent = message.text;
      row.appendChild(bubble);
    }
    if (message.image && isSafeImageUrl(message.image)) {
      const image = document.createElement("img");
      image.className = "message-image";
      image.src = message.image;
      image.alt = "图片";
      image.loading = "lazy";
      row.appendChild(image);
    }
    if (sender !== "citizen" && Array.isArray(message.buttons) && message.buttons.length) {
      row.appendChild(renderButtons(message.buttons));
    }
    transcript.appendChild(row);
    scrollToEnd();
    return row;
  }

  function renderButtons(buttons) {
    const group = document.createElement("div");
    group.className = "buttons";
    buttons.forEach((button) => {
      const element = document.createElement("button");
      element.type = "button";
      element.textContent = button.title;
      element.addEventListener("click", () => {
        sendMessage({ payload: button.payload }, button.title);
      });
      group.appendChild(element);
    });
    return group;
  }

  function isSafeImageUrl(url) {
    try {
      const parsed = new URL(url, window.location.href);
      return parsed.protocol === "https:" || parsed.protocol === "http:";
    } catch (error) {
      return false;
    }
  }

  function renderPendingBubble(text) {
    const row = renderMessage({ sender: "citizen", text });
    row.classList.add("message-pending");
    return row;
  }

  function renderTyping() {
    const row = document.createElement("div");
    row.className = "message message-bot typing";
    const bubble = document.createElement("p");
    bubble.className = "bubble";
    bubble.textContent = "正在输入…";
    row.appendChild(bubble);
    transcript.appendChild(row);
    scrollToEnd();
    return row;
  }

  function scrollToEnd() {
    transcript.scrollTop = transcript.scrollHeight;
  }

  function showStatus(status) {
    const handedOff = Boolean(status) && status !== STATUS_BOT;
    statusLine.textContent = handedOff ? HANDOFF_STATUS_TEXT : "";
    statusLine.hidden = !handedOff;
    if (handedOff) {
      startPolling();
    } else {
      stopPolling();
    }
  }

  function showError(text) {
    errorLine.textContent = text;
    errorLine.hidden = !text;
  }

  // Chooses the citizen's message by HTTP status. The API's own `error` text
  // is English and meant for developers, so the page never shows it.
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
      case 413: {
        const maxChars = Number(error.body.max_chars) || MAX_MESSAGE_CHARS;
        return `消息太长了：最多 ${maxChars} 字，请删减或分几条发送。`;
      }
      case 422:
        return "这个选项已失效，请直接输入您的问题。";
      case 429:
        return "发送太频繁了，请稍等片刻再试。";
      default:
        if (error.status >= 500) {
          return "服务暂时不可用，请稍后重试。";
        }
        return `发送失败（错误代码 ${error.status}），请稍后重试。`;
    }
  }

  function setBusy(value) {
    busy = value;
    sendButton.disabled = value;
    transcript.querySelectorAll(".buttons button").forEach((button) => {
      button.disabled = value;
    });
  }

  // Sends typed text or a button payload. `shownText` is the citizen's bubble:
  // the typed text, or the title of the clicked button.
  async function sendMessage(body, shownText) {
    if (busy) {
      return false;
    }
    showError("");
    setBusy(true);
    const pending = shownText.trim() ? renderPendingBubble(shownText) : null;
    const typing = renderTyping();
    try {
      if (!conversation) {
        await startConversation();
      }
      const data = await callApi("POST", messagesPath(), body);
      typing.remove();
      // A late reply to an earlier message may have been stored before or
      // after this message, so the page shows everything after the last
      // message it has, in stored order, and drops its own pending bubble.
      const stored = lateReplyTimer === null ? null : await readTranscriptOrNull();
      if (stored) {
        if (pending) {
          pending.remove();
        }
        showTranscript(stored);
        // Replies that the desk does not store, such as the prompt for blank text.
        data.messages.filter((message) => !message.id).forEach(renderMessage);
        return true;
      }
      if (pending) {
        pending.classList.remove("message-pending");
      }
      if (data.message_id) {
        lastMessageId = Math.max(lastMessageId, data.message_id);
      }
      data.messages.forEach(renderMessage);
      showStatus(data.status);
      expectLateReply(data.late_reply_seconds);
      return true;
    } catch (error) {
      typing.remove();
      if (pending) {
        pending.remove();
      }
      showError(describeError(error));
      if (error instanceof ApiError && (error.status === 401 || error.status === 404)) {
        storeConversation(null);
        conversation = null;
      }
      return false;
    } finally {
      setBusy(false);
    }
  }

  async function sendTypedText() {
    const text = input.value;
    // The desk counts the text without the whitespace at its ends.
    if ([...text.trim()].length > MAX_MESSAGE_CHARS) {
      showError(`消息太长了：最多 ${MAX_MESSAGE_CHARS} 字，请删减或分几条发送。`);
      return;
    }
    // The box is emptied while the message is on its way and refilled on failure.
    input.value = "";
    const sent = await sendMessage({ text }, text);
    if (!sent && !input.value) {
      input.value = text;
    }
    input.focus();
  }

  function startPolling() {
    if (pollTimer === null) {
      pollTimer = window.setInterval(pollTranscript, POLL_SECONDS * 1000);
    }
  }

  function stopPolling() {
    if (pollTimer !== null) {
      window.clearInterval(pollTimer);
      pollTimer = null;
    }
  }

  // Polls while `seconds` is a number: the seconds within which the desk may
  // still store a late reply from the bot. null stops the polling, because
  // the desk then waits for no reply, and a reply that it stored came with
  // the same response.
  function expectLateReply(seconds) {
    if (typeof seconds !== "number") {
      stopLateReplyPolling();
      return;
    }
    lateReplyUntil = Date.now() + seconds * 1000;
    if (lateReplyTimer === null) {
      lateReplyTimer = window.setInterval(pollLateReply, LATE_REPLY_POLL_SECONDS * 1000);
    }
  }

  function stopLateReplyPolling() {
    if (lateReplyTimer !== null) {
      window.clearInterval(lateReplyTimer);
      lateReplyTimer = null;
    }
  }

  // Also polls in a hidden tab, because the wait is short. Each response
  // sets whether polling goes on. After failed polls the page gives up once
  // the time that the desk last returned has passed.
  async function pollLateReply() {
    if (busy || !conversation) {
      return;
    }
    try {
      await loadTranscript();
    } catch (error) {
      if (Date.now() > lateReplyUntil) {
        stopLateReplyPolling();
      }
    }
  }

  async function readTranscriptOrNull() {
    try {
      return await readTranscript();
    } catch (error) {
      return null;
    }
  }

  async function pollTranscript() {
    if (busy || !conversation || document.hidden) {
      return;
    }
    try {
      await loadTranscript();
    } catch (error) {
      // The next poll tries again; a send shows the error if it persists.
    }
  }

  composer.addEventListener("submit", (event) => {
    event.preventDefault();
    sendTypedText();
  });

  input.addEventListener("keydown", (event) => {
    // Enter confirms a candidate while an input method is composing (keyCode
    // 229 in older Safari), so it must not send then. Shift+Enter adds a line.
    if (event.key !== "Enter" || event.shiftKey || event.isComposing || event.keyCode === 229) {
      return;
    }
    event.preventDefault();
    sendTypedText();
  });

  async function start() {
    conversation = loadStoredConversation();
    try {
      if (conversation) {
        await loadTranscript();
      } else {
        await startConversation();
      }
      return;
    } catch (error) {
      const forgotten =
        error instanceof ApiError && (error.status === 401 || error.status === 404);
      if (!forgotten) {
        // Keep a stored conversation, so that the next send uses it again.
        showError("暂时无法连接在线咨询服务，请稍后再试。");
        return;
      }
    }
    // The desk no longer has the stored conversation: start a new one.
    storeConversation(null);
    try {
      await startConversation();
    } catch (error) {
      showError("暂时无法连接在线咨询服务，请稍后再试。");
    }
  }

  start();
})();
