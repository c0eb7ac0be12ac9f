/*
 * dxmap place labels: the names of the units drawn on the main map (the current level), written
 * where they fit, with no basemap. Built in the browser from the geometry the map already holds
 * (each feature's `label` point, geodata/service/features.py label_point): no server callback,
 * no request. assets/dxmap.js hands every drawn shape to `dxmapLabels.track`.
 *
 * Placement runs when the drawn shapes change and after every zoom or pan (`moveend`):
 * - a unit's name goes at its label point, on one line or on two, only if that box lies inside
 *   the unit's outline on screen (hidden when the unit is too small for it);
 * - larger units are placed first; a label that would overlap one already placed is left out;
 * - village names (points) only from VILLAGE_ZOOM on, beside the point; no label covers a point.
 * Labels sit in their own pane above the shapes: aria-hidden (each shape already carries its
 * name), no tab stop, pointer-events none (a click goes to the unit under the label). Names are
 * data: they go into the DOM through textContent only.
 */
(function () {
    "use strict";

    var FONT = '600 12px "Segoe UI", "Noto Sans", Roboto, Arial, sans-serif'; // = .dxmap-label
    var LINE = 15; // px per line (.dxmap-label line-height)
    var HALO = 2; // px of white halo around the glyphs (text-shadow)
    var GAP = 3; // px kept free between two labels
    var VILLAGE_ZOOM = 14;
    var VILLAGE_OFFSET = 10; // px from a village point's centre to its label's side
    var PANE = "dxmap-labels";
    var SHIFTS = [[0, 0], [-1, 0], [1, 0], [0, -1], [0, 1], [-1, -1], [1, -1], [-1, 1], [1, 1]];
    var KINDS = {"units-layer": "unit", "villages-layer": "village"}; // layers/ids.py

    var maps = {}; // map container id → {map, layers: Set, group, queued}
    var widths = {};
    var measure = null;

    function textWidth(line) {
        if (widths[line] === undefined) {
            measure = measure || document.createElement("canvas").getContext("2d");
            measure.font = FONT;
            widths[line] = Math.ceil(measure.measureText(line).width) + 2 * HALO;
        }
        return widths[line];
    }

    /* One line, then two lines split at the space nearest the middle. */
    function layouts(name) {
        var out = [[name]];
        var best = -1;
        for (var i = name.indexOf(" "); i >= 0; i = name.indexOf(" ", i + 1)) {
            if (best < 0 || Math.abs(i - name.length / 2) < Math.abs(best - name.length / 2)) {
                best = i;
            }
        }
        if (best > 0) {
            out.push([name.slice(0, best), name.slice(best + 1)]);
        }
        return out.map(function (lines) {
            return {
                lines: lines,
                width: Math.max.apply(null, lines.map(textWidth)),
                height: lines.length * LINE,
            };
        });
    }

    function stateOf(map) {
        var id = map.getContainer().id || "map";
        var state = maps[id];
        if (!state || state.map !== map) {
            var pane = map.getPane(PANE) || map.createPane(PANE);
            pane.setAttribute("aria-hidden", "true");
            state = maps[id] = {map: map, layers: new Set(), group: L.layerGroup().addTo(map)};
            map.on("moveend resize", function () {
                schedule(state);
            });
        }
        return state;
    }

    function schedule(state) {
        if (!state.queued) {
            state.queued = true;
            window.setTimeout(function () {
                state.queued = false;
                place(state);
            }, 0);
        }
    }

    /* Every ring of a (multi)polygon's outline as arrays of LatLng. */
    function ringsOf(layer) {
        if (!layer._dxmapRings) {
            var rings = [];
            (function walk(part) {
                if (!Array.isArray(part) || !part.length) {
                    return;
                }
                if (part[0] instanceof L.LatLng) {
                    rings.push(part);
                } else {
                    part.forEach(walk);
                }
            })(layer.getLatLngs ? layer.getLatLngs() : []);
            layer._dxmapRings = rings;
        }
        return layer._dxmapRings;
    }

    function inside(rings, at) {
        var yes = false;
        rings.forEach(function (ring) {
            for (var i = 0, j = ring.length - 1; i < ring.length; j = i++) {
                var a = ring[i];
                var b = ring[j];
                if ((a.lat > at.lat) !== (b.lat > at.lat) &&
                    at.lng < (b.lng - a.lng) * (at.lat - a.lat) / (b.lat - a.lat) + a.lng) {
                    yes = !yes;
                }
            }
        });
        return yes;
    }

    /*
     * Does the label, centred on p, lie inside the unit's outline on screen? Each line is tested
     * at its two ends and its middle, and the middle at its top and bottom (the glyphs, not the
     * empty corners of a two-line box).
     */
    function fits(map, layer, p, layout) {
        var rings = ringsOf(layer);
        var top = p.y - layout.height / 2;
        var points = [];
        layout.lines.forEach(function (line, i) {
            var y = top + LINE * (i + 0.5);
            var half = textWidth(line) / 2; // the halo included: a margin to the outline
            points.push([p.x - half, y], [p.x, y], [p.x + half, y]);
        });
        points.push([p.x, top + HALO], [p.x, top + layout.height - HALO]);
        return points.every(function (point) {
            return inside(rings, map.containerPointToLatLng(point));
        });
    }

    function boxAt(p, layout) {
        var x0 = p.x - layout.width / 2;
        var y0 = p.y - layout.height / 2;
        return {x0: x0, y0: y0, x1: x0 + layout.width, y1: y0 + layout.height};
    }

    /*
     * Where a label may go, best first: for a unit, each layout (one line, then two) at its
     * label point or moved by a quarter of its size (the label point suits a round label best),
     * kept only where it fits inside the unit; for a village, right, left, above, below it.
     * Returns the first such place clear of the labels and points already there.
     */
    function spot(map, item, taken) {
        var options = layouts(String(item.props.name));
        var clear = function (p, layout) {
            return !taken.some(function (boxes) {
                return overlaps(boxAt(p, layout), boxes);
            });
        };
        var fitted = false;
        if (item.kind === "village") {
            var one = options[0];
            var r = VILLAGE_OFFSET;
            var sides = [[r + one.width / 2, 0], [-r - one.width / 2, 0], [0, -r - one.height / 2],
                [0, r + one.height / 2]];
            for (var v = 0; v < sides.length; v++) {
                var at = item.p.add(sides[v]);
                if (clear(at, one)) {
                    return {layout: one, p: at};
                }
            }
            return {crowded: true};
        }
        for (var k = 0; k < options.length; k++) {
            var option = options[k];
            for (var s = 0; s < SHIFTS.length; s++) {
                var shift = SHIFTS[s];
                var p = item.p.add([shift[0] * option.width / 4, shift[1] * option.height / 2]);
                if (fits(map, item.layer, p, option)) {
                    fitted = true;
                    if (clear(p, option)) {
                        return {layout: option, p: p};
                    }
                }
            }
        }
        return fitted ? {crowded: true} : {small: true};
    }

    function overlaps(box, placed) {
        return placed.some(function (other) {
            return box.x0 < other.x1 + GAP && other.x0 < box.x1 + GAP &&
                box.y0 < other.y1 + GAP && other.y0 < box.y1 + GAP;
        });
    }

    function labelAt(layer) {
        var point = layer.feature.properties.label;
        if (Array.isArray(point) && point.length === 2) {
            return L.latLng(point[1], point[0]);
        }
        return layer.getLatLng ? layer.getLatLng() : layer.getBounds().getCenter();
    }

    function candidates(state) {
        var map = state.map;
        var size = map.getSize();
        var zoom = map.getZoom();
        var out = [];
        state.layers.forEach(function (layer) {
            var props = layer.feature && layer.feature.properties;
            var kind = layer._dxmapLabel;
            if (!props || !props.name || layer._map !== map) {
                return;
            }
            if (kind === "village" && zoom < VILLAGE_ZOOM) {
                return;
            }
            var at = labelAt(layer);
            var p = map.latLngToContainerPoint(at);
            var far = p.x < -size.x / 2 || p.y < -size.y / 2 || p.x > size.x * 1.5 ||
                p.y > size.y * 1.5;
            if (far) {
                return; // far off screen: placed when the map moves there
            }
            var area = 0;
            if (kind === "unit") {
                var box = map.latLngToContainerPoint(layer.getBounds().getNorthEast())
                    .subtract(map.latLngToContainerPoint(layer.getBounds().getSouthWest()));
                area = Math.abs(box.x * box.y);
            }
            out.push({layer: layer, kind: kind, props: props, at: at, p: p, area: area});
        });
        // units before villages, larger units first, then by name (a stable order)
        return out.sort(function (a, b) {
            return (a.kind === b.kind ? 0 : a.kind === "unit" ? -1 : 1) || b.area - a.area ||
                String(a.props.name).localeCompare(String(b.props.name));
        });
    }

    function pointBoxes(state) {
        var boxes = [];
        state.layers.forEach(function (layer) {
            if (layer._dxmapLabel === "village" && layer._map === state.map && layer.getRadius) {
                var p = state.map.latLngToContainerPoint(layer.getLatLng());
                var r = layer.getRadius() - GAP; // overlaps() keeps GAP around each box
                boxes.push({x0: p.x - r, y0: p.y - r, x1: p.x + r, y1: p.y + r});
            }
        });
        return boxes;
    }

    function marker(item, layout, at) {
        var node = document.createElement("div");
        layout.lines.forEach(function (line) {
            var span = document.createElement("span");
            span.textContent = line;
            node.appendChild(span);
        });
        var label = L.marker(at, {
            icon: L.divIcon({
                className: "dxmap-label dxmap-label--" + item.kind,
                html: node,
                iconSize: [layout.width, layout.height],
                iconAnchor: [layout.width / 2, layout.height / 2],
            }),
            pane: PANE,
            interactive: false,
            keyboard: false,
        });
        label.on("add", function () {
            var el = label.getElement();
            if (el) {
                el.setAttribute("aria-hidden", "true");
                el.setAttribute("data-code", String(item.props.code));
            }
        });
        return label;
    }

    /* What sits over the map (legend, inset, tools, zoom buttons, village card): no label under. */
    var COVERS = ".dxmap-legend, .dxmap-inset, .dxmap-map-tools, .leaflet-control-zoom, " +
        ".dxmap-village-card";

    function coverBoxes(map) {
        var frame = map.getContainer().getBoundingClientRect();
        var boxes = [];
        document.querySelectorAll(COVERS).forEach(function (el) {
            var r = el.getBoundingClientRect();
            if (r.width && r.height && !el.hidden) {
                boxes.push({x0: r.left - frame.left, y0: r.top - frame.top,
                    x1: r.right - frame.left, y1: r.bottom - frame.top});
            }
        });
        return boxes;
    }

    function place(state) {
        var map = state.map;
        state.group.clearLayers();
        if (!map._loaded || !map.getContainer().isConnected) {
            return;
        }
        var placed = [];
        var points = pointBoxes(state); // a label never covers a village point
        var covers = coverBoxes(map); // labels are on the main map only
        var small = 0;
        var crowded = 0;
        candidates(state).forEach(function (item) {
            var found = spot(map, item, [placed, points, covers]);
            if (!found.layout) {
                small += found.small ? 1 : 0;
                crowded += found.crowded ? 1 : 0;
                return;
            }
            placed.push(boxAt(found.p, found.layout));
            state.group.addLayer(marker(item, found.layout, map.containerPointToLatLng(found.p)));
        });
        // What was placed, for tests and the bench (like data-drawn in assets/dxmap.js).
        map.getContainer().setAttribute("data-labels", JSON.stringify({
            shown: placed.length, small: small, crowded: crowded, zoom: map.getZoom(),
        }));
    }

    /* Called by assets/dxmap.js for every shape a layer draws. */
    function track(key, layer) {
        var kind = KINDS[key];
        if (!kind || layer._dxmapLabel) {
            return;
        }
        layer._dxmapLabel = kind;
        layer.on("add", function () {
            var state = stateOf(layer._map);
            state.layers.add(layer);
            schedule(state);
        });
        layer.on("remove", function () {
            Object.keys(maps).forEach(function (id) {
                if (maps[id].layers.delete(layer)) {
                    schedule(maps[id]);
                }
            });
        });
    }

    window.dxmapLabels = {track: track, VILLAGE_ZOOM: VILLAGE_ZOOM};
})();
