/**
 * OpenAI Files API: upload, list, retrieve, content, delete.
 * @module
 */
import { Hono } from "hono";
import { z } from "zod";
import { uploadFile } from "../files/upload.ts";
import { deleteFile, fileContent, getFileFor, listFiles, toOpenAIFile } from "../files/files.ts";
import type { AppDeps } from "../deps.ts";
import type { AppEnv } from "./context.ts";
import { requireKey } from "./require_key.ts";
import { parseQuery } from "./validate.ts";

const ListFilesQuery = z.object({
  purpose: z.string().optional(),
  limit: z.coerce.number().int().min(1).max(10_000).default(10_000),
  after: z.string().optional(),
  order: z.enum(["asc", "desc"]).default("desc"),
});

/** Routes under `/v1/files` (also mounted at `/files`). */
export function fileRoutes(deps: AppDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const member = requireKey(deps);
  app.post("/", member, async (c) => {
    const principal = c.var.principal;
    const length = c.req.header("content-length");
    const file = await uploadFile(deps, principal, {
      body: c.req.raw.body ?? new ReadableStream({ start: (ctl) => ctl.close() }),
      contentType: c.req.header("content-type"),
      contentLength: length === undefined ? null : Number(length),
    });
    return c.json(toOpenAIFile(file));
  });

  app.get("/", member, async (c) => {
    const principal = c.var.principal;
    const query = parseQuery(c, ListFilesQuery);
    return c.json(await listFiles(deps, principal, query));
  });

  app.get("/:id", member, async (c) => {
    const principal = c.var.principal;
    const file = await getFileFor(deps, principal, c.req.param("id"));
    return c.json(toOpenAIFile(file));
  });

  app.get("/:id/content", member, async (c) => {
    const principal = c.var.principal;
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

  app.delete("/:id", member, async (c) => {
    const principal = c.var.principal;
    return c.json(await deleteFile(deps, principal, c.req.param("id")));
  });
  return app;
}
