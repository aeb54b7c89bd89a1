// Builds storymap/static/vendor/leaflet.js from entry.js and leaflet.css from Leaflet's own
// (run by `make leaflet`, after npm ci).
// The output starts with Leaflet's licence and a line naming the Leaflet version and the
// sha256 of entry.js and package-lock.json; tests/test_vendor_leaflet.py compares that line
// with the files, so a changed entry or lock without a rebuild fails the tests.
// Same inputs, same bytes: esbuild's output does not depend on time or paths.
import {createHash} from 'node:crypto';
import {readFileSync, writeFileSync} from 'node:fs';
import {dirname, join} from 'node:path';
import {fileURLToPath} from 'node:url';
import * as esbuild from 'esbuild';

const here = dirname(fileURLToPath(import.meta.url));
const [outScript, outStyles] = process.argv.slice(2);
if (!outScript || !outStyles) {
	console.error('usage: node build.mjs OUTPUT.js OUTPUT.css');
	process.exit(2);
}

const sha256 = (name) => createHash('sha256').update(readFileSync(join(here, name))).digest('hex');
const leaflet = JSON.parse(readFileSync(join(here, 'node_modules/leaflet/package.json'), 'utf8'));
const licence = readFileSync(join(here, 'node_modules/leaflet/LICENSE'), 'utf8').replace(/\r/g, '').trim();

const header = [
	'/* @license',
	` * Leaflet ${leaflet.version}, a JS library for interactive maps. https://leafletjs.com`,
	' * This file holds only the parts of it story pages use (tools/leaflet/entry.js).',
	' *',
	...licence.split('\n').map((line) => (line ? ` * ${line}` : ' *')),
	' */',
	`// leaflet ${leaflet.version}; entry.js sha256 ${sha256('entry.js')}; package-lock.json sha256 ${sha256('package-lock.json')}`,
].join('\n');

const result = await esbuild.build({
	entryPoints: [join(here, 'entry.js')],
	bundle: true,
	minify: true,
	format: 'iife',
	target: 'es2017',
	legalComments: 'none', // the one licence is the header above
	charset: 'ascii',
	write: false,
	logLevel: 'warning',
});
writeFileSync(outScript, header + '\n' + result.outputFiles[0].text);

// Selectors for what entry.js leaves out: markers and icons, SVG and VML vectors, image
// overlays, tooltips, the layers control, and old Internet Explorer (leaflet-oldie).
const LEFT_OUT = /leaflet-(marker-icon|marker-shadow|marker-draggable|marker-pane img|shadow-pane img|image-layer|vml|oldie|div-icon|tooltip(?!-pane)|control-layers|default-icon-path)|\.lvml|\bsvg\b/;

// Leaflet's style sheet without those selectors, and without a rule left with none. It is
// flat rules and one @media print block (kept whole); comments go, the rest is as written.
function trimStyles(source) {
	const text = source.replace(/\/\*[\s\S]*?\*\//g, '');
	const kept = [];
	let at = text.indexOf('{');
	let start = 0;
	while (at >= 0) {
		let end = at;
		for (let depth = 0; ; end++) {  // to the brace that closes this block
			depth += text[end] === '{' ? 1 : text[end] === '}' ? -1 : 0;
			if (depth === 0) {
				break;
			}
		}
		const prelude = text.slice(start, at).trim();
		const selectors = prelude.startsWith('@') ? [prelude] : prelude.split(',').map((s) => s.trim()).filter((s) => !LEFT_OUT.test(s));
		if (selectors.length) {
			kept.push(selectors.join(',\n') + ' ' + text.slice(at, end + 1));
		}
		start = end + 1;
		at = text.indexOf('{', start);
	}
	return kept.join('\n') + '\n';
}

// The same licence and build line, as a CSS comment.
const stylesHeader = header.replace(/\n \*\/\n\/\/ (.*)$/, '\n *\n * $1\n */');
const styles = readFileSync(join(here, 'node_modules/leaflet/dist/leaflet.css'), 'utf8');
writeFileSync(outStyles, stylesHeader + '\n' + trimStyles(styles));
