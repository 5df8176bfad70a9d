import { type ContentAccessPorts, type SignedFile, UpstreamProblem } from './handler.ts';

/**
 * The content port over content-service's HTTP API, as the caller (their token): content-service
 * decides through course-service's CheckAccess and signs (its own HMAC URL, or a presigned
 * S3 / Supabase Storage URL when that is where the bytes live). Used by both deployments; on
 * Supabase `CONTENT_SERVICE_URL` points at the platform's content-service.
 */
export function contentServiceAccess(options: {
  contentServiceUrl: string;
  fetch?: typeof fetch;
  timeoutMs?: number;
}): Pick<ContentAccessPorts, 'signFile' | 'signItemFiles'> {
  const send = options.fetch ?? fetch;
  const base = options.contentServiceUrl.replace(/\/$/, '');
  const call = async (path: string, token: string, init: RequestInit = {}) => {
    const response = await send(`${base}${path}`, {
      ...init,
      headers: {
        authorization: `Bearer ${token}`,
        ...(init.body ? { 'content-type': 'application/json' } : {}),
      },
      signal: AbortSignal.timeout(options.timeoutMs ?? 5000),
    });
    // biome-ignore lint/suspicious/noExplicitAny: content-service's answer, read field by field below
    const document: any = await response.json().catch(() => ({}));
    if (!response.ok) {
      // Its own failures are ours to report as 502; its verdicts (401/403/404) go back as they are.
      if (response.status >= 500) throw new Error(`content-service answered ${response.status}`);
      throw new UpstreamProblem(response.status, document);
    }
    return document;
  };
  const signFile: ContentAccessPorts['signFile'] = async ({ fileId, download }, { token }) => {
    const signed = await call(`/files/${fileId}/signed-url`, token, {
      method: 'POST',
      body: JSON.stringify({ download }),
    });
    return { fileId, version: signed.version, url: signed.url, expiresAt: signed.expiresAt };
  };
  return {
    signFile,
    async signItemFiles({ courseId, itemId, download }, caller) {
      const { files } = (await call(`/courses/${courseId}/files?itemIds=${itemId}`, caller.token)) as {
        files: { id: string; name: string; mediaType: string }[];
      };
      const signed: SignedFile[] = [];
      for (const file of files)
        signed.push({
          ...(await signFile({ fileId: file.id, download }, caller)),
          name: file.name,
          mediaType: file.mediaType,
        });
      return signed;
    },
  };
}
