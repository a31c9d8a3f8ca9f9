/*
 * The map of an offer (« Carte »): inline SVG drawn from the communes'
 * coordinates alone, with no tile server and no external resource, so
 * that it works offline.  The offer at the centre, its radius, each
 * suggestion as a point numbered with its rank at its home commune, the
 * people one step away (near misses) as diamonds.  People of one commune
 * are spread on a small sunflower spiral so that their numbers stay
 * readable.  Equirectangular projection around the offer, x scaled by
 * cos(latitude): exact enough over a few dozen km.
 *
 * Uses nothing of app.js: offerMapSvg() takes plain data and returns the
 * <svg> node; the page adds the legend and the list in words.
 */
'use strict';

const MAP_SIZE = 440;		/* viewBox side, px */
const MAP_MARGIN = 26;		/* px kept free around the farthest point */
const MAP_DOT = 9;		/* radius of a numbered point, px */
const MAP_SPREAD = 2 * MAP_DOT + 1;	/* px between neighbours of a commune */
const KM_PER_DEG_LAT = 110.574;
const KM_PER_DEG_LON = 111.320;	/* at the equator */
const SVG_NS = 'http://www.w3.org/2000/svg';

function svgNode(tag, attrs, ...children) {
	const node = document.createElementNS(SVG_NS, tag);
	for (const [k, v] of Object.entries(attrs || {}))
		if (v !== null && v !== undefined)
			node.setAttribute(k, String(v));
	for (const c of children.flat())
		if (c !== null && c !== undefined)
			node.append(c instanceof Node ? c : String(c));
	return node;
}

/* km east and north of (lat0, lon0). */
function mapProject(lat0, lon0, lat, lon) {
	return {
		x: (lon - lon0) * KM_PER_DEG_LON * Math.cos(lat0 * Math.PI / 180),
		y: (lat - lat0) * KM_PER_DEG_LAT,
	};
}

/* A round number of km near a fifth of the extent, for the scale bar. */
function mapScaleKm(extentKm) {
	const steps = [1, 2, 5, 10, 20, 25, 50, 100, 200];
	return steps.find((s) => s >= extentKm / 5) || 200;
}

/*
 * Each [p, x, y] moved along a sunflower spiral around its commune to the
 * first spot MAP_SPREAD px away from every point placed before it and
 * from the offer's pin at (cx, cy): neighbours, in one commune or in
 * communes a few px apart, never hide each other's numbers.
 */
function mapSpread(anchors, cx, cy) {
	/* A grid of MAP_SPREAD cells: only the 9 around a spot can be near. */
	const grid = new Map();
	const cell = (x, y) => Math.floor(x / MAP_SPREAD) + ',' +
	    Math.floor(y / MAP_SPREAD);
	const put = (x, y) => {
		const k = cell(x, y);
		if (!grid.has(k))
			grid.set(k, []);
		grid.get(k).push([x, y]);
	};
	const free = (x, y) => {
		const i = Math.floor(x / MAP_SPREAD);
		const j = Math.floor(y / MAP_SPREAD);
		for (let di = -1; di <= 1; di++)
			for (let dj = -1; dj <= 1; dj++)
				for (const [u, v] of grid.get((i + di) + ',' +
				    (j + dj)) || [])
					if (Math.hypot(x - u, y - v) < MAP_SPREAD)
						return false;
		return true;
	};
	const out = [];
	put(cx, cy);
	for (const [p, ax, ay] of anchors) {
		let x = ax, y = ay;
		for (let k = 0; k < 10000 && !free(x, y); k++) {
			const r = MAP_SPREAD * Math.sqrt(k + 1);
			const a = (k + 1) * 2.39996;	/* the golden angle */
			x = ax + r * Math.cos(a);
			y = ay + r * Math.sin(a);
		}
		put(x, y);
		out.push([p, x, y]);
	}
	return out;
}

/*
 * d: { offer: {lat, lon, title, place}, radiusKm, radiusText,
 *      points: [{kind: 'suggestion'|'near', id, rank, insee, title}],
 *      places: Map insee -> {lat, lon} }
 * Points whose commune is not in places are not drawn (the caller lists
 * them).  Returns the <svg>.
 */
