/*
 * The advisers' page of matcherd: plain JavaScript, no framework, no build
 * step, nothing fetched but the daemon's own HTTP/JSON API (docs/HTTP.md).
 *
 * Every string that comes from the API reaches the DOM as a text node, an
 * attribute set with setAttribute, or a property: never as HTML.  el()
 * below is the only place that creates elements (and svgNode() of map.js
 * the only one that creates the map's SVG, the same way).
 *
 * Every answer names communes and ROME codes beside their codes
 * (proto/PROTOCOL.md, "Labels"): communeText() and romeText() show them.
 *
 * Every API call carries the signed-in user's token (docs/HTTP.md,
 * "Authentication"): the page shows its sign-in form until there is one,
 * and again whenever the server answers 401.  The token is kept in this
 * tab's sessionStorage only, sent only in the Authorization header, and
 * never written to the console, the address or the DOM.
 *
 * Live events (GET /api/events, for the chosen sector) redraw what they
 * change in place: the list and the open offer (suggestions, referral),
 * the open person's referrals and "Ma journée" (referral); a followed
 * person's new offer is flashed and counted in the nav until seen.
 *
 * The view follows the location hash, so a reload shows the same thing,
 * read again from the server:
 *   #/offres/SECTOR[/OFFER]   the open offers of a candidathèque, one opened
 *   #/candidats/SECTOR[?FILTERS]  the candidathèque, searched and paged
 *                             by the server (candidate.list filters, page)
 *   #/candidat/ID             one candidate, who follows them, their
 *                             referrals and who looked at or wrote the
 *                             record (the audit trail)
 *   #/journee/SECTOR          "Ma journée": the digest of that sector, the
 *                             people the user follows, and the offers
 *                             pushed for them (event: followed) since
 *   #/stats                   statistics
 *
 * A candidate's identity (first and last name, phone, e-mail) comes only
 * from candidate.get and candidate.list, never in a match result: the
 * page shows it beside the id wherever a candidate appears, asking for
 * the names of the people a result suggests (state.people), and forgets
 * them all when the user signs out.
 */
'use strict';

