/*
 * The advisers' page (matcher/www/) in a real browser, against the real
 * matcherd and a real redis-server: headless Debian chromium driven by
 * playwright-core.  The tests run in order and share one daemon, one
 * candidathèque and one browser; each scenario builds on the previous one,
 * as an adviser's morning would.  The page is signed in to with the token
 * of an adviser of every sector (servers.mjs writes the users file); the
 * first and last scenarios are about signing in and out.
 *
 *   node --test tests/e2e/        (see tests/e2e/README.md)
 *
 * Screenshots of the offer page are saved to
 * $MATCHERD_BUILD_DIR/e2e-artifacts/offer.png (the first screen) and
 * offer-full.png (the whole page), of a candidate with their audit trail
 * to candidate.png, of an offer's map to offer-map.png, and one per tab
 * for a failed test.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { chromium } from 'playwright-core';

import {
	ADMIN_TOKEN, ADVISER, ADVISER_TOKEN, BUILD_DIR, PREFIX, Matcherd, Redis, apiCall,
	mkTmp, sleep, tokenOf,
} from './servers.mjs';

const CHROMIUM = process.env.MATCHERD_CHROMIUM || '/usr/bin/chromium';
const ARTIFACTS = path.join(BUILD_DIR, 'e2e-artifacts');
const UI_TIMEOUT_MS = 15000;

/* The offers of the scenario. */
const OLD_OFFER = 'o-e2e-smm-manoeuvres';
const OFFER = 'o-e2e-coffreurs';
const BEST = 'c-dk-best';
const SECOND = 'c-dk-01';	/* another one, taken to "non retenu" */
const REASON = 'Pas de CACES R482 <b>ni</b> de permis C';
const TRICKY_EMPLOYER = 'Bouygues <b>TP</b> & fils';
/* The identity of BEST (never in a match result), and of NAMED. */
const BEST_ID = {
	first_name: 'Zéphirine',
	last_name: "N'Diaye <b>Lefèvre</b>",
	phone: '+33 6 98 76 54 32',
	email: 'zephirine.ndiaye@example.fr',
};
const BEST_NAME = BEST_ID.first_name + ' ' + BEST_ID.last_name;
const NAMED = 'c-dk-03';	/* suggested until the end */
const NAMED_NAME = 'Amandine Carpentier';
const TOKEN_KEY = 'matcherd.token';	/* the page's sessionStorage key */
const TOKEN_LABEL = "Jeton d'accès";

let tmp;
let redis;
let daemon;
let browserDir;
let context;
let page;		/* the adviser's tab */
let stalePage;		/* a second tab, left behind on purpose */
const pageErrors = [];
const consoleLines = [];	/* of every tab: no token may be in them */
const requestUrls = [];		/* likewise */
let postedResult;	/* the match result of OFFER, from the API */
let anyFailed = false;

/* ------------------------------------------------------------------------
 * Data: ~30 handcrafted candidates of the Bâtiment candidathèque
 * ---------------------------------------------------------------------- */

function candidate(id, fields = {}) {
	return {
		sectors: ['batiment'],
		jobs: [{ rome: 'F1701', months: 24 }],
		skills: ['sst'],
		licences: ['B'],
		vehicle: true,
		level: 3,
		commune: '59183',	/* Dunkerque */
		radius_km: 30,
		criteria: ['deld'],
		...fields,
	};
}

/* Communes of the Dunkerque area, a few km from the offer. */
const NEAR = ['59271', '59155', '59131', '59067', '59359', '59273', '59094'];

function candidates() {
	const list = [];
	/* Clearly the best: exact job, long experience, on site, every wanted
	 * skill, priority public, nothing against them. */
	list.push([BEST, candidate(BEST, {
		jobs: [{ rome: 'F1701', months: 120 }],
		skills: ['cqp-coffreur-bancheur', 'oppbtp', 'sst'],
		level: 4,
		criteria: ['deld', 'rsa', 'qpv'],
		adviser: 'Conseillère <i>BTP</i>',
		...BEST_ID,
	})]);
	/* Twenty eligible ones, each with something less. */
	for (let i = 1; i <= 20; i++) {
		const id = 'c-dk-' + String(i).padStart(2, '0');
		list.push([id, candidate(id, {
			jobs: [{ rome: i % 3 === 0 ? 'F1704' : 'F1701',
			    months: 6 + i * 4 }],
			skills: i % 2 ? ['oppbtp'] : ['sst'],
			commune: NEAR[i % NEAR.length],
			criteria: i % 4 === 0 ? ['rsa'] : ['deld'],
			licences: i % 5 === 0 ? [] : ['B'],
			vehicle: i % 5 !== 0,
			barriers: i % 7 === 0 ? ['garde_enfants'] : [],
			...(id === NAMED ? { first_name: 'Amandine',
			    last_name: 'Carpentier' } : {}),
		})]);
	}
	/* Nine that the hard filters exclude. */
	const excluded = [
		['c-dk-placed-1', { status: 'placed' }],
		['c-dk-placed-2', { status: 'training' }],
		['c-dk-cuisine-1', { jobs: [{ rome: 'G1602', months: 30 }] }],
		['c-dk-cuisine-2', { jobs: [{ rome: 'G1602', months: 3 }] }],
		['c-dk-cdd-1', { contracts: ['cdd'] }],
		['c-dk-cdd-2', { contracts: ['cdd', 'interim'] }],
		['c-dk-later', { available_from: '2099-01-04' }],
		['c-dk-calais', { commune: '62193', radius_km: 15 }],
		['c-dk-lille', { commune: '59350', radius_km: 30 }],
	];
	for (const [id, fields] of excluded)
		list.push([id, candidate(id, fields)]);
	return list;
}

function offer(id, fields = {}) {
	return {
		id,
		source: 'pole_emploi',
		title: 'Coffreur bancheur (H/F)',
		rome: 'F1701',
		employer: 'Bouygues TP',
		commune: '59183',
		contract: 'cdi',
		level_min: 3,
		experience_months: 12,
		skills_wanted: ['cqp-coffreur-bancheur', 'oppbtp'],
		...fields,
	};
}

/* ------------------------------------------------------------------------
 * Helpers
 * ---------------------------------------------------------------------- */

/* The API as the adviser the page signs in as (token null: as nobody). */
async function api(method, route, body, token = ADVISER_TOKEN) {
	return apiCall(daemon.base, method, route, body, token);
}

/* A request made from the page itself, with no Authorization header. */
function pageFetch(p, route) {
	return p.evaluate(async (r) => {
		const res = await fetch(r, { headers: { Accept: 'application/json' } });
		return { status: res.status, body: await res.text(),
		    challenge: res.headers.get('WWW-Authenticate') };
	}, route);
}

function storedToken(p) {
	return p.evaluate((key) => sessionStorage.getItem(key), TOKEN_KEY);
}

/* Sign in through the form, as an adviser would: type, then Enter. */
async function signIn(p, token = ADVISER_TOKEN) {
	const field = p.getByLabel(TOKEN_LABEL);
	await field.fill(token);
	await field.press('Enter');
	await p.locator('#account-name').waitFor();
}

function refStatus(offerId, cand) {
	return redis.cli('HGET', `${PREFIX}:{batiment}:ref:${offerId}`, cand);
}

function card(p, cand) {
	return p.locator(`#offer-detail li.card[data-candidate="${cand}"]`);
}

async function buttonNames(locator) {
	return (await locator.locator('button').allTextContents())
	    .map((s) => s.trim());
}

async function newPage() {
	const p = await context.newPage();
	p.on('pageerror', (e) => pageErrors.push(e.message));
	p.on('console', (m) => consoleLines.push(m.text()));
	p.on('request', (r) => requestUrls.push(r.url()));
	return p;
}

async function openOfferFromList(p) {
	await p.locator(`#offer-list li[data-offer-id="${OFFER}"] a`).click();
	await card(p, BEST).waitFor();
}

/* A test whose failure leaves a screenshot of every open tab. */
function scenario(name, fn) {
	test(name, async () => {
		try {
			await fn();
		} catch (err) {
			anyFailed = true;
			const slug = name.replace(/[^a-z0-9]+/gi, '-').slice(0, 60);
			for (const [i, p] of (context ? context.pages() : []).entries())
				await p.screenshot({ path: path.join(ARTIFACTS,
				    `failure-${slug}-${i}.png`), fullPage: true })
				    .catch(() => {});
			throw err;
		}
	});
}

/* ------------------------------------------------------------------------
 * Set-up and tear-down
 * ---------------------------------------------------------------------- */

