// @ts-check
/**
 * The page's one template renderer: lit-html, served from ui/vendor (copied
 * from npm by scripts/vendor-ui.mjs; tsc reads the package's declarations
 * beside it). Views import lit-html through this module only.
 *
 * Views describe what the DOM should be, and `render` makes it so, touching
 * only what changed; no view compares or patches the DOM itself.
 */

import { Directive, PartType, directive } from '../vendor/lit-html/directive.js';
import { noChange } from '../vendor/lit-html/lit-html.js';

export { html, nothing, render } from '../vendor/lit-html/lit-html.js';
export { keyed } from '../vendor/lit-html/directives/keyed.js';
export { live } from '../vendor/lit-html/directives/live.js';
export { createRef, ref } from '../vendor/lit-html/directives/ref.js';
export { repeat } from '../vendor/lit-html/directives/repeat.js';

/** @typedef {import('../vendor/lit-html/lit-html.js').TemplateResult} TemplateResult */
/**
 * What a view may render: a template, a directive over one, or `nothing`.
 * @typedef {TemplateResult | import('../vendor/lit-html/directive.js').DirectiveResult | typeof import('../vendor/lit-html/lit-html.js').nothing} View
 */
/**
 * The element a `ref` binding points at, once rendered.
 * @template {Element} [T=Element]
 * @typedef {import('../vendor/lit-html/directives/ref.js').Ref<T>} Ref
 */

/**
 * Sets inline style properties through the CSSOM (`element.style`).
 *
 * Why not lit-html's `styleMap`: it writes a `style` attribute on first
 * render, and the app's CSP (`style-src 'self'`, no 'unsafe-inline')
 * refuses inline style attributes; properties set through the CSSOM are
 * allowed. A binding passes the same properties on every render.
 */
class StyleProperties extends Directive {
  /** @param {import('../vendor/lit-html/directive.js').PartInfo} part */
  constructor(part) {
    super(part);
    if (part.type !== PartType.ATTRIBUTE || part.name !== 'style') {
      throw new Error('styles() binds a style attribute: style=${styles({...})}');
    }
  }

  /**
   * @param {Record<string, string>} _properties CSS property names and values
   * @returns {typeof noChange} the attribute itself is never written
   */
  render(_properties) {
    return noChange;
  }

  /**
   * @param {import('../vendor/lit-html/lit-html.js').AttributePart} part
   * @param {[Record<string, string>]} properties
   */
  update(part, [properties]) {
    const { style } = part.element;
    for (const [name, value] of Object.entries(properties)) style.setProperty(name, value);
    return noChange;
  }
}

/** `style=${styles({ height: '10px' })}`: inline styles the CSP allows. */
export const styles = directive(StyleProperties);
