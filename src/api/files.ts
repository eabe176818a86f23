/**
 * OpenAI Files API: upload, list, retrieve, content, delete.
 * @module
 */
import { Hono } from "hono";
import { z } from "zod";
import { authenticate } from "../auth/authenticate.ts";
import { uploadFile } from "../files/upload.ts";
import { deleteFile, fileContent, getFileFor, listFiles, toOpenAIFile } from "../files/files.ts";
import type { AppEnv } from "./context.ts";
import { parseQuery } from "./validate.ts";

const ListFilesQuery = z.object({
  purpose: z.string().optional(),
  limit: z.coerce.number().int().min(1).max(10_000).default(10_000),
  after: z.string().optional(),
  order: z.enum(["asc", "desc"]).default("desc"),
});

/** Routes under `/v1/files` (also mounted at `/files`). */
export function fileRoutes(): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.post("/", async (c) => {
    const principal = await authenticate(c);
    const length = c.req.header("content-length");
    const file = await uploadFile(c.env.deps, principal, {
      body: c.req.raw.body ?? new ReadableStream({ start: (ctl) => ctl.close() }),
      contentType: c.req.header("content-type"),
      contentLength: length === undefined ? null : Number(length),
    });
    return c.json(toOpenAIFile(file));
  });

  app.get("/", async (c) => {
    const principal = await authenticate(c);
    const query = parseQuery(c, ListFilesQuery);
    return c.json(await listFiles(c.env.deps, principal, query));
  });

  app.get("/:id", async (c) => {
    const principal = await authenticate(c);
    const file = await getFileFor(c.env.deps, principal, c.req.param("id"));
    return c.json(toOpenAIFile(file));
  });

  app.get("/:id/content", async (c) => {
    const principal = await authenticate(c);
    const deps = c.env.deps;
    const file = await getFileFor(deps, principal, c.req.param("id"));
    const body = await fileContent(deps, file);
    return new Response(body, {
      headers: {
        "content-type": "application/octet-stream",
        "content-length": String(file.bytes),
        "content-disposition": `attachment; filename="${file.filename.replace(/["\\\r\n]/g, "_")}"`,
      },
    });
  });

  app.delete("/:id", async (c) => {
    const principal = await authenticate(c);
    return c.json(await deleteFile(c.env.deps, principal, c.req.param("id")));
  });
  return app;
}