before(async () => {
	fs.mkdirSync(ARTIFACTS, { recursive: true });
	assert.ok(fs.existsSync(CHROMIUM), CHROMIUM + ' is missing ' +
	    '(Debian package chromium; scripts/test installs it)');
	tmp = mkTmp('matcherd-e2e-');
	redis = await new Redis(tmp).start();
	daemon = await new Matcherd(redis, tmp).start();
	for (const [id, rec] of candidates()) {
		const r = await api('PUT', '/api/candidates/' + id, rec);
		assert.equal(r.status, 201, `PUT ${id}: ${JSON.stringify(r.data)}`);
	}
	const old = await api('POST', '/api/offers', offer(OLD_OFFER, {
		title: 'Manœuvre BTP (H/F)', rome: 'F1704', employer: 'SMM',
		contract: 'aide', skills_wanted: [],
	}));
	assert.equal(old.status, 200, JSON.stringify(old.data));
	/* created_at is in seconds: the next offer must be newer. */
	while (Math.floor(Date.now() / 1000) <= old.data.scored_at)
		await sleep(50);
	browserDir = mkTmp('matcherd-e2e-chromium-');
	context = await chromium.launchPersistentContext(browserDir, {
		executablePath: CHROMIUM,
		headless: true,
		locale: 'fr-FR',
		timezoneId: 'Europe/Paris',
		viewport: { width: 1366, height: 900 },
		args: ['--no-sandbox', '--disable-gpu', '--disable-quic',
			'--no-first-run', '--disable-background-networking',
			'--disable-component-update', '--disable-sync'],
	});
	context.setDefaultTimeout(UI_TIMEOUT_MS);
	page = await newPage();
});

after(async () => {
	if (context)
		await context.close().catch(() => {});
	const failed = [];
	if (daemon) {
		const st = await daemon.stop();
		if (!st || st.code !== 0)
			failed.push('matcherd exited with ' + JSON.stringify(st));
		if (daemon.sanitizerReport())
			failed.push('sanitizer report in the matcherd log');
	}
	if (redis)
		await redis.stop();
	const keep = process.env.MATCHERD_KEEP_TMP === '1';
	if (failed.length || anyFailed)
		process.stderr.write('--- matcherd log ---\n' +
		    (daemon ? daemon.log() : '') + '\n');
	if (browserDir)
		fs.rmSync(browserDir, { recursive: true, force: true });
	if (tmp && !keep)
		fs.rmSync(tmp, { recursive: true, force: true });
	assert.deepEqual(failed, [], 'matcherd did not stop cleanly');
});

/* ------------------------------------------------------------------------
 * Scenarios
 * ---------------------------------------------------------------------- */

scenario('without a token the page shows the sign-in form, and the API ' +
    'answers 401', async () => {
	const apiRequests = [];
	const track = (r) => {
		if (new URL(r.url()).pathname.startsWith('/api/'))
			apiRequests.push(r.url());
	};
	page.on('request', track);
	await page.goto(daemon.base + '/#/offres/batiment');
	const form = page.locator('#signin-form');
	await form.waitFor();
	await form.getByRole('heading', { name: 'Connexion' }).waitFor();
	const field = page.getByLabel(TOKEN_LABEL);
	assert.equal(await field.getAttribute('type'), 'password');
	assert.equal(await page.evaluate(() => document.activeElement.id),
	    'signin-token', 'the field has the focus');
	assert.ok(await page.getByRole('button', { name: 'Se connecter' })
	    .isVisible());
	/* Nothing of the advisers' views until signed in. */
	for (const id of ['#views-nav', '#sector-picker', '#live', '#account',
	    '#view-offers'])
		assert.ok(await page.locator(id).isHidden(), id + ' hidden');
	await sleep(300);
	page.off('request', track);
	assert.deepEqual(apiRequests, [], 'no API call without a token');
	assert.equal(await storedToken(page), null);

	/* The API refuses the page's own request without a token... */
	const inPage = await pageFetch(page, '/api/offers?sector=batiment');
	assert.equal(inPage.status, 401);
	assert.equal(JSON.parse(inPage.body).error.code, 'unauthenticated');
	assert.equal(inPage.challenge, 'Bearer realm="matcherd"');
	/* ...and the event stream, without the session's cookie. */
	assert.equal((await pageFetch(page, '/api/events')).status, 401);
	/* So does it from here; with the adviser's token it answers. */
	const none = await api('GET', '/api/stats', undefined, null);
	assert.equal(none.status, 401);
	assert.equal(none.data.error.code, 'unauthenticated');
	assert.equal(none.headers.get('www-authenticate'),
	    'Bearer realm="matcherd"');
	assert.equal((await api('GET', '/api/stats')).status, 200);
});

scenario('a wrong token shows "Jeton inconnu"', async () => {
	const field = page.getByLabel(TOKEN_LABEL);
	const error = page.locator('#signin-error');
	/* Nothing typed: said, and nothing sent. */
	await page.getByRole('button', { name: 'Se connecter' }).click();
	await assertEventually(async () => /Saisissez/.test(
	    await error.textContent()), 'the empty field refused');

	const refused = page.waitForResponse((res) =>
	    res.url().endsWith('/api/session'));
	await field.fill(tokenOf('nobody'));
	await field.press('Enter');
	assert.equal((await refused).status(), 401);
	await assertEventually(async () => /Jeton inconnu/.test(
	    await error.textContent()), '"Jeton inconnu" shown');
	assert.equal(await field.getAttribute('aria-invalid'), 'true');
	assert.ok(await page.locator('#account').isHidden());
	assert.equal(await storedToken(page), null);

	/* A token kept by the tab that the server no longer takes: the form
	 * again, the token forgotten. */
	await page.evaluate(([key, t]) => sessionStorage.setItem(key, t),
	    [TOKEN_KEY, tokenOf('revoked')]);
	await page.reload();
	await assertEventually(async () => /Reconnectez-vous/.test(
	    await error.textContent()), 'a refused session sends back to the form');
	assert.ok(await page.locator('#signin-form').isVisible());
	assert.equal(await storedToken(page), null);
});

scenario('a new offer appears at the top of the list without a reload',
    async () => {
	await page.goto(daemon.base + '/');
	await signIn(page);
	assert.equal(await page.evaluate(() => document.activeElement.id),
	    'main', 'the focus goes to the content once signed in');
	await page.selectOption('#sector', 'batiment');
	await page.locator(`#offer-list li[data-offer-id="${OLD_OFFER}"]`)
	    .waitFor();
	await page.locator('#live[data-state="on"]').waitFor();
	await page.evaluate(() => { window.e2eSamePage = true; });

	const r = await api('POST', '/api/offers', offer(OFFER,
	    { employer: TRICKY_EMPLOYER }));
	assert.equal(r.status, 200, JSON.stringify(r.data));
	postedResult = r.data;
	assert.equal(postedResult.suggestions[0].candidate, BEST,
	    'the data make ' + BEST + ' first');

	const first = page.locator('#offer-list > li').first();
	await assertEventually(async () =>
	    (await first.getAttribute('data-offer-id')) === OFFER,
	    'the new offer first in the list');
	assert.equal(await page.locator('#offer-list > li').count(), 2);
	assert.match(await first.textContent(), /Nouvelle/);
	/* The API's strings are text, never markup. */
	assert.match(await first.textContent(), /Bouygues <b>TP<\/b> & fils/);
	assert.equal(await first.locator('b').count(), 0);
	assert.equal(await page.evaluate(() => window.e2eSamePage), true,
	    'the page was not reloaded');
});

scenario('the offer shows the expected first candidate, scores and exclusions',
    async () => {
	await openOfferFromList(page);
	assert.match(page.url(), new RegExp('#/offres/batiment/' + OFFER + '$'));
	const first = page.locator('#suggestions > li').first();
	assert.equal(await first.getAttribute('data-candidate'), BEST);
	assert.equal((await first.locator('.rank').textContent()).trim(), '1');
	const best = postedResult.suggestions[0];
	assert.match(await first.locator('.score').textContent(),
	    new RegExp(best.score.toFixed(1).replace('.', ',') + ' / 100'));
	assert.deepEqual(
	    (await first.locator('.bar-label').allTextContents()),
	    ['Métier', 'Expérience', 'Distance', 'Compétences', 'Niveau',
		'Public prioritaire', 'Équité', 'Freins']);
	assert.deepEqual(await first.locator('.reasons li').allTextContents(),
	    best.reasons);
	assert.equal(await first.locator('.status-badge').textContent(),
	    'Suggérée');
	assert.equal(await page.locator('#suggestions > li').count(),
	    postedResult.suggestions.length);

	const counts = await page.locator('#match-counts').textContent();
	assert.match(counts, new RegExp(postedResult.considered +
	    ' candidats considérés, ' + postedResult.eligible + ' éligibles'));
	assert.equal(postedResult.considered, 30);
	for (const [key, name] of [['status', 'Statut'], ['rome', 'Métier'],
	    ['contract', 'Contrat'], ['availability', 'Disponibilité'],
	    ['distance', 'Distance'], ['already_referred', 'Déjà positionné']]) {
		const li = page.locator(`.excluded li[data-filter="${key}"]`);
		assert.equal(await li.locator('.excluded-name').textContent(), name);
		assert.equal(await li.locator('.excluded-count').textContent(),
		    String(postedResult.excluded[key] || 0), key);
	}
	/* What an adviser sees at first (1366 x 900), and the whole page. */
	await page.screenshot({ path: path.join(ARTIFACTS, 'offer.png') });
	await page.screenshot({ path: path.join(ARTIFACTS, 'offer-full.png'),
	    fullPage: true });
});

