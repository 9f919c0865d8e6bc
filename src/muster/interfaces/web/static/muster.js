// Muster's pages: send reviews to the API, and the keyboard shortcuts for reviewing quickly.
// a accept · r reject · u reopen · e edit · Enter save · j/n next · k/p previous · / search
(function () {
  "use strict";
  const page = document.querySelector(".claim-page");
  const readOnly = document.body.dataset.readOnly === "1";

  function typing(ev) {
    const t = ev.target;
    return t && (t.tagName === "INPUT" || t.tagName === "TEXTAREA" || t.isContentEditable);
  }

  async function send(body) {
    const msg = document.getElementById("message");
    const resp = await fetch(`/api/claims/${encodeURIComponent(page.dataset.claim)}/reviews`, {
      method: "POST", headers: {"Content-Type": "application/json"}, credentials: "same-origin",
      body: JSON.stringify(Object.assign({reviewer: reviewer()}, body))});
    const data = await resp.json().catch(() => ({detail: resp.statusText}));
    if (!resp.ok) {
      msg.textContent = data.detail || "the review was not recorded";
      msg.className = "error";
      throw new Error(msg.textContent);
    }
    msg.textContent = "recorded: " + (data.state.status || "unreviewed");
    msg.className = "";
    return data;
  }

  function reviewer() {
    const r = document.getElementById("reviewer");
    const name = r && r.value.trim();
    if (name) localStorage.setItem("muster-reviewer", name);
    return name || null;
  }

  function note() {
    const n = document.getElementById("note");
    return n && n.value.trim() ? n.value.trim() : null;
  }

  async function decide(action, thenNext) {
    if (readOnly) return;
    await send({action: action, note: note()});
    if (thenNext) { go("next"); } else { location.reload(); }
  }

  function changed() {
    const out = {};
    document.querySelectorAll("#edit table input[name]").forEach((el) => {
      if (el.value !== el.dataset.was) out[el.name] = el.value;
    });
    return out;
  }

  function go(which) {
    const a = document.getElementById(which);
    if (a) location.href = a.href;
  }

  if (page) {
    document.getElementById("accept").addEventListener("click", () => decide("accept", true));
    document.getElementById("reject").addEventListener("click", () => decide("reject", true));
    document.getElementById("reopen").addEventListener("click", () => decide("reopen", false));
    document.getElementById("edit").addEventListener("submit", async (ev) => {
      ev.preventDefault();
      const set = changed();
      if (!Object.keys(set).length && !note()) {
        document.getElementById("message").textContent = "nothing changed";
        return;
      }
      await send({set: set, note: note()});
      location.reload();
    });
    const who = document.getElementById("reviewer");
    if (who && !who.value) who.value = localStorage.getItem("muster-reviewer") || "";
    // the evidence in view inside the article's box (the page itself stays at its top)
    const ev = document.getElementById("evidence");
    const box = document.querySelector("article.text .body");
    if (ev && box) box.scrollTop = Math.max(0, ev.offsetTop - box.clientHeight / 3);
  }

  // a claim's page: the claims of other articles that corroborate, contradict or repeat it, asked of the
  // API once the page is shown (finding them reads the claims of its group: the page does not wait)
  async function showRelated(box) {
    const status = document.getElementById("related-status");
    const resp = await fetch(box.dataset.url, {credentials: "same-origin"});
    if (!resp.ok) { status.textContent = "could not find them (" + resp.status + ")"; return; }
    const rel = await resp.json();
    status.remove();
    if (rel.copy_of) {
      const p = document.createElement("p");
      p.className = "copy-of";
      p.append("repeats ", link(rel.copy_of), " (the same statement: not another source)");
      box.append(p);
    }
    [["corroborates", "corroborated by"], ["contradicts", "contradicted by"], ["copies", "repeated by"]].forEach(([key, title]) => {
      const h = document.createElement("h4");
      h.textContent = `${title} (${rel[key].length})`;
      const ul = document.createElement("ul");
      ul.className = "rel-" + key;
      rel[key].forEach((r) => {
        const li = document.createElement("li");
        li.append(link(r));
        if (r.figure) { const b = document.createElement("strong"); b.textContent = " " + r.figure; li.append(b); }
        const where = [r.places.join(", "), r.speaker].filter(Boolean).join(" · ");
        if (where) li.append(" · " + where);
        const ev = document.createElement("small");
        ev.textContent = r.evidence.length > 160 ? r.evidence.slice(0, 159) + "…" : r.evidence;
        li.append(document.createElement("br"), ev);
        ul.append(li);
      });
      if (!rel[key].length) {
        const li = document.createElement("li");
        li.className = "none";
        li.textContent = "none";
        ul.append(li);
      }
      box.append(h, ul);
    });
  }

  function link(r) {
    const a = document.createElement("a");
    a.href = "/claims/" + encodeURIComponent(r.id);
    a.textContent = `${r.outlet || r.doc} ${r.published || "undated"}`;
    return a;
  }

  const relatedBox = document.getElementById("related");
  if (relatedBox) showRelated(relatedBox);

  // the claims list: j/k move a highlight, Enter opens the claim
  const rows = Array.from(document.querySelectorAll("tr.claim"));
  let at = -1;
  function focusRow(i) {
    if (!rows.length) return;
    at = Math.max(0, Math.min(rows.length - 1, i));
    rows.forEach((r, k) => r.classList.toggle("focus", k === at));
    rows[at].scrollIntoView({block: "nearest"});
  }

  document.addEventListener("keydown", (ev) => {
    if (ev.ctrlKey || ev.metaKey || ev.altKey) return;
    if (typing(ev)) {
      if (ev.key === "Escape") ev.target.blur();
      return;
    }
    const k = ev.key;
    if (k === "/") { ev.preventDefault(); document.getElementById("q").focus(); return; }
    if (page) {
      if (k === "a") decide("accept", true);
      else if (k === "r") decide("reject", true);
      else if (k === "u") decide("reopen", false);
      else if (k === "j" || k === "n") go("next");
      else if (k === "k" || k === "p") go("prev");
      else if (k === "e") { ev.preventDefault(); document.getElementById("f-count.low").focus(); }
      return;
    }
    if (rows.length) {
      if (k === "j" || k === "n") focusRow(at + 1);
      else if (k === "k" || k === "p") focusRow(at - 1);
      else if (k === "Enter" && at >= 0) rows[at].querySelector("td.ev a").click();
    }
  });
})();
