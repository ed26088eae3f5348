// A small client for Mailman 3 core's REST API (version 3.1): one list's member
// roster, subscribing and unsubscribing. It knows nothing of the portal.
import { z } from "zod";

/**
 * `baseUrl` is the REST server's root, e.g. `http://127.0.0.1:8001` (what MAILMAN_REST_URL holds); the
 * client appends `/3.1`, and tolerates a trailing `/` or `/3.1`. `listId` is the list's id
 * (`distributors.lists.example.org`), not its posting address.
 */
export type MailmanConnection = { baseUrl: string; user: string; password: string; listId: string };

/** One subscription: Mailman's member id names it, and a new subscription of the same address gets a new one. */
export type MailmanSubscriber = { address: string; displayName: string; memberId: string };

export class MailmanError extends Error {
  /** The HTTP status Mailman answered with; undefined when it did not answer. */
  readonly status: number | undefined;
  /** Mailman's own words (status, title, description), without the request; undefined when it did not answer. */
  readonly answer: string | undefined;
  constructor(message: string, status?: number, answer?: string) {
    super(message);
    this.name = "MailmanError";
    this.status = status;
    this.answer = answer;
  }
}

const TIMEOUT_MS = 15_000;
const PAGE_SIZE = 200;

const problemSchema = z.object({ title: z.string().optional(), description: z.string().optional() });
const memberSchema = z.object({ member_id: z.string(), email: z.string(), display_name: z.string().nullish() });
const membersSchema = z.object({
  total_size: z.number().int().nonnegative(),
  // Mailman leaves `entries` out when there are none.
  entries: z.array(memberSchema).default([]),
});

function apiRoot(connection: MailmanConnection): string {
  // Not echoed: it might carry credentials.
  if (!URL.canParse(connection.baseUrl)) throw new MailmanError("the Mailman REST API's base URL is not a URL");
  const url = new URL(connection.baseUrl);
  url.username = "";
  url.password = "";
  return `${url.origin}${url.pathname.replace(/\/+$/, "").replace(/\/3\.1$/, "")}/3.1`;
}