scenario('validating a referral in the page writes it to Redis', async () => {
	/* A second tab opens the offer now, and is left behind: its live
	 * stream is cut, or the referral event would bring it up to date. */
	stalePage = await newPage();
	await stalePage.route('**/api/events?*', (r) => r.abort());
	await stalePage.goto(`${daemon.base}/#/offres/batiment/${OFFER}`);
	/* sessionStorage is the tab's: a new tab signs in too. */
	await signIn(stalePage);
	await card(stalePage, BEST).waitFor();
	/* A background tab's animation frames are throttled: the tab acted
	 * in comes to the front. */
	await page.bringToFront();

	const c = card(page, BEST);
	assert.deepEqual(await buttonNames(c), ['Valider', 'Retirer']);
	const t0 = Math.floor(Date.now() / 1000);
	await c.getByRole('button', { name: 'Valider' }).click();
	await c.locator('.status-badge', { hasText: 'Validée' }).waitFor();
	assert.deepEqual(await buttonNames(c),
	    ["Envoyer à l'employeur", 'Retirer']);
	await page.locator('#flash[data-kind="ok"]').waitFor();

	const value = refStatus(OFFER, BEST);
	const m = /^validated:(\d+)$/.exec(value);
	assert.ok(m, 'Redis holds ' + JSON.stringify(value));
	assert.ok(Math.abs(Number(m[1]) - t0) <= 60, value);
});

scenario('an illegal move from a stale tab shows the server\'s refusal',
    async () => {
	await stalePage.bringToFront();
	const c = card(stalePage, BEST);
	/* This tab still believes the referral is only suggested. */
	assert.equal(await c.locator('.status-badge').textContent(), 'Suggérée');
	const refused = stalePage.waitForResponse((res) =>
	    res.request().method() === 'PATCH');
	await c.getByRole('button', { name: 'Valider' }).click();
	assert.equal((await refused).status(), 409);

	/* What the server says to the same illegal request (nothing moves). */
	const again = await api('PATCH', `/api/referrals/${OFFER}/${BEST}`,
	    { status: 'validated' });
	assert.equal(again.status, 409);
	const flash = stalePage.locator('#flash[data-kind="error"]');
	await flash.waitFor();
	const text = await flash.locator('#flash-text').textContent();
	assert.ok(text.startsWith('Action refusée par le serveur : '), text);
	assert.ok(text.includes(again.data.error.message), text);
	assert.equal(await flash.getAttribute('role'), 'alert');

	/* The tab then shows what the server holds; the message stays. */
	await c.locator('.status-badge', { hasText: 'Validée' }).waitFor();
	assert.ok(await flash.isVisible());
	assert.match(refStatus(OFFER, BEST), /^validated:/);
});

scenario('a referral goes along to "non retenu" with its reason, one click ' +
    'per step', async () => {
	await page.bringToFront();
	const c = card(page, SECOND);
	for (const [action, status] of [['Valider', 'Validée'],
	    ["Envoyer à l'employeur", "Envoyée à l'employeur"],
	    ['Entretien', 'Entretien']]) {
		await c.getByRole('button', { name: action, exact: true }).click();
		await c.locator('.status-badge', { hasText: status }).waitFor();
	}
	assert.deepEqual(await buttonNames(c),
	    ['Recruté', 'Non retenu', 'Retirer']);

	/* No reason: the page asks for one and sends nothing. */
	let patched = 0;
	const count = (req) => { if (req.method() === 'PATCH') patched++; };
	page.on('request', count);
	await c.getByRole('button', { name: 'Non retenu' }).click();
	await page.locator('#flash[data-kind="error"]', { hasText: 'motif' })
	    .waitFor();
	assert.equal(patched, 0);
	page.off('request', count);
	assert.match(refStatus(OFFER, SECOND), /^interview:/);

	await c.getByLabel(/Note/).fill(REASON);
	await c.getByRole('button', { name: 'Non retenu' }).click();
	await c.locator('.status-badge', { hasText: 'Non retenu' }).waitFor();
	assert.equal(await c.locator('button').count(), 0);
	assert.match(await c.textContent(), /Étape finale/);
	assert.match(refStatus(OFFER, SECOND), /^not_retained:\d+$/);
	const last = redis.cli('LINDEX', `${PREFIX}:{batiment}:refhist:${OFFER}`,
	    '-1');
	/* at|candidate|from|to|user|note: the adviser who moved it. */
	assert.ok(last.endsWith(`|${SECOND}|interview|not_retained|${ADVISER}|` +
	    REASON), last);

	/* Its history opens under the card: every move, by whom, why. */
	const hist = c.locator('details.referral-history');
	await hist.locator('summary').click();
	const moves = hist.locator('li.history-move');
	await assertEventually(async () => await moves.count() === 4,
	    'four moves listed');
	const lastMove = await moves.nth(3).textContent();
	assert.match(lastMove, /Entretien → Non retenu/);
	assert.ok(lastMove.includes('par ' + ADVISER), lastMove);
	assert.ok(lastMove.includes(REASON), lastMove);
});

scenario('a referral with no answer for 30 days shows « sans réponse »',
    async () => {
	const key = `${PREFIX}:{batiment}:ref:${OFFER}`;
	const before = redis.cli('HGET', key, 'c-dk-02');
	assert.match(before, /^suggested:\d+$/);
	const old = Math.floor(Date.now() / 1000) - 31 * 86400;
	redis.cli('HSET', key, 'c-dk-02', `suggested:${old}`);
	await page.reload();
	const c = card(page, 'c-dk-02');
	await c.locator('.badge-stale', { hasText: 'sans réponse' }).waitFor();
	assert.equal(await c.locator('.badge-stale').getAttribute('title'),
	    '31 jours sans mouvement');
	assert.equal(await card(page, BEST).locator('.badge-stale').count(), 0);
	/* Put back as it was: the scenarios after count on it. */
	redis.cli('HSET', key, 'c-dk-02', before);
	await page.reload();
	await card(page, 'c-dk-02').waitFor();
	assert.equal(await card(page, 'c-dk-02').locator('.badge-stale')
	    .count(), 0);
});

scenario('after a reload, every status is the server\'s', async () => {
	await page.reload();
	await card(page, BEST).waitFor();
	const best = card(page, BEST);
	assert.equal(await best.locator('.status-badge').textContent(), 'Validée');
	assert.deepEqual(await buttonNames(best),
	    ["Envoyer à l'employeur", 'Retirer']);
	assert.equal(await card(page, SECOND).locator('.status-badge')
	    .textContent(), 'Non retenu·e');
	assert.equal(await card(page, 'c-dk-02').locator('.status-badge')
	    .textContent(), 'Suggérée');
});

scenario('the match can be run again from the page', async () => {
	const responded = page.waitForResponse((res) =>
	    res.request().method() === 'POST' &&
	    res.url().endsWith(`/api/offers/${OFFER}/match`));
	await page.getByRole('button', { name: 'Relancer le matching' }).click();
	const res = await responded;
	assert.equal(res.status(), 200);
	const result = await res.json();
	/* The two moved referrals are no longer suggested... */
	assert.equal(result.excluded.already_referred, 2);
	await assertEventually(async () => (await page
	    .locator('.excluded li[data-filter="already_referred"] .excluded-count')
	    .textContent()) === '2', 'already_referred shown as 2');
	/* ...and still listed, apart, with their status. */
	const others = page.locator('#offer-detail .other-referrals');
	await others.locator(`li[data-candidate="${BEST}"]`).waitFor();
	assert.equal(await others.locator(`li[data-candidate="${BEST}"] ` +
	    '.status-badge').textContent(), 'Validée');
	assert.notEqual(await page.locator('#suggestions > li').first()
	    .getAttribute('data-candidate'), BEST);
});

