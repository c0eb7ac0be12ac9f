/*
 * dxmap: functions dash-leaflet calls for the choropleth (referenced from Python with
 * dash_extensions.javascript.Namespace("dxmap", "choropleth")).
 *
 * dash-leaflet 1.x calls each function with its usual Leaflet arguments followed by `context`,
 * the GeoJSON component's props: `context.hideout` is
 *   {values: {code: {v, n, d, t, m, p, c}}, colors: [...], noData, selected, unit, lang, labels,
 *    stamp}
 * (v value, n numerator, d denominator, t target, m met, p provenance, c class index).
 * A new hideout makes dash-leaflet redraw the layer with the geometry it already holds.
 *
 * Unit and village names are data: every text goes into the DOM through textContent.
 */
(function () {
    "use strict";

    /*
     * What each layer should show: the newest view's geometry URL and hideout (dxmap.applyMap,
     * fed by the one view callback). dash-leaflet's own `hideout` prop never changes, because a
     * new hideout makes dash-leaflet 1.1 rebuild every layer (clearLayers + addData); instead
     * the drawn layers are restyled in place with setStyle. Geometry is fetched here, by URL
     * (HTTP-cached, versioned), and a response that a newer view has overtaken is dropped, so
     * what is drawn always belongs to the newest view: each drawn feature remembers the URL it
     * came from (`properties._u`) and is styled with the hideout sent for that URL.
     */
    var wanted = {}; // layer key → {url, hideout}
    var styles = {}; // layer key → {url → hideout}
    var drawnUrls = {}; // layer key → the URL whose features were handed to the layer
    var EMPTY = {type: "FeatureCollection", features: []};
    var KEPT_STYLES = 8;
    var POINTS_PANE = "dxmapPoints"; // layers/choropleth.py POINTS_PANE: villages above units
    var TAB_KEYS = ["detail", "compare", "gaps", "trends", "table"]; // layers/panels.py TABS

    function idKey(id) {
        return typeof id === "string" ? id : JSON.stringify(id);
    }

    /* The features each layer has drawn (Leaflet "add"/"remove" events, see onEachFeature). */
    var drawn = {};

    function hideoutOf(context, feature) {
        var key = context && context.id !== undefined ? idKey(context.id) : null;
        var url = feature && feature.properties ? feature.properties._u : undefined;
        var byUrl = key ? styles[key] : null;
        if (byUrl && url !== undefined && byUrl[url]) {
            return byUrl[url];
        }
        if (key && wanted[key]) {
            return wanted[key].hideout;
        }
        return (context && context.hideout) || {};
    }

    function restyleDrawn(key) {
        var url = wanted[key] && wanted[key].url;
        var style = window.dxmap.choropleth.style;
        (drawn[key] || new Set()).forEach(function (layer) {
            if (layer.feature && layer.setStyle && layer.feature.properties._u === url) {
                layer.setStyle(style(layer.feature, {id: key}));
            }
        });
    }

    function keepStyle(key, url, hideout) {
        var byUrl = styles[key] = styles[key] || {};
        delete byUrl[url]; // re-inserted last: the oldest URLs go first
        byUrl[url] = hideout;
        var urls = Object.keys(byUrl);
        urls.slice(0, Math.max(0, urls.length - KEPT_STYLES)).forEach(function (old) {
            if (old !== drawnUrls[key]) {
                delete byUrl[old];
            }
        });
    }

    function setData(id, key, url, data) {
        drawnUrls[key] = url;
        window.dash_clientside.set_props(id, {data: data});
    }

    /* One request per URL in flight, shared by the layers that draw it (map and inset). */
    var inFlight = {};

    function geometry(url) {
        if (!inFlight[url]) {
            inFlight[url] = fetch(url, {credentials: "same-origin"}).then(function (response) {
                if (!response.ok) {
                    throw new Error(url + ": HTTP " + response.status);
                }
                return response.json();
            }).finally(function () {
                window.setTimeout(function () {
                    delete inFlight[url];
                }, 0);
            });
        }
        return inFlight[url];
    }

    /*
     * Level of detail: the server picks the zoom band of the fitted view (`lod=` in the URL);
     * when the user zooms past a band edge the same view is fetched at the band of the new
     * zoom (geodata/service/features.py LOD_ZOOMS: coarse below 9, detailed from 12).
     */
    var LOD_ZOOMS = [9, 12];
    var maps = {}; // layer key → the Leaflet map it draws on
    var layerIds = {}; // layer key → its Dash id
    var fetching = {}; // layer key → the URL last asked for
    var likes = {}; // layer keys drawn like another layer (the inset): they follow its band
    var fitAt = {}; // map element id → when a new view's fit began (its zoom is not the user's)
    var FIT_MS = 2000;

    function lodFor(zoom) {
        return LOD_ZOOMS.filter(function (edge) {
            return zoom >= edge;
        }).length;
    }

    function withLod(url, lod) {
        return /[?&]lod=\d/.test(url) ? url.replace(/([?&]lod=)\d/, "$1" + lod) : url;
    }

    function watchZoom(key, map) {
        maps[key] = map;
        if (!map || map._dxmapZoom) {
            return;
        }
        map._dxmapZoom = true;
        map.on("zoomend", function () {
            if (Date.now() - (fitAt[map.getContainer().id] || 0) < FIT_MS) {
                return; // the fit of a new view: its band came with it
            }
            var lod = lodFor(map.getZoom());
            Object.keys(maps).forEach(function (other) {
                var want = wanted[other];
                if (maps[other] === map && want && want.url && drawnUrls[other] && !likes[other]) {
                    var url = withLod(want.url, lod);
                    if (url !== fetching[other]) {
                        load(layerIds[other], other, want.url, url);
                    }
                }
            });
        });
    }

    function load(id, key, url, banded) {
        layerIds[key] = id;
        if (!url) {
            fetching[key] = null;
            if (drawnUrls[key]) {
                setData(id, key, null, EMPTY);
            }
            return;
        }
        var source = banded || url;
        if (fetching[key] === source) {
            restyleDrawn(key);
            return;
        }
        fetching[key] = source;
        geometry(source).then(function (collection) {
            if (!wanted[key] || wanted[key].url !== url || fetching[key] !== source) {
                return; // a newer view or zoom band wants other geometry: this one is stale
            }
            (collection.features || []).forEach(function (feature) {
                feature.properties = feature.properties || {};
                feature.properties._u = url;
            });
            setData(id, key, source, collection);
        }).catch(function (error) {
            if (wanted[key] && wanted[key].url === url) {
                throw error;
            }
        });
    }

    /*
     * Record on the map's element what each layer has drawn (`data-drawn`: layer id → {url,
     * count}), once per batch of Leaflet add/remove events: tests and the bench read it.
     */
    var marking = {};

    function markDrawn(key, map) {
        if (!map || marking[key]) {
            return;
        }
        marking[key] = true;
        var container = map.getContainer();
        Promise.resolve().then(function () {
            marking[key] = false;
            var count = 0;
            var url = null;
            (drawn[key] || new Set()).forEach(function (layer) {
                count += 1;
                url = layer.feature && layer.feature.properties ? layer.feature.properties._u : url;
            });
            var info = JSON.parse(container.getAttribute("data-drawn") || "{}");
            info[key] = {url: url || null, count: count, zoom: map.getZoom()};
            container.setAttribute("data-drawn", JSON.stringify(info));
            if (count) {
                firstDrawn();
            }
            if (count && window.dxmapPlotly) {
                window.dxmapPlotly.drawn();
            }
        });
    }

    /*
     * The page load answers the map alone; the shown tab is asked for once the first view has
     * drawn (layers/ids.py MAP_DRAWN, callbacks/view_answer.py TAB_TRIGGERS), so that the map
     * is not queued behind the tab's content. Should nothing draw (no geometry, a failed
     * request), the tab is asked for all the same after FIRST_DRAW_MS.
     */
    var FIRST_DRAW_MS = 3000;
    var askedForTab = false;
    var firstDrawTimer = null;

    function firstDrawn() {
        if (askedForTab) {
            return;
        }
        askedForTab = true;
        window.clearTimeout(firstDrawTimer);
        window.dash_clientside.set_props("map-drawn", {data: {at: Date.now()}});
    }

    /*
     * For the bench and tests, on a canvas as on SVG: the fills a layer drew ("count|fill,…"),
     * and the page point of a unit's label point (a point inside it, to click).
     */
    window.dxmapProbe = {
        fills: function (key) {
            var fills = [];
            (drawn[key] || new Set()).forEach(function (layer) {
                fills.push(layer.options.fillColor);
            });
            return fills.length + "|" + fills.join(",");
        },
        pointOf: function (key, code) {
            var found = null;
            (drawn[key] || new Set()).forEach(function (layer) {
                var p = layer.feature && layer.feature.properties;
                if (p && String(p.code) === String(code) && p.label && layer._map) {
                    var at = layer._map.latLngToContainerPoint([p.label[1], p.label[0]]);
                    var box = layer._map.getContainer().getBoundingClientRect();
                    found = [Math.round(box.left + at.x), Math.round(box.top + at.y)];
                }
            });
            return found;
        },
    };

    window.dash_clientside = Object.assign({}, window.dash_clientside, {
        dxmap: {
            /*
             * The page's labels in a new language: the view callback sends {text key: text}
             * (callbacks/labels.py), each label takes its own text (textContent: React's).
             */
            labels: function (texts) {
                var noUpdate = window.dash_clientside.no_update;
                var outputs = window.dash_clientside.callback_context.outputs_list || [];
                return outputs.map(function (output) {
                    var key = output.id && output.id.key;
                    return texts && Object.prototype.hasOwnProperty.call(texts, key)
                        ? texts[key] : noUpdate;
                });
            },
            /* Draw the view callback's map payload: fetch changed geometry, else restyle. */
            applyMap: function (payload) {
                if (!payload || !payload.layers) {
                    return;
                }
                if (!askedForTab && firstDrawTimer === null) {
                    firstDrawTimer = window.setTimeout(firstDrawn, FIRST_DRAW_MS);
                }
                Object.keys(payload.layers).forEach(function (id) {
                    var spec = payload.layers[id];
                    var like = spec.like ? payload.layers[spec.like] || {} : spec;
                    var key = idKey(id);
                    var url = spec.url || null;
                    var same = wanted[key] && wanted[key].url === url && url && maps[key];
                    wanted[key] = {url: url, hideout: like.hideout || {}};
                    if (url) {
                        keepStyle(key, url, wanted[key].hideout);
                    }
                    // The same view restyled: keep the zoom band drawn; a new view: the band of
                    // the zoom its fit will end at (the server's guess if that is unknown).
                    // A new view: the server's band for its fit (and its fit is not a user's
                    // zoom); the same view restyled: the band drawn. The inset takes its main
                    // layer's band: one request.
                    var banded = same ? withLod(url, lodFor(maps[key].getZoom())) : null;
                    if (!same && spec.fit) {
                        fitAt[spec.fit.map] = Date.now();
                    }
                    if (spec.like) {
                        likes[key] = true;
                        banded = url && fetching[idKey(spec.like)] ? fetching[idKey(spec.like)] : null;
                    }
                    load(id, key, url, banded);
                });
            },
            /*
             * A map click, a breadcrumb or a table button names the unit to show: read it here,
             * so the server gets the code and never the clicked feature's geometry.
             */
            navTarget: function () {
                var noUpdate = window.dash_clientside.no_update;
                var fired = (window.dash_clientside.callback_context.triggered || [])[0];
                if (!fired || !fired.value) {
                    return noUpdate;
                }
                var dot = fired.prop_id.lastIndexOf(".");
                var code;
                if (fired.prop_id === "village-card-close.n_clicks") { // layers/ids.py
                    return {village: "", at: Date.now()};
                }
                if (fired.prop_id.slice(dot + 1) === "clickData") {
                    var props = fired.value.properties || {};
                    if (!props.code) {
                        return noUpdate;
                    }
                    if (props.level === "village") { // opens the village's card
                        return {village: String(props.code), at: Date.now()};
                    }
                    code = String(props.code);
                } else {
                    code = String(JSON.parse(fired.prop_id.slice(0, dot)).index || "");
                }
                return {code: code, at: Date.now()};
            },
            /*
             * The period slider and its play button (layers/period_bar.py). Keeps the slider
             * and the period control in step; while playing, each tick sets the next period
             * (one view change each) and the last period stops it. Outputs: period, slider,
             * the interval's `disabled`, the button's aria-pressed.
             */
            periodSlider: function (period, index, ticks, clicks, marks, paused) {
                var noUpdate = window.dash_clientside.no_update;
                var fired = ((window.dash_clientside.callback_context.triggered || [])[0] || {});
                var what = String(fired.prop_id || "");
                var periods = Object.keys(marks || {}).sort(function (a, b) {
                    return Number(a) - Number(b);
                }).map(function (key) {
                    var mark = marks[key];
                    return typeof mark === "object" && mark !== null ? mark.label : String(mark);
                });
                var at = periods.indexOf(period);
                if (what === "period.value") {
                    return [noUpdate, at >= 0 && at !== index ? at : noUpdate, noUpdate, noUpdate];
                }
                if (what === "period-slider.value") {
                    var chosen = periods[index];
                    return [chosen && chosen !== period ? chosen : noUpdate, noUpdate, noUpdate,
                        noUpdate];
                }
                if (what === "period-play.n_clicks") {
                    if (paused === false) {
                        return [noUpdate, noUpdate, true, "false"];
                    }
                    var start = at < 0 || at >= periods.length - 1 ? 0 : at + 1;
                    return [periods[start], start, false, "true"];
                }
                if (what === "period-tick.n_intervals" && paused === false) {
                    var next = at + 1;
                    if (next >= periods.length) {
                        return [noUpdate, noUpdate, true, "false"];
                    }
                    return [periods[next], next, next >= periods.length - 1, next >=
                        periods.length - 1 ? "false" : "true"];
                }
                return [noUpdate, noUpdate, noUpdate, noUpdate];
            },
            /* Another unit (or village) chosen: the panels beside the map start at the top. */
            /*
             * A new view (one clientside callback for both, each costs the renderer a round):
             * another unit scrolls the panels beside the map back to the top; a gap-register
             * row picked by click or Space is released, so that picking the same row later
             * moves the map again (the picked row stays marked through the grid's
             * rowClassRules, from the view state).
             */
            viewChanged: function (view, rows) {
                var key = view ? String(view.unit || "") + "|" + String(view.village || "") : "";
                if (key !== lastUnit) {
                    lastUnit = key;
                    document.querySelectorAll(".dxmap-detail, .dxmap-panel").forEach(function (b) {
                        b.scrollTop = 0;
                    });
                }
                return rows && rows.length ? true : window.dash_clientside.no_update;
            },
            /* The gap villages are shown while the gap register's tab is open. */
            gapLayer: function (points, panel) {
                return panel === "gaps" && points ? points : EMPTY;
            },
            /* The coordinate-system choice applies to GeoPackage only. */
            crsHidden: function (fmt) {
                return fmt !== "gpkg";
            },
            /*
             * The analysis tabs. Inputs: one n_clicks per tab (in the order of TAB_KEYS), the skip
             * link; state: the active tab. Outputs: the active tab, then per tab aria-selected,
             * tabIndex (roving) and its panel's `hidden`. On page load a shared link comparing
             * units opens the compare tab.
             */
            selectTab: function () {
                var noUpdate = window.dash_clientside.no_update;
                var context = window.dash_clientside.callback_context;
                var args = Array.prototype.slice.call(arguments);
                var current = args[args.length - 1];
                var search = window.location.search || "";
                var n = TAB_KEYS.length;
                var triggered = (context.triggered || []).map(function (t) {
                    return t.prop_id.split(".")[0];
                });
                var ids = (context.inputs_list || []).map(function (input) {
                    return idKey(input.id);
                });
                var position = triggered.length ? ids.indexOf(triggered[0]) : -1;
                var active;
                if (position >= 0 && position < n) {
                    active = TAB_KEYS[position];
                } else if (position === n) {
                    active = "table";
                } else if (current) {
                    return new Array(1 + 3 * n).fill(noUpdate);
                } else {
                    active = /(?:^|[?&])compare=[^&]*(,|%2C)/i.test(search) ? "compare" : "detail";
                }
                if ((active === "compare" || active === "trends") && window.dxmapPlotly) {
                    window.dxmapPlotly.open(); // a chart is shown: load plotly.js now
                }
                if (active === "gaps" && window.dxmapGrid) {
                    window.dxmapGrid.open(); // the gap register is shown: load its grid now
                }
                if (position === n) {
                    var panels = (context.outputs_list || []).slice(1 + 2 * n);
                    var panel = panels[TAB_KEYS.indexOf("table")];
                    window.setTimeout(function () {
                        var box = panel && document.getElementById(idKey(panel.id));
                        var target = box && (box.querySelector("[tabindex]") || box);
                        if (target) {
                            target.focus();
                        }
                    }, 50);
                }
                var out = [active];
                TAB_KEYS.forEach(function (key) {
                    out.push(key === active ? "true" : "false");
                });
                TAB_KEYS.forEach(function (key) {
                    out.push(key === active ? "0" : "-1");
                });
                TAB_KEYS.forEach(function (key) {
                    out.push(key !== active);
                });
                return out;
            },
        },
    });

    /* Arrow keys, Home and End move between tabs (WAI-ARIA tabs pattern). */
    document.addEventListener("keydown", function (event) {
        var tab = event.target;
        if (!tab || !tab.getAttribute || tab.getAttribute("role") !== "tab") {
            return;
        }
        var tabs = Array.prototype.slice.call(tab.parentNode.querySelectorAll('[role="tab"]'));
        var i = tabs.indexOf(tab);
        var next = {
            ArrowRight: tabs[(i + 1) % tabs.length],
            ArrowLeft: tabs[(i - 1 + tabs.length) % tabs.length],
            Home: tabs[0],
            End: tabs[tabs.length - 1],
        }[event.key];
        if (next) {
            event.preventDefault();
            next.focus();
            next.click();
        }
    });

    var INSET_LAYERS = ["inset-units-layer"]; // layers/ids.py INSET_UNITS

    /*
     * The map's zoom and centre live in the URL (z, lat, lon: callbacks/view_state.py
     * CAMERA_KEYS), written here as the map moves (replaceState: no history entry, no server
     * callback). A view change pushes a new URL (dcc.Location): the current camera is carried
     * into it, and the map's next move writes the new one.
     */
    var mainMap = null;
    var lastUnit = null; // viewChanged: the unit the panels were last scrolled for

    var CAMERA_PARAM = /^(z|lat|lon)=/;

    function withCamera(url) {
        if (!mainMap || typeof url !== "string") {
            return url;
        }
        // Rebuilt by hand, not with URLSearchParams: that would re-encode the view's own keys
        // (compare=750,751 would become compare=750%2C751 in the address bar).
        var parsed = new URL(url, window.location.href);
        var kept = parsed.search.replace(/^\?/, "").split("&").filter(function (part) {
            return part && !CAMERA_PARAM.test(part);
        });
        var centre = mainMap.getCenter();
        kept.push("z=" + String(Math.round(mainMap.getZoom() * 100) / 100));
        kept.push("lat=" + centre.lat.toFixed(5));
        kept.push("lon=" + centre.lng.toFixed(5));
        return parsed.pathname + "?" + kept.join("&") + parsed.hash;
    }

    function writeCamera() {
        window.history.replaceState(window.history.state, "", withCamera(window.location.href));
    }

    var pushState = window.history.pushState;
    window.history.pushState = function (state, title, url) {
        var carried = url === undefined || url === null ? url : withCamera(String(url));
        return pushState.call(window.history, state, title, carried);
    };

    function watchCamera(map) {
        if (map && map !== mainMap) {
            mainMap = map;
            map.on("moveend", writeCamera);
        }
    }

    /* A key press on a focused shape: what a click does (dash-leaflet's clickData). */
    function activate(layer) {
        var latlng = layer.getLatLng ? layer.getLatLng() : layer.getBounds().getCenter();
        layer.fire("click", {latlng: latlng, originalEvent: null}, true);
    }

    var FOCUS_COLOR = "#c51b7d"; // magenta: apart from the blue/orange and YlGnBu classes

    /* Cell formatting for the gap register's data grid (dash-ag-grid function namespace). */
    window.dashAgGridFunctions = Object.assign({}, window.dashAgGridFunctions, {
        dxmapNumber: function (value, lang, decimals, suffix, signed) {
            if (value === null || value === undefined || value === "") {
                return "–";
            }
            var text = formatNumber(value, lang, decimals) + (suffix || "");
            return signed && value > 0 ? "+" + text : text;
        },
    });

    function recordOf(feature, hideout) {
        var code = feature && feature.properties ? feature.properties.code : undefined;
        return (hideout.values || {})[code];
    }

    function fillOf(rec, hideout) {
        var cls = rec ? rec.c : null;
        if (cls === null || cls === undefined) {
            return hideout.noData || "#c9c9c9";
        }
        return (hideout.colors || [])[cls] || hideout.noData || "#c9c9c9";
    }

    function formatNumber(value, lang, decimals) {
        var locale = lang === "en" ? "en-GB" : "vi-VN";
        return Number(value).toLocaleString(locale, {
            minimumFractionDigits: decimals,
            maximumFractionDigits: decimals,
        });
    }

    function formatValue(value, hideout) {
        if (value === null || value === undefined) {
            return (hideout.labels || {}).no_data || "–";
        }
        if (hideout.binary) { // a village of a share-of-villages indicator: covered or not
            return (hideout.labels || {})[value > 0 ? "covered" : "not_covered"];
        }
        if (hideout.unit === "%") {
            return formatNumber(value, hideout.lang, 1) + " %";
        }
        return formatNumber(value, hideout.lang, Number.isInteger(value) ? 0 : 1);
    }

    function el(tag, className, text) {
        var node = document.createElement(tag);
        if (className) {
            node.className = className;
        }
        if (text !== undefined && text !== null) {
            node.textContent = String(text);
        }
        return node;
    }

    function row(list, label, value, className) {
        list.appendChild(el("dt", null, label));
        list.appendChild(el("dd", className || null, value));
    }

    /* The hover card: name, value, numerator/denominator, target and gap, provenance. */
    function tooltipContent(feature, hideout) {
        var labels = hideout.labels || {};
        var rec = recordOf(feature, hideout) || {};
        var box = el("div", "dxmap-tip");
        box.appendChild(el("div", "dxmap-tip-name", feature.properties.name));
        var list = el("dl", "dxmap-tip-facts");
        row(list, labels.value, formatValue(rec.v, hideout), "dxmap-tip-value");
        if (rec.n !== null && rec.n !== undefined && rec.d !== null && rec.d !== undefined) {
            row(list, labels.num_den, formatNumber(rec.n, hideout.lang, 0) + " / " +
                formatNumber(rec.d, hideout.lang, 0));
        }
        if (rec.t !== null && rec.t !== undefined) {
            var verdict = rec.m === true ? labels.met : rec.m === false ? labels.not_met : "";
            row(list, labels.target, formatValue(rec.t, hideout) + (verdict ? " · " + verdict : ""));
            if (rec.v !== null && rec.v !== undefined) {
                var gap = rec.v - rec.t;
                row(list, labels.gap, (gap >= 0 ? "+" : "") + formatValue(gap, hideout),
                    gap >= 0 ? "dxmap-tip-gap-ok" : "dxmap-tip-gap-short");
            }
        }
        if (rec.p) {
            row(list, labels.provenance, labels[rec.p] || rec.p,
                rec.p === "synthetic" ? "dxmap-tip-synthetic" : null);
        }
        box.appendChild(list);
        if (hideout.unit === "%" && rec.v > 100) {
            box.appendChild(el("div", "dxmap-tip-flag", labels.over_100));
        }
        return box;
    }

    window.dxmap = Object.assign({}, window.dxmap, {
        choropleth: {
            style: function (feature, context) {
                var hideout = hideoutOf(context, feature);
                var rec = recordOf(feature, hideout);
                var isPoint = feature.geometry && feature.geometry.type === "Point";
                var code = feature.properties.code;
                var selected = hideout.selected && hideout.selected === code;
                var dimmed = hideout.selected && !selected;
                var focused = hideout.focus && hideout.focus === code;
                var marked = (hideout.marked || []).indexOf(code) >= 0;
                // At a leaf the selected unit is a light frame so its village points stand out.
                var fillOpacity = isPoint ? 0.95 : selected ? 0.12 : dimmed ? 0.4 : 0.85;
                var style = {
                    className: isPoint ? "dxmap-village" : "dxmap-unit", // set once, when drawn
                    fillColor: fillOf(rec, hideout),
                    fillOpacity: fillOpacity,
                    color: isPoint ? "#222222" : (selected ? "#111111" : "#4a4a4a"),
                    weight: isPoint ? 1.2 : (selected ? 3 : 1),
                    opacity: 1,
                    dashArray: null,
                    radius: isPoint ? 8 : undefined,
                };
                if (marked) { // a unit being compared: dashed dark outline
                    style.color = "#08306b";
                    style.weight = 2.5;
                    style.dashArray = "6 4";
                }
                if (focused) { // the gap-register row the user picked
                    style.color = FOCUS_COLOR;
                    style.weight = 4;
                    style.dashArray = null;
                    style.radius = isPoint ? 13 : undefined;
                }
                return style;
            },
            pointToLayer: function (feature, latlng) {
                return L.circleMarker(latlng, {radius: 8, pane: POINTS_PANE});
            },
            onEachFeature: function (feature, layer, context) {
                if (context && context.id !== undefined) {
                    var key = idKey(context.id);
                    drawn[key] = drawn[key] || new Set();
                    layer.on("add", function () {
                        drawn[key].add(layer);
                    });
                    layer.on("remove", function () {
                        drawn[key].delete(layer);
                    });
                    layer.on("add remove", function () {
                        markDrawn(key, layer._map);
                    });
                    layer.on("add", function () {
                        watchZoom(key, layer._map);
                    });
                }
                if (context && context.id !== undefined && window.dxmapLabels) {
                    window.dxmapLabels.track(idKey(context.id), layer); // assets/dxmap-labels.js
                }
                var inInset = context && INSET_LAYERS.indexOf(idKey(context.id)) >= 0;
                layer.on("add", function () {
                    if (context && idKey(context.id) === "units-layer") { // layers/ids.py UNITS
                        watchCamera(layer._map);
                    }
                    // Name the drawn shape for assistive technology and tests (attributes, no HTML).
                    var node = layer.getElement && layer.getElement();
                    if (node) {
                        node.setAttribute("data-code", String(feature.properties.code));
                        node.setAttribute("aria-label", String(feature.properties.name));
                        // Focusable on the main map (Enter drills down or opens a village's
                        // card); the island inset repeats the main map and takes no tab stop.
                        node.setAttribute("tabindex", inInset ? "-1" : "0");
                        node.setAttribute("role", "button");
                        if (!inInset && !node._dxmapKeys) {
                            node._dxmapKeys = true;
                            L.DomEvent.on(node, "keydown", function (event) {
                                if (event.key === "Enter" || event.key === " ") {
                                    L.DomEvent.preventDefault(event);
                                    activate(layer);
                                }
                            });
                        }
                    }
                });
                layer.bindTooltip(function () {
                    return tooltipContent(feature, hideoutOf(context, feature));
                }, {sticky: true, direction: "top", offset: [0, -8], className: "dxmap-tooltip"});
            },
            tooltipContent: tooltipContent,
            /* Every gap village of the area (the gap tab): fill by shortfall, the focused row. */
            gapPoint: function (feature, latlng) {
                var p = feature.properties || {};
                return L.circleMarker(latlng, {
                    pane: POINTS_PANE,
                    className: "dxmap-gap-village",
                    radius: p.focus ? 10 : 6,
                    fillColor: p.fill || "#e34a33",
                    fillOpacity: 0.9,
                    color: p.focus ? FOCUS_COLOR : "#5a1a00",
                    weight: p.focus ? 4 : 1,
                });
            },
            gapFeature: function (feature, layer) {
                var p = feature.properties || {};
                layer.on("add", function () {
                    var node = layer.getElement && layer.getElement();
                    if (node) {
                        node.setAttribute("data-code", String(p.code));
                        node.setAttribute("aria-label", String(p.name));
                    }
                    if (p.focus && layer.bringToFront) {
                        layer.bringToFront();
                    }
                });
                layer.bindTooltip(function () {
                    var box = el("div", "dxmap-tip");
                    box.appendChild(el("div", "dxmap-tip-name", p.name));
                    box.appendChild(el("div", null, p.shortfall_text));
                    return box;
                }, {sticky: true, direction: "top", className: "dxmap-tooltip"});
            },
        },
    });
})();
