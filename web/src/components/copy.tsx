// Copies a text (a tracking URL) to the clipboard, and says so.

import { useState } from "preact/hooks";

async function copyText(text: string): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    // No clipboard permission (or not a secure context): select the text the old way.
    const area = document.createElement("textarea");
    area.value = text;
    area.setAttribute("readonly", "");
    area.className = "offscreen";
    document.body.appendChild(area);
    area.select();
    const ok = document.execCommand("copy");
    area.remove();
    return ok;
  }
}

// The button's name ends with the text ("Copy https://…/r/ada"), so that each of a table's buttons is
// told apart; the result is announced in a live region.
export function CopyButton({ text, label = "Copy" }: { text: string; label?: string }) {
  const [state, setState] = useState<"idle" | "copied" | "failed">("idle");
  return (
    <span class="copy">
      <button
        type="button"
        class="secondary small"
        onClick={async () => {
          setState((await copyText(text)) ? "copied" : "failed");
          window.setTimeout(() => setState("idle"), 2000);
        }}
      >
        {state === "copied" ? "Copied" : state === "failed" ? "Copy failed" : label}
        <span class="visually-hidden"> {text}</span>
      </button>
      <span class="visually-hidden" role="status">
        {state === "copied" ? "Copied to the clipboard" : state === "failed" ? "Copying failed" : ""}
      </span>
    </span>
  );
}
