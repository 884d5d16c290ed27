// A small integration in TypeScript, typed by chatflow-api.d.ts (generated from
// GET /v1/openapi.json with openapi-typescript):
//   - lists the active chats with an API key;
//   - verifies a webhook delivery's ChatFlow-Signature and narrows its payload.
//
// Type-check: node_modules/.bin/tsc --noEmit -p examples/typescript
import { createHmac, timingSafeEqual } from "node:crypto";
import type { components, operations, webhooks } from "./chatflow-api";

type ChatList =
  operations["listChats"]["responses"][200]["content"]["application/json"];
type ListQuery = NonNullable<operations["listChats"]["parameters"]["query"]>;
type ApiError = components["schemas"]["ErrorEnvelope"];
type ChatClosedEvent =
  webhooks["chat.closed"]["post"]["requestBody"]["content"]["application/json"];

const BASE = process.env.CHATFLOW_URL ?? "https://api.chatflow.uz";

export async function listActiveChats(apiKey: string): Promise<ChatList> {
  const query: ListQuery = { status: "active", limit: 50 };
  const params = new URLSearchParams(
    Object.entries(query).map(([k, v]) => [k, String(v)]),
  );
  const res = await fetch(`${BASE}/v1/chats?${params}`, {
    headers: { Authorization: `Bearer ${apiKey}` },
  });
  if (!res.ok) {
    const { error } = (await res.json()) as ApiError;
    throw new Error(`${error.code}: ${error.message_en} (${error.request_id})`);
  }
  return (await res.json()) as ChatList;
}

/** `t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<raw body>")>`, within 300 s. */
export function verifySignature(
  secret: string,
  header: string,
  rawBody: string,
  nowSeconds = Math.floor(Date.now() / 1000),
): boolean {
  const parts = new Map(
    header.split(",").map((p) => p.trim().split("=", 2) as [string, string]),
  );
  const t = Number(parts.get("t"));
  const v1 = parts.get("v1") ?? "";
  if (!Number.isInteger(t) || Math.abs(nowSeconds - t) > 300 || !/^[0-9a-f]{64}$/.test(v1)) {
    return false;
  }
  const expected = createHmac("sha256", secret).update(`${t}.${rawBody}`).digest();
  return timingSafeEqual(expected, Buffer.from(v1, "hex"));
}

/** A verified delivery's payload, narrowed by its `type`. */
export function describe(rawBody: string): string {
  const event = JSON.parse(rawBody) as ChatClosedEvent;
  if (event.type === "chat.closed") {
    return `chat ${event.data.id} closed (${event.data.status})`;
  }
  return `event ${event.id}`;
}

async function main(): Promise<void> {
  const key = process.env.CHATFLOW_API_KEY;
  if (!key) {
    console.error("CHATFLOW_API_KEY is not set");
    process.exitCode = 1;
    return;
  }
  const chats = await listActiveChats(key);
  for (const chat of chats.data) {
    console.log(`${chat.id}\t${chat.status}\t${chat.visitor_name ?? "?"}`);
  }
  console.log(`${chats.pagination.total} active`);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