scenario('the candidathèque pages and filters on the server',
    async () => {
	await page.getByRole('link', { name: 'Candidathèque' }).click();
	await page.locator('#candidate-rows tr').first().waitFor();
	await page.selectOption('#f-page', '20');
	const rows = () => page.locator('#candidate-rows tr').count();
	const range = () => page.locator('#candidates-range').textContent();
	await assertEventually(async () => (await range()) === '1\u201320 sur 30',
	    'a first page of 20');
	assert.equal(await rows(), 20);
	await page.getByRole('button', { name: 'Page suivante' }).click();
	await assertEventually(async () => (await range()) === '21\u201330 sur 30',
	    'the second page');
	assert.equal(await rows(), 10);
	assert.ok(await page.getByRole('button', { name: 'Page suivante' })
	    .isDisabled());

	/* Each filter asks the server again, from the first page. */
	const total = () => page.locator('#candidates-total').textContent();
	const shows = (n) => assertEventually(async () => (await total()) ===
	    (n === 1 ? '1 personne' : n + ' personnes') && (await rows()) === n,
	    n + ' shown');
	await page.getByLabel('Métier (code ROME ou domaine)').fill('G1602');
	await shows(2);
	await page.getByLabel('Métier (code ROME ou domaine)').fill('');
	await page.getByLabel('Commune (code INSEE)').fill('62193');
	await page.getByLabel('À moins de (km)').fill('10');
	await shows(1);
	/* The reset puts "Par page" back to 50 too. */
	await page.getByRole('button', { name: 'Effacer les filtres' }).click();
	await shows(30);
	await page.getByLabel('Statut').selectOption('placed');
	await shows(1);
	await page.getByLabel('Statut').selectOption('');
	await page.getByLabel('Critère').selectOption('qpv');
	await shows(1);
	await page.getByLabel('Disponible au').fill('2030-01-01');
	await shows(1);
	await page.getByLabel('Critère').selectOption('');
	await assertEventually(async () => (await total()) === '29 personnes',
	    '29 available by 2030');

	await page.locator(`#candidate-rows a`, { hasText: BEST }).click();
	await page.locator('#candidate-title', { hasText: BEST }).waitFor();
	const ref = page.locator(`#candidate-referrals tr[data-offer-id="${OFFER}"]`);
	await ref.waitFor();
	assert.match(await ref.textContent(), /Validée/);
	assert.match(await page.locator('#candidate-detail').textContent(),
	    /Conseillère <i>BTP<\/i>/);
	assert.equal(await page.locator('#candidate-detail i').count(), 0);
	/* From there, back to the offer. */
	await ref.locator('a').click();
	await card(page, BEST).waitFor();
});

scenario('the adviser sees the person\'s name beside the id, in the offer, ' +
    'the candidate view and the candidathèque', async () => {
	/* On the offer: BEST among the other referrals, NAMED suggested. */
	const best = card(page, BEST).locator('a.candidate-link');
	await best.locator('.person-name').waitFor();
	assert.equal(await best.locator('.person-name').textContent(), BEST_NAME);
	assert.equal(await best.locator('.candidate-id').textContent(), BEST);
	assert.equal(await best.locator('b').count(), 0, 'text, not markup');
	const named = page.locator(`#suggestions li[data-candidate="${NAMED}"] ` +
	    'a.candidate-link');
	await named.locator('.person-name', { hasText: NAMED_NAME }).waitFor();
	assert.equal(await card(page, 'c-dk-02').locator('.person-name').count(),
	    0, 'no identity: the id alone');
	/* The names came from candidate.get: no result carries one. */
	const stored = await api('GET', '/api/offers/' + OFFER);
	for (const text of [JSON.stringify(postedResult),
	    JSON.stringify(stored.data)])
		for (const secret of ['Zéphirine', 'Carpentier', '98 76',
		    'example.fr'])
			assert.ok(!text.includes(secret), 'a result names ' + secret);

	/* The candidate view: the name, the id and how to reach the person. */
	await best.click();
	await page.locator('#candidate-title', { hasText: BEST_NAME }).waitFor();
	assert.equal(await page.locator('#candidate-title').textContent(),
	    BEST_NAME + ' (' + BEST + ')');
	const facts = page.locator('#candidate-detail .facts');
	await facts.waitFor();
	const fact = (name) => facts.locator('div', {
		has: page.locator('dt', { hasText: new RegExp('^' + name + '$') }),
	}).locator('dd');
	assert.equal(await fact('Prénom').textContent(), BEST_ID.first_name);
	assert.equal(await fact('Nom').textContent(), BEST_ID.last_name);
	assert.equal(await fact('Identifiant').textContent(), BEST);
	const phone = fact('Téléphone').locator('a');
	assert.equal(await phone.textContent(), BEST_ID.phone);
	assert.equal(await phone.getAttribute('href'), 'tel:+33698765432');
	const email = fact('Courriel').locator('a');
	assert.equal(await email.textContent(), BEST_ID.email);
	assert.equal(await email.getAttribute('href'),
	    'mailto:' + BEST_ID.email);
	assert.equal(await page.locator('#candidate-detail b').count(), 0);

	/* The candidathèque: names in the rows, and found by name. */
	const byName = 'Nom ou prénom (page affichée)';
	await page.locator('#candidate-back').click();
	await page.locator('#candidate-rows tr').first().waitFor();
	const rows = () => page.locator('#candidate-rows tr').count();
	await page.getByLabel(byName).fill('zephirine');
	await assertEventually(async () => (await rows()) === 1,
	    'one person found by name');
	assert.equal(await page.locator('#candidate-rows .person-name')
	    .textContent(), BEST_NAME);
	await page.getByLabel(byName).fill('CARPENTIER');
	assert.equal(await page.locator('#candidate-rows tr').getAttribute(
	    'data-candidate'), NAMED);
	await page.getByRole('button', { name: 'Effacer les filtres' }).click();
	await assertEventually(async () => (await rows()) === 30,
	    'filters cleared');
	assert.deepEqual(pageErrors, [], 'no script error in the page');
});

scenario('the candidate view lists who looked at the record, the ' +
    'adviser\'s own look first', async () => {
	const opened = Date.now();
	await page.locator('#candidate-rows a', { hasText: BEST }).click();
	const section = page.locator('#candidate-audit');
	await section.locator('#audit-info').waitFor();
	await section.locator('#audit-entries').waitFor();
	assert.equal(await section.locator('h2').textContent(),
	    'Consultations et modifications');
	/* The trail as the API gives it: reading it is not audited. */
	const r = await api('GET', '/api/audit?candidate=' + BEST + '&count=500');
	assert.equal(r.status, 200, JSON.stringify(r.data));
	const entries = r.data.entries;
	const rows = section.locator('#audit-entries tbody tr');
	assert.equal(await rows.count(), Math.min(20, entries.length));
	assert.deepEqual(await rows.evaluateAll((trs) =>
	    trs.map((tr) => tr.dataset.method)),
	    entries.slice(0, 20).map((e) => e.method), 'newest first');
	assert.match(await section.locator('#audit-info').textContent(),
	    entries.length > 20 ? /^Les 20 plus récentes sont affichées/ :
	    /^\d+ consultations ou modifications récentes/);
	/* This very look: the record and its referrals, by the adviser. */
	const newest = rows.first();
	const cells = await newest.locator('th, td').allTextContents();
	assert.equal(cells[1], ADVISER + ' (vous)');
	assert.equal(cells[2], 'conseiller·ère');
	assert.ok(['Consultation de la fiche',
	    'Consultation des mises en relation',
	    'Recherche des offres qui lui correspondent'].includes(cells[3]),
	    cells[3]);
	assert.match(cells[0], /^\d{1,2} (janvier|février|mars|avril|mai|juin|juillet|août|septembre|octobre|novembre|décembre) \d{4}.*\d{2}:\d{2}:\d{2}$/);
	const at = Date.parse(await newest.locator('time')
	    .getAttribute('datetime'));
	assert.ok(at >= Math.floor(opened / 1000) * 1000 - 1000 &&
	    at <= Date.now() + 1000, 'the look just made');
	const mine = rows.filter({ hasText: 'Consultation de la fiche' })
	    .filter({ hasText: ADVISER + ' (vous)' });
	assert.ok(await mine.count() >= 1, 'the adviser\'s candidate.get');
	await page.screenshot({ path: path.join(ARTIFACTS, 'candidate.png'),
	    fullPage: true });
	/* An adviser of another sector may not read it. */
	const other = await api('GET', '/api/audit?candidate=' + BEST,
	    undefined, tokenOf('adv-industrie'));
	assert.equal(other.status, 403);
	assert.equal(other.data.error.code, 'forbidden');
	assert.deepEqual(pageErrors, [], 'no script error in the page');
	await page.locator('#candidate-back').click();
	await page.locator('#candidate-rows tr').first().waitFor();
});

