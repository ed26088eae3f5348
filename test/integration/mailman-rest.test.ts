// The Mailman REST client and Mailman's member-file commands, against a real
// Mailman 3 core (Debian's mailman3) started privately for this file.
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  listSubscribers,
  type MailmanConnection,
  MailmanError,
  type MailmanSubscriber,
  subscribe,
  unsubscribe,
  unsubscribeMember,
} from "@/lib/mailman-rest";
import { type MailmanServer, mailmanSkipReason, startMailman } from "@/test/helpers/mailman";
import { freePort } from "@/test/helpers/portal-server";

/** Address and display name, sorted by address (member ids are Mailman's own). */
const byAddress = (subscribers: MailmanSubscriber[]) =>
  subscribers
    .map(({ address, displayName }) => ({ address, displayName }))
    .toSorted((a, b) => (a.address < b.address ? -1 : 1));

const skipReason = mailmanSkipReason();
if (skipReason) console.warn(`Skipping the Mailman tests: ${skipReason}`);

const trickyName = `Acme "Mesh", Inc. (EU) Ünïcode`;

/** The display-name quoting that parses back exactly with Mailman's parseaddr: escape `\` and `"`. */
const memberLine = (name: string, address: string) =>
  `"${name.replaceAll("\\", "\\\\").replaceAll('"', '\\"')}" <${address}>`;

