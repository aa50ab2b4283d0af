// Runs desk/static/chat.js in Node with a stand-in page and a fake desk API,
// sends one typed message and prints what the page shows as JSON.
//
// Usage: node chat_harness.js CHAT_JS STATUS TEXT
// STATUS is the HTTP status of the reply to the message, or "network" for a
// failed connection. Other requests succeed.
"use strict";

const fs = require("fs");
const vm = require("vm");

const [scriptPath, replyStatus, typedText] = process.argv.slice(2);

class FakeElement {
  constructor(id) {
    this.id = id;
    this.textContent = "";
    this.value = "";
    this.hidden = false;
    this.disabled = false;
    this.className = "";
    this.children = [];
    this.listeners = {};
    this.classList = { add() {}, remove() {} };
  }

  appendChild(child) {
    this.children.push(child);
    return child;
  }

  remove() {}

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

function jsonResponse(status, body) {
  return { ok: status >= 200 && status < 300, status, json: async () => body };
}

async function fetch(path, options) {
  if (options.method === "POST" && path.endsWith("/messages")) {
    if (replyStatus === "network") {
      throw new TypeError("Failed to fetch");
    }
    return jsonResponse(Number(replyStatus), {
      error: "English error text for developers",
      max_chars: 2000,
    });
  }
  if (options.method === "POST") {
    return jsonResponse(201, { conversation_id: "c2", token: "t2", status: "bot" });
  }
  return jsonResponse(200, { conversation_id: "c1", status: "bot", messages: [] });
}

const window = {
  location: { href: "http://127.0.0.1:8000/" },
  setInterval: () => 1,
  clearInterval: () => {},
};

const context = vm.createContext({
  document,
  window,
  localStorage,
  fetch,
  URL,
  console,
});

async function main() {
  vm.runInContext(fs.readFileSync(scriptPath, "utf8"), context);
  await new Promise((resolve) => setTimeout(resolve, 20));

  const input = elements["message-input"];
  input.value = typedText;
  elements.composer.listeners.submit({ preventDefault() {} });
  await new Promise((resolve) => setTimeout(resolve, 50));

  const errorLine = elements["error-line"];
  process.stdout.write(
    JSON.stringify({ error: errorLine.textContent, hidden: errorLine.hidden, input: input.value }),
  );
}

main();