scenario('a possible duplicate is flagged, a sure one is merged', async () => {
	/* The same job from prospection, without the employer: uncertain. */
	const MAYBE = 'o-e2e-coffreurs-prospection';
	const maybe = offer(MAYBE, { source: 'prospection' });
	delete maybe.employer;
	let r = await api('POST', '/api/offers', maybe);
	assert.equal(r.status, 200, JSON.stringify(r.data));
	assert.equal(r.data.possible_duplicate_of, OFFER);
	await page.goto(daemon.base + '/#/offres/batiment/' + MAYBE);
	const note = page.locator('#maybe-duplicate');
	await note.waitFor();
	assert.match(await note.textContent(), new RegExp('Doublon possible de ' +
	    'l\u2019offre ' + OFFER));
	/* The adviser knows better: two jobs. */
	await page.locator('#duplicate-dismiss').click();
	await note.waitFor({ state: 'detached' });
	assert.deepEqual((await api('GET', '/api/offers/duplicates')).data,
	    { pairs: [] });
	/* A partner board's copy with the employer: merged, listed. */
	r = await api('POST', '/api/offers', offer('o-e2e-coffreurs-indeed',
	    { employer: TRICKY_EMPLOYER, partner: 'Indeed' }));
	assert.equal(r.data.merged_into, OFFER, JSON.stringify(r.data));
	await page.goto(daemon.base + '/#/offres/batiment/' + OFFER);
	await page.locator('#offer-title').waitFor();
	await assertEventually(async () => /o-e2e-coffreurs-indeed \(France Travail, Indeed\)/
	    .test(await page.locator('.offer-head').textContent()),
	    'the merged copy in the offer\'s facts');
	assert.deepEqual(pageErrors, [], 'no script error in the page');
});

scenario('the statistics count referrals per sector and status', async () => {
	await page.getByRole('link', { name: 'Statistiques' }).click();
	const table = page.locator('#stats-referrals');
	await table.waitFor();
	const st = (await api('GET', '/api/stats')).data;
	const bat = st.referrals_by_sector.batiment;
	const row = table.locator('tbody tr', { hasText: 'Bâtiment' });
	const cells = (await row.locator('td').allTextContents());
	assert.deepEqual(cells.slice(0, 7).map((s) => Number(s.replace(/\s/g, ''))),
	    ['suggested', 'validated', 'sent', 'interview', 'hired',
		'not_retained', 'withdrawn'].map((s) => bat[s] || 0));
	assert.equal(bat.validated, 1);
	assert.equal(bat.not_retained, 1);
	const conversion = (st.conversion * 100).toFixed(1).replace('.', ',');
	assert.match(await page.locator('.key-figures').textContent(),
	    new RegExp(conversion + '\\s%'));
	assert.deepEqual(pageErrors, [], 'no script error in the page');
});

scenario('signed in, the user is shown and the live stream works; signed ' +
    'out, the form is back and the API refuses', async () => {
	const LIVE_OFFER = 'o-e2e-live-after-sign-in';
	const sent = [];
	const track = (r) => {
		const u = new URL(r.url());
		if (u.pathname.startsWith('/api/'))
			sent.push(r);
	};
	page.on('request', track);
	/* A reload keeps the tab signed in (sessionStorage), checked again. */
	await page.goto(daemon.base + '/#/offres/batiment');
	await page.reload();
	await page.locator('#account-name').waitFor();
	assert.equal(await page.locator('#account-name').textContent(), ADVISER);
	assert.match(await page.locator('#account-user').textContent(),
	    /conseiller·ère/);
	await page.locator('#live[data-state="on"]').waitFor();

	const r = await api('POST', '/api/offers', offer(LIVE_OFFER,
	    { title: 'Maçon VRD (H/F)' }));
	assert.equal(r.status, 200, JSON.stringify(r.data));
	const item = page.locator(`#offer-list li[data-offer-id="${LIVE_OFFER}"]`);
	await item.waitFor();
	assert.match(await item.textContent(), /Nouvelle/);

	/* Where the token is, and is not. */
	assert.equal(await storedToken(page), ADVISER_TOKEN);
	const where = await page.evaluate(() => ({
		local: JSON.stringify({ ...localStorage }),
		cookie: document.cookie,
		dom: document.documentElement.outerHTML,
	}));
	for (const [name, text] of Object.entries(where))
		assert.ok(!text.includes(ADVISER_TOKEN), 'no token in ' + name);
	assert.equal(await page.getByLabel(TOKEN_LABEL).inputValue(), '',
	    'the hidden field keeps no token');
	const cookie = (await context.cookies(daemon.base + '/api/events'))
	    .find((c) => c.name === 'matcherd_token');
	assert.ok(cookie, 'the session cookie is set');
	assert.equal(cookie.httpOnly, true);
	assert.equal(cookie.sameSite, 'Strict');
	assert.equal(cookie.path, '/api');
	/* Every API call but the sign-in and the stream sends the Bearer
	 * header; those two send none. */
	const calls = sent.filter((q) => !/\/api\/(session|events)$/
	    .test(new URL(q.url()).pathname));
	assert.ok(calls.length > 0);
	for (const q of calls)
		assert.equal(await q.headerValue('authorization'),
		    'Bearer ' + ADVISER_TOKEN, q.method() + ' ' + q.url());
	for (const q of sent.filter((x) => !calls.includes(x)))
		assert.equal(await q.headerValue('authorization'), null, q.url());
	page.off('request', track);

	/* Signing out. */
	const signedOut = page.waitForResponse((res) =>
	    res.request().method() === 'DELETE' &&
	    res.url().endsWith('/api/session'));
	await page.getByRole('button', { name: 'Se déconnecter' }).click();
	assert.equal((await signedOut).status(), 200);
	await page.locator('#signin-form').waitFor();
	assert.ok(await page.getByRole('heading', { name: 'Connexion' })
	    .isVisible());
	assert.equal(await page.getByLabel(TOKEN_LABEL).inputValue(), '');
	assert.equal(await page.evaluate(() => document.activeElement.id),
	    'signin-token');
	for (const id of ['#views-nav', '#sector-picker', '#live', '#account',
	    '#view-offers'])
		assert.ok(await page.locator(id).isHidden(), id + ' hidden');
	assert.equal(await page.locator('#offer-list li').count(), 0,
	    'nothing read for the user is left in the page');
	assert.equal(await storedToken(page), null);
	assert.equal((await context.cookies(daemon.base + '/api/events'))
	    .filter((c) => c.name === 'matcherd_token').length, 0,
	    'the cookie is cleared');
	/* The API answers 401 again, to the page and to the stream. */
	assert.equal((await pageFetch(page, '/api/offers?sector=batiment'))
	    .status, 401);
	assert.equal((await pageFetch(page, '/api/events?sectors=batiment'))
	    .status, 401);
	/* A reload stays signed out. */
	await page.reload();
	await page.locator('#signin-form').waitFor();
	assert.ok(await page.locator('#account').isHidden());

	assert.ok(!page.url().includes(ADVISER_TOKEN));
	assert.deepEqual(requestUrls.filter((u) => u.includes(ADVISER_TOKEN)),
	    [], 'no token in any address');
	assert.deepEqual(consoleLines.filter((l) => l.includes(ADVISER_TOKEN)),
	    [], 'no token written to the console');
	assert.deepEqual(pageErrors, [], 'no script error in the page');
});

scenario('a sector the user does not have: the server\'s refusal is shown',
    async () => {
	const OTHER = 'adv-industrie';
	const p = await newPage();
	await p.goto(`${daemon.base}/#/offres/batiment/${OFFER}`);
	await signIn(p, tokenOf(OTHER));
	assert.equal(await p.locator('#account-name').textContent(), OTHER);
	const direct = await api('GET', '/api/offers/' + OFFER, undefined,
	    tokenOf(OTHER));
	assert.equal(direct.status, 403);
	assert.equal(direct.data.error.code, 'forbidden');
	const flash = p.locator('#flash[data-kind="error"]');
	await flash.waitFor();
	const text = await flash.locator('#flash-text').textContent();
	assert.ok(text.startsWith('Accès refusé : '), text);
	assert.ok(text.includes(direct.data.error.message), text);
	/* Still signed in: a 403 is not a 401. */
	assert.ok(await p.locator('#account').isVisible());
	await p.getByRole('button', { name: 'Se déconnecter' }).click();
	await p.locator('#signin-form').waitFor();
	await p.close();
	assert.deepEqual(consoleLines.filter((l) => l.includes(tokenOf(OTHER))),
	    []);
	assert.deepEqual(pageErrors, [], 'no script error in the page');
});

