/**
 * The full description (Markdown, SPEC §C.5) as HTML for the preview. Sanitised: raw
 * HTML is shown escaped, never interpreted; links keep only http(s), mailto, tel and
 * in-page targets; images become links (the page loads nothing at view time); headings
 * move two levels down to sit under the page's own `h2`.
 */
import type { Marked as MarkedType, Tokens } from 'marked';
import { esc } from './html.js';

const SAFE_URL = /^(?:https?:|mailto:|tel:|#)/i;

function safeUrl(href: string | null | undefined): string | undefined {
  if (!href) return undefined;
  const trimmed = href.trim();
  // Relative links have no base on a generated page; absolute schemes other than the safe ones are dropped.
  return SAFE_URL.test(trimmed) ? trimmed : undefined;
}

let instance: Promise<MarkedType> | undefined;

/** `marked` is loaded on first use, so commands other than `preview` never load it. */
async function createMarked(): Promise<MarkedType> {
  const { Marked } = await import('marked');
  return new Marked({
    gfm: true,
    breaks: false,
    async: false,
    renderer: {
      html({ text }: Tokens.HTML | Tokens.Tag): string {
        return esc(text);
      },
      heading({ tokens, depth }: Tokens.Heading): string {
        const level = Math.min(6, depth + 2);
        return `<h${level}>${this.parser.parseInline(tokens)}</h${level}>\n`;
      },
      link({ href, title, tokens }: Tokens.Link): string {
        const text = this.parser.parseInline(tokens);
        const url = safeUrl(href);
        if (!url) return `<span class="unsafe-link" title="${esc(`link removed: ${href}`)}">${text}</span>`;
        return `<a href="${esc(url)}"${title ? ` title="${esc(title)}"` : ''} rel="noopener noreferrer">${text}</a>`;
      },
      image({ href, text }: Tokens.Image): string {
        const url = safeUrl(href);
        const alt = esc(text || 'image');
        return url ? `<a class="md-image" href="${esc(url)}" rel="noopener noreferrer">[image: ${alt}]</a>` : `<span class="md-image">[image: ${alt}]</span>`;
      },
    },
  });
}

export type MarkdownRenderer = (text: string) => string;

/** Loads the Markdown → sanitised HTML renderer. */
export async function markdownRenderer(): Promise<MarkdownRenderer> {
  instance ??= createMarked();
  const marked = await instance;
  return (text) => marked.parse(text, { async: false });
}
