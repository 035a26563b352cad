// Career Advisor chat page. Plain JavaScript modules, no build step.
// Safety: nothing from the server is ever parsed as HTML (render.js builds every node).
import {
  chart, element, notAdvice, quoteNodes, renderMarkdown, sourceCards, steps, suggestions, table,
} from "./render.js";

const STORAGE_KEY = "career-advisor.conversation";
const TOKEN_KEY = "career-advisor.client-token";
const $ = (id) => document.getElementById(id);

// Conversations belong to this browser: a random token, kept here and sent with each call
// (X-Client-Token). Without it, a conversation id alone opens nothing.
function clientToken() {
  let token = localStorage.getItem(TOKEN_KEY);
  if (!token) {
    const bytes = crypto.getRandomValues(new Uint8Array(16));
    token = Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
    localStorage.setItem(TOKEN_KEY, token);
  }
  return token;
}
const KEY_STORAGE = "career-advisor.api-key"; // sessionStorage: this tab only
const NEEDS_KEY = document.body.dataset.needsKey === "true";

// Every call: JSON, this browser's token, and the API key when the server requires one.
function headers() {
  const result = { "content-type": "application/json", "x-client-token": clientToken() };
  const key = sessionStorage.getItem(KEY_STORAGE);
  if (key) result.authorization = `Bearer ${key}`;
  return result;
}

function keyRefused() {
  const hadKey = Boolean(sessionStorage.getItem(KEY_STORAGE));
  sessionStorage.removeItem(KEY_STORAGE);
  const status = $("key-status");
  if (status) {
    status.textContent = hadKey
      ? "That API key was not accepted. Check it and enter it again."
      : "This server needs an API key: enter it here.";
    status.className = "key-status error";
    $("api-key").focus();
  }
}
// Answers are named by the turn id the server gives each stored turn, never by counting
// messages: a stopped answer was never stored and has no id.
const state = { conversationId: localStorage.getItem(STORAGE_KEY), controller: null };

// ---------------------------------------------------------------- messages

function showEmpty(empty) {
  $("empty").hidden = !empty;
}

function addUser(text) {
  const li = element("li", text);
  li.className = "message user";
  $("messages").append(li);
  showEmpty(false);
  return li;
}

function addAssistant() {
  const li = element("li");
  li.className = "message assistant";
  li.append(status("Looking through the articles…"));
  $("messages").append(li);
  li.scrollIntoView({ block: "end" });
  return li;
}

function status(text) {
  const p = element("p", text);
  p.className = "status";
  return p;
}

// An ANSWER as the server sends it, or as GET /api/conversations/{id} gives it back.
function renderAnswer(li, answer) {
  const citations = answer.citations || [];
  const parts = {
    table: answer.table ? table(answer.table, citations, openCitation) : null,
    steps: answer.steps && answer.steps.length ? steps(answer.steps, citations, openCitation) : null,
  };
  li.replaceChildren(renderMarkdown(answer.answer, citations, openCitation, parts));
  li.classList.toggle("refused", Boolean(answer.refused));
  if (answer.refused) li.prepend(status("The articles don't cover this."));
  if (answer.chart && answer.chart.length) li.append(chart(answer.chart));
  if (answer.unsupported && answer.unsupported.length) {
    const box = element("div");
    box.className = "warning";
    box.append(element("strong", "Not backed by the sources: "));
    const ul = element("ul");
    for (const sentence of answer.unsupported) ul.append(element("li", sentence));
    box.append(ul);
    li.append(box);
  }
  if (citations.length) li.append(sourceCards(citations, openCitation));
  li.append(actions(answer.answer, answer.turn_id));
  if (answer.suggestions && answer.suggestions.length) li.append(suggestions(answer.suggestions, ask));
}

function actions(text, turnId) {
  const bar = element("div");
  bar.className = "actions";
  const copy = element("button", "Copy");
  copy.type = "button";
  copy.addEventListener("click", async () => {
    try {
      await navigator.clipboard.writeText(text);
      copy.textContent = "Copied";
    } catch {
      copy.textContent = "Copy failed";
    }
  });
  bar.append(copy);
  if (!turnId) return bar; // not stored: nothing to rate
  for (const [label, rating] of [["Helpful", 1], ["Not helpful", -1]]) {
    const button = element("button", label);
    button.type = "button";
    button.setAttribute("aria-pressed", "false");
    button.addEventListener("click", () => sendFeedback(bar, button, turnId, rating));
    bar.append(button);
  }
  return bar;
}

async function sendFeedback(bar, button, turnId, rating) {
  const note = bar.querySelector(".status") || bar.appendChild(status(""));
  note.textContent = "";
  let response = null;
  try {
    response = await fetch("/api/feedback", {
      method: "POST",
      headers: headers(),
      body: JSON.stringify({ conversation_id: state.conversationId, turn_id: turnId, rating }),
    });
  } catch {
    // shown below, like a refusal
  }
  if (response && response.ok) {
    for (const b of bar.querySelectorAll("button[aria-pressed]")) b.setAttribute("aria-pressed", "false");
    button.setAttribute("aria-pressed", "true");
  } else {
    note.textContent = "Your rating was not saved. Try again in a moment.";
  }
}