function offerMapSvg(d) {
	const c = MAP_SIZE / 2;
	const o = d.offer;
	const byPlace = new Map();
	for (const p of d.points) {
		if (!d.places.has(p.insee))
			continue;
		if (!byPlace.has(p.insee))
			byPlace.set(p.insee, []);
		byPlace.get(p.insee).push(p);
	}
	/* The extent: the radius, and every commune drawn. */
	let extent = d.radiusKm || 1;
	const km = new Map();
	for (const insee of byPlace.keys()) {
		const pl = d.places.get(insee);
		const v = mapProject(o.lat, o.lon, pl.lat, pl.lon);
		km.set(insee, v);
		extent = Math.max(extent, Math.hypot(v.x, v.y));
	}
	const scale = (c - MAP_MARGIN) / (extent * 1.05);
	/* Best ranks first nearest their commune, then the near misses. */
	const anchors = [];
	for (const [insee, people] of byPlace) {
		const v = km.get(insee);
		for (const p of people)
			anchors.push([p, c + v.x * scale, c - v.y * scale]);
	}
	const order = (p) => p.kind === 'near' ? 1e9 : p.rank;
	anchors.sort((a, b) => order(a[0]) - order(b[0]));
	const marks = mapSpread(anchors, c, c);
	/* Drawn the other way round: the best ranks end on top. */
	marks.reverse();
	/* A crowded commune's spiral may pass the square: the view grows. */
	let x0 = 0, y0 = 0, x1 = MAP_SIZE, y1 = MAP_SIZE;
	for (const [, x, y] of marks) {
		x0 = Math.min(x0, x - MAP_DOT - 4);
		y0 = Math.min(y0, y - MAP_DOT - 4);
		x1 = Math.max(x1, x + MAP_DOT + 4);
		y1 = Math.max(y1, y + MAP_DOT + 4);
	}
	const at = (n) => n.toFixed(1);
	const titleId = 'map-title-' + Math.random().toString(36).slice(2);
	const svg = svgNode('svg', {
		class: 'offer-map-svg', role: 'img', 'aria-labelledby': titleId,
		viewBox: [x0, y0, x1 - x0, y1 - y0].map(at).join(' '),
	}, svgNode('title', { id: titleId }, 'Carte de l’offre ' + o.title +
	    ' (' + o.place + ') : ' + d.radiusText + ', ' +
	    d.points.filter((p) => p.kind === 'suggestion').length +
	    ' candidats proposés, ' +
	    d.points.filter((p) => p.kind === 'near').length +
	    ' à un pas'));
	svg.append(svgNode('rect', { class: 'map-ground', x: at(x0),
	    y: at(y0), width: at(x1 - x0), height: at(y1 - y0) }));
	if (d.radiusKm)
		svg.append(svgNode('circle', { class: 'map-radius', cx: c, cy: c,
		    r: at(d.radiusKm * scale) },
		    svgNode('title', null, d.radiusText)));
	/* The offer: a square pin at the centre. */
	svg.append(svgNode('g', { class: 'map-offer' },
	    svgNode('title', null, 'L’offre : ' + o.place),
	    svgNode('rect', { x: c - 7, y: c - 7, width: 14, height: 14 }),
	    svgNode('circle', { cx: c, cy: c, r: 2.5 })));
	for (const [p, x, y] of marks) {
		if (p.kind === 'near') {
			svg.append(svgNode('g', { class: 'map-near',
			    'data-candidate': p.id },
			    svgNode('title', null, p.title),
			    svgNode('rect', { x: at(x - 5), y: at(y - 5), width: 10,
				height: 10, transform: `rotate(45 ${at(x)} ${at(y)})` })));
			continue;
		}
		svg.append(svgNode('g', { class: 'map-suggestion',
		    'data-candidate': p.id, 'data-rank': p.rank },
		    svgNode('title', null, p.title),
		    svgNode('circle', { cx: at(x), cy: at(y), r: MAP_DOT }),
		    svgNode('text', { x: at(x), y: at(y), 'text-anchor': 'middle',
			'dominant-baseline': 'central' }, p.rank)));
	}
	/* The scale bar, bottom left. */
	const bar = mapScaleKm(extent);
	const bx = x0 + 12;
	const by = y1 - 12;
	svg.append(svgNode('g', { class: 'map-scale', 'aria-hidden': 'true' },
	    svgNode('path', { d: `M${at(bx)} ${at(by - 5)}V${at(by)}` +
		`H${at(bx + bar * scale)}V${at(by - 5)}` }),
	    svgNode('text', { x: at(bx + 4), y: at(by - 8) }, bar + ' km')));
	return svg;
}
