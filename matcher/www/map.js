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
const MAP_SPREAD = 12;		/* px between neighbours of one commune */
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
	const titleId = 'map-title-' + Math.random().toString(36).slice(2);
	const svg = svgNode('svg', {
		class: 'offer-map-svg', viewBox: `0 0 ${MAP_SIZE} ${MAP_SIZE}`,
		role: 'img', 'aria-labelledby': titleId,
	}, svgNode('title', { id: titleId }, 'Carte de l’offre ' + o.title +
	    ' (' + o.place + ') : ' + d.radiusText + ', ' +
	    d.points.filter((p) => p.kind === 'suggestion').length +
	    ' candidats proposés, ' +
	    d.points.filter((p) => p.kind === 'near').length +
	    ' à un pas'));
	svg.append(svgNode('rect', { class: 'map-ground', x: 0, y: 0,
	    width: MAP_SIZE, height: MAP_SIZE }));
	if (d.radiusKm)
		svg.append(svgNode('circle', { class: 'map-radius', cx: c, cy: c,
		    r: (d.radiusKm * scale).toFixed(1) },
		    svgNode('title', null, d.radiusText)));
	/* The offer: a square pin at the centre. */
	svg.append(svgNode('g', { class: 'map-offer' },
	    svgNode('title', null, 'L’offre : ' + o.place),
	    svgNode('rect', { x: c - 7, y: c - 7, width: 14, height: 14 }),
	    svgNode('circle', { cx: c, cy: c, r: 2.5 })));
	const marks = [];
	for (const [insee, people] of byPlace) {
		const v = km.get(insee);
		const px = c + v.x * scale;
		const py = c - v.y * scale;
		/* Near the offer, the spiral starts one step out. */
		const skip = Math.hypot(px - c, py - c) < MAP_DOT * 1.5 ? 1 : 0;
		people.forEach((p, i) => {
			const k = i + skip;
			const r = people.length + skip > 1 ?
			    MAP_SPREAD * Math.sqrt(k) : 0;
			const a = k * 2.39996;	/* the golden angle */
			marks.push([p, px + r * Math.cos(a), py + r * Math.sin(a)]);
		});
	}
	/* Near misses under the suggestions, so that numbers stay on top. */
	marks.sort((a, b) => (a[0].kind === 'near' ? 0 : 1) -
	    (b[0].kind === 'near' ? 0 : 1));
	for (const [p, x, y] of marks) {
		const at = (n) => n.toFixed(1);
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
	const len = bar * scale;
	const y0 = MAP_SIZE - 12;
	svg.append(svgNode('g', { class: 'map-scale', 'aria-hidden': 'true' },
	    svgNode('path', { d: `M12 ${y0 - 5}V${y0}H${(12 + len).toFixed(1)}` +
		`V${y0 - 5}` }),
	    svgNode('text', { x: 16, y: y0 - 8 }, bar + ' km')));
	return svg;
}
