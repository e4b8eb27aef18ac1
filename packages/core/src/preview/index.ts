/** `vkmp preview` as a library: self-contained HTML pages of a project's services. */
import type { ProjectModel } from '../model/types.js';
import type { OutputTree } from '../emit/tree.js';
import { previewClientScript } from './client-script.js';
import { markdownRenderer } from './markdown.js';
import { renderErrorPage, renderPreviewTree, renderServicePage, type PreviewPage } from './page.js';
import type { Diagnostic } from '../diagnostics.js';
import type { ServiceModel } from '../model/types.js';

export interface PreviewOptions {
  /** `--serve`: the server-sent-events URL the pages reload from. */
  liveReload?: string;
}

/** `index.html` plus one page per service, in memory. */
export async function renderPreview(model: ProjectModel, options: PreviewOptions = {}): Promise<{ tree: OutputTree; pages: PreviewPage[] }> {
  return renderPreviewTree(model, { clientScript: await previewClientScript(), markdown: await markdownRenderer(), liveReload: options.liveReload });
}

/** The page of one service. */
export async function renderServicePreview(service: ServiceModel, options: PreviewOptions = {}): Promise<string> {
  return renderServicePage(service, { clientScript: await previewClientScript(), markdown: await markdownRenderer(), liveReload: options.liveReload });
}

/** The page shown instead of the previews while the project has errors. */
export async function renderPreviewErrorPage(diagnostics: readonly Diagnostic[], options: PreviewOptions & { relativeTo?: (file: string) => string } = {}): Promise<string> {
  return renderErrorPage(diagnostics, { clientScript: await previewClientScript(), liveReload: options.liveReload, relativeTo: options.relativeTo });
}

export { previewClientScript } from './client-script.js';
export { previewPages, type PreviewPage } from './page.js';
export { sampleChoices, type SampleChoice } from './samples.js';