async function request(
  connection: MailmanConnection,
  method: "GET" | "POST" | "DELETE",
  path: string,
  accept: number[],
  body?: Record<string, unknown>,
): Promise<{ status: number; text: string; location: string | null }> {
  const root = apiRoot(connection);
  let response: Response;
  let text: string;
  try {
    response = await fetch(`${root}${path}`, {
      method,
      headers: {
        authorization: `Basic ${Buffer.from(`${connection.user}:${connection.password}`).toString("base64")}`,
        accept: "application/json",
        ...(body ? { "content-type": "application/json" } : {}),
      },
      body: body ? JSON.stringify(body) : undefined,
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
    text = await response.text();
  } catch (error) {
    throw failure(connection, `Mailman REST API at ${root} did not answer: ${describeFailure(error)}`);
  }
  if (!accept.includes(response.status)) throw refusal(connection, `${method} ${path}`, response.status, text);
  return { status: response.status, text, location: response.headers.get("location") };
}

function refusal(connection: MailmanConnection, what: string, status: number, text: string): MailmanError {
  const problem = problemSchema.safeParse(parseJson(text)).data;
  const title = problem?.title ? ` (${problem.title})` : "";
  const description = problem?.description ? `: ${problem.description}` : "";
  const answer = `HTTP ${status}${title}${description}`;
  return failure(connection, `Mailman REST API ${what} answered ${answer}`, status, answer);
}

function failure(connection: MailmanConnection, message: string, status?: number, answer?: string): MailmanError {
  // Never echo the password, whatever ended up in the message.
  const { password } = connection;
  const redact = (text: string) => (password ? text.replaceAll(password, "[redacted]") : text);
  return new MailmanError(redact(message), status, answer === undefined ? undefined : redact(answer));
}

function describeFailure(error: unknown): string {
  if (error instanceof Error && error.name === "TimeoutError") return `no answer within ${TIMEOUT_MS / 1000} s`;
  const cause = error instanceof Error ? error.cause : undefined;
  if (cause instanceof Error) return cause.message;
  return error instanceof Error ? error.message : String(error);
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function parseAnswer<T>(schema: z.ZodType<T>, text: string, what: string): T {
  const parsed = schema.safeParse(parseJson(text));
  if (!parsed.success) throw new MailmanError(`Mailman REST API sent an unexpected answer for ${what}`);
  return parsed.data;
}

const listPath = (connection: MailmanConnection) => `/lists/${encodeURIComponent(connection.listId)}`;

/** Every subscriber (role member) of the list, page by page. */
export async function listSubscribers(
  connection: MailmanConnection,
  { pageSize = PAGE_SIZE }: { pageSize?: number } = {},
): Promise<MailmanSubscriber[]> {
  const subscribers: MailmanSubscriber[] = [];
  for (let page = 1; ; page++) {
    const path = `${listPath(connection)}/roster/member?count=${pageSize}&page=${page}`;
    const { text } = await request(connection, "GET", path, [200]);
    const { total_size, entries } = parseAnswer(membersSchema, text, "the member roster");
    for (const entry of entries) {
      subscribers.push({ address: entry.email, displayName: entry.display_name ?? "", memberId: entry.member_id });
    }
    if (entries.length < pageSize || page * pageSize >= total_size) return subscribers;
  }
}

/**
 * Subscribes without confirmation, approval or welcome message: the new
 * subscription's member id, or null when the address was subscribed already
 * (by someone else: that subscription is not this call's).
 */
export async function subscribe(
  connection: MailmanConnection,
  address: string,
  displayName: string,
): Promise<{ memberId: string } | null> {
  const { status, text, location } = await request(connection, "POST", "/members", [201, 202, 409], {
    list_id: connection.listId,
    subscriber: address,
    display_name: displayName,
    pre_verified: true,
    pre_confirmed: true,
    pre_approved: true,
    send_welcome_message: false,
  });
  if (status === 201) {
    // Location: <root>/3.1/members/<member id>
    const memberId = location?.match(/\/members\/([^/?#]+)$/)?.[1];
    return { memberId: memberId ? decodeURIComponent(memberId) : await findMemberId(connection, address) };
  }
  // 409 also means "Subscription request already pending", which leaves the address off the list.
  if (status === 409 && /already subscribed/i.test(text)) return null;
  if (status === 202) {
    const answer = "HTTP 202: held for confirmation or approval";
    throw new MailmanError(`Mailman held the subscription of ${address} (${answer})`, status, answer);
  }
  throw refusal(connection, `POST /members for ${address}`, status, text);
}

/** The member id of the address's subscription, looked up when Mailman's answer did not say. */
async function findMemberId(connection: MailmanConnection, address: string): Promise<string> {
  const [entry] = await findSubscriptions(connection, address);
  if (!entry) throw new MailmanError(`Mailman subscribed ${address} but does not list it`);
  return entry.member_id;
}

/** The address's member subscriptions, exactly that address (find treats `*` as a wildcard). */
async function findSubscriptions(connection: MailmanConnection, address: string) {
  const query = new URLSearchParams({ list_id: connection.listId, subscriber: address, role: "member" });
  const { text } = await request(connection, "GET", `/members/find?${query}`, [200]);
  const { entries } = parseAnswer(membersSchema, text, "the member search");
  return entries.filter((entry) => entry.email.toLowerCase() === address.toLowerCase());
}

/** Removes the address's member subscription, whoever made it; an address that is not subscribed is success. */
export async function unsubscribe(connection: MailmanConnection, address: string): Promise<void> {
  // The path endpoint /lists/<id>/member/<address> cannot take a `/` in the address, so find the member instead.
  for (const entry of await findSubscriptions(connection, address)) {
    await unsubscribeMember(connection, entry.member_id, address);
  }
}

/**
 * Removes one subscription by its member id: exactly the one read from the
 * roster, not a later subscription of the same address. False when it was
 * gone already.
 */
export async function unsubscribeMember(connection: MailmanConnection, memberId: string, address: string) {
  // pre_approved: a list whose unsubscription policy is moderated would otherwise hold the request (202).
  const path = `/members/${encodeURIComponent(memberId)}?pre_approved=true&pre_confirmed=true`;
  const { status } = await request(connection, "DELETE", path, [204, 404, 202]);
  if (status === 202) {
    const answer = "HTTP 202: held for approval";
    throw new MailmanError(`Mailman held the unsubscription of ${address} (${answer})`, status, answer);
  }
  return status === 204;
}