scenario('an offer asking for a skill shows its diagnosis and the people ' +
    'one step away, and a group exports as CSV', async () => {
	const ID = 'o-e2e-formation';
	let r = await api('POST', '/api/offers', offer(ID,
	    { employer: 'Eiffage', skills_required: ['oppbtp'] }));
	assert.equal(r.status, 200, JSON.stringify(r.data));
	const nm = await api('GET', '/api/offers/' + ID + '/near-miss');
	assert.equal(nm.status, 200, JSON.stringify(nm.data));
	const group = nm.data.groups.find((g) => g.skill === 'oppbtp');
	assert.ok(group && group.count > 0, 'people lack only OPPBTP');
	const diag = await api('GET', '/api/offers/' + ID + '/diagnosis');
	assert.equal(diag.status, 200);
	const p = await newPage();
	await p.goto(`${daemon.base}/#/offres/batiment/${ID}`);
	await signIn(p, ADVISER_TOKEN);
	const section = p.locator('#offer-near-miss');
	await section.waitFor();
	assert.equal(await p.locator('#offer-diagnosis > p').first()
	    .textContent(), diag.data.text);
	const li = section.locator('.near-miss-group[data-item="oppbtp"]');
	assert.equal(await li.locator('h4').textContent(),
	    group.text + ' (' + group.count + ')');
	assert.equal(await li.locator('.near-miss-people > li').count(),
	    group.candidates.length);
	const [download] = await Promise.all([
		p.waitForEvent('download'),
		li.getByRole('button', { name: 'Exporter en CSV' }).click(),
	]);
	const csv = fs.readFileSync(await download.path(), 'utf8');
	const lines = csv.replace(/^\ufeff/, '').trim().split(/\r\n/);
	assert.equal(lines[0],
	    'candidat;nom;commune;score avec le pas franchi;ce qui manque');
	assert.equal(lines.length, group.candidates.length + 1);
	assert.ok(lines[1].startsWith(group.candidates[0].candidate + ';'),
	    lines[1]);
	assert.equal(download.suggestedFilename(), ID + '-skill-oppbtp.csv');
	/* The candidate view: the offers this person fits, the new one too. */
	const who = group.candidates[0].candidate;
	await p.goto(`${daemon.base}/#/candidat/${who}`);
	await p.locator('#candidate-offers').waitFor();
	const fits = await api('GET', '/api/candidates/' + who + '/offers');
	assert.equal(fits.status, 200);
	assert.equal(await p.locator('#candidate-offers li.card').count(),
	    Math.min(10, fits.data.offers.length));
	await p.close();
	assert.deepEqual(pageErrors, [], 'no script error in the page');
});

/*
 * The candidathèque search: filters and page in the address, the total
 * and the range from the server, a reload that keeps them.  The fixture
 * holds 26 people with permis B (every one but c-dk-05, -10, -15, -20),
 * 5 of them RSA (the best one and c-dk-04, -08, -12, -16).
 */