describe.skipIf(skipReason)("Mailman 3", () => {
  let mailman: MailmanServer;
  let files: string;

  beforeAll(async () => {
    const started = await startMailman();
    if ("skipped" in started) throw new Error(started.skipped);
    mailman = started;
    files = await mkdtemp(path.join(tmpdir(), "mailman-files-"));
  }, 120_000);
  afterAll(async () => {
    await mailman?.stop();
    if (files) await rm(files, { recursive: true, force: true });
  }, 60_000);

  /** A further list on the same server, created with `mailman create`. */
  async function createList(name: string): Promise<MailmanConnection> {
    const [, domain] = mailman.listAddress.split("@");
    const created = await mailman.run(["create", `${name}@${domain}`]);
    expect(created.code, created.stderr).toBe(0);
    return { ...mailman.connection, listId: `${name}.${domain}` };
  }

  async function mailmanWithFile(command: string, list: string, lines: string[]) {
    const file = path.join(files, `${command}-${list}.txt`);
    await writeFile(file, `${lines.join("\n")}\n`);
    const result = await mailman.run([command, file, `${list}@${mailman.listAddress.split("@")[1]}`]);
    expect(result.code, result.stderr).toBe(0);
    return result;
  }

  async function memberAddresses(list: string): Promise<string[]> {
    const result = await mailman.run(["members", "--email-only", `${list}@${mailman.listAddress.split("@")[1]}`]);
    expect(result.code, result.stderr).toBe(0);
    return result.stdout.split("\n").filter(Boolean).sort();
  }

  async function patchListConfig(values: Record<string, string>) {
    const { baseUrl, user, password, listId } = mailman.connection;
    const response = await fetch(`${baseUrl}/3.1/lists/${listId}/config`, {
      method: "PATCH",
      headers: {
        authorization: `Basic ${Buffer.from(`${user}:${password}`).toString("base64")}`,
        "content-type": "application/json",
      },
      body: JSON.stringify(values),
    });
    expect(response.status).toBe(204);
  }

  describe("REST client", () => {
    it("subscribes idempotently and lists the subscriber with the display name as given", async () => {
      await subscribe(mailman.connection, "sec@acme.example", trickyName);
      await subscribe(mailman.connection, "sec@acme.example", trickyName);
      await subscribe(mailman.connection, "Mixed.Case@Acme.Example", "");
      const subscribers = byAddress(await listSubscribers(mailman.connection));
      expect(subscribers.filter((s) => s.address === "sec@acme.example")).toEqual([
        { address: "sec@acme.example", displayName: trickyName },
      ]);
      // Mailman answers with the address lower-cased.
      expect(subscribers).toContainEqual({ address: "mixed.case@acme.example", displayName: "" });
    });

    it("names each subscription it makes by Mailman's member id, and removes exactly that subscription", async () => {
      const made = await subscribe(mailman.connection, "one@ids.example", "");
      expect(made?.memberId).toMatch(/^[0-9a-f]{32}$/);
      // Subscribed already: no subscription of this call's.
      expect(await subscribe(mailman.connection, "one@ids.example", "")).toBeNull();
      const listed = (await listSubscribers(mailman.connection)).find((s) => s.address === "one@ids.example");
      expect(listed?.memberId).toBe(made?.memberId);
      await unsubscribe(mailman.connection, "one@ids.example");
      const again = await subscribe(mailman.connection, "one@ids.example", "");
      expect(again?.memberId).not.toBe(made?.memberId);
      // The old subscription is gone: removing it again removes nothing, not the new one.
      expect(await unsubscribeMember(mailman.connection, made?.memberId ?? "", "one@ids.example")).toBe(false);
      expect((await listSubscribers(mailman.connection)).map((s) => s.address)).toContain("one@ids.example");
      expect(await unsubscribeMember(mailman.connection, again?.memberId ?? "", "one@ids.example")).toBe(true);
      expect((await listSubscribers(mailman.connection)).map((s) => s.address)).not.toContain("one@ids.example");
    });

    it("unsubscribes idempotently, exactly the address given, even when unsubscriptions are moderated", async () => {
      await patchListConfig({ unsubscription_policy: "moderate" });
      // Mailman's member search treats `*` as a wildcard, and its path endpoint cannot take a `/`.
      for (const address of ["john@acme.example", "john*@acme.example", "a/b@acme.example"]) {
        await subscribe(mailman.connection, address, "");
      }
      for (const address of ["john*@acme.example", "a/b@acme.example", "nobody@acme.example"]) {
        await unsubscribe(mailman.connection, address);
        await unsubscribe(mailman.connection, address);
      }
      const addresses = (await listSubscribers(mailman.connection)).map((s) => s.address);
      expect(addresses).toContain("john@acme.example");
      expect(addresses).not.toContain("john*@acme.example");
      expect(addresses).not.toContain("a/b@acme.example");
    });

    it("does not count a pending subscription request as subscribed", async () => {
      await patchListConfig({ subscription_policy: "moderate" });
      const { baseUrl, user, password, listId } = mailman.connection;
      const held = await fetch(`${baseUrl}/3.1/members`, {
        method: "POST",
        headers: {
          authorization: `Basic ${Buffer.from(`${user}:${password}`).toString("base64")}`,
          "content-type": "application/json",
        },
        body: JSON.stringify({
          list_id: listId,
          subscriber: "pending@acme.example",
          pre_verified: true,
          pre_confirmed: true,
        }),
      });
      expect(held.status).toBe(202);
      const error = await subscribe(mailman.connection, "pending@acme.example", "").catch((e: unknown) => e);
      expect(error).toBeInstanceOf(MailmanError);
      expect(error).toMatchObject({ status: 409, message: expect.stringMatching(/already pending/) });
    });

    it("reads a roster longer than one page", async () => {
      const big = await createList("big");
      const addresses = ["m1@big.example", "m2@big.example", "m3@big.example", "m4@big.example", "m5@big.example"];
      await mailmanWithFile("addmembers", "big", addresses);
      for (const pageSize of [2, 5, 200]) {
        const subscribers = await listSubscribers(big, { pageSize });
        expect(subscribers.map((s) => s.address).sort()).toEqual(addresses);
      }
    });

    it("names the status and Mailman's reason on a wrong password, and never the password", async () => {
      const password = "wrong-Secret-4711";
      const error = await subscribe({ ...mailman.connection, password }, "x@acme.example", "").catch((e: unknown) => e);
      expect(error).toBeInstanceOf(MailmanError);
      const { message, status } = error as MailmanError;
      expect(status).toBe(401);
      expect(message).toMatch(/HTTP 401.*REST API authorization failed/);
      expect(message).not.toContain(password);
      expect(message).not.toContain(mailman.connection.password);
    });

    it("says which list is missing and when Mailman does not answer", async () => {
      const missing = { ...mailman.connection, listId: "nope.lists.example.org" };
      await expect(listSubscribers(missing)).rejects.toThrow(/HTTP 404/);
      await expect(subscribe(missing, "x@acme.example", "")).rejects.toThrow(/HTTP 400.*No such list/);
      const dead = { ...mailman.connection, baseUrl: `http://127.0.0.1:${await freePort()}` };
      await expect(listSubscribers(dead)).rejects.toThrow(
        /^Mailman REST API at http:\/\/127\.0\.0\.1:\d+\/3\.1 did not answer: .*ECONNREFUSED/,
      );
    });
  });

  describe("member files", () => {
    // Each test its own domain: Mailman keeps an address's display name from its first subscription.
    const fileFor = (domain: string) => {
      const names: Record<string, string> = {
        [`sec@${domain}`]: trickyName,
        [`back@${domain}`]: String.raw`Back\slash <evil@evil.example>, (x); "y"`,
        [`at@${domain}`]: "x@evil.example",
      };
      const lines = [
        "# a comment, ignored",
        "",
        ...Object.entries(names).map(([address, name]) => memberLine(name, address)),
        `<bare@${domain}>`,
        `plain@${domain}`,
      ];
      const addresses = [...Object.keys(names), `bare@${domain}`, `plain@${domain}`].sort();
      return { names, lines, addresses };
    };

    it("addmembers subscribes exactly the addresses of the file, with their display names", async () => {
      const { names, lines, addresses } = fileFor("add.example");
      const list = await createList("cli-add");
      const result = await mailmanWithFile("addmembers", "cli-add", lines);
      expect(result.stderr).toBe("");
      expect(await memberAddresses("cli-add")).toEqual(addresses);
      expect(byAddress(await listSubscribers(list))).toEqual(
        addresses.map((address) => ({ address, displayName: names[address] ?? "" })),
      );
    });

    it("syncmembers adds and removes to match the file", async () => {
      const { names, lines, addresses } = fileFor("sync.example");
      const list = await createList("cli-sync");
      await mailmanWithFile("addmembers", "cli-sync", ["old@sync.example", "plain@sync.example"]);
      const result = await mailmanWithFile("syncmembers", "cli-sync", lines);
      expect(await memberAddresses("cli-sync")).toEqual(addresses);
      expect(result.stdout).toContain("[DEL] old@sync.example");
      expect(result.stdout).not.toContain("plain@sync.example");
      // syncmembers re-parses formataddr((name, address)), which RFC 2047-encodes a non-ASCII name:
      // Mailman 3.3.8 stores the encoded word, not the name. ASCII names arrive intact.
      const encoded = `=?utf-8?b?${Buffer.from(trickyName).toString("base64")}?=`;
      expect(byAddress(await listSubscribers(list))).toEqual(
        addresses.map((address) => ({
          address,
          displayName: address === "sec@sync.example" ? encoded : (names[address] ?? ""),
        })),
      );
    });
  });
});
