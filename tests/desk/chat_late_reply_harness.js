// Runs desk/static/chat.js in Node with a stand-in page and a fake desk API
// whose bot is slow, and prints what the page shows as JSON.
//
// Usage: node chat_late_reply_harness.js CHAT_JS SCENARIO
// SCENARIO "poll": the citizen sends one message, gets the slow-bot notice,
// and the late reply comes with the second poll.
// SCENARIO "send-again": the citizen sends a second message while the late
// reply is pending. The desk stores the late reply after the second message
// and before its reply, and returns only that reply.
// Timers do not run by themselves: the harness fires the page's interval.
"use strict";

const fs = require("fs");
const vm = require("vm");

const [scriptPath, scenario] = process.argv.slice(2);

const NOTICE = "智能助手正在处理您的问题";

class FakeElement {
  constructor(tag) {
    this.tagName = tag;
    this.textContent = "";
    this.value = "";
    this.hidden = false;
    this.disabled = false;
    this.className = "";
    this.children = [];
    this.parent = null;
    this.listeners = {};
    this.classList = {
      add: (name) => {
        this.className = `${this.className} ${name}`.trim();
      },
      remove: (name) => {
        this.className = this.className
          .split(" ")
          .filter((part) => part !== name)
          .join(" ");
      },
    };
  }

  appendChild(child) {
    child.remove();
    child.parent = this;
    this.children.push(child);
    return child;
  }

  remove() {
    if (this.parent) {
      this.parent.children = this.parent.children.filter((child) => child !== this);
      this.parent = null;
    }
  }

  focus() {}

  querySelectorAll() {
    return [];
  }

  addEventListener(type, listener) {
    this.listeners[type] = listener;
  }
}

const elements = {};
const document = {
  hidden: false,
  getElementById(id) {
    elements[id] = elements[id] || new FakeElement(id);
    return elements[id];
  },
  createElement(tag) {
    return new FakeElement(tag);
  },
};

const storage = {
  "desk.conversation": JSON.stringify({ id: "c1", token: "t1" }),
};
const localStorage = {
  getItem: (key) => (key in storage ? storage[key] : null),
  setItem: (key, value) => {
    storage[key] = String(value);
  },
  removeItem: (key) => {
    delete storage[key];
  },
};

function bot(id, text) {
  return { id, sender: "bot", text, buttons: [], image: null };
}

function citizen(id, text) {
  return { id, sender: "citizen", text, buttons: [], image: null };
}

// Messages the fake desk has stored, and how many seconds a late reply may
// still take (null when none is pending).
const stored = [];
let lateReplySeconds = null;
const requests = [];

function jsonResponse(status, body) {
  return { ok: status >= 200 && status < 300, status, json: async () => body };
}

async function fetch(path, options) {
  requests.push(`${options.method} ${path.replace(/^.*\/messages/, "messages")}`);
  if (options.method === "POST") {
    const text = JSON.parse(options.body).text;
    if (text === "问题一") {
      stored.push(citizen(1, text), bot(2, NOTICE));
      lateReplySeconds = 30;
      return jsonResponse(200, {
        messages: [stored[1]],
        status: "bot",
        message_id: 1,
        late_reply_seconds: lateReplySeconds,
      });
    }
    // "问题二": the late reply to 问题一 is stored between it and its reply.
    stored.push(citizen(3, text), bot(4, "回答一"), bot(5, "回答二"));
    lateReplySeconds = null;
    return jsonResponse(200, {
      messages: [stored[4]],
      status: "bot",
      message_id: 3,
      late_reply_seconds: null,
    });
  }
  const after = Number(new URL(path, "http://127.0.0.1").searchParams.get("after"));
  const pollsAfterNotice = requests.filter((line) => line === "GET messages?after=2").length;
  if (scenario === "poll" && pollsAfterNotice === 2) {
    stored.push(bot(3, "回答一"));
    lateReplySeconds = null;
  }
  return jsonResponse(200, {
    conversation_id: "c1",
    status: "bot",
    messages: stored.filter((message) => message.id > after),
    late_reply_seconds: lateReplySeconds,
  });
}

// Interval callbacks by timer id, without the cleared ones.
const intervals = new Map();
let nextTimerId = 1;
const window = {
  location: { href: "http://127.0.0.1:8000/" },
  setInterval: (callback) => {
    const id = nextTimerId++;
    intervals.set(id, callback);
    return id;
  },
  clearInterval: (id) => {
    intervals.delete(id);
  },
};

const context = vm.createContext({ document, window, localStorage, fetch, URL, console });

function settle() {
  return new Promise((resolve) => setTimeout(resolve, 20));
}

async function send(text) {
  elements["message-input"].value = text;
  elements.composer.listeners.submit({ preventDefault() {} });
  await settle();
}

async function fireIntervals() {
  for (const callback of [...intervals.values()]) {
    callback();
  }
  await settle();
}

function shownBubbles() {
  return elements.transcript.children.map((row) => {
    const bubble = row.children.find((child) => child.className === "bubble");
    const pending = row.className.includes("message-pending");
    return `${bubble ? bubble.textContent : ""}${pending ? " (pending)" : ""}`;
  });
}

async function main() {
  vm.runInContext(fs.readFileSync(scriptPath, "utf8"), context);
  await settle();
  await send("问题一");
  const pollingAfterNotice = intervals.size;
  if (scenario === "poll") {
    await fireIntervals();
    await fireIntervals();
  } else {
    await send("问题二");
  }
  const pollingAtEnd = intervals.size;
  await fireIntervals();
  process.stdout.write(
    JSON.stringify({
      bubbles: shownBubbles(),
      requests,
      pollingAfterNotice,
      pollingAtEnd,
      error: elements["error-line"].textContent,
    }),
  );
}

main();
