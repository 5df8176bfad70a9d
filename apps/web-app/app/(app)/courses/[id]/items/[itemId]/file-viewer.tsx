import { getFormatter, getTranslations } from 'next-intl/server';

export interface FileViewerData {
  id: string;
  name: string;
  mediaType: string;
  size: number;
  version: number;
  /** content-service's signed URL: short-lived, so it is fetched with every render of the page. */
  url: string;
  expiresAt: string;
}

/** Types content-service serves inline; HTML, SVG and the rest come as attachments by design. */
function viewOf(mediaType: string): 'pdf' | 'video' | 'audio' | 'image' | 'download' {
  if (mediaType === 'application/pdf') return 'pdf';
  if (mediaType.startsWith('video/')) return 'video';
  if (mediaType.startsWith('audio/')) return 'audio';
  if (mediaType.startsWith('image/') && mediaType !== 'image/svg+xml') return 'image';
  return 'download';
}

/** Bytes as the reader's language writes them (kB, MB, …). */
function sizeUnits(size: number): { value: number; unit: 'byte' | 'kilobyte' | 'megabyte' | 'gigabyte' } {
  if (size < 1000) return { value: size, unit: 'byte' };
  if (size < 1e6) return { value: size / 1e3, unit: 'kilobyte' };
  if (size < 1e9) return { value: size / 1e6, unit: 'megabyte' };
  return { value: size / 1e9, unit: 'gigabyte' };
}

/** A file item shown in the page by its type: a PDF, a player, an image, else a download link. */
export async function FileViewer({ file, title }: { file: FileViewerData; title: string }) {
  const t = await getTranslations('file');
  const format = await getFormatter();
  const { value, unit } = sizeUnits(file.size);
  const size = format.number(value, {
    style: 'unit',
    unit,
    unitDisplay: unit === 'byte' ? 'long' : 'short',
    maximumFractionDigits: 1,
  });
  const view = viewOf(file.mediaType);
  return (
    <figure className="file-viewer">
      {view === 'pdf' ? (
        <iframe className="file-frame" src={file.url} title={t('pdfTitle', { title })} />
      ) : view === 'video' ? (
        // biome-ignore lint/a11y/useMediaCaption: course videos carry no caption track yet
        <video className="file-media" controls preload="metadata" src={file.url} aria-label={title} />
      ) : view === 'audio' ? (
        // biome-ignore lint/a11y/useMediaCaption: course audio carries no caption track yet
        <audio controls preload="metadata" src={file.url} aria-label={title} />
      ) : view === 'image' ? (
        // biome-ignore lint/performance/noImgElement: a signed, short-lived URL next/image cannot optimise
        <img className="file-media" src={file.url} alt={title} />
      ) : null}
      <figcaption className="meta">
        {t('caption', { name: file.name, size })}{' '}
        {/* The signed URL itself: a presigned store URL must not gain parameters of ours. */}
        <a href={file.url} rel="noopener noreferrer" target="_blank">
          {view === 'download' ? t('download', { name: file.name }) : t('openNewTab', { name: file.name })}
        </a>
      </figcaption>
    </figure>
  );
}
