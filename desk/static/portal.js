// Citizen portal: notices, common questions by category, topic guides, and
// the online consultation, which opens the chat widget (widget.js). Plain
// browser JavaScript, no build step. All text goes into the page through
// textContent.
"use strict";

(() => {
  const noticesBox = document.querySelector("#notices .section-content");
  const faqBox = document.querySelector("#faq .section-content");
  const guidesBox = document.querySelector("#guides .section-content");

  // Number of newest notices shown until the citizen opens the full list.
  const NOTICES_SHOWN = 5;
  // Category labels by name, filled from GET /api/kb/categories.
  const categoryLabels = new Map();

  class ApiError extends Error {
    constructor(status) {
      super(`HTTP ${status}`);
      this.status = status;
    }
  }

  async function getJson(path) {
    const response = await fetch(path, { headers: { Accept: "application/json" } });
    if (!response.ok) {
      throw new ApiError(response.status);
    }
    return response.json();
  }

  // Creates an element whose textContent is `text`.
  function el(tag, { className, text, attrs } = {}, children = []) {
    const element = document.createElement(tag);
    if (className) {
      element.className = className;
    }
    if (text !== undefined && text !== null) {
      element.textContent = text;
    }
    Object.entries(attrs || {}).forEach(([name, value]) => {
      element.setAttribute(name, String(value));
    });
    children.forEach((child) => element.appendChild(child));
    return element;
  }

  function button(text, className, onClick) {
    const element = el("button", { className, text, attrs: { type: "button" } });
    element.addEventListener("click", onClick);
    return element;
  }

  // Replaces a section's content and records its state for tests and styles.
  function show(box, stateName, children) {
    box.dataset.state = stateName;
    box.replaceChildren(...children);
  }

  function showLoading(box) {
    show(box, "loading", [el("p", { className: "loading", text: "正在加载…" })]);
  }

  function showFailure(box, error, retry) {
    const text =
      error instanceof ApiError && error.status === 404
        ? "没有找到这项内容，可能已经下线。"
        : "加载失败，请检查网络后重试。";
    show(box, "error", [
      el("p", { className: "error", text, attrs: { role: "alert" } }),
      button("重试", "secondary", retry),
    ]);
  }

  // Moves the focus to a new view's heading, so keyboard and screen-reader
  // users continue from there.
  function focusHeading(box) {
    const heading = box.querySelector("h3");
    if (heading) {
      heading.setAttribute("tabindex", "-1");
      heading.focus();
    }
  }

  function openChat() {
    if (window.DeskWidget) {
      window.DeskWidget.open();
    }
  }

  // ---------------------------------------------------------------- notices

  async function loadNotices() {
    showLoading(noticesBox);
    let data;
    try {
      data = await getJson("/api/notices");
    } catch (error) {
      showFailure(noticesBox, error, loadNotices);
      return;
    }
    if (!data.notices.length) {
      show(noticesBox, "empty", [el("p", { className: "empty", text: "暂无通知公告。" })]);
      return;
    }
    const list = el("ul", { className: "notice-list" });
    data.notices.forEach((notice, index) => {
      const item = el("li", { className: "notice" }, [
        el("details", {}, [
          el("summary", {}, [
            el("span", { className: "notice-title", text: notice.title }),
            el("time", {
              className: "notice-date",
              text: notice.published,
              attrs: { datetime: notice.published },
            }),
          ]),
          el("p", { className: "notice-body", text: notice.body.trim() }),
          el("p", { className: "source", text: `发布：${notice.source}` }),
        ]),
      ]);
      item.hidden = index >= NOTICES_SHOWN;
      list.appendChild(item);
    });
    const children = [list];
    if (data.notices.length > NOTICES_SHOWN) {
      const more = button(`查看全部 ${data.notices.length} 条通知`, "secondary", () => {
        list.querySelectorAll("li[hidden]").forEach((item) => {
          item.hidden = false;
        });
        more.remove();
        list.children[NOTICES_SHOWN].querySelector("summary").focus();
      });
      children.push(more);
    }
    show(noticesBox, "ready", children);
  }

  // ------------------------------------------------------- common questions

  async function loadCategories() {
    showLoading(faqBox);
    let data;
    try {
      data = await getJson("/api/kb/categories");
    } catch (error) {
      showFailure(faqBox, error, loadCategories);
      return;
    }
    data.categories.forEach((category) => categoryLabels.set(category.name, category.label));
    const list = el("ul", { className: "category-list" });
    data.categories
      .filter((category) => category.count > 0)
      .forEach((category) => {
        const item = button("", "category", () => showCategory(category.name));
        item.append(
          el("span", { className: "category-label", text: category.label }),
          el("span", { className: "count", text: `${category.count} 个问题` }),
        );
        list.appendChild(el("li", {}, [item]));
      });
    show(faqBox, "categories", [list]);
  }

  async function showCategory(name) {
    showLoading(faqBox);
    let data;
    try {
      data = await getJson(`/api/kb/entries?category=${encodeURIComponent(name)}`);
    } catch (error) {
      showFailure(faqBox, error, () => showCategory(name));
      return;
    }
    const label = categoryLabels.get(name) || name;
    const list = el("ul", { className: "question-list" });
    data.entries.forEach((entry) => {
      list.appendChild(
        el("li", {}, [button(entry.question, "question", () => showEntry(entry.id))]),
      );
    });
    show(faqBox, "questions", [
      button("‹ 全部分类", "back", () => loadCategories().then(() => focusFirst(faqBox))),
      el("h3", { text: label }),
      list,
    ]);
    focusHeading(faqBox);
  }

  async function showEntry(entryId) {
    showLoading(faqBox);
    let entry;
    try {
      entry = await getJson(`/api/kb/entries/${encodeURIComponent(entryId)}`);
    } catch (error) {
      showFailure(faqBox, error, () => showEntry(entryId));
      return;
    }
    const label = categoryLabels.get(entry.category) || "分类";
    const children = [
      button(`‹ ${label}`, "back", () => showCategory(entry.category)),
      el("h3", { text: entry.question }),
      el("p", { className: "answer", text: entry.answer.trim() }),
      el("p", { className: "source", text: `依据：${entry.source}（核对日期 ${entry.reviewed}）` }),
    ];
    if (entry.related.length) {
      const related = el("ul", { className: "question-list" });
      entry.related.forEach((other) => {
        related.appendChild(
          el("li", {}, [button(other.question, "question", () => showEntry(other.id))]),
        );
      });
      children.push(el("h4", { text: "相关问题" }), related);
    }
    children.push(
      el("div", { className: "ask-more" }, [
        el("p", { text: "还有疑问？可以直接问智能助手或工作人员。" }),
        button("在线咨询", "primary", openChat),
      ]),
    );
    show(faqBox, "answer", children);
    document.getElementById("faq").scrollIntoView({ block: "start" });
    focusHeading(faqBox);
  }

  function focusFirst(box) {
    const first = box.querySelector("button");
    if (first) {
      first.focus();
    }
  }

  // ----------------------------------------------------------------- guides

  async function loadGuides() {
    showLoading(guidesBox);
    let data;
    try {
      data = await getJson("/api/guides");
    } catch (error) {
      showFailure(guidesBox, error, loadGuides);
      return;
    }
    if (!data.guides.length) {
      show(guidesBox, "empty", [el("p", { className: "empty", text: "暂无专题指引。" })]);
      return;
    }
    const list = el("ul", { className: "guide-list" });
    data.guides.forEach((guide) => list.appendChild(el("li", {}, [buildGuide(guide)])));
    show(guidesBox, "ready", [list]);
  }

  function buildGuide(guide) {
    const steps = el("ol", { className: "steps" });
    guide.steps.forEach((step) => steps.appendChild(el("li", { text: step })));
    const related = el("ul", { className: "question-list related" });
    const details = el("details", { className: "guide" }, [
      el("summary", { text: guide.title }),
      el("p", { className: "summary", text: guide.summary }),
      steps,
    ]);
    if (guide.related.length) {
      details.append(el("h4", { text: "相关问题" }), related);
      // The related questions are loaded when the guide is first opened.
      details.addEventListener("toggle", () => {
        if (details.open && !related.dataset.loaded) {
          related.dataset.loaded = "true";
          loadRelatedQuestions(guide.related, related);
        }
      });
    }
    return details;
  }

  async function loadRelatedQuestions(entryIds, list) {
    const entries = await Promise.all(
      entryIds.map((entryId) =>
        getJson(`/api/kb/entries/${encodeURIComponent(entryId)}`).catch(() => null),
      ),
    );
    entries
      .filter((entry) => entry !== null)
      .forEach((entry) => {
        list.appendChild(
          el("li", {}, [button(entry.question, "question", () => showEntry(entry.id))]),
        );
      });
  }

  // ------------------------------------------------------------------ start

  document.querySelectorAll("[data-open-chat]").forEach((element) => {
    element.addEventListener("click", openChat);
  });
  loadNotices();
  loadCategories();
  loadGuides();
})();
