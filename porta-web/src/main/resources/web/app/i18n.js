// SPDX-License-Identifier: Apache-2.0
/**
 * Languages of Porta's pages (members' app, meeting view, guest pages): one message catalogue per
 * language in `i18n/<code>.js` (a module whose default export maps keys to texts, `{name}` marks a
 * value). The language is the person's own choice (kept in this browser's localStorage) or else the
 * first of `navigator.languages` that Porta speaks, else English. Keys missing from a catalogue show
 * the English text; `node --test` fails when any catalogue lacks a key English has.
 *
 * Static markup is translated by attributes: `data-i18n` (text), `data-i18n-aria-label`,
 * `data-i18n-placeholder`, `data-i18n-title`. Changing the language re-translates the page and sends
 * `porta-languagechange` on window, so code that drew texts itself draws them again.
 *
 * Adding a language: a new `i18n/<code>.js` and its code in LANGUAGES.
 * @module i18n
 */
import en from './i18n/en.js';

/** The languages shipped, each named in itself (so anyone finds their own in the switcher). */
export const LANGUAGES = { en: 'English', it: 'Italiano', ko: '한국어' };
const STORAGE_KEY = 'porta.lang';

let current = 'en';
let messages = en;

function storage() {
  try { return globalThis.localStorage ?? null; } catch { return null; }
}

/**
 * The language to use: a saved choice first, then the browser's preferences ("it-IT" matches "it").
 * @param {readonly string[]} preferred e.g. navigator.languages
 * @param {string|null} saved
 */
export function chooseLanguage(preferred, saved) {
  if (saved && Object.hasOwn(LANGUAGES, saved)) return saved;
  for (const tag of preferred ?? []) {
    const base = String(tag).toLowerCase().split('-')[0];
    if (Object.hasOwn(LANGUAGES, base)) return base;
  }
  return 'en';
}

/** The catalogue of one shipped language. */
export async function catalogue(code) {
  if (!Object.hasOwn(LANGUAGES, code)) throw new Error(`unknown language ${code}`);
  return code === 'en' ? en : (await import(`./i18n/${code}.js`)).default;
}

/** The current language code ("en", "it", "ko"). */
export function language() { return current; }

/**
 * The text of `key` in the current language with `{name}` replaced from `values`. An unknown key
 * shows itself, so a forgotten entry is seen, never a blank.
 */
export function t(key, values = {}) {
  const text = messages[key] ?? en[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (whole, name) => (Object.hasOwn(values, name) ? String(values[name]) : whole));
}

/**
 * A sentence from a server or the library (they speak English) in the page's language: as it is in
 * English (it names the specific cause), else the catalogue's sentence for its code when there is one.
 */
export function serverText(message, key) {
  if (current === 'en' && message) return message;
  return key && Object.hasOwn(en, key) ? t(key) : (message ?? '');
}

/** The sentence for a call's end reason (by subCode in languages other than English). */
export function endReasonText(reason) {
  if (!reason) return t('end.0');
  return serverText(reason.message, `end.${reason.subCode}`);
}

/** The sentence for a library error (action errors by their reason in languages other than English). */
export function errorText(error) {
  return serverText(error?.message ?? String(error), error?.reason ? `error.${error.reason}` : null);
}

/** A date and time in the current language's conventions. */
export function formatDateTime(date, options = { dateStyle: 'medium', timeStyle: 'short' }) {
  return new Intl.DateTimeFormat(current, options).format(date instanceof Date ? date : new Date(date));
}

/** Fills every `data-i18n*` element under `root` (and `root` itself) from the catalogue. */
export function translate(root = globalThis.document) {
  if (!root?.querySelectorAll) return;
  const els = [...root.querySelectorAll('[data-i18n], [data-i18n-aria-label], [data-i18n-placeholder], [data-i18n-title]')];
  if (root.matches?.('[data-i18n], [data-i18n-aria-label], [data-i18n-placeholder], [data-i18n-title]')) els.push(root);
  for (const el of els) {
    if (el.dataset.i18n) el.textContent = t(el.dataset.i18n);
    if (el.dataset.i18nAriaLabel) el.setAttribute('aria-label', t(el.dataset.i18nAriaLabel));
    if (el.dataset.i18nPlaceholder) el.setAttribute('placeholder', t(el.dataset.i18nPlaceholder));
    if (el.dataset.i18nTitle) el.setAttribute('title', t(el.dataset.i18nTitle));
  }
}

/**
 * Switches to `code`: loads its catalogue, sets `<html lang>`, re-translates the page and tells the
 * page's code. `remember` keeps the choice for this browser.
 */
export async function setLanguage(code, { remember = false } = {}) {
  messages = await catalogue(code);
  current = code;
  if (remember) storage()?.setItem(STORAGE_KEY, code);
  const doc = globalThis.document;
  if (doc) {
    doc.documentElement.lang = code;
    translate(doc);
    for (const select of doc.querySelectorAll('select.language-switcher')) select.value = code;
  }
  globalThis.dispatchEvent?.(new Event('porta-languagechange'));
}

/** Chooses the language from the saved choice and the browser, and translates the page. */
export function startLanguages() {
  return setLanguage(chooseLanguage(globalThis.navigator?.languages ?? [], storage()?.getItem(STORAGE_KEY) ?? null));
}

/** A labelled language menu; a choice applies at once and is remembered in this browser. */
export function languageSwitcher() {
  const doc = globalThis.document;
  const label = doc.createElement('label');
  label.className = 'language';
  const text = doc.createElement('span');
  text.dataset.i18n = 'language.label';
  text.textContent = t('language.label');
  const select = doc.createElement('select');
  select.className = 'language-switcher';
  for (const [code, name] of Object.entries(LANGUAGES)) {
    const option = doc.createElement('option');
    option.value = code;
    option.lang = code;
    option.textContent = name;
    select.append(option);
  }
  select.value = current;
  select.addEventListener('change', () => { setLanguage(select.value, { remember: true }).catch(() => {}); });
  label.append(text, select);
  return label;
}
