// TypeScript declarations of the ChatFlow widget's page API, for sites that bundle
// (`npm install @chatflow/widget`, then `import type {} from "@chatflow/widget"` or
// `/// <reference types="@chatflow/widget" />`). The widget itself is the script tag
//   <script src="https://<chatflow>/widget/widget.js" data-workspace="ws_…" async></script>
// which defines window.ChatFlow at once; calls that need the chat bring it in.

/** What the site knows of the visitor; sent with the visitor's session. */
export interface ChatFlowVisitor {
  name?: string;
  email?: string;
  phone?: string;
  /** Shown to the agents beside the chat. */
  metadata?: Record<string, string | number | boolean | null>;
  /**
   * Identity verification: the site's own id of the signed-in user, and
   * `user_hash` = hex HMAC-SHA256(the workspace's identity secret, user_id, or the
   * email when there is no user_id), computed on the site's server.
   */
  user_id?: string;
  user_hash?: string;
}

/** A message, as the `message` event reports it. */
export interface ChatFlowMessage {
  id: string;
  seq: number;
  text: string;
  sender: "visitor" | "agent";
}

/** Each event's data (`detail` of the `chatflow:<name>` CustomEvent on window). */
export interface ChatFlowEvents {
  /** The chat is in (after the first engagement); always called when already in. */
  ready: null;
  opened: null;
  closed: null;
  message: ChatFlowMessage;
}

export interface ChatFlowApi {
  open(): void;
  close(): void;
  toggle(): void;
  identify(visitor: ChatFlowVisitor): void;
  on<E extends keyof ChatFlowEvents>(event: E, handler: (data: ChatFlowEvents[E]) => void): void;
}

declare global {
  interface Window {
    /** Set by widget.js as soon as it has the widget's config. */
    ChatFlow?: ChatFlowApi;
  }
  // eslint-disable-next-line no-var
  var ChatFlow: ChatFlowApi | undefined;
  interface WindowEventMap {
    "chatflow:ready": CustomEvent<null>;
    "chatflow:opened": CustomEvent<null>;
    "chatflow:closed": CustomEvent<null>;
    "chatflow:message": CustomEvent<ChatFlowMessage>;
  }
}