function renderSources(li, error) {
  li.replaceChildren(status(error.error || "The answer could not be completed."));
  const sources = (error.detail && error.detail.sources) || [];
  if (sources.length) {
    li.append(element("p", "The LLM is unavailable; here are the passages I found:"));
    const ol = element("ol");
    ol.className = "sources";
    for (const hit of sources) {
      const item = element("li");
      item.append(element("strong", hit.title), document.createTextNode(` — ${hit.text.slice(0, 280)}…`));
      ol.append(item);
    }
    li.append(ol);
  }
}

function openCitation(citation) {
  $("citation-title").textContent = citation.title;
  const meta = [citation.author, citation.date, citation.section].filter(Boolean).join(" · ");
  $("citation-meta").textContent = meta;
  if (citation.flagged) $("citation-meta").prepend(notAdvice(), document.createTextNode(" "));
  $("citation-quote").replaceChildren(quoteNodes(citation));
  const source = $("citation-source");
  source.replaceChildren(document.createTextNode(`File: ${citation.source}`));
  if (citation.url && /^https?:\/\//i.test(citation.url)) {
    const a = element("a", "Read the original article");
    a.href = citation.url;
    a.rel = "noopener noreferrer nofollow";
    a.target = "_blank";
    source.append(document.createTextNode(" · "), a);
  }
  $("citation").showModal();
}

// ---------------------------------------------------------------- talking to the API

async function ask(question) {
  const li = (addUser(question), addAssistant());
  busy(true);
  state.controller = new AbortController();
  let text = "";
  try {
    const response = await fetch("/api/chat", {
      method: "POST",
      headers: headers(),
      body: JSON.stringify({ message: question, conversation_id: state.conversationId, stream: true }),
      signal: state.controller.signal,
    });
    if (!response.ok) {
      const error = await response.json().catch(() => ({ error: `HTTP ${response.status}` }));
      if (response.status === 401) {
        keyRefused();
        li.replaceChildren(status("The server needs a valid API key: enter it above, then ask again."));
        return;
      }
      if (response.status === 404) forgetConversation();
      renderSources(li, error);
      return;
    }
    for await (const { event, data } of serverEvents(response)) {
      if (event === "token") {
        text += data.text;
        li.replaceChildren(renderMarkdown(text, [], openCitation));
      } else if (event === "done") {
        remember(data.conversation_id);
        renderAnswer(li, data);
      } else if (event === "error") {
        renderSources(li, data);
      }
    }
  } catch (error) {
    if (error.name === "AbortError") {
      li.append(status("Stopped. This answer was not saved."));
    } else {
      li.replaceChildren(status("The advisor could not be reached. Try again in a moment."));
    }
  } finally {
    busy(false);
  }
}

async function* serverEvents(response) {
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = "";
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buffer += value;
    let end;
    while ((end = buffer.indexOf("\n\n")) >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const event = (block.match(/^event: (.*)$/m) || [])[1] || "message";
      const data = block.split("\n").filter((l) => l.startsWith("data: ")).map((l) => l.slice(6)).join("\n");
      if (data) yield { event, data: JSON.parse(data) };
    }
  }
}

function busy(on) {
  $("send").disabled = on;
  $("stop").hidden = !on;
  $("messages").setAttribute("aria-busy", String(on));
}

function remember(id) {
  state.conversationId = id;
  localStorage.setItem(STORAGE_KEY, id);
}

function forgetConversation() {
  state.conversationId = null;
  localStorage.removeItem(STORAGE_KEY);
}

async function restore() {
  state.restored = true;
  if (!state.conversationId) return;
  const response = await fetch(`/api/conversations/${encodeURIComponent(state.conversationId)}`, { headers: headers() });
  if (response.status === 401) return keyRefused();
  if (!response.ok) return forgetConversation();
  const conversation = await response.json();
  for (const message of conversation.messages) {
    if (message.role === "user") {
      addUser(message.content); // as it was typed
    } else {
      const li = element("li");
      li.className = "message assistant";
      $("messages").append(li);
      renderAnswer(li, { ...message, answer: message.content }); // the answer whole, as it was shown
    }
  }
}

function newChat() {
  if (state.controller) state.controller.abort();
  forgetConversation();
  $("messages").replaceChildren();
  showEmpty(true);
  $("question").focus();
}

// ---------------------------------------------------------------- wiring

function setUpKey() {
  const form = $("key-form");
  if (!form) return;
  const field = $("api-key");
  const saved = sessionStorage.getItem(KEY_STORAGE);
  if (saved) {
    field.value = saved;
    $("key-status").textContent = "Key set for this tab.";
  }
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const key = field.value.trim();
    if (key) sessionStorage.setItem(KEY_STORAGE, key);
    else sessionStorage.removeItem(KEY_STORAGE);
    $("key-status").textContent = key ? "Key set for this tab." : "No key set.";
    $("key-status").className = "key-status";
    if (key && !state.restored) restore();
  });
}

function start() {
  setUpKey();
  const input = $("question");
  $("ask").addEventListener("submit", (event) => {
    event.preventDefault();
    const question = input.value.trim();
    if (!question || $("send").disabled) return;
    input.value = "";
    ask(question);
  });
  input.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      $("ask").requestSubmit();
    }
  });
  $("stop").addEventListener("click", () => state.controller && state.controller.abort());
  $("new-chat").addEventListener("click", newChat);
  for (const button of document.querySelectorAll(".starter")) {
    button.addEventListener("click", () => ask(button.textContent.trim()));
  }
  if (!NEEDS_KEY || sessionStorage.getItem(KEY_STORAGE)) restore();
  else $("api-key").focus();
}

// Modules run after the document is parsed.
start();