(function () {

/* ------------------------------------------------------------------------
 * French labels of the API's codes (proto/PROTOCOL.md)
 * ---------------------------------------------------------------------- */

const SECTORS = {
	industrie: 'Industrie',
	batiment: 'Bâtiment',
	tertiaire: 'Tertiaire / Services',
	hotellerie: 'Hôtellerie / restauration / transports',
};

const REFERRAL_STATUS = {
	suggested: 'Suggérée',
	validated: 'Validée',
	sent: "Envoyée à l'employeur",
	interview: 'Entretien',
	hired: 'Recruté·e',
	not_retained: 'Non retenu·e',
	withdrawn: 'Retirée',
};

/* The moves of proto/PROTOCOL.md, "Referrals": the actions offered. */
/* "3 validées": the statuses counted, singular and plural. */
const REFERRAL_COUNTED = {
	suggested: ['suggérée', 'suggérées'],
	validated: ['validée', 'validées'],
	sent: ['envoyée', 'envoyées'],
	interview: ['en entretien', 'en entretien'],
	hired: ['recrutement', 'recrutements'],
	not_retained: ['non retenue', 'non retenues'],
	withdrawn: ['retirée', 'retirées'],
};

const REFERRAL_MOVES = {
	suggested: ['validated', 'withdrawn'],
	validated: ['sent', 'withdrawn'],
	sent: ['interview', 'not_retained', 'withdrawn'],
	interview: ['hired', 'not_retained', 'withdrawn'],
};

const ACTION_LABELS = {
	validated: 'Valider',
	sent: "Envoyer à l'employeur",
	interview: 'Entretien',
	hired: 'Recruté',
	not_retained: 'Non retenu',
	withdrawn: 'Retirer',
};

/* Moves that need a reason, typed in the note field. */
const NOTE_REQUIRED = new Set(['not_retained']);

const COMPONENTS = [
	['job', 'Métier'],
	['experience', 'Expérience'],
	['distance', 'Distance'],
	['skills', 'Compétences'],
	['level', 'Niveau'],
	['priority', 'Public prioritaire'],
	['fairness', 'Équité'],
	['barriers', 'Freins'],
];

/* In the order the daemon applies them. */
const FILTERS = [
	['status', 'Statut'],
	['rome', 'Métier'],
	['already_referred', 'Déjà positionné'],
	['contract', 'Contrat'],
	['availability', 'Disponibilité'],
	['age', 'Âge'],
	['clause', 'Clause'],
	['licences', 'Permis'],
	['skills', 'Compétences'],
	['distance', 'Distance'],
];

const SOURCES = {
	pole_emploi: 'France Travail',
	plateforme_jeunes: 'Plateforme jeunes',
	clause: 'Clause emploi',
	prospection: 'Prospection',
};

const CONTRACTS = {
	cdi: 'CDI',
	cdd: 'CDD',
	interim: 'Intérim',
	alternance: 'Alternance',
	aide: 'Contrat aidé',
	insertion: 'Insertion',
	saisonnier: 'Saisonnier',
};

const WORKING_TIME = {
	full: 'Temps plein',
	part: 'Temps partiel',
	any: 'Indifférent',
};

const CANDIDATE_STATUS = {
	available: 'Disponible',
	placed: 'En emploi',
	training: 'En formation',
	paused: 'En pause',
};

/* The permis a search may ask for (proto/PROTOCOL.md, licences). */
const POOL_LICENCES = { B: 'B', BE: 'BE', C: 'C', CE: 'CE', D: 'D', AM: 'AM' };

const CRITERIA = {
	rsa: 'RSA',
	ass: 'ASS',
	aah: 'AAH',
	deld: 'DELD',
	detld: 'DETLD',
	th: 'Travailleur handicapé',
	qpv: 'QPV',
	ase: 'ASE',
	refugie: 'Réfugié·e',
	justice: 'Justice',
	plie: 'PLIE',
	siae: 'SIAE',
	jeune_peu_qualifie: 'Jeune peu qualifié·e',
	senior: 'Senior',
};

const BARRIERS = {
	mobilite: 'Mobilité',
	garde_enfants: "Garde d'enfants",
	logement: 'Logement',
	sante: 'Santé',
};

const LIVE_TEXT = {
	on: 'Direct : connecté',
	retry: 'Direct : reconnexion…',
	off: 'Direct : inactif',
};

/* The roles of the users file (matcher/core/users.h). */
const ROLES = {
	admin: 'administrateur·rice',
	adviser: 'conseiller·ère',
	prospection: 'prospection',
	partner: 'partenaire',
};

/* Said on the sign-in form when the server no longer takes the token. */
const SESSION_LOST = 'Session terminée : le serveur ne reconnaît plus ' +
    'ce jeton. Reconnectez-vous.';

/* sessionStorage: this tab only, gone when it is closed. */
const TOKEN_KEY = 'matcherd.token';

const OFFER_LIST_COUNT = 100;
const EVENTS_RETRY_MS = 5000;
const REFRESH_DELAY_MS = 150;
/* "Ma journée": the last day, and the first of each list. */
const DIGEST_HOURS = 24;
const DIGEST_COUNT = 50;
/* Followed events kept for "Ma journée", the newest. */
const NEWS_KEPT = 20;
/* Names asked for at once, for the people of a match result. */
const NAME_FETCHES = 6;
/* Entries of a candidate's audit trail shown, the newest. */
const AUDIT_SHOWN = 20;

/*
 * What each audited method did (proto/PROTOCOL.md, "The audit trail"):
 * read or wrote the person's record.  record is the id the call named.
 */
const AUDIT_ACTIONS = {
	'candidate.get': () => 'Consultation de la fiche',
	'candidate.list': () => 'Consultation de la candidathèque',
	'candidate.put': () => 'Enregistrement de la fiche',
	'candidate.delete': () => 'Suppression de la fiche',
	'candidate.referrals': () => 'Consultation des mises en relation',
	'candidate.match': () => 'Recherche des offres qui lui correspondent',
	'candidate.resolve': () =>
	    'Identification d\u2019après une référence partenaire',
	'referral.update': (record) => 'Mise en relation modifiée' +
	    (record ? ' (offre ' + record + ')' : ''),
	'offer.get': (record) => 'Consultation de l\u2019offre ' +
	    (record || ''),
};

/* ------------------------------------------------------------------------
 * State
 * ---------------------------------------------------------------------- */

const state = {
	view: '',
	sector: '',
	offers: [],		/* offer.list of listSector */
	listSector: null,
	listStale: true,
	fresh: new Map(),	/* offer id -> 'new' | 'rescored', seen live */
	offer: null,		/* offer.get of the opened offer */
	events: null,
	eventsSector: null,
	cands: { sector: null, items: [], cursor: null, loaded: false },
	candidateId: null,	/* the person of the candidate view */
	digestSector: null,	/* the sector "Ma journée" was read for */
	news: [],		/* followed events, the newest first */
	newsUnseen: 0,		/* of them, come since "Ma journée" was seen */
	tickets: {},
	people: new Map(),	/* candidate id -> "Prénom Nom", or '' */
	token: '',		/* the signed-in user's; '' when signed out */
	user: null,		/* {user, role} of POST /api/session */
};

/* ------------------------------------------------------------------------
 * Small helpers: DOM, formatting
 * ---------------------------------------------------------------------- */

const $ = (id) => document.getElementById(id);

/* Children: nodes, or anything else turned into a text node. */
function append(node, children) {
	for (const child of children.flat(Infinity)) {
		if (child === null || child === undefined || child === false)
			continue;
		node.append(child instanceof Node ? child : String(child));
	}
	return node;
}

/*
 * el('a', {href: '#/x', class: 'c', onclick: f}, 'text', child...).
 * Attributes go through setAttribute (never HTML); "on..." adds a listener.
 */
function el(tag, attrs, ...children) {
	const node = document.createElement(tag);
	for (const [name, value] of Object.entries(attrs || {})) {
		if (value === null || value === undefined || value === false)
			continue;
		if (name.startsWith('on'))
			node.addEventListener(name.slice(2), value);
		else
			node.setAttribute(name, value === true ? '' : String(value));
	}
	return append(node, children);
}

let uidCounter = 0;
function uid(prefix) {
	uidCounter += 1;
	return prefix + '-' + uidCounter;
}

function label(map, code) {
	return Object.prototype.hasOwnProperty.call(map, code) ? map[code] : code;
}

function labels(map, codes) {
	return (codes || []).map((c) => label(map, c)).join(', ');
}

/* "DUNKERQUE (59140)" for a map with a labelled commune; else its code. */
function communeText(m) {
	if (!m || !m.commune)
		return '';
	return m.commune_name ? m.commune_name + ' (' +
	    (m.postcode || m.commune) + ')' : m.commune;
}

/* "F1701 — Construction en béton" for a map with a labelled rome. */
function romeText(m) {
	if (!m || !m.rome)
		return '';
	return m.rome_label ? m.rome + ' — ' + m.rome_label : m.rome;
}

function fmtNumber(n, digits) {
	return new Intl.NumberFormat('fr-FR', {
		minimumFractionDigits: digits,
		maximumFractionDigits: digits,
	}).format(n);
}

function fmtPercent(ratio) {
	return fmtNumber(ratio * 100, 0) + ' %';
}

/* "12 mars 2026, 14:05:33": when the trail says something happened. */
function fmtDateTimeLong(unix) {
	return new Date(unix * 1000).toLocaleString('fr-FR', {
		dateStyle: 'long', timeStyle: 'medium',
	});
}

function fmtDateTime(unix) {
	if (typeof unix !== 'number')
		return '';
	return new Date(unix * 1000).toLocaleString('fr-FR', {
		dateStyle: 'short', timeStyle: 'short',
	});
}

/* 'YYYY-MM-DD' -> 'DD/MM/YYYY'. */
function fmtDate(iso) {
	const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso || '');
	return m ? m[3] + '/' + m[2] + '/' + m[1] : (iso || '');
}

function plural(n, one, many) {
	return fmtNumber(n, 0) + ' ' + (n === 1 ? one : many);
}

function statusBadge(status) {
	return el('span', { class: 'status-badge status-' + status },
	    label(REFERRAL_STATUS, status));
}

/*
 * The follow-up badges of a referral (proto/PROTOCOL.md, Referral
 * follow-up): no answer for [referrals] stale_days, and the person hired
 * on another offer (flagged for the adviser, not moved).
 */
function followupBadges(ref) {
	if (!ref)
		return [];
	const out = [];
	if (ref.stale)
		out.push(el('span', { class: 'badge badge-stale',
		    title: ref.days_without_move + ' jours sans mouvement' },
		    'sans réponse'));
	if (ref.hired_elsewhere)
		out.push(el('span', { class: 'badge badge-hired-elsewhere',
		    title: 'Embauche sur l’offre ' + ref.hired_elsewhere },
		    'embauché(e) ailleurs'));
	return out;
}

/* A referral's moves, read when first opened. */
function referralHistory(offerId, candidate) {
	const list = el('ol', { class: 'history-moves' });
	const box = el('details', { class: 'referral-history',
	    'data-history-for': candidate },
	    el('summary', null, 'Historique'), list);
	let loaded = false;
	box.addEventListener('toggle', async () => {
		if (!box.open || loaded)
			return;
		loaded = true;
		list.replaceChildren(el('li', { class: 'muted' }, 'Chargement…'));
		try {
			const h = await api('GET', apiPath('referrals', offerId,
			    candidate, 'history'));
			list.replaceChildren(...(h.moves.length ? h.moves.map((m) =>
			    el('li', { class: 'history-move' },
				el('time', null, fmtDateTime(m.at)), ' ',
				label(REFERRAL_STATUS, m.from), ' → ',
				label(REFERRAL_STATUS, m.to),
				m.user ? el('span', { class: 'muted' },
				    ' par ', m.user) : null,
				m.note ? el('q', null, m.note) : null)) :
			    [el('li', { class: 'muted' }, 'Aucun mouvement.')]));
		} catch (err) {
			loaded = false;
			list.replaceChildren();
			flashError(err);
		}
	});
	return box;
}

/* A <dl> of [label, value] pairs; empty values are left out. */
function factList(pairs) {
	const dl = el('dl', { class: 'facts' });
	for (const [name, value] of pairs) {
		if (value === null || value === undefined || value === '')
			continue;
		dl.append(el('div', null, el('dt', null, name), el('dd', null, value)));
	}
	return dl;
}

/* A table.data with its column heads; rows are <tr>s. */
function dataTable(id, heads, rows) {
	return el('div', { class: 'table-wrap' },
	    el('table', { class: 'data', id },
		el('thead', null, el('tr', null, heads.map((h) =>
		    el('th', { scope: 'col' }, h)))),
		el('tbody', null, rows)));
}

/* Run fn at most once per delay, after the last call. */
function debounce(fn, delay) {
	let timer = null;
	return () => {
		clearTimeout(timer);
		timer = setTimeout(fn, delay);
	};
}

/*
 * Only the latest request of a kind may render: take a ticket before the
 * request, check it is still the latest after.
 */
function takeTicket(kind) {
	state.tickets[kind] = (state.tickets[kind] || 0) + 1;
	return state.tickets[kind];
}

function isLatest(kind, ticket) {
	return state.tickets[kind] === ticket;
}

/* ------------------------------------------------------------------------
 * The API
 * ---------------------------------------------------------------------- */

class ApiError extends Error {
	constructor(status, code, message, field) {
		super(message);
		this.status = status;
		this.code = code;
		this.field = field;
	}
}

function apiPath(...segments) {
	return '/api/' + segments.map(encodeURIComponent).join('/');
}

function withQuery(path, params) {
	const q = new URLSearchParams();
	for (const [k, v] of Object.entries(params))
		if (v !== null && v !== undefined && v !== '')
			q.set(k, String(v));
	const s = q.toString();
	return s ? path + '?' + s : path;
}

async function readJson(res) {
	try {
		return await res.json();
	} catch (e) {
		return null;
	}
}

/* One request; token, if any, in the Authorization header. */
async function request(method, path, body, token) {
	const init = { method, headers: { Accept: 'application/json' } };
	if (token)
		init.headers.Authorization = 'Bearer ' + token;
	if (body !== undefined) {
		init.headers['Content-Type'] = 'application/json';
		init.body = JSON.stringify(body);
	}
	let res;
	try {
		res = await fetch(path, init);
	} catch (e) {
		throw new ApiError(0, 'network', 'le serveur ne répond pas', null);
	}
	const data = await readJson(res);
	if (!res.ok) {
		const err = (data && data.error) || {};
		throw new ApiError(res.status, err.code || 'http',
		    err.message || res.statusText, err.field || null);
	}
	return data;
}

/*
 * A request of the signed-in user.  A 401 ends the session: the sign-in
 * form is shown again.  A 403 (a role or a sector the user does not have)
 * is said in the message area, in the server's words.
 */
async function api(method, path, body) {
	const token = state.token;
	if (!token)
		throw new ApiError(401, 'unauthenticated', 'pas de session', null);
	try {
		return await request(method, path, body, token);
	} catch (err) {
		/* An answer to an earlier session says nothing of this one. */
		if (token !== state.token)
			throw err;
		if (err.status === 401)
			endSession(SESSION_LOST);
		else if (err.status === 403)
			flashError(err);
		throw err;
	}
}

const ERROR_PREFIX = {
	0: 'Serveur injoignable',
	400: 'Requête refusée',
	401: 'Non connecté·e',
	403: 'Accès refusé',
	404: 'Introuvable',
	409: 'Action refusée par le serveur',
	503: "Base indisponible, rien n'a été modifié",
};

/* Said after a refused move: the page then shows the server's state. */
const STALE_HINT = ' La mise en relation a sans doute déjà été modifiée ' +
    '(autre onglet, autre conseiller) : son état enregistré est affiché.';

function describeError(err) {
	if (!(err instanceof ApiError))
		return 'Erreur inattendue : ' + String(err && err.message || err);
	const prefix = ERROR_PREFIX[err.status] || 'Erreur ' + err.status;
	return prefix + ' : ' + err.message +
	    (err.status === 409 && err.field === 'status' ? '.' + STALE_HINT : '');
}

/* ------------------------------------------------------------------------
 * Messages
 * ---------------------------------------------------------------------- */

/* parts: text, or nodes (a notice's link), as append() takes them. */
function flash(kind, ...parts) {
	const box = $('flash');
	box.dataset.kind = kind;
	box.setAttribute('role', kind === 'error' ? 'alert' : 'status');
	const text = $('flash-text');
	text.replaceChildren();
	append(text, parts);
	box.hidden = false;
}

function clearFlash() {
	$('flash').hidden = true;
	$('flash-text').textContent = '';
}

/* A 401 is not flashed: the sign-in form says it. */
function flashError(err) {
	if (err instanceof ApiError && err.status === 401)
		return;
	flash('error', describeError(err));
}

/* A message in place of a pane's content. */
function paneMessage(pane, text) {
	pane.replaceChildren(el('p', { class: 'muted' }, text));
}

/* ------------------------------------------------------------------------
 * Sector and live events
 * ---------------------------------------------------------------------- */

function setSector(sector) {
	const s = Object.prototype.hasOwnProperty.call(SECTORS, sector) ?
	    sector : '';
	state.sector = s;
	$('sector').value = s;
	try {
		if (s)
			localStorage.setItem('matcherd.sector', s);
	} catch (e) { /* private mode: not remembered */ }
	updateNav();
	connectEvents(s);
}

function savedSector() {
	try {
		return localStorage.getItem('matcherd.sector') || '';
	} catch (e) {
		return '';
	}
}

function setLive(mode) {
	const live = $('live');
	live.dataset.state = mode;
	live.textContent = LIVE_TEXT[mode];
}

function closeEvents() {
	if (state.events)
		state.events.close();
	state.events = null;
	state.eventsSector = null;
}

/*
 * One Server-Sent Events stream for the chosen sector (docs/HTTP.md),
 * once signed in: EventSource cannot send the Authorization header, so
 * the stream is authenticated by the cookie of POST /api/session.
 */
function connectEvents(sector) {
	if (state.events && state.eventsSector === sector)
		return;
	closeEvents();
	if (!sector || !window.EventSource || !state.token) {
		setLive('off');
		return;
	}
	const es = new EventSource(withQuery('/api/events',
	    { sectors: sector }));
	state.events = es;
	state.eventsSector = sector;
	let wasDown = false;
	es.addEventListener('suggestions', onSuggestions);
	es.addEventListener('followed', onFollowed);
	es.addEventListener('referral', onReferral);
	es.addEventListener('open', () => {
		setLive('on');
		if (wasDown)
			scheduleOfferRefresh();	/* what was missed */
		wasDown = false;
	});
	es.addEventListener('error', () => {
		wasDown = true;
		if (es.readyState !== EventSource.CLOSED) {
			setLive('retry');
			return;
		}
		/* Refused (e.g. 503, or 401): EventSource gives up; so do we,
		 * briefly. */
		setLive('off');
		setTimeout(() => {
			if (state.events === es)
				reopenEvents(es);
		}, EVENTS_RETRY_MS);
	});
}

/*
 * The stream es was refused.  Its cookie may be gone (signed out in
 * another tab) or the token no longer name a user: signing in again with
 * this tab's token sets the cookie anew, or shows the sign-in form.
 */
async function reopenEvents(es) {
	const token = state.token;
	try {
		await openSession(token);
	} catch (err) {
		if (token !== state.token)
			return;
		if (err.status === 401) {
			endSession(SESSION_LOST);
			return;
		}
		/* Anything else (server away): the stream is tried anyway. */
	}
	if (state.events === es) {
		closeEvents();
		connectEvents(state.sector);
	}
}

/* The JSON payload of a pushed event; null if it is not JSON. */
function parseEvent(ev) {
	try {
		return JSON.parse(ev.data);
	} catch (e) {
		return null;
	}
}

/* A match result was pushed: an offer was just scored. */
function onSuggestions(ev) {
	const result = parseEvent(ev);
	const offer = result && result.offer;
	if (!offer || offer.sector !== state.sector)
		return;
	const known = state.offers.some((o) => o.id === offer.id);
	state.fresh.set(offer.id, known ? 'rescored' : 'new');
	scheduleOfferRefresh();
	const opened = state.offer && state.offer.offer.id === offer.id;
	const stored = opened && state.offer.result;
	if (state.view === 'offers' && opened &&
	    (!stored || stored.scored_at !== result.scored_at))
		openOffer(offer.id);
}

/*
 * What referral events asked to read again, done with the list once the
 * events pause: the open offer (moves: candidate -> status pushed), the
 * open candidate's referrals, "Ma journée".
 */
const pending = { offer: null, moves: new Map(), candidate: null,
    digest: false };

const scheduleOfferRefresh = debounce(() => {
	state.listStale = true;
	if (state.view === 'offers')
		loadOffers();
	refreshPending();
}, REFRESH_DELAY_MS);

/* Does the open offer show another status than a move pushed says? */
function offerBehind(id, moves) {
	if (!state.offer || state.offer.offer.id !== id)
		return false;
	const shown = new Map((state.offer.referrals || []).map((r) =>
	    [r.candidate, r.status]));
	return [...moves].some(([cand, status]) => shown.get(cand) !== status);
}

function refreshPending() {
	const { offer, moves, candidate, digest } = pending;
	Object.assign(pending, { offer: null, moves: new Map(),
	    candidate: null, digest: false });
	/* A move of this page is already shown by the time it is pushed. */
	if (offer && state.view === 'offers' && offerBehind(offer, moves))
		openOffer(offer);
	if (candidate && state.view === 'candidate' &&
	    state.candidateId === candidate)
		refreshCandidateReferrals(candidate);
	if (digest && state.view === 'digest')
		showDigest();
}

/* "c-dk-01 sur o-1 : Envoyée à l'employeur (par adv-x).": said aloud. */
function announce(text) {
	$('live-news').textContent = text;
}

/* A referral moved, on an offer of the stream's sector, by anyone. */
function onReferral(ev) {
	const r = parseEvent(ev);
	if (!r || !r.offer || !r.candidate)
		return;
	const offerOpen = state.view === 'offers' && !!state.offer &&
	    state.offer.offer.id === r.offer;
	const personOpen = state.view === 'candidate' &&
	    state.candidateId === r.candidate;
	if (offerOpen) {
		if (pending.offer !== r.offer)
			pending.moves = new Map();
		pending.offer = r.offer;
		pending.moves.set(r.candidate, r.status);
	}
	if (personOpen)
		pending.candidate = r.candidate;
	pending.digest = pending.digest || state.view === 'digest';
	if ((offerOpen || personOpen) && !isMe(r.user))
		announce(personText(r.candidate) + ' sur l\u2019offre ' + r.offer +
		    ' : ' + label(REFERRAL_STATUS, r.status) +
		    (r.user ? ' (par ' + r.user + ').' : '.'));
	scheduleOfferRefresh();
}

/* ------------------------------------------------------------------------
 * Offers: the list
 * ---------------------------------------------------------------------- */

function offerHref(sector, id) {
	return '#/offres/' + encodeURIComponent(sector) +
	    (id ? '/' + encodeURIComponent(id) : '');
}

async function loadOffers() {
	const sector = state.sector;
	const ticket = takeTicket('offers');
	if (!sector) {
		state.offers = [];
		state.listSector = null;
		renderOfferList();
		return;
	}
	try {
		const data = await api('GET', withQuery('/api/offers',
		    { sector, count: OFFER_LIST_COUNT }));
		if (!isLatest('offers', ticket))
			return;
		state.offers = data.offers || [];
		state.listSector = sector;
		state.listStale = false;
		renderOfferList();
	} catch (err) {
		if (isLatest('offers', ticket))
			$('offers-info').textContent = describeError(err);
	}
}

function referralCounts(counts) {
	const parts = [];
	for (const [status, [one, many]] of Object.entries(REFERRAL_COUNTED)) {
		const n = counts && counts[status];
		if (n)
			parts.push(plural(n, one, many));
	}
	return parts.length ? parts.join(' · ') : 'aucune mise en relation';
}

function freshBadge(id) {
	const kind = state.fresh.get(id);
	if (!kind)
		return null;
	return el('span', { class: 'badge badge-' + kind },
	    kind === 'new' ? 'Nouvelle' : 'Rescorée');
}

function offerItem(o) {
	const current = state.offer && state.offer.offer.id === o.id;
	const link = el('a', {
		href: offerHref(o.sector, o.id),
		'aria-current': current ? 'true' : null,
	},
	    el('span', { class: 'offer-title' }, o.title, ' ', freshBadge(o.id)),
	    el('span', { class: 'offer-meta' },
		[o.employer, label(CONTRACTS, o.contract), romeText(o),
		    communeText(o),
		    plural(o.positions, 'poste', 'postes')]
		    .filter(Boolean).join(' · ')),
	    el('span', { class: 'offer-meta' },
		'Reçue le ', fmtDateTime(o.created_at), ' · ',
		label(SOURCES, o.source)),
	    el('span', { class: 'offer-refs' }, referralCounts(o.referrals)));
	return el('li', { 'data-offer-id': o.id }, link);
}

function renderOfferList() {
	const list = $('offer-list');
	const info = $('offers-info');
	if (!state.sector) {
		list.replaceChildren();
		info.textContent = 'Choisissez une candidathèque.';
		return;
	}
	list.replaceChildren(...state.offers.map(offerItem));
	info.textContent = (state.offers.length ?
	    plural(state.offers.length, 'offre ouverte', 'offres ouvertes') +
	    ', les plus récentes en premier.' :
	    'Aucune offre ouverte pour le moment.') +
	    ' ' + label(SECTORS, state.sector) + '.';
}

/* ------------------------------------------------------------------------
 * Offers: one offer, its match result and its referrals
 * ---------------------------------------------------------------------- */

async function openOffer(id) {
	const pane = $('offer-detail');
	const ticket = takeTicket('offer');
	if (!state.offer || state.offer.offer.id !== id)
		paneMessage(pane, 'Chargement de l’offre…');
	try {
		const data = await api('GET', apiPath('offers', id));
		if (!isLatest('offer', ticket))
			return;
		renderOffer(data);
	} catch (err) {
		if (!isLatest('offer', ticket))
			return;
		state.offer = null;
		paneMessage(pane, describeError(err));
	}
}

function renderOffer(data) {
	const pane = $('offer-detail');
	const sameOffer = state.offer && state.offer.offer.id === data.offer.id;
	const notes = sameOffer ? collectNotes(pane) : new Map();
	const focus = sameOffer ? focusedCard(pane) : null;
	state.offer = data;
	const refs = new Map((data.referrals || []).map((r) =>
	    [r.candidate, r]));
	const ctx = { offerId: data.offer.id, open: data.status === 'open' };
	const result = data.result;
	const suggested = new Set(result ?
	    result.suggestions.map((s) => s.candidate) : []);
	const others = (data.referrals || []).filter((r) =>
	    !suggested.has(r.candidate));
	const gaps = el('div', { id: 'offer-gaps' });
	const map = el('section', { class: 'offer-map', id: 'offer-map',
	    'aria-labelledby': 'offer-map-title' },
	    el('h3', { id: 'offer-map-title' }, 'Carte'),
	    el('p', { class: 'muted' }, 'Chargement de la carte…'));
	pane.replaceChildren(
	    offerHeader(data),
	    matchSummary(result, ctx),
	    map,
	    suggestionsSection(result, refs, ctx),
	    otherReferralsSection(others, ctx),
	    gaps);
	restoreNotes(pane, notes);
	if (focus)
		refocusCard(pane, focus);
	fillNames(pane);
	const nearMiss = ctx.open ?
	    fillOfferGaps(gaps, data.offer.id, takeTicket('gaps')) :
	    Promise.resolve(null);
	fillOfferMap(map, data, nearMiss, takeTicket('map'));
	/* Opened: no longer new to this adviser. */
	if (state.fresh.delete(data.offer.id))
		renderOfferList();
	else
		markCurrentOffer();
}

function offerHeader(data) {
	const o = data.offer;
	const statusText = data.status === 'open' ? 'Ouverte' :
	    'Fermée' + (data.closed_reason ? ' (' + data.closed_reason + ')' : '');
	const contract = label(CONTRACTS, o.contract) +
	    (o.duration_months ? ', ' + o.duration_months + ' mois' : '');
	return el('header', { class: 'offer-head' },
	    el('h2', { id: 'offer-title' }, o.title),
	    factList([
		['Employeur', o.employer],
		['Source', label(SOURCES, o.source)],
		['Métier (ROME)', o.rome_v4 ? o.rome_v4 + ' (ROME 4.0, domaine ' +
		    romeText(o) + ')' : romeText(o)],
		['Commune', o.commune ? communeText(o) : o.department ?
		    'lieu précis inconnu (département ' + o.department + ')' :
		    null],
		['Relayée par', o.partner],
		/* The same job from other sources, merged (docs/DEDUP.md). */
		['Aussi reçue de', (data.merged || []).map((m) => m.id + ' (' +
		    label(SOURCES, m.source) + (m.partner ? ', ' + m.partner :
		    '') + ')').join(', ')],
		['Contrat', contract],
		['Temps de travail', label(WORKING_TIME, o.working_time)],
		['Début', o.start ? fmtDate(o.start) : 'dès que possible'],
		['Postes', o.positions],
		['Niveau minimum', o.level_min || null],
		['Expérience demandée', o.experience_months ?
		    o.experience_months + ' mois' : null],
		['Permis exigés', (o.licences_required || []).join(', ')],
		['Compétences exigées', (o.skills_required || []).join(', ')],
		['Compétences souhaitées', (o.skills_wanted || []).join(', ')],
		['Statut', statusText],
		['Reçue le', fmtDateTime(data.created_at)],
	    ]));
}

function excludedList(excluded) {
	return el('ul', { class: 'excluded' }, FILTERS.map(([key, name]) => {
		const n = (excluded && excluded[key]) || 0;
		return el('li', { class: n ? null : 'zero', 'data-filter': key },
		    el('span', { class: 'excluded-name' }, name),
		    el('span', { class: 'excluded-count' }, fmtNumber(n, 0)));
	}));
}

/* Hours of a clause status or report row: "1 607 h". */
function fmtHours(n) {
	return fmtNumber(n || 0, 0) + ' h';
}

/*
 * Where the offer's clause operation stands (docs/CLAUSE.md): the hours of
 * its contractor, or of the operation, and a warning when it is behind.
 */
function clauseStatus(st) {
	if (!st)
		return null;
	const who = st.contractor ? 'Entreprise ' + st.contractor +
	    ' (opération ' + st.operation + ')' : 'Opération ' + st.operation;
	return el('div', { class: 'clause-status' + (st.behind ? ' behind' : ''),
	    id: 'clause-status', role: st.behind ? 'alert' : null },
	    el('p', null, 'Clause d\u2019insertion — ', who, ' : ',
		fmtHours(st.hours_realised), ' réalisées sur ',
		fmtHours(st.hours_committed), ' engagées, ',
		fmtHours(st.hours_expected), ' attendues à ce jour.'),
	    st.behind && st.reason ?
		el('p', { class: 'clause-reason' }, st.reason) : null);
}

function matchSummary(result, ctx) {
	const button = ctx.open ? el('button', {
		type: 'button', id: 'rematch',
		onclick: (ev) => rematch(ctx.offerId, ev.currentTarget),
	}, 'Relancer le matching') : null;
	if (!result)
		return el('section', { class: 'match-summary' },
		    el('h3', null, 'Résultat du matching'),
		    el('p', null, 'Pas encore de résultat.'), button);
	const excludedTotal = result.considered - result.eligible;
	return el('section', { class: 'match-summary' },
	    el('div', { class: 'summary-head' },
		el('h3', null, 'Résultat du matching'), button),
	    el('p', { id: 'match-counts' },
		'Calculé le ', fmtDateTime(result.scored_at), ' : ',
		plural(result.considered, 'candidat considéré',
		    'candidats considérés'), ', ',
		plural(result.eligible, 'éligible', 'éligibles'), ', ',
		plural(result.suggestions.length, 'proposé', 'proposés'), '.'),
	    clauseStatus(result.clause),
	    result.possible_duplicate_of && ctx.open ?
		maybeDuplicate(ctx.offerId, result.possible_duplicate_of) : null,
	    el('h4', null, 'Exclus (', fmtNumber(excludedTotal, 0),
		'), au premier critère non rempli'),
	    excludedList(result.excluded));
}

function componentBars(components) {
	return el('ul', { class: 'bars', 'aria-label': 'Détail du score' },
	    COMPONENTS.map(([key, name]) => {
		const v = Math.max(0, Math.min(1, Number(components[key]) || 0));
		const fill = el('span', { class: 'bar-fill' });
		fill.style.width = (v * 100).toFixed(1) + '%';
		return el('li', { class: 'bar-row', 'data-component': key },
		    el('span', { class: 'bar-label' }, name),
		    el('span', { class: 'bar-track', 'aria-hidden': 'true' }, fill),
		    el('span', { class: 'bar-value' }, fmtPercent(v)));
	    }));
}

/* "Prénom Nom" of a candidate map, or '' (the identity is optional). */
function personName(c) {
	return [c && c.first_name, c && c.last_name].filter(Boolean).join(' ');
}

/* The name, if known, then the id, which stays: advisers quote it. */
function personLabel(id, name) {
	if (!name)
		return id;
	return [el('span', { class: 'person-name' }, name), ' ',
	    el('span', { class: 'candidate-id' }, id)];
}

/* "Prénom Nom (id)", or the id: for messages. */
function personText(id) {
	const name = state.people.get(id);
	return name ? name + ' (' + id + ')' : id;
}

function candidateLink(id, name) {
	return el('a', { href: '#/candidat/' + encodeURIComponent(id),
	    class: 'candidate-link', 'data-person': id },
	    personLabel(id, name === undefined ? state.people.get(id) : name));
}

/* Call fn on every item, at most n at a time. */
async function eachLimited(items, n, fn) {
	const queue = items.slice();
	const worker = async () => {
		while (queue.length)
			await fn(queue.shift());
	};
	await Promise.all(Array.from({ length: Math.min(n, queue.length) },
	    worker));
}

/*
 * The names of the people whose links are in root and whose names are not
 * known yet, asked one by one (a result carries ids only), then written
 * into every link to them.  A refusal leaves the id alone, unsaid: the
 * person is not one of the user's, or is gone.
 */
async function fillNames(root) {
	const token = state.token;
	const ids = new Set();
	for (const a of root.querySelectorAll('a[data-person]'))
		if (!state.people.has(a.dataset.person))
			ids.add(a.dataset.person);
	await eachLimited([...ids], NAME_FETCHES, async (id) => {
		let name = '';
		try {
			name = personName(await request('GET',
			    apiPath('candidates', id), undefined, token));
		} catch (err) {
			/* Said by the views' own requests, if it matters. */
		}
		if (token === state.token)
			state.people.set(id, name);
	});
	if (token !== state.token)
		return;
	for (const a of document.querySelectorAll('a[data-person]')) {
		const name = state.people.get(a.dataset.person);
		if (name && !a.querySelector('.person-name'))
			a.replaceChildren(...[personLabel(a.dataset.person, name)]
			    .flat());
	}
}

function suggestionCard(s, ref, ctx) {
	return el('li', { class: 'card', 'data-candidate': s.candidate },
	    el('div', { class: 'card-head' },
		el('span', { class: 'rank', 'aria-label': 'rang ' + s.rank },
		    s.rank),
		el('h4', { class: 'card-title' }, candidateLink(s.candidate)),
		el('span', { class: 'score' },
		    el('strong', null, fmtNumber(s.score, 1)), ' / 100'),
		el('span', { class: 'distance' },
		    'à ', fmtNumber(s.distance_km, 1), ' km'),
		s.commune ? el('span', { class: 'commune' }, communeText(s)) :
		    null,
		ref ? statusBadge(ref.status) : null, ...followupBadges(ref)),
	    el('div', { class: 'card-body' },
		componentBars(s.components || {}),
		el('ul', { class: 'reasons' },
		    (s.reasons || []).map((r) => el('li', null, r)))),
	    referralControls(s.candidate, ref, ctx),
	    ref ? referralHistory(ctx.offerId, s.candidate) : null);
}

function suggestionsSection(result, refs, ctx) {
	const list = result ? result.suggestions : [];
	return el('section', { class: 'suggestions' },
	    el('h3', null, 'Candidats proposés (', list.length, ')'),
	    list.length ?
		el('ol', { class: 'cards', id: 'suggestions' },
		    list.map((s) => suggestionCard(s, refs.get(s.candidate), ctx))) :
		el('p', { class: 'muted' }, 'Aucun candidat éligible.'));
}

function otherReferralCard(r, ctx) {
	return el('li', { class: 'card', 'data-candidate': r.candidate },
	    el('div', { class: 'card-head' },
		el('h4', { class: 'card-title' }, candidateLink(r.candidate)),
		el('span', { class: 'muted' }, 'mise à jour le ',
		    fmtDateTime(r.updated_at)),
		statusBadge(r.status), ...followupBadges(r)),
	    referralControls(r.candidate, r, ctx),
	    referralHistory(ctx.offerId, r.candidate));
}

/* Referrals of candidates absent from the last result (already_referred). */
function otherReferralsSection(others, ctx) {
	if (!others.length)
		return null;
	return el('section', { class: 'other-referrals' },
	    el('h3', null, 'Autres mises en relation (', others.length, ')'),
	    el('ol', { class: 'cards' },
		others.map((r) => otherReferralCard(r, ctx))));
}

/* ------------------------------------------------------------------------
 * What an offer lacks: its diagnosis, and the people one short step away
 * (docs/SCORING.md, "Near misses and diagnosis")
 * ---------------------------------------------------------------------- */

function diagnosisSection(d) {
	return el('section', { class: 'diagnosis', id: 'offer-diagnosis',
	    'aria-labelledby': 'diagnosis-title' },
	    el('h3', { id: 'diagnosis-title' }, 'Diagnostic de l’offre'),
	    el('p', null, d.text),
	    d.requirements.length ? el('ul', { class: 'diagnosis-list' },
		d.requirements.map((r) => el('li',
		    { 'data-requirement': r.requirement }, r.text))) :
	    el('p', { class: 'muted' }, 'Aucune exigence n’écarte personne.'));
}

function csvCell(v) {
	const s = String(v === null || v === undefined ? '' : v);
	return /[";\r\n]/.test(s) ? '"' + s.replace(/"/g, '""') + '"' : s;
}

/* One group, as CSV for the training organisation (";", UTF-8 BOM). */
function groupCsv(g) {
	const rows = [['candidat', 'nom', 'commune', 'score avec le pas franchi',
	    'ce qui manque']];
	for (const p of g.candidates)
		rows.push([p.candidate, state.people.get(p.candidate) || '',
		    communeText(p), fmtNumber(p.score, 1), p.text]);
	return '\ufeff' + rows.map((r) => r.map(csvCell).join(';'))
	    .join('\r\n') + '\r\n';
}

function exportGroup(offerId, g) {
	const blob = new Blob([groupCsv(g)], { type: 'text/csv;charset=utf-8' });
	const url = URL.createObjectURL(blob);
	const a = el('a', { href: url, download: offerId + '-' + g.gap +
	    (g.skill || g.licence ? '-' + (g.skill || g.licence) : '') +
	    '.csv' });
	document.body.append(a);
	a.click();
	a.remove();
	setTimeout(() => URL.revokeObjectURL(url), 10000);
}

function nearMissSection(offerId, nm) {
	const groups = nm.groups.map((g) => el('li', { class: 'near-miss-group',
	    'data-gap': g.gap, 'data-item': g.skill || g.licence || '' },
	    el('h4', null, g.text, ' (', g.count, ')'),
	    el('ol', { class: 'near-miss-people' }, g.candidates.map((p) =>
		el('li', null, candidateLink(p.candidate),
		    p.commune ? ' (' + communeText(p) + ')' : '', ' : ',
		    fmtNumber(p.score, 1), ' / 100, ', p.text))),
	    el('button', { type: 'button', class: 'export-group',
		onclick: () => exportGroup(offerId, g) }, 'Exporter en CSV')));
	return el('section', { class: 'near-miss', id: 'offer-near-miss',
	    'aria-labelledby': 'near-miss-title' },
	    el('h3', { id: 'near-miss-title' },
		'À un pas de l’offre (', nm.near, ')'),
	    el('p', { class: 'muted' }, 'Écartés par une seule exigence ' +
		'qu’une étape courte lève (formation, date, distance) : de ' +
		'quoi préparer une opération emploi-formation.'),
	    groups.length ? el('ol', { class: 'near-miss-groups' }, groups) :
	    el('p', { class: 'muted' }, 'Personne n’est à un seul pas.'));
}

/*
 * Both sections, each shown if the user's role may see it: a refusal
 * (prospection staff see no people) leaves it out without a word.
 */
async function fillOfferGaps(box, offerId, ticket) {
	const token = state.token;
	const parts = [];
	let nearMiss = null;
	for (const [path, make] of [
	    ['diagnosis', (d) => diagnosisSection(d)],
	    ['near-miss', (d) => nearMissSection(offerId, nearMiss = d)]]) {
		try {
			parts.push(make(await request('GET',
			    apiPath('offers', offerId, path), undefined, token)));
		} catch (err) {
			if (err.status !== 403)
				parts.push(el('p', { class: 'muted' },
				    describeError(err)));
		}
	}
	if (token !== state.token || !isLatest('gaps', ticket))
		return null;
	box.replaceChildren(...parts);
	fillNames(box);
	return nearMiss;
}

/* ------------------------------------------------------------------------
 * The offer's map (map.js draws it): the coordinates of the communes from
 * GET /api/communes, the reference data
 * ---------------------------------------------------------------------- */

/* Most codes one GET /api/communes takes (docs/HTTP.md). */
const COMMUNES_PER_CALL = 500;

async function communePlaces(codes) {
	const places = new Map();
	for (let i = 0; i < codes.length; i += COMMUNES_PER_CALL) {
		const r = await api('GET', withQuery('/api/communes', {
			insee: codes.slice(i, i + COMMUNES_PER_CALL).join(','),
		}));
		for (const c of r.communes)
			places.set(c.insee, c);
	}
	return places;
}

/* The people of the map: suggestions, then near misses not suggested. */
function mapPoints(result, nearMiss) {
	const points = (result ? result.suggestions : []).map((s) => ({
		kind: 'suggestion', id: s.candidate, rank: s.rank,
		insee: s.commune, place: communeText(s),
		title: 'n° ' + s.rank + ' : ' + personText(s.candidate) +
		    (s.commune ? ', ' + communeText(s) : '') + ', à ' +
		    fmtNumber(s.distance_km, 1) + ' km',
	}));
	const seen = new Set(points.map((p) => p.id));
	for (const g of (nearMiss ? nearMiss.groups : []))
		for (const p of g.candidates) {
			if (seen.has(p.candidate))
				continue;
			seen.add(p.candidate);
			points.push({ kind: 'near', id: p.candidate,
			    insee: p.commune, place: communeText(p),
			    title: 'à un pas : ' + personText(p.candidate) +
				(p.commune ? ', ' + communeText(p) : '') + ' (' +
				g.text + ')' });
		}
	return points;
}

/* The map in words: each commune and who is there, for screen readers. */
function mapList(points, places) {
	const byPlace = new Map();
	const nowhere = [];
	for (const p of points) {
		if (!places.has(p.insee)) {
			nowhere.push(p);
			continue;
		}
		if (!byPlace.has(p.insee))
			byPlace.set(p.insee, []);
		byPlace.get(p.insee).push(p);
	}
	const who = (list) => list.map((p) => p.kind === 'near' ?
	    personText(p.id) + ' (à un pas)' : 'n° ' + p.rank).join(', ');
	return el('details', { class: 'map-list' },
	    el('summary', null, 'La carte en liste'),
	    el('ul', null, [...byPlace].map(([, list]) =>
		el('li', null, list[0].place, ' : ', who(list))),
		nowhere.length ? el('li', null, 'Sans commune connue : ',
		    who(nowhere)) : null));
}

function mapLegend(radiusText) {
	const item = (cls, text) => el('li', null,
	    el('span', { class: 'map-key ' + cls, 'aria-hidden': 'true' }), text);
	return el('ul', { class: 'map-legend' },
	    item('map-key-offer', 'l’offre'),
	    item('map-key-radius', radiusText),
	    item('map-key-suggestion', 'candidat proposé (son rang)'),
	    item('map-key-near', 'à un pas de l’offre'));
}

async function fillOfferMap(box, data, nearMissPromise, ticket) {
	const token = state.token;
	const o = data.offer;
	const result = data.result;
	const title = box.firstChild;
	try {
		const nearMiss = await nearMissPromise.catch(() => null);
		const points = mapPoints(result, nearMiss);
		const codes = [...new Set(points.map((p) => p.insee)
		    .filter(Boolean))];
		const places = codes.length ? await communePlaces(codes) :
		    new Map();
		if (token !== state.token || !isLatest('map', ticket))
			return;
		/* The offer's own limit, else the farthest suggestion's. */
		const far = Math.max(0, ...(result ? result.suggestions : [])
		    .map((s) => s.distance_km || 0));
		const radiusKm = o.max_km || Math.ceil(far) || null;
		const radiusText = o.max_km ? 'rayon de l’offre : ' + o.max_km +
		    ' km' : radiusKm ? 'le proposé le plus loin : ' + radiusKm +
		    ' km (chacun a son rayon)' : 'pas de rayon';
		box.replaceChildren(title, offerMapSvg({
			offer: { lat: o.lat, lon: o.lon, title: o.title,
			    place: communeText(o) || 'lieu de l’offre' },
			radiusKm, radiusText, points, places,
		}), mapLegend(radiusText), mapList(points, places));
	} catch (err) {
		if (token === state.token && isLatest('map', ticket))
			box.replaceChildren(title, el('p', { class: 'muted' },
			    describeError(err)));
	}
}

/* ------------------------------------------------------------------------
 * Referral actions
 * ---------------------------------------------------------------------- */

function referralControls(candidate, ref, ctx) {
	if (!ref)
		return el('p', { class: 'muted actions' },
		    'Pas de mise en relation enregistrée.');
	if (!ctx.open)
		return el('p', { class: 'muted actions' },
		    'Offre fermée : plus aucune action.');
	const moves = REFERRAL_MOVES[ref.status] || [];
	if (!moves.length)
		return el('p', { class: 'muted actions' },
		    'Étape finale : aucune action possible.');
	const noteId = uid('note');
	const note = el('input', { id: noteId, type: 'text', maxlength: 500,
	    class: 'note', 'data-note-for': candidate, autocomplete: 'off' });
	const group = el('div', { class: 'actions', role: 'group',
	    'aria-label': 'Actions pour ' + candidate });
	const buttons = moves.map((status) => el('button', {
		type: 'button',
		class: 'action action-' + status,
		'data-status': status,
		onclick: () => moveReferral(ctx.offerId, candidate, status, note,
		    group),
	}, ACTION_LABELS[status]));
	const needsReason = moves.some((m) => NOTE_REQUIRED.has(m));
	return append(group, [
		el('div', { class: 'field note-field' },
		    el('label', { for: noteId }, needsReason ?
			'Note (motif obligatoire pour « Non retenu »)' : 'Note'),
		    note),
		el('div', { class: 'buttons' }, buttons),
	]);
}

function setBusy(group, busy) {
	for (const b of group.querySelectorAll('button, input'))
		b.disabled = busy;
	group.setAttribute('aria-busy', busy ? 'true' : 'false');
}

async function moveReferral(offerId, candidate, status, noteInput, group) {
	const note = noteInput.value.trim();
	if (NOTE_REQUIRED.has(status) && !note) {
		flash('error', 'Indiquez le motif dans le champ « Note » avant ' +
		    '« ' + ACTION_LABELS[status] + ' ».');
		noteInput.focus();
		return;
	}
	const body = note ? { status, note } : { status };
	setBusy(group, true);
	try {
		const r = await api('PATCH', apiPath('referrals', offerId,
		    candidate), body);
		noteInput.value = '';
		flash('ok', personText(candidate) + ' : ' +
		    label(REFERRAL_STATUS, r.from) +
		    ' → ' + label(REFERRAL_STATUS, r.status) + '.');
	} catch (err) {
		flashError(err);
		if (err.status !== 409 && err.status !== 404) {
			setBusy(group, false);
			return;
		}
		/* Refused: someone moved it first; show what the server has. */
	}
	await openOffer(offerId);
	scheduleOfferRefresh();
	focusCandidate(candidate);
}

function focusCandidate(candidate) {
	for (const card of document.querySelectorAll('#offer-detail .card')) {
		if (card.dataset.candidate !== candidate)
			continue;
		const target = card.querySelector('button') ||
		    card.querySelector('a');
		if (target)
			target.focus();
		return;
	}
}

/*
 * Where the focus was in the offer's cards: a redraw (a live event)
 * gives it back, to the note field or the card's first button.
 */
function focusedCard(pane) {
	const a = document.activeElement;
	const card = a && pane.contains(a) && a.closest('li.card');
	return card ? { candidate: card.dataset.candidate,
	    note: a.matches('input[data-note-for]') } : null;
}

function refocusCard(pane, focus) {
	const note = focus.note && [...pane.querySelectorAll(
	    'input[data-note-for]')].find((i) =>
	    i.dataset.noteFor === focus.candidate);
	if (note)
		note.focus();
	else
		focusCandidate(focus.candidate);
}

function collectNotes(pane) {
	const notes = new Map();
	for (const input of pane.querySelectorAll('input[data-note-for]'))
		if (input.value)
			notes.set(input.dataset.noteFor, input.value);
	return notes;
}

function restoreNotes(pane, notes) {
	for (const input of pane.querySelectorAll('input[data-note-for]'))
		if (notes.has(input.dataset.noteFor))
			input.value = notes.get(input.dataset.noteFor);
}

/*
 * A possible duplicate (docs/DEDUP.md): the adviser says whether it is
 * the same job (merged into the other, this one closed) or another one.
 */
function maybeDuplicate(offerId, other) {
	const resolve = async (action, button) => {
		button.disabled = true;
		try {
			await api('POST', apiPath('offers', offerId, 'duplicates',
			    other), { action });
			/* Scored again, its result no longer says "maybe". */
			if (action === 'dismiss')
				await api('POST', apiPath('offers', offerId,
				    'match'), {});
			flash('ok', action === 'merge' ? 'Offre fusionnée avec ' +
			    other + ' et fermée.' : 'Offres distinctes : le ' +
			    'doublon possible est écarté.');
		} catch (err) {
			flashError(err);
		}
		await openOffer(offerId);
	};
	return el('div', { class: 'maybe-duplicate', id: 'maybe-duplicate' },
	    el('p', null, 'Doublon possible de l\u2019offre ', other,
		' : à vérifier avant de proposer des candidats.'),
	    el('button', { type: 'button', id: 'duplicate-merge',
		onclick: (ev) => resolve('merge', ev.currentTarget) },
		'Même offre : fusionner'),
	    ' ',
	    el('button', { type: 'button', id: 'duplicate-dismiss',
		onclick: (ev) => resolve('dismiss', ev.currentTarget) },
		'Offres distinctes'));
}

async function rematch(offerId, button) {
	button.disabled = true;
	button.textContent = 'Matching en cours…';
	try {
		const result = await api('POST', apiPath('offers', offerId, 'match'),
		    {});
		flash('ok', 'Matching relancé : ' + plural(result.suggestions.length,
		    'candidat proposé', 'candidats proposés') + '.');
	} catch (err) {
		flashError(err);
	}
	await openOffer(offerId);
	scheduleOfferRefresh();
}

function markCurrentOffer() {
	const id = state.offer && state.offer.offer.id;
	for (const li of $('offer-list').children) {
		const a = li.querySelector('a');
		if (!a)
			continue;
		if (li.dataset.offerId === id)
			a.setAttribute('aria-current', 'true');
		else
			a.removeAttribute('aria-current');
	}
}

async function showOffers(offerId) {
	const jobs = [];
	if (state.listStale || state.listSector !== state.sector)
		jobs.push(loadOffers());
	if (offerId) {
		jobs.push(openOffer(offerId));
	} else {
		takeTicket('offer');
		state.offer = null;
		paneMessage($('offer-detail'), state.sector ?
		    'Choisissez une offre dans la liste.' :
		    'Choisissez une candidathèque en haut de la page.');
		markCurrentOffer();
	}
	await Promise.all(jobs);
}

/* ------------------------------------------------------------------------
 * The candidathèque
 * ---------------------------------------------------------------------- */

/* Lower case, without accents: "Zoé" is found as "zoe". */
function fold(s) {
	return String(s || '').normalize('NFD').replace(/[\u0300-\u036f]/g, '')
	    .toLowerCase();
}

/*
 * The search form and the address: each filter is a parameter of
 * candidate.list (docs/HTTP.md) kept in the hash after the sector,
 * #/candidats/batiment?status=available&rome=F17&page=2, so a reload or
 * the way back from a candidate shows the same page.  The server filters,
 * counts and pages; the page shows what it got.
 */
const POOL_FIELDS = {
	q: 'f-q', rome: 'f-rome', commune: 'f-commune', within_km: 'f-within',
	status: 'f-status', available_by: 'f-available', licence: 'f-licence',
	criteria: 'f-criterion', skill: 'f-skill',
	updated_since: 'f-updated', count: 'f-page',
};
/*
 * Names are not in the index (proto/PROTOCOL.md, candidate.list): the
 * name field narrows the page shown, here, and stays out of the address.
 */
function nameShown(c) {
	const f = fold($('f-name').value.trim());
	return !f || fold(personName(c) + ' ' + c.id).includes(f);
}

/* A commune without a distance: the default radius of a candidate. */
const POOL_DEFAULT_KM = 15;
const POOL_COUNTS = ['20', '50', '200'];

/* The filters of the hash's query, only known names and sane values. */
function poolQuery(query) {
	const f = {};
	for (const name of Object.keys(POOL_FIELDS)) {
		const v = (query && query.get(name) || '').trim();
		if (v && v.length <= 64)
			f[name] = v;
	}
	if (f.count && !POOL_COUNTS.includes(f.count))
		delete f.count;
	const page = Number(query && query.get('page'));
	f.page = Number.isInteger(page) && page > 1 ? page : 1;
	return f;
}

/* The form's values, as the hash keeps them. */
function readFilters() {
	const f = {};
	for (const [name, id] of Object.entries(POOL_FIELDS)) {
		const v = $(id).value.trim();
		if (v)
			f[name] = name === 'rome' ? v.toUpperCase() : v;
	}
	if (f.count === '50')
		delete f.count;
	return f;
}

/* The field being typed in is left alone: it is what the hash says. */
function fillFilters(f) {
	for (const [name, id] of Object.entries(POOL_FIELDS))
		if (document.activeElement !== $(id) || !Object.keys(f).length)
			$(id).value = f[name] || (name === 'count' ? '50' : '');
}

function poolHash(sector, f, page) {
	const q = new URLSearchParams();
	for (const name of Object.keys(POOL_FIELDS))
		if (f[name])
			q.set(name, f[name]);
	if (page > 1)
		q.set('page', String(page));
	const s = q.toString();
	return '#/candidats/' + encodeURIComponent(sector) + (s ? '?' + s : '');
}

/* The parameters of GET /api/candidates for page `page` of f. */
function poolParams(sector, f, page) {
	const count = Number(f.count || 50);
	const p = { sector, count, offset: (page - 1) * count };
	for (const name of Object.keys(POOL_FIELDS))
		if (name !== 'count' && f[name])
			p[name] = f[name];
	if (p.commune && !p.within_km)
		p.within_km = POOL_DEFAULT_KM;
	return p;
}

/* "F1701 — Construction en béton (24 mois), ...". */
function jobsText(jobs) {
	return (jobs || []).map((j) => romeText(j) + ' (' + j.months + ' mois)')
	    .join(', ');
}

/* When the person can start: '' if not available and no date given. */
function availableFrom(c) {
	if (c.available_from)
		return 'à partir du ' + fmtDate(c.available_from);
	return c.status === 'available' ? 'dès maintenant' : '';
}

function availabilityText(c) {
	const from = availableFrom(c);
	return label(CANDIDATE_STATUS, c.status) + (from ? ', ' + from : '');
}

function mobilityText(c) {
	const licences = (c.licences || []).length ?
	    'permis ' + c.licences.join(', ') : 'sans permis';
	return licences + (c.vehicle ? ', véhicule' : ', sans véhicule');
}

function candidateRow(c) {
	return el('tr', { 'data-candidate': c.id },
	    el('th', { scope: 'row' }, candidateLink(c.id, personName(c))),
	    el('td', null, jobsText(c.jobs)),
	    el('td', null, communeText(c), el('br'),
		el('span', { class: 'muted' }, 'rayon ', c.radius_km, ' km')),
	    el('td', null, availabilityText(c)),
	    el('td', null, labels(CRITERIA, c.criteria)),
	    el('td', null, mobilityText(c)));
}

function renderCandidates() {
	const cands = state.cands;
	const info = $('candidates-info');
	$('candidates-prev').disabled = true;
	$('candidates-next').disabled = true;
	if (!state.sector) {
		$('candidate-rows').replaceChildren();
		$('candidates-total').textContent = '';
		$('candidates-range').textContent = '';
		info.textContent = 'Choisissez une candidathèque.';
		return;
	}
	if (!cands.loaded) {
		info.textContent = 'Recherche…';
		return;
	}
	$('candidate-rows').replaceChildren(...cands.items.filter(nameShown)
	    .map(candidateRow));
	$('candidates-total').textContent = plural(cands.total, 'personne',
	    'personnes');
	info.textContent = 'dans la candidathèque ' +
	    label(SECTORS, state.sector) + (Object.keys(cands.filters)
	    .some((k) => k !== 'count') ? ' avec ces filtres.' : '.');
	const first = cands.offset + 1;
	const last = cands.offset + cands.items.length;
	$('candidates-range').textContent = cands.items.length ?
	    fmtNumber(first, 0) + '\u2013' + fmtNumber(last, 0) + ' sur ' +
	    fmtNumber(cands.total, 0) : cands.total ? 'Au-delà de la dernière page.' :
	    'Aucune personne ne correspond.';
	$('candidates-prev').disabled = cands.page <= 1;
	$('candidates-next').disabled = last >= cands.total;
}

function resetCandidates() {
	state.cands = { sector: null, key: null, filters: {}, page: 1,
	    items: [], total: 0, offset: 0, loaded: false };
}

/* Ask the server for the page the address names. */
async function loadCandidatePage() {
	const cands = state.cands;
	const ticket = takeTicket('cands');
	try {
		const data = await api('GET', withQuery('/api/candidates',
		    poolParams(cands.sector, cands.filters, cands.page)));
		if (!isLatest('cands', ticket) || cands !== state.cands)
			return;
		cands.items = data.candidates || [];
		for (const c of cands.items)
			state.people.set(c.id, personName(c));
		cands.total = data.total || 0;
		cands.offset = data.offset || 0;
		cands.loaded = true;
		renderCandidates();
	} catch (err) {
		if (isLatest('cands', ticket) && cands === state.cands) {
			$('candidate-rows').replaceChildren();
			$('candidates-total').textContent = '';
			$('candidates-range').textContent = '';
			$('candidates-info').textContent = describeError(err);
		}
	}
}

async function showCandidates(query) {
	const f = poolQuery(query);
	const key = poolHash(state.sector || '', f, f.page);
	fillFilters(f);
	if (state.cands.key === key && state.cands.loaded) {
		renderCandidates();
		return;
	}
	resetCandidates();
	Object.assign(state.cands, { sector: state.sector, key, page: f.page,
	    filters: f });
	delete state.cands.filters.page;
	renderCandidates();
	if (state.sector)
		await loadCandidatePage();
}

/* A change of the form: its first page, in the address. */
function onPoolFilters() {
	if (state.view !== 'candidates' || !state.sector)
		return;
	const hash = poolHash(state.sector, readFilters(), 1);
	if (location.hash !== hash)
		location.hash = hash;
}

function poolPage(delta) {
	const c = state.cands;
	location.hash = poolHash(c.sector, c.filters, Math.max(1, c.page + delta));
}

function fillSelect(select, map) {
	for (const [code, name] of Object.entries(map))
		select.append(el('option', { value: code }, name));
}

/* ------------------------------------------------------------------------
 * One candidate
 * ---------------------------------------------------------------------- */

/* tel: and mailto: links; the daemon checked both values. */
function phoneLink(phone) {
	return phone ? el('a', { href: 'tel:' + phone.replace(/[^0-9+]/g, ''),
	    class: 'phone' }, phone) : null;
}

function emailLink(email) {
	return email ? el('a', { href: 'mailto:' +
	    encodeURIComponent(email).replace(/%40/g, '@'), class: 'email' },
	    email) : null;
}

function candidateFacts(c) {
	return factList([
		['Prénom', c.first_name],
		['Nom', c.last_name],
		['Téléphone', phoneLink(c.phone)],
		['Courriel', emailLink(c.email)],
		['Identifiant', c.id],
		['Candidathèques', labels(SECTORS, c.sectors)],
		['Statut', label(CANDIDATE_STATUS, c.status)],
		['Disponible', availableFrom(c)],
		['Métiers', jobsText(c.jobs)],
		['Compétences', (c.skills || []).join(', ')],
		['Niveau', c.level],
		['Commune', communeText(c)],
		['Rayon de mobilité', c.radius_km + ' km'],
		['Mobilité', mobilityText(c)],
		['Contrats acceptés', labels(CONTRACTS, c.contracts)],
		['Temps de travail', label(WORKING_TIME, c.working_time)],
		['Date de naissance', fmtDate(c.birth_date)],
		['Critères', labels(CRITERIA, c.criteria)],
		['Freins', labels(BARRIERS, c.barriers)],
		['Conseiller·ère', c.adviser],
		['Accord partenaires', c.consent_partners ? 'oui' : 'non'],
		['Mises en relation en cours', c.open_referrals],
	]);
}

function candidateReferralRow(candidateId, r) {
	return el('tr', { 'data-offer-id': r.offer },
	    el('th', { scope: 'row' },
		el('a', { href: offerHref(r.sector, r.offer) }, r.title || r.offer)),
	    el('td', null, r.employer || ''),
	    el('td', null, label(SECTORS, r.sector)),
	    el('td', null, statusBadge(r.status), ' ', ...followupBadges(r)),
	    el('td', null, r.offer_status === 'open' ? 'ouverte' : 'fermée'),
	    el('td', null, fmtDateTime(r.updated_at),
		referralHistory(r.offer, candidateId)));
}

function candidateReferrals(candidateId, refs) {
	if (!refs.length)
		return el('p', { class: 'muted' }, 'Aucune mise en relation.');
	return dataTable('candidate-referrals', ['Offre', 'Employeur',
	    'Candidathèque', 'Statut', "État de l'offre", 'Mise à jour'],
	    refs.map((r) => candidateReferralRow(candidateId, r)));
}

function referralsSection(candidateId, refs) {
	return el('section', { id: 'candidate-refs',
	    'aria-labelledby': 'candidate-refs-title' },
	    el('h2', { id: 'candidate-refs-title' },
		'Mises en relation (', refs.length, ')'),
	    candidateReferrals(candidateId, refs));
}

/*
 * A referral of the person moved (a live event): their referrals read
 * again, the rest of the view left as it is.
 */
async function refreshCandidateReferrals(id) {
	const view = state.tickets.candidate;
	const ticket = takeTicket('candidate-refs');
	try {
		const refs = await api('GET', apiPath('candidates', id,
		    'referrals'));
		const old = $('candidate-refs');
		if (old && isLatest('candidate', view) &&
		    isLatest('candidate-refs', ticket))
			old.replaceWith(referralsSection(id, refs.referrals || []));
	} catch (err) {
		/* Kept as shown; the next move or a reload reads it again. */
	}
}

function auditAction(e) {
	const say = AUDIT_ACTIONS[e.method];
	return say ? say(e.record) : e.method;
}

function auditRow(e) {
	const me = state.user && e.user === state.user.user;
	return el('tr', { 'data-method': e.method, class: me ? 'audit-mine' :
	    null },
	    el('td', null, el('time', { datetime:
		new Date(e.at * 1000).toISOString() }, fmtDateTimeLong(e.at))),
	    el('th', { scope: 'row' }, e.user || 'sans session',
		me ? el('span', { class: 'muted' }, ' (vous)') : null),
	    el('td', null, e.role ? label(ROLES, e.role) : '—'),
	    el('td', null, auditAction(e)));
}

/*
 * Who looked at the person's record or wrote it (GET /api/audit), the
 * newest first: one more entry than is shown is asked for, to tell
 * whether there are others.  audit.list reads the newest calls of the
 * whole trail, so "récentes": an old look may no longer be found.
 */
function auditSection(entries) {
	const shown = entries.slice(0, AUDIT_SHOWN);
	const info = !shown.length ?
	    'Aucune consultation ni modification récente enregistrée.' :
	    entries.length > AUDIT_SHOWN ?
	    'Les ' + AUDIT_SHOWN + ' plus récentes sont affichées ; le ' +
	    'journal en compte d\u2019autres.' :
	    plural(shown.length, 'consultation ou modification récente',
		'consultations ou modifications récentes') +
	    ', la plus récente en premier.';
	return [
		el('p', { class: 'muted', id: 'audit-info' }, info),
		shown.length ? dataTable('audit-entries', ['Date et heure',
		    'Personne', 'Rôle', 'Action'], shown.map(auditRow)) : null,
	];
}

/* Read after the record: the look that opened the view is listed. */
async function fillAudit(box, id, ticket) {
	let content;
	try {
		const data = await api('GET', withQuery('/api/audit',
		    { candidate: id, count: AUDIT_SHOWN + 1 }));
		content = auditSection(data.entries || []);
	} catch (err) {
		content = el('p', { class: 'muted', id: 'audit-info' },
		    describeError(err));
	}
	if (isLatest('candidate', ticket))
		box.replaceChildren(...[content].flat().filter(Boolean));
}

/* The reverse match: the open offers the person fits, best first. */
const PERSON_OFFERS = 10;

function personOffersSection(r) {
	const offerHref = (o) => '#/offres/' + encodeURIComponent(o.sector) +
	    '/' + encodeURIComponent(o.id);
	return el('section', { id: 'candidate-offers',
	    'aria-labelledby': 'candidate-offers-title' },
	    el('h2', { id: 'candidate-offers-title' },
		'Offres pour cette personne (', r.eligible, ')'),
	    r.offers.length ? el('ol', { class: 'cards' }, r.offers.map((h) =>
		el('li', { class: 'card', 'data-offer': h.offer.id },
		    el('div', { class: 'card-head' },
			el('span', { class: 'rank' }, h.rank),
			el('h4', { class: 'card-title' },
			    el('a', { href: offerHref(h.offer) }, h.offer.title,
				' (', h.offer.employer, ')')),
			el('span', { class: 'score' },
			    el('strong', null, fmtNumber(h.score, 1)), ' / 100')),
		    el('p', null, romeText(h.offer), ' · ', communeText(h.offer)),
		    el('p', { class: 'muted' }, fmtNumber(h.distance_km, 1),
			' km : ', h.reasons.slice(0, 3).join(' ; '))))) :
	    el('p', { class: 'muted' }, 'Aucune offre ouverte ne lui ' +
		'correspond.'));
}

/*
 * Following a person (proto/PROTOCOL.md, "Following a person"): who
 * does, and the signed-in user's button.
 */
function isMe(user) {
	return !!state.user && user === state.user.user;
}

/* "Suivi par : adv-batiment, vous." (the signed-in user last). */
function followersText(followers) {
	const names = followers.filter((f) => !isMe(f.user)).map((f) => f.user);
	if (followers.some((f) => isMe(f.user)))
		names.push('vous');
	return names.length ? 'Suivi par : ' + names.join(', ') + '.' :
	    'Personne ne suit cette personne.';
}

/* followers after the answer r of PUT or DELETE .../follow. */
function withFollow(followers, r) {
	const others = followers.filter((f) => f.user !== r.user);
	return r.following ? others.concat({ user: r.user, since: r.since }) :
	    others;
}

/*
 * The block stays in place when the user follows or stops: its text (a
 * live region) and its button change, so the focus stays on the button.
 */
function followSection(id, followers) {
	let current = followers || [];
	const info = el('p', { id: 'follow-info', 'aria-live': 'polite' });
	const button = el('button', { type: 'button', id: 'follow-toggle' });
	const show = () => {
		const mine = current.some((f) => isMe(f.user));
		info.textContent = followersText(current);
		button.textContent = mine ? 'Ne plus suivre' : 'Suivre';
		button.className = mine ? 'secondary' : '';
	};
	/* Not disabled while busy: a disabled button would lose the focus. */
	button.addEventListener('click', async () => {
		if (button.getAttribute('aria-disabled') === 'true')
			return;
		const follow = !current.some((f) => isMe(f.user));
		button.setAttribute('aria-disabled', 'true');
		try {
			current = withFollow(current, await api(follow ? 'PUT' :
			    'DELETE', apiPath('candidates', id, 'follow')));
			show();
		} catch (err) {
			flashError(err);
		}
		button.removeAttribute('aria-disabled');
	});
	show();
	return el('section', { id: 'candidate-follow', class: 'follow',
	    'aria-labelledby': 'candidate-follow-title' },
	    el('h2', { id: 'candidate-follow-title' }, 'Suivi'), info,
	    el('p', { class: 'muted' }, 'Qui suit la personne est averti·e en ' +
		'direct de chaque nouvelle offre qui la propose.'), button);
}

async function showCandidate(id) {
	const box = $('candidate-detail');
	const ticket = takeTicket('candidate');
	state.candidateId = id;
	$('candidate-title').textContent = 'Candidat ' + id;
	paneMessage(box, 'Chargement…');
	try {
		const [c, refs, fits] = await Promise.all([
			api('GET', apiPath('candidates', id)),
			api('GET', apiPath('candidates', id, 'referrals')),
			api('GET', withQuery(apiPath('candidates', id, 'offers'),
			    { limit: PERSON_OFFERS })).catch(() => null),
		]);
		if (!isLatest('candidate', ticket))
			return;
		const name = personName(c);
		state.people.set(id, name);
		$('candidate-title').textContent = name ?
		    name + ' (' + id + ')' : 'Candidat ' + id;
		const list = refs.referrals || [];
		const audit = el('div', { id: 'candidate-audit-body' },
		    el('p', { class: 'muted' }, 'Chargement…'));
		box.replaceChildren(candidateFacts(c),
		    followSection(id, c.followers),
		    referralsSection(id, list),
		    fits ? personOffersSection(fits) : null,
		    el('section', { id: 'candidate-audit',
			'aria-labelledby': 'candidate-audit-title' },
			el('h2', { id: 'candidate-audit-title' },
			    'Consultations et modifications'), audit));
		await fillAudit(audit, id, ticket);
	} catch (err) {
		if (isLatest('candidate', ticket))
			paneMessage(box, describeError(err));
	}
}

/* ------------------------------------------------------------------------
 * Statistics
 * ---------------------------------------------------------------------- */

function sum(values) {
	return values.reduce((a, b) => a + (Number(b) || 0), 0);
}

function keyFigures(st) {
	const refs = st.referrals || {};
	return el('ul', { class: 'key-figures' },
	    [
		['Candidats', fmtNumber(st.candidates || 0, 0)],
		['Offres ouvertes', fmtNumber((st.offers || {}).open || 0, 0)],
		['Offres fermées', fmtNumber((st.offers || {}).closed || 0, 0)],
		['Mises en relation', fmtNumber(sum(Object.values(refs)), 0)],
		['Recrutements', fmtNumber(refs.hired || 0, 0)],
		['Conversion mise en relation → recrutement',
		    fmtNumber((st.conversion || 0) * 100, 1) + ' %'],
	    ].map(([name, value]) => el('li', { class: 'figure' },
		el('span', { class: 'figure-value' }, value),
		el('span', { class: 'figure-name' }, name))));
}

function referralRow(name, counts) {
	const statuses = Object.keys(REFERRAL_STATUS);
	return el('tr', null, el('th', { scope: 'row' }, name),
	    statuses.map((s) => el('td', { class: 'num' },
		fmtNumber((counts && counts[s]) || 0, 0))),
	    el('td', { class: 'num' }, fmtNumber(sum(statuses.map((s) =>
		(counts && counts[s]) || 0)), 0)));
}

function referralsTable(st) {
	const bySector = st.referrals_by_sector || {};
	return el('div', { class: 'table-wrap' },
	    el('table', { class: 'data', id: 'stats-referrals' },
		el('caption', null, 'Mises en relation par candidathèque et statut'),
		el('thead', null, el('tr', null,
		    el('th', { scope: 'col' }, 'Candidathèque'),
		    Object.values(REFERRAL_STATUS).map((s) =>
			el('th', { scope: 'col', class: 'num' }, s)),
		    el('th', { scope: 'col', class: 'num' }, 'Total'))),
		el('tbody', null, Object.entries(SECTORS).map(([code, name]) =>
		    referralRow(name, bySector[code]))),
		el('tfoot', null, referralRow('Total', st.referrals))));
}

function countsTable(id, caption, map, counts) {
	return el('table', { class: 'data compact', id },
	    el('caption', null, caption),
	    el('tbody', null, Object.entries(map).map(([code, name]) =>
		el('tr', null, el('th', { scope: 'row' }, name),
		    el('td', { class: 'num' },
			fmtNumber((counts && counts[code]) || 0, 0))))));
}

const CLAUSE_PERIOD = {
	upcoming: 'à venir',
	running: 'en cours',
	over: 'terminée',
};

/* "RSA 2, DELD 1": the criteria of the people hired. */
function hiredCriteria(counts) {
	const parts = Object.entries(counts || {}).map(([code, n]) =>
	    label(CRITERIA, code) + ' ' + fmtNumber(n, 0));
	return parts.length ? parts.join(', ') : '—';
}

function clauseRow(head, f, cls) {
	return el('tr', { class: cls + (f.behind ? ' behind' : '') },
	    head,
	    el('td', { class: 'num' }, fmtHours(f.hours_committed)),
	    el('td', { class: 'num' }, fmtHours(f.hours_realised)),
	    el('td', { class: 'num' }, fmtHours(f.hours_expected)),
	    el('td', { class: 'num' }, typeof f.percent === 'number' ?
		fmtNumber(f.percent, 1) + ' %' : '—'),
	    el('td', { class: 'num' }, fmtNumber(f.people || 0, 0)),
	    el('td', null, f.behind ? 'En retard' : 'À jour'),
	    el('td', null, hiredCriteria(f.hired_criteria)));
}

/*
 * The clause report (GET /api/clause/report): per operation, then per
 * contractor, hours committed, realised and expected to date.
 */
function clauseTable(rep) {
	const ops = (rep && rep.operations) || [];
	if (!ops.length)
		return el('section', { id: 'stats-clauses' },
		    el('h2', null, 'Clauses d\u2019insertion'),
		    el('p', { class: 'muted' }, 'Aucune opération déclarée.'));
	const body = [];
	for (const op of ops) {
		body.push(clauseRow(el('th', { scope: 'row' },
		    el('span', { class: 'clause-op' }, op.name),
		    el('span', { class: 'muted' }, op.authority, ', ',
			fmtDate(op.start), ' → ', fmtDate(op.end), ' (',
			label(CLAUSE_PERIOD, op.period), ')')), op, 'clause-op-row'));
		for (const c of op.contractors || [])
			body.push(clauseRow(el('th', { scope: 'row',
			    class: 'clause-contractor' }, c.id === null ?
				'sans entreprise' : (c.name || c.id)), c,
			    'clause-contractor-row'));
	}
	return el('section', { id: 'stats-clauses' },
	    el('h2', null, 'Clauses d\u2019insertion'),
	    el('p', { class: 'muted' }, plural(rep.matched, 'opération',
		'opérations'), ', dont ', fmtNumber(rep.behind, 0),
		' en retard ; ', fmtHours(rep.total.hours_realised),
		' réalisées sur ', fmtHours(rep.total.hours_committed),
		' engagées.'),
	    el('div', { class: 'table-wrap' },
		el('table', { class: 'data', id: 'stats-clause-table' },
		    el('caption', null, 'Heures d\u2019insertion par opération et ' +
			'par entreprise, au ' + fmtDate(rep.today)),
		    el('thead', null, el('tr', null,
			['Opération / entreprise', 'Engagées', 'Réalisées',
			    'Attendues à ce jour', 'Réalisé', 'Personnes recrutées',
			    'État', 'Critères des personnes recrutées'].map(
			    (h, i) => el('th', { scope: 'col',
				class: i >= 1 && i <= 5 ? 'num' : null }, h)))),
		    el('tbody', null, body))));
}

async function showStats() {
	const box = $('stats-detail');
	const ticket = takeTicket('stats');
	try {
		const [st, clauses] = await Promise.all([
		    api('GET', '/api/stats'), api('GET', '/api/clause/report')]);
		if (!isLatest('stats', ticket))
			return;
		box.replaceChildren(keyFigures(st), referralsTable(st),
		    el('div', { class: 'side-by-side' },
			countsTable('stats-candidates', 'Candidats par candidathèque',
			    SECTORS, st.candidates_by_sector),
			countsTable('stats-statuses', 'Candidats par statut',
			    CANDIDATE_STATUS, st.candidates_by_status)),
		    clauseTable(clauses));
	} catch (err) {
		if (isLatest('stats', ticket))
			paneMessage(box, describeError(err));
	}
}

/* ------------------------------------------------------------------------
 * Ma journée: the digest of the chosen sector (GET /api/digest), the
 * people the user follows, and the offers pushed for them since
 * ---------------------------------------------------------------------- */

function digestHref(sector) {
	return '#/journee' + (sector ? '/' + encodeURIComponent(sector) : '');
}

/* "12 offres, 5 affichées": the total, and what is shown when cut. */
function shownText(total, shown, one, many) {
	return plural(total, one, many) + (shown < total ? ', ' +
	    plural(shown, 'affichée', 'affichées') : '');
}

/*
 * One section: its title, its total (or, when there is nothing, the
 * words empty) and body(items).
 */
function digestSection(key, title, list, words, empty, body) {
	const items = list.items;
	return el('section', { class: 'digest-section', id: 'digest-' + key,
	    'aria-labelledby': 'digest-' + key + '-title' },
	    el('h2', { id: 'digest-' + key + '-title' }, title),
	    items.length ? [el('p', { class: 'digest-total muted' },
		shownText(list.total, items.length, ...words)), body(items)] :
		el('p', { class: 'digest-empty muted' }, empty));
}

function digestOfferLink(sector, id, title) {
	return el('a', { href: offerHref(sector, id) }, title || id);
}

function newOfferItem(o) {
	return el('li', { 'data-offer-id': o.id },
	    digestOfferLink(o.sector, o.id, o.title),
	    el('span', { class: 'offer-meta' }, [o.employer, romeText(o),
		communeText(o), 'reçue le ' + fmtDateTime(o.created_at)]
		.filter(Boolean).join(' · ')),
	    el('span', { class: 'offer-refs' }, o.suggested ?
		plural(o.suggested, 'personne proposée à traiter',
		    'personnes proposées à traiter') :
		'aucune proposition à traiter'));
}

function waitingDays(days) {
	return days ? 'depuis ' + plural(days, 'jour', 'jours') :
	    'depuis aujourd\u2019hui';
}

/* A row of waiting or hires; last is its last cell. */
function digestReferralRow(sector, r, last) {
	return el('tr', { 'data-offer-id': r.offer,
	    'data-candidate': r.candidate },
	    el('th', { scope: 'row' }, digestOfferLink(r.sector || sector,
		r.offer, r.title)),
	    el('td', null, r.employer || ''),
	    el('td', null, candidateLink(r.candidate)),
	    last);
}

function waitingRow(sector, r) {
	return digestReferralRow(sector, r, [
		el('td', null, statusBadge(r.status), ' ', ...followupBadges(
		    { stale: r.stale, days_without_move: r.days })),
		el('td', { class: 'digest-days' }, waitingDays(r.days))]);
}

function hireRow(sector, r) {
	return digestReferralRow(sector, r,
	    el('td', null, fmtDateTime(r.updated_at)));
}

function clauseBehindRow(op) {
	return el('tr', { 'data-operation': op.operation },
	    el('th', { scope: 'row' }, op.name || op.operation),
	    el('td', { class: 'num' }, fmtHours(op.hours_realised)),
	    el('td', { class: 'num' }, fmtHours(op.hours_expected)),
	    el('td', { class: 'num' }, fmtHours(op.hours_committed)));
}

function followingItem(f) {
	return el('li', { 'data-candidate': f.candidate },
	    candidateLink(f.candidate),
	    el('span', { class: 'muted' }, ' suivi·e depuis le ',
		fmtDateTime(f.since)));
}

const asList = (o) => ({ total: o ? o.total : 0, items: (o && (o.offers ||
    o.referrals || o.operations)) || [] });

function digestSections(d, following) {
	/* Waiting and hires name no sector: it is the one asked for. */
	const sector = d.sectors && d.sectors[0];
	const people = following.candidates || [];
	return [
		digestSection('new-offers', 'Nouvelles offres', asList(d.new_offers),
		    ['offre', 'offres'], 'Aucune nouvelle offre sur la période.',
		    (items) => el('ol', { class: 'digest-offers' },
			items.map(newOfferItem))),
		digestSection('waiting', 'En attente de réponse',
		    asList(d.waiting), ['mise en relation', 'mises en relation'],
		    'Aucune mise en relation n\u2019attend la réponse d\u2019un ' +
		    'employeur.', (items) => dataTable('digest-waiting-table',
			['Offre', 'Employeur', 'Personne', 'Statut', 'Attente'],
			items.map((r) => waitingRow(sector, r)))),
		digestSection('hires', 'Embauches', asList(d.hires),
		    ['embauche', 'embauches'], 'Aucune embauche sur la période.',
		    (items) => dataTable('digest-hires-table', ['Offre',
			'Employeur', 'Personne', 'Le'],
			items.map((r) => hireRow(sector, r)))),
		digestSection('clauses', 'Clauses en retard',
		    asList(d.clause_behind), ['opération', 'opérations'],
		    'Aucune clause d\u2019insertion en retard.',
		    (items) => dataTable('digest-clauses-table', ['Opération',
			'Heures réalisées', 'Attendues à ce jour', 'Engagées'],
			items.map(clauseBehindRow))),
		digestSection('following', 'Personnes suivies',
		    { total: people.length, items: people },
		    ['personne suivie', 'personnes suivies'],
		    'Vous ne suivez personne : « Suivre » sur la fiche d\u2019une ' +
		    'personne.', (items) => el('ul', { class: 'digest-people' },
			items.map(followingItem))),
	];
}

async function showDigest() {
	const box = $('digest-detail');
	const sector = state.sector;
	const ticket = takeTicket('digest');
	seeNews();
	if (!sector) {
		$('digest-info').textContent = '';
		paneMessage(box, 'Choisissez une candidathèque.');
		return;
	}
	/* Read again while open (a live event): the old one stays until. */
	if (state.digestSector !== sector)
		paneMessage(box, 'Chargement…');
	try {
		const [d, following] = await Promise.all([
			api('GET', withQuery('/api/digest', { sectors: sector,
			    hours: DIGEST_HOURS, count: DIGEST_COUNT })),
			api('GET', '/api/following')]);
		if (!isLatest('digest', ticket))
			return;
		state.digestSector = sector;
		$('digest-info').textContent = 'Candidathèque ' +
		    label(SECTORS, sector) + ', depuis le ' + fmtDateTime(d.since) +
		    ' (' + DIGEST_HOURS + ' dernières heures), lu le ' +
		    fmtDateTime(d.at) + '.';
		box.replaceChildren(...digestSections(d, following));
		fillNames(box);
	} catch (err) {
		if (isLatest('digest', ticket)) {
			state.digestSector = null;
			paneMessage(box, describeError(err));
		}
	}
}

/* ---- the offers pushed for the people followed (event: followed) ---- */

function followedText(f) {
	return ['Nouvelle offre pour ', personText(f.candidate), ' (suivi) : ',
	    el('a', { href: offerHref(f.offer.sector, f.offer.id),
		class: 'followed-offer' }, f.offer.title || f.offer.id),
	    ', rang ', f.rank];
}

function newsItem(f) {
	const o = f.offer;
	return el('li', { 'data-offer-id': o.id, 'data-candidate': f.candidate },
	    followedText(f),
	    el('span', { class: 'offer-meta' }, [o.employer, romeText(o),
		communeText(o), label(CONTRACTS, o.contract),
		'score ' + fmtNumber(f.score, 1) + ' / 100',
		'à ' + fmtNumber(f.distance_km, 1) + ' km']
		.filter(Boolean).join(' · ')));
}

function renderNews() {
	const box = $('digest-news');
	box.hidden = !state.news.length;
	$('digest-news-list').replaceChildren(...state.news.map(newsItem));
}

/* The nav's count: "Ma journée 2", said in words to screen readers. */
function updateNewsCount() {
	const n = state.newsUnseen;
	const box = $('nav-digest-count');
	box.hidden = !n;
	box.replaceChildren(...(n ? [fmtNumber(n, 0), el('span',
	    { class: 'visually-hidden' }, n === 1 ?
		' nouvelle offre pour une personne suivie' :
		' nouvelles offres pour des personnes suivies')] : []));
}

/* "Ma journée" is on screen: the count is seen, the list is kept. */
function seeNews() {
	state.newsUnseen = 0;
	updateNewsCount();
	renderNews();
}

function clearNews() {
	state.news = [];
	seeNews();
}

/* A new offer suggests a person the user follows. */
function onFollowed(ev) {
	const f = parseEvent(ev);
	if (!f || !f.offer || !f.candidate)
		return;
	state.news = [f].concat(state.news.filter((n) =>
	    n.offer.id !== f.offer.id || n.candidate !== f.candidate))
	    .slice(0, NEWS_KEPT);
	if (state.view !== 'digest')
		state.newsUnseen += 1;
	updateNewsCount();
	renderNews();
	flash('ok', followedText(f));
}

/* ------------------------------------------------------------------------
 * Signing in and out (docs/HTTP.md, "Authentication")
 * ---------------------------------------------------------------------- */

function savedToken() {
	try {
		return sessionStorage.getItem(TOKEN_KEY) || '';
	} catch (e) {
		return '';
	}
}

/* '' forgets it. */
function saveToken(token) {
	try {
		if (token)
			sessionStorage.setItem(TOKEN_KEY, token);
		else
			sessionStorage.removeItem(TOKEN_KEY);
	} catch (e) { /* storage off: the token lasts as long as the page */ }
}

/* POST /api/session: {user, role}, and the cookie of the event stream. */
function openSession(token) {
	return request('POST', '/api/session', { token });
}

function setSignInError(text) {
	$('signin-error').textContent = text;
	$('signin-token').setAttribute('aria-invalid', text ? 'true' : 'false');
}

function showSignIn(message) {
	for (const id of ['views-nav', 'sector-picker', 'live', 'account'])
		$(id).hidden = true;
	for (const v of VIEW_IDS)
		$('view-' + v).hidden = true;
	state.view = '';
	$('view-signin').hidden = false;
	$('signin-submit').disabled = false;
	const input = $('signin-token');
	input.value = '';
	setSignInError(message);
	input.focus();
}

function showAccount(who) {
	$('view-signin').hidden = true;
	for (const id of ['views-nav', 'sector-picker', 'live', 'account'])
		$(id).hidden = false;
	$('sign-out').disabled = false;
	$('account-user').replaceChildren('Connecté·e : ',
	    el('strong', { id: 'account-name' }, who.user),
	    ' (', label(ROLES, who.role), ')');
}

/* Nothing read for one user is left on screen, or rendered, for another. */
function resetData() {
	for (const kind of Object.keys(state.tickets))
		takeTicket(kind);
	state.offers = [];
	state.listSector = null;
	state.listStale = true;
	state.fresh.clear();
	state.offer = null;
	state.people.clear();
	resetCandidates();
	lastRoute = null;
	$('offer-list').replaceChildren();
	$('offers-info').textContent = '';
	paneMessage($('offer-detail'), '');
	$('candidate-rows').replaceChildren();
	$('candidates-info').textContent = '';
	$('candidate-detail').replaceChildren();
	$('stats-detail').replaceChildren();
	state.candidateId = null;
	state.digestSector = null;
	$('digest-info').textContent = '';
	$('digest-detail').replaceChildren();
	$('live-news').textContent = '';
	clearNews();
}

/* Signed in as who ({user, role}) with token: the page as addressed. */
function enterSession(token, who, focus) {
	state.token = token;
	state.user = who;
	saveToken(token);
	$('signin-token').value = '';
	setSignInError('');
	showAccount(who);
	route();
	if (focus)
		$('main').focus();
}

/* Back to the sign-in form, with message on its error line. */
function endSession(message) {
	closeEvents();
	setLive('off');
	state.token = '';
	state.user = null;
	saveToken('');
	resetData();
	clearFlash();
	showSignIn(message);
}

async function onSignIn(ev) {
	ev.preventDefault();
	const input = $('signin-token');
	const button = $('signin-submit');
	const token = input.value.trim();
	if (button.disabled)
		return;
	if (!token) {
		setSignInError('Saisissez votre jeton d\'accès.');
		input.focus();
		return;
	}
	button.disabled = true;
	$('signin-form').setAttribute('aria-busy', 'true');
	try {
		enterSession(token, await openSession(token), true);
	} catch (err) {
		setSignInError(err.status === 401 ? 'Jeton inconnu' :
		    describeError(err));
		input.focus();
		input.select();
	} finally {
		button.disabled = false;
		$('signin-form').setAttribute('aria-busy', 'false');
	}
}

async function signOut() {
	const token = state.token;
	$('sign-out').disabled = true;
	closeEvents();
	try {
		await request('DELETE', '/api/session', undefined, token);
	} catch (err) {
		/* Signed out here all the same: the token is forgotten. */
	}
	endSession('');
}

/* At load: the token this tab signed in with, if any, checked again. */
async function resumeSession() {
	const token = savedToken();
	if (!token) {
		showSignIn('');
		return;
	}
	try {
		enterSession(token, await openSession(token), false);
	} catch (err) {
		/* Server away: the token is kept for a reload. */
		if (err.status === 401)
			saveToken('');
		showSignIn(err.status === 401 ? SESSION_LOST : describeError(err));
	}
}

/* ------------------------------------------------------------------------
 * Routing
 * ---------------------------------------------------------------------- */

const VIEWS = {
	offres: 'offers',
	candidats: 'candidates',
	candidat: 'candidate',
	journee: 'digest',
	stats: 'stats',
};

function parseRoute() {
	let parts;
	try {
		parts = location.hash.replace(/^#\/?/, '').split('?')[0]
		    .split('/').map(decodeURIComponent);
	} catch (e) {
		parts = [];
	}
	const view = VIEWS[parts[0]];
	if (!view)
		return null;
	if (view === 'candidate')
		return { view, id: parts[1] || '' };
	if (view === 'stats')
		return { view };
	/* #/candidats/SECTOR?filters: the search (showCandidates). */
	const query = new URLSearchParams(location.hash.split('?')[1] || '');
	return { view, sector: parts[1] || '', id: parts[2] || '', query };
}

function updateNav() {
	const s = state.sector ? '/' + encodeURIComponent(state.sector) : '';
	$('nav-offers').setAttribute('href', '#/offres' + s);
	$('nav-candidates').setAttribute('href', '#/candidats' + s);
	$('nav-digest').setAttribute('href', digestHref(state.sector));
	$('candidate-back').setAttribute('href', state.cands.key &&
	    state.cands.sector === state.sector ? state.cands.key :
	    '#/candidats' + s);
	const current = { offers: 'nav-offers', candidates: 'nav-candidates',
	    candidate: 'nav-candidates', digest: 'nav-digest',
	    stats: 'nav-stats' }[state.view];
	for (const id of ['nav-offers', 'nav-candidates', 'nav-digest',
	    'nav-stats']) {
		if (id === current)
			$(id).setAttribute('aria-current', 'page');
		else
			$(id).removeAttribute('aria-current');
	}
}

const VIEW_IDS = ['offers', 'candidates', 'candidate', 'digest', 'stats'];

function showView(view) {
	state.view = view;
	for (const v of VIEW_IDS)
		$('view-' + v).hidden = v !== view;
	updateNav();
}

let lastRoute = null;

function route() {
	/* Signed out: the form is shown; the address is kept for after. */
	if (!state.token)
		return;
	const r = parseRoute();
	if (!r) {
		location.replace('#/offres/' + encodeURIComponent(savedSector()));
		return;
	}
	/* A message is about what was on screen: not carried elsewhere. */
	const key = r.view + '/' + (r.id || '');
	if (lastRoute !== null && key !== lastRoute)
		clearFlash();
	lastRoute = key;
	const sector = r.sector || state.sector || savedSector();
	if (r.sector === '' && sector) {
		/* #/offres alone: the sector last chosen, in the address. */
		location.replace('#/' + location.hash.replace(/^#\/?/, '')
		    .split(/[/?]/)[0] + '/' + encodeURIComponent(sector));
		return;
	}
	setSector(sector);
	showView(r.view);
	if (r.view === 'offers')
		showOffers(r.id);
	else if (r.view === 'candidates')
		showCandidates(r.query);
	else if (r.view === 'candidate')
		showCandidate(r.id);
	else if (r.view === 'digest')
		showDigest();
	else
		showStats();
}

/* The sector picker keeps the view, with the new sector. */
function onSectorChange() {
	const sector = $('sector').value;
	const view = { offers: 'offres', digest: 'journee' }[state.view] ||
	    'candidats';
	clearFlash();
	location.hash = '#/' + (state.view === 'stats' ? 'stats' : view +
	    '/' + encodeURIComponent(sector));
	if (state.view === 'stats')
		setSector(sector);
}

function init() {
	fillSelect($('f-status'), CANDIDATE_STATUS);
	fillSelect($('f-criterion'), CRITERIA);
	fillSelect($('f-licence'), POOL_LICENCES);
	$('sector').addEventListener('change', onSectorChange);
	$('flash-close').addEventListener('click', clearFlash);
	$('candidate-filters').addEventListener('input',
	    debounce(onPoolFilters, 400));
	$('candidate-filters').addEventListener('change', onPoolFilters);
	$('candidate-filters').addEventListener('submit', (ev) => {
		ev.preventDefault();
		onPoolFilters();
	});
	/*
	 * Not the native reset: a hashchange already queued (a blur's change)
	 * would fill the form again before a deferred read of the cleared one.
	 */
	$('candidate-filters').addEventListener('reset', (ev) => {
		ev.preventDefault();
		fillFilters({});
		$('f-name').value = '';
		renderCandidates();
		onPoolFilters();
	});
	$('f-name').addEventListener('input', renderCandidates);
	$('candidates-prev').addEventListener('click', () => poolPage(-1));
	$('candidates-next').addEventListener('click', () => poolPage(1));
	$('stats-refresh').addEventListener('click', showStats);
	$('digest-refresh').addEventListener('click', showDigest);
	$('digest-news-clear').addEventListener('click', clearNews);
	$('signin-form').addEventListener('submit', onSignIn);
	$('sign-out').addEventListener('click', signOut);
	window.addEventListener('hashchange', route);
	resumeSession();
}

init();

})();