scenario('the candidathèque search keeps its filters and page in the ' +
    'address and pages through the server\'s total', async () => {
	const p = await newPage();
	await p.goto(`${daemon.base}/#/candidats/batiment?licence=B&count=20`);
	await signIn(p, ADVISER_TOKEN);
	const range = () => p.locator('#candidates-range').textContent();
	const total = () => p.locator('#candidates-total').textContent();
	const ids = () => p.locator('#candidate-rows tr')
	    .evaluateAll((trs) => trs.map((tr) => tr.dataset.candidate));
	await assertEventually(async () => (await range()) ===
	    '1\u201320 sur 26', 'the first page of 26');
	assert.equal(await total(), '26 personnes');
	assert.equal(await p.getByLabel('Permis').inputValue(), 'B');
	assert.equal(await p.getByLabel('Par page').inputValue(), '20');
	const first = await ids();
	const next = p.getByRole('button', { name: 'Page suivante' });
	const prev = p.getByRole('button', { name: 'Page précédente' });
	assert.ok(await prev.isDisabled());
	await next.click();
	await assertEventually(async () => (await range()) ===
	    '21\u201326 sur 26', 'the second page');
	assert.ok(await next.isDisabled());
	assert.match(p.url(), /[#?&]page=2(&|$)/);
	const second = await ids();
	/* Every one once, and just those the API finds. */
	const all = await api('GET', '/api/candidates?sector=batiment&licence=B' +
	    '&count=200');
	assert.equal(all.data.total, 26);
	assert.deepEqual([...first, ...second].sort(),
	    all.data.candidates.map((c) => c.id).sort());
	assert.equal(new Set([...first, ...second]).size, 26);
	/* The page asked the server for that page, filters and all. */
	assert.ok(requestUrls.some((u) => u.includes('/api/candidates?') &&
	    u.includes('licence=B') && u.includes('offset=20')),
	    'GET /api/candidates with the filters and the offset');

	/* A reload shows the same page of the same search. */
	await p.reload();
	await assertEventually(async () => (await range()) ===
	    '21\u201326 sur 26', 'the second page after a reload');
	assert.deepEqual(await ids(), second);
	assert.equal(await p.getByLabel('Permis').inputValue(), 'B');

	/* Another filter: back to its first page. */
	await p.getByLabel('Critère').selectOption('rsa');
	await assertEventually(async () => (await total()) === '5 personnes',
	    'five with RSA');
	assert.equal(await range(), '1\u20135 sur 5');
	assert.match(p.url(), /criteria=rsa/);
	assert.doesNotMatch(p.url(), /page=/);
	assert.deepEqual((await ids()).sort(), [BEST, 'c-dk-04', 'c-dk-08',
	    'c-dk-12', 'c-dk-16'].sort());
	/* Nobody: said, and no page to turn. */
	await p.getByLabel('Identifiant').fill('nobody-at-all');
	await assertEventually(async () => (await range()) ===
	    'Aucune personne ne correspond.', 'an empty search');
	assert.equal(await total(), '0 personnes');
	assert.ok(await next.isDisabled() && await prev.isDisabled());
	/* A bad value is the server's message, not a blank table. */
	await p.getByLabel('Identifiant').fill('');
	await p.getByLabel('Métier (code ROME ou domaine)').fill('Z99');
	await assertEventually(async () => /rome/i.test(await p
	    .locator('#candidates-info').textContent()), 'the error shown');
	await p.close();
	assert.deepEqual(pageErrors, [], 'no script error in the page');
});

scenario('an offer\'s map shows it, its radius, the numbered suggestions ' +
    'and the people one step away, whose group exports as CSV', async () => {
	const ID = 'o-e2e-carte';
	const r = await api('POST', '/api/offers', offer(ID,
	    { employer: 'Ramery', skills_required: ['oppbtp'], max_km: 25 }));
	assert.equal(r.status, 200, JSON.stringify(r.data));
	const sugg = r.data.suggestions;
	assert.ok(sugg.length > 1, 'suggestions to draw');
	/* The answer names each commune, the people's too. */
	assert.equal(r.data.offer.commune_name, 'DUNKERQUE');
	assert.equal(r.data.offer.rome_label, 'Construction en béton');
	assert.ok(sugg.every((s) => s.commune && s.commune_name && s.postcode),
	    JSON.stringify(sugg[0]));
	const nm = (await api('GET', '/api/offers/' + ID + '/near-miss')).data;
	const group = nm.groups.find((g) => g.skill === 'oppbtp');
	assert.ok(group && group.candidates.length > 0, 'people lack OPPBTP');
	const near = new Set(nm.groups.flatMap((g) => g.candidates
	    .map((p) => p.candidate)));

	const p = await newPage();
	const urls = [];
	p.on('request', (q) => urls.push(q.url()));
	await p.goto(`${daemon.base}/#/offres/batiment/${ID}`);
	await signIn(p, ADVISER_TOKEN);
	const map = p.locator('#offer-map');
	const svg = map.locator('svg.offer-map-svg');
	await svg.waitFor();
	assert.equal(await map.locator('h3').textContent(), 'Carte');
	assert.match(await svg.getAttribute('aria-labelledby'), /^map-title-/);
	assert.match(await svg.locator('title').first().textContent(),
	    /Coffreur bancheur.*DUNKERQUE \(59140\).*rayon de l’offre : 25 km/);
	/* The offer, its 25 km, each suggestion numbered with its rank. */
	assert.equal(await svg.locator('.map-offer').count(), 1);
	assert.equal(await svg.locator('circle.map-radius').count(), 1);
	const points = svg.locator('g.map-suggestion');
	assert.equal(await points.count(), sugg.length);
	/* Drawn worst first, so that the best ranks are on top. */
	assert.deepEqual(await points.locator('text').allTextContents(),
	    sugg.map((s) => String(s.rank)).reverse());
	const best = points.last();
	assert.equal(await best.getAttribute('data-candidate'),
	    sugg[0].candidate);
	assert.match(await best.locator('title').textContent(),
	    new RegExp('^n° 1 : .*' + sugg[0].candidate + '.*' +
		sugg[0].commune_name + ' \\(' + sugg[0].postcode + '\\)'));
	/* Near misses in another mark, none of them also suggested. */
	const marks = svg.locator('g.map-near');
	assert.equal(await marks.count(), near.size);
	for (const id of await marks.evaluateAll((gs) =>
	    gs.map((g) => g.dataset.candidate)))
		assert.ok(near.has(id) && !sugg.some((s) => s.candidate === id),
		    id);
	/* People of one commune, or of communes a few px apart, are spread:
	 * no mark covers another's centre. */
	const spots = await svg.evaluate((s) => [
		...[...s.querySelectorAll('.map-suggestion circle')].map((c) =>
		    [+c.getAttribute('cx'), +c.getAttribute('cy')]),
		...[...s.querySelectorAll('.map-near rect')].map((r) =>
		    [+r.getAttribute('x') + 5, +r.getAttribute('y') + 5])]);
	assert.equal(spots.length, sugg.length + near.size);
	for (let i = 0; i < spots.length; i++)
		for (let j = i + 1; j < spots.length; j++)
			assert.ok(Math.hypot(spots[i][0] - spots[j][0],
			    spots[i][1] - spots[j][1]) >= 18, 'marks ' + i + ' and ' +
			    j + ' overlap');
	assert.equal(await map.locator('.map-legend li').count(), 4);
	assert.match(await map.locator('.map-list').textContent(),
	    /DUNKERQUE \(59140\) : /);
	/* The page's own communes and labels. */
	assert.match(await p.locator('.offer-head').textContent(),
	    /F1701 — Construction en béton.*DUNKERQUE \(59140\)/s);
	assert.equal(await card(p, sugg[0].candidate).locator('.commune')
	    .textContent(), sugg[0].commune_name + ' (' + sugg[0].postcode + ')');
	/* Drawn from the daemon alone: no tile server, nothing outside. */
	assert.deepEqual(urls.filter((u) => !u.startsWith(daemon.base) &&
	    !u.startsWith('blob:')), []);
	assert.ok(urls.some((u) => u.includes('/api/communes?insee=')));
	await map.screenshot({ path: path.join(ARTIFACTS, 'offer-map.png') });

	/* The near-miss groups, and one exported as CSV. */
	const li = p.locator('#offer-near-miss ' +
	    '.near-miss-group[data-item="oppbtp"]');
	await li.waitFor();
	assert.equal(await li.locator('h4').textContent(),
	    group.text + ' (' + group.count + ')');
	const [download] = await Promise.all([
		p.waitForEvent('download'),
		li.getByRole('button', { name: 'Exporter en CSV' }).click(),
	]);
	assert.equal(download.suggestedFilename(), ID + '-skill-oppbtp.csv');
	const csv = fs.readFileSync(await download.path(), 'utf8');
	assert.ok(csv.startsWith('\ufeff'), 'a BOM for spreadsheets');
	const rows = csv.slice(1).trim().split(/\r\n/)
	    .map((line) => line.split(';'));
	assert.deepEqual(rows[0], ['candidat', 'nom', 'commune',
	    'score avec le pas franchi', 'ce qui manque']);
	assert.deepEqual(rows.slice(1).map((row) => [row[0], row[2], row[4]]),
	    group.candidates.map((c) => [c.candidate,
		c.commune_name + ' (' + c.postcode + ')', c.text]));
	assert.deepEqual(rows.slice(1).map((row) => row[3]),
	    group.candidates.map((c) => c.score.toFixed(1).replace('.', ',')));
	await p.close();
	assert.deepEqual(pageErrors, [], 'no script error in the page');
});

/* ------------------------------------------------------------------------ */

async function assertEventually(check, what, ms = UI_TIMEOUT_MS) {
	const deadline = Date.now() + ms;
	while (!(await check())) {
		if (Date.now() > deadline)
			assert.fail('timed out waiting for ' + what);
		await sleep(100);
	}
}

/* ------------------------------------------------------------------------
 * Following a person, "Ma journée" and the live referral events
 * ---------------------------------------------------------------------- */

const FOLLOWED_OFFER = 'o-e2e-suivi';
const DAY_OFFER = 'o-e2e-journee';	/* a referral sent: waiting */
const HIRE_OFFER = 'o-e2e-embauche';	/* a hire, which closes it */

/* A window property set now and still there later: no reload between. */
async function markPage(p) {
	await p.evaluate(() => { window.e2eNoReload = true; });
	return async () => p.evaluate(() => window.e2eNoReload === true);
}

/* Walk a referral along the moves given, through the API. */
async function moveAlong(offerId, cand, statuses, token = ADVISER_TOKEN) {
	for (const status of statuses) {
		const r = await api('PATCH', `/api/referrals/${offerId}/${cand}`,
		    { status }, token);
		assert.equal(r.status, 200, JSON.stringify(r.data));
	}
}

async function followedBy(token) {
	const r = await api('GET', '/api/following', undefined, token);
	assert.equal(r.status, 200, JSON.stringify(r.data));
	return r.data.candidates.map((c) => c.candidate);
}

scenario('following a person: the block says who, a new offer that ' +
    'suggests them is flashed with its link and counted until seen',
    async () => {
	const admin = await api('PUT', `/api/candidates/${BEST}/follow`,
	    undefined, ADMIN_TOKEN);
	assert.equal(admin.status, 200, JSON.stringify(admin.data));
	const p = await newPage();
	await p.goto(`${daemon.base}/#/candidat/${BEST}`);
	await signIn(p, ADVISER_TOKEN);
	const block = p.locator('#candidate-follow');
	const info = block.locator('#follow-info');
	await info.waitFor();
	assert.equal(await block.locator('h2').textContent(), 'Suivi');
	assert.equal(await info.textContent(), 'Suivi par : admin.');
	assert.equal(await info.getAttribute('aria-live'), 'polite');
	const follow = block.getByRole('button', { name: 'Suivre' });
	await follow.click();
	await assertEventually(async () => (await info.textContent()) ===
	    'Suivi par : admin, vous.', 'the adviser among the followers');
	const stop = block.getByRole('button', { name: 'Ne plus suivre' });
	assert.ok(await stop.isVisible());
	assert.equal(await p.evaluate(() => document.activeElement.id),
	    'follow-toggle', 'the focus stays on the button');
	assert.ok((await followedBy(ADVISER_TOKEN)).includes(BEST));

	/* A new offer that suggests the person: the followed event. */
	await p.locator('#live[data-state="on"]').waitFor();
	const r = await api('POST', '/api/offers', offer(FOLLOWED_OFFER,
	    { title: 'Coffreur bancheur suivi (H/F)', employer: 'Vinci' }));
	assert.equal(r.status, 200, JSON.stringify(r.data));
	const rank = r.data.suggestions.find((s) => s.candidate === BEST).rank;
	const flash = p.locator('#flash[data-kind="ok"]');
	await flash.locator('a.followed-offer').waitFor();
	assert.equal(await flash.getAttribute('role'), 'status');
	assert.equal(await flash.locator('#flash-text').textContent(),
	    `Nouvelle offre pour ${BEST_NAME} (${BEST}) (suivi) : ` +
	    `Coffreur bancheur suivi (H/F), rang ${rank}`);
	assert.equal(await flash.locator('a').getAttribute('href'),
	    `#/offres/batiment/${FOLLOWED_OFFER}`);
	const count = p.locator('#nav-digest-count');
	await count.waitFor();
	assert.equal(await count.textContent(),
	    '1 nouvelle offre pour une personne suivie');
	await p.screenshot({ path: path.join(ARTIFACTS, 'followed.png') });

	/* Stopping: the block says so, the API agrees. */
	await stop.click();
	await assertEventually(async () => (await info.textContent()) ===
	    'Suivi par : admin.', 'the adviser no longer a follower');
	await block.getByRole('button', { name: 'Suivre' }).waitFor();
	assert.ok(!(await followedBy(ADVISER_TOKEN)).includes(BEST));

	/* The notice's link opens the offer, the person among its cards. */
	await flash.locator('a.followed-offer').click();
	await card(p, BEST).waitFor();
	assert.equal(await p.locator('#offer-title').textContent(),
	    'Coffreur bancheur suivi (H/F)');
	assert.ok(await count.isVisible(), 'not seen yet');
	/* "Ma journée" lists the pushed offer; seen, the count goes. */
	await p.locator('#nav-digest').click();
	const news = p.locator(`#digest-news-list li[data-offer-id="${
	    FOLLOWED_OFFER}"]`);
	await news.waitFor();
	assert.match(await news.textContent(), /Vinci/);
	assert.ok(await count.isHidden(), 'the count is seen');
	await api('DELETE', `/api/candidates/${BEST}/follow`, undefined,
	    ADMIN_TOKEN);
	await p.close();
	assert.deepEqual(pageErrors, [], 'no script error in the page');
});

/* "12 offres, 5 affichées", as the page says a section's total. */
function totalText(total, shown, one, many) {
	return `${total} ${total === 1 ? one : many}` + (shown < total ?
	    `, ${shown} affichée${shown === 1 ? '' : 's'}` : '');
}

scenario('« Ma journée » shows the new offers, the referrals waiting for ' +
    'an answer, the hires, the clauses behind and the people followed, ' +
    'each with its total', async () => {
	let r = await api('POST', '/api/offers', offer(DAY_OFFER,
	    { title: 'Bancheur de la journée (H/F)', employer: 'Spie' }));
	assert.equal(r.status, 200, JSON.stringify(r.data));
	const waiter = r.data.suggestions[1].candidate;
	await moveAlong(DAY_OFFER, waiter, ['validated', 'sent']);
	r = await api('POST', '/api/offers', offer(HIRE_OFFER,
	    { title: 'Coffreur embauché (H/F)', employer: 'Demathieu' }));
	assert.equal(r.status, 200, JSON.stringify(r.data));
	const hired = r.data.suggestions[2].candidate;
	await moveAlong(HIRE_OFFER, hired,
	    ['validated', 'sent', 'interview', 'hired']);
	assert.equal((await api('PUT', `/api/candidates/${NAMED}/follow`))
	    .status, 200);
	const d = (await api('GET',
	    '/api/digest?sectors=batiment&hours=24&count=50')).data;
	const ids = (list) => list.map((x) => x.id || x.offer + '/' +
	    x.candidate);

	const p = await newPage();
	await p.goto(`${daemon.base}/#/journee/batiment`);
	await signIn(p, ADVISER_TOKEN);
	const section = (key) => p.locator('#digest-' + key);
	await section('new-offers').waitFor();
	assert.equal(await p.locator('#nav-digest').getAttribute('aria-current'),
	    'page');
	assert.ok(await p.locator('#digest-news').isHidden(), 'nothing pushed');
	assert.deepEqual(await p.locator('#digest-detail .digest-section h2')
	    .allTextContents(),
	    ['Nouvelles offres', 'En attente de réponse', 'Embauches',
		'Clauses en retard', 'Personnes suivies']);

	/* New offers: the open ones, each a link to its view. */
	const offers = d.new_offers.offers;
	assert.equal(await section('new-offers').locator('.digest-total')
	    .textContent(), totalText(d.new_offers.total, offers.length,
	    'offre', 'offres'));
	assert.deepEqual(await section('new-offers').locator('li')
	    .evaluateAll((lis) => lis.map((li) => li.dataset.offerId)),
	    ids(offers));
	assert.ok(offers.some((o) => o.id === DAY_OFFER));
	assert.ok(!offers.some((o) => o.id === HIRE_OFFER), 'filled, closed');
	const day = section('new-offers').locator(
	    `li[data-offer-id="${DAY_OFFER}"]`);
	assert.equal(await day.locator('a').getAttribute('href'),
	    `#/offres/batiment/${DAY_OFFER}`);
	assert.match(await day.textContent(),
	    /Spie · F1701 — Construction en béton · DUNKERQUE \(59140\)/);

	/* Waiting: the referral sent today, with its status. */
	const waiting = d.waiting.referrals;
	assert.equal(await section('waiting').locator('.digest-total')
	    .textContent(), totalText(d.waiting.total, waiting.length,
	    'mise en relation', 'mises en relation'));
	const rows = (key) => section(key).locator('tbody tr').evaluateAll(
	    (trs) => trs.map((tr) => tr.dataset.offerId + '/' +
		tr.dataset.candidate));
	assert.deepEqual(await rows('waiting'), ids(waiting));
	const sent = section('waiting').locator(
	    `tr[data-offer-id="${DAY_OFFER}"][data-candidate="${waiter}"]`);
	assert.equal(await sent.locator('.status-badge').textContent(),
	    "Envoyée à l'employeur");
	assert.equal(await sent.locator('.digest-days').textContent(),
	    'depuis aujourd\u2019hui');
	assert.equal(await section('waiting').locator('.badge-stale').count(),
	    waiting.filter((w) => w.stale).length);
	assert.equal(await sent.locator('a.candidate-link').getAttribute('href'),
	    `#/candidat/${waiter}`);

	/* Hires, the clauses (none declared here), the people followed. */
	assert.ok(d.hires.referrals.some((h) => h.offer === HIRE_OFFER &&
	    h.candidate === hired));
	assert.equal(await section('hires').locator('.digest-total')
	    .textContent(), totalText(d.hires.total, d.hires.referrals.length,
	    'embauche', 'embauches'));
	assert.deepEqual(await rows('hires'), ids(d.hires.referrals));
	assert.equal(d.clause_behind.total, 0);
	assert.equal(await section('clauses').locator('.digest-empty')
	    .textContent(), 'Aucune clause d\u2019insertion en retard.');
	const named = section('following').locator(
	    `li[data-candidate="${NAMED}"] a`);
	await named.locator('.person-name', { hasText: NAMED_NAME }).waitFor();
	assert.equal(await named.getAttribute('href'), `#/candidat/${NAMED}`);
	assert.equal(await section('following').locator('.digest-total')
	    .textContent(), '1 personne suivie');
	await p.screenshot({ path: path.join(ARTIFACTS, 'digest.png'),
	    fullPage: true });

	/* A referral event redraws it while open, without a reload. */
	const same = await markPage(p);
	await moveAlong(DAY_OFFER, waiter, ['interview'], ADMIN_TOKEN);
	await sent.locator('.status-badge', { hasText: 'Entretien' }).waitFor();
	assert.ok(await same(), 'no reload');
	await api('DELETE', `/api/candidates/${NAMED}/follow`);
	await p.close();
	assert.deepEqual(pageErrors, [], 'no script error in the page');
});

scenario('a referral moved by someone else shows on the open offer and ' +
    'on the open candidate view without a reload; the candidathèque ' +
    'names communes and jobs', async () => {
	const stored = (await api('GET', '/api/offers/' + DAY_OFFER)).data;
	const cand = stored.referrals.find((x) => x.status === 'suggested')
	    .candidate;
	const p = await newPage();
	await p.goto(`${daemon.base}/#/offres/batiment/${DAY_OFFER}`);
	await signIn(p, ADVISER_TOKEN);
	await p.locator('#live[data-state="on"]').waitFor();
	const c = card(p, cand);
	await c.waitFor();
	assert.equal(await c.locator('.status-badge').textContent(), 'Suggérée');
	await c.getByRole('button', { name: 'Valider' }).focus();
	const same = await markPage(p);

	await moveAlong(DAY_OFFER, cand, ['validated'], ADMIN_TOKEN);
	await c.locator('.status-badge', { hasText: 'Validée' }).waitFor();
	assert.deepEqual(await buttonNames(c), ["Envoyer à l'employeur",
	    'Retirer']);
	assert.ok(await same(), 'no reload');
	assert.equal(await p.evaluate(() => document.activeElement
	    .closest('li.card').dataset.candidate), cand,
	    'the focus stays in the card');
	assert.match(await p.locator('#live-news').textContent(),
	    new RegExp(`${cand}\\)? sur l’offre ${DAY_OFFER} : Validée ` +
		'\\(par admin\\)'));
	await p.screenshot({ path: path.join(ARTIFACTS, 'live-referral.png') });

	/* The person's view: their referral row follows too. */
	await c.locator('a.candidate-link').click();
	const row = p.locator(`#candidate-referrals tr[data-offer-id="${
	    DAY_OFFER}"]`);
	await row.locator('.status-badge', { hasText: 'Validée' }).waitFor();
	await moveAlong(DAY_OFFER, cand, ['sent'], ADMIN_TOKEN);
	await row.locator('.status-badge', { hasText: "Envoyée à l'employeur" })
	    .waitFor();
	assert.ok(await same(), 'no reload');

	/* The candidathèque: commune names and ROME labels, not codes. */
	await p.locator('#candidate-back').click();
	const best = p.locator(`#candidate-rows tr[data-candidate="${BEST}"]`);
	await best.waitFor();
	const cells = await best.locator('td').allTextContents();
	assert.equal(cells[0], 'F1701 — Construction en béton (120 mois)');
	assert.match(cells[1], /^DUNKERQUE \(59140\)rayon 30 km$/);
	await p.close();
	assert.deepEqual(pageErrors, [], 'no script error in the page');
});
