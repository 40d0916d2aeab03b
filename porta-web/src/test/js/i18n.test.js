// SPDX-License-Identifier: Apache-2.0
// The pages' languages: every catalogue has every key of the English one (with the same {values}),
// and no text a person reads is written into the pages' HTML or scripts outside the catalogues.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { LANGUAGES, catalogue, chooseLanguage } from '../../main/resources/web/app/i18n.js';

const web = (path) => fileURLToPath(new URL(`../../main/resources/web/${path}`, import.meta.url));
// The sample portal's guest page draws its texts from these catalogues too.
const portal = (path) => fileURLToPath(new URL(`../../../../porta-sample-portal/src/main/resources/portal/${path}`, import.meta.url));
const PAGES = [web('app/index.html'), portal('visit.html')].filter(existsSync);
const SCRIPTS = [web('app/app.js'), web('app/meeting-view.js'), web('app/prejoin.js'), web('app/i18n.js'), portal('portal.js')].filter(existsSync);

const placeholders = (text) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

/** Strings written in a script: '…', "…" and `…` (with ${…} parts removed), comments skipped. */
function literals(source) {
  const found = [];
  const re = /\/\/[^\n]*|\/\*[\s\S]*?\*\/|'(?:\\.|[^'\\\n])*'|"(?:\\.|[^"\\\n])*"|`(?:\\.|\$\{[^}]*\}|[^`\\])*`|\/(?![*/])(?:\\.|\[[^\]\n]*\]|[^/\\\n])+\/[gimsuy]*(?=\s*[.,;)])/g;
  for (const m of source.matchAll(re)) {
    const s = m[0];
    if (s.startsWith('//') || s.startsWith('/*') || s.startsWith('/')) continue;
    found.push(s.slice(1, -1).replace(/\$\{[^}]*\}/g, ''));
  }
  return found;
}

// Names of the protocol, the library's API and HTTP that look like words but are nobody's text.
const TECHNICAL = new Set(['Connecting', 'InLobby', 'Connected', 'Disconnecting', 'Disconnected', 'Organizer', 'Presenter',
  'Attendee', 'Consumer', 'Unknown', 'Video', 'ScreenSharing', 'Crop', 'Fit', 'Bearer', 'Authorization', 'Content-Type',
  'SHA-256', "JoinWebUrl eq ''"]);

/** A literal reads as text for people: a capitalised word, or two words or more. */
function readsAsText(s) {
  const trimmed = s.trim();
  if (!trimmed || TECHNICAL.has(trimmed) || /^https?:|^urn:|^[./]/.test(trimmed)) return false;
  if (/^(\w+\s?[.#>[\],:=()'"-]*\s*)+$/.test(trimmed) && trimmed === trimmed.toLowerCase()) return false; // classes, selectors, keys
  return /^[A-Z][a-z]/.test(trimmed) || /[A-Za-z]{2,}[ ,]+[A-Za-z]{2,}/.test(trimmed);
}

describe('Languages', () => {
  test('English, Italian and Korean are shipped', () => {
    assert.deepEqual(Object.keys(LANGUAGES), ['en', 'it', 'ko']);
  });

  test('every language has every key of the English catalogue, with the same values to fill in, and no other', async () => {
    const en = await catalogue('en');
    for (const code of Object.keys(LANGUAGES)) {
      const messages = await catalogue(code);
      const missing = Object.keys(en).filter((k) => !Object.hasOwn(messages, k));
      const extra = Object.keys(messages).filter((k) => !Object.hasOwn(en, k));
      assert.deepEqual(missing, [], `${code} lacks ${missing.join(', ')}`);
      assert.deepEqual(extra, [], `${code} has keys English lacks: ${extra.join(', ')}`);
      for (const [key, text] of Object.entries(messages)) {
        assert.ok(typeof text === 'string' && text.trim(), `${code} ${key} is empty`);
        assert.deepEqual(placeholders(text), placeholders(en[key]), `${code} ${key} fills other values than English`);
      }
    }
  });

  test('Italian and Korean are translations, not copies of the English', async () => {
    const en = await catalogue('en');
    for (const code of ['it', 'ko']) {
      const messages = await catalogue(code);
      const same = Object.keys(en).filter((k) => messages[k] === en[k] && !/^(Chat|Wow|Porta.*)$/.test(en[k]));
      assert.ok(same.length <= 3, `${code} repeats English for ${same.join(', ')}`);
    }
  });

  test('every key a page or script asks for exists in English', async () => {
    const en = await catalogue('en');
    for (const file of [...PAGES, ...SCRIPTS]) {
      const source = readFileSync(file, 'utf8');
      const asked = [...source.matchAll(/data-i18n(?:-[a-z-]+)?="([^"]+)"|\b(?:t|tx)\('([a-zA-Z0-9.]+)'|'data-i18n(?:-[a-z-]+)?': '([a-zA-Z0-9.]+)'/g)]
        .map((m) => m[1] ?? m[2] ?? m[3]);
      const unknown = asked.filter((k) => !Object.hasOwn(en, k));
      assert.deepEqual(unknown, [], `${file} asks for unknown keys`);
    }
  });

  test('the pages write no text outside the catalogues', () => {
    for (const file of PAGES) {
      const html = readFileSync(file, 'utf8').replace(/<!--[\s\S]*?-->/g, '').replace(/<(script|style|title)[\s\S]*?<\/\1>/g, '');
      // Each run of text with the opening tag before it: the tag must say which key fills it.
      const hardCoded = [...html.matchAll(/<([a-z0-9]+)([^>]*)>([^<]+)/g)]
        .filter(([, , attrs, text]) => text.trim() && !/data-i18n=/.test(attrs))
        .map(([, tag, , text]) => `<${tag}> ${text.trim()}`)
        .filter((s) => !/^<(strong|div)> (Porta|Contoso)$/.test(s));
      assert.deepEqual(hardCoded, [], `${file} has text outside the catalogues`);
    }
  });

  test('the scripts write no text outside the catalogues', () => {
    for (const file of SCRIPTS) {
      // Language names are written in their own language on purpose (each person finds their own).
      const hardCoded = literals(readFileSync(file, 'utf8')).filter(readsAsText).filter((s) => !Object.values(LANGUAGES).includes(s));
      assert.deepEqual(hardCoded, [], `${file} has text outside the catalogues`);
    }
  });

  test('the language comes from a saved choice, else the first the browser prefers that Porta speaks, else English', () => {
    assert.equal(chooseLanguage(['ko-KR', 'en-US'], null), 'ko');
    assert.equal(chooseLanguage(['fr-FR', 'it-IT'], null), 'it');
    assert.equal(chooseLanguage(['fr-FR'], null), 'en');
    assert.equal(chooseLanguage(['ko-KR'], 'it'), 'it');
    assert.equal(chooseLanguage(['ko-KR'], 'xx'), 'ko');
  });
});
