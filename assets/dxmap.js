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
     * The newest hideout of each layer, recorded by a clientside callback. dash-leaflet ignores a
     * hideout that arrives while the layer is still fetching its url, then draws the fetched
     * features with the hideout it had when the fetch began. Each hideout carries the server's
     * `stamp` (ms), so the newer of the recorded one and the layer's own wins: a quick indicator
     * change during a drill-down cannot leave the map uncoloured or stale.
     */
    var latest = {};
    var TAB_KEYS = ["detail", "compare", "gaps", "trends", "table"]; // layers/panels.py TABS

    function idKey(id) {
        return typeof id === "string" ? id : JSON.stringify(id);
    }

    /*
     * The features each layer has drawn. A layer whose fetch finished before the newest hideout
     * was recorded has drawn with a stale one, and dash-leaflet will not restyle it: recording a
     * newer hideout restyles what is already drawn, so the map always ends with the newest.
     */
    var drawn = {};

    function restyleDrawn(key, id) {
        (drawn[key] || new Set()).forEach(function (layer) {
            if (layer.feature && layer.setStyle) {
                layer.setStyle(window.dxmap.choropleth.style(layer.feature, {id: id, hideout: {}}));
            }
        });
    }

    function hideoutOf(context) {
        var own = (context && context.hideout) || {};
        var recorded = context && context.id !== undefined ? latest[idKey(context.id)] : undefined;
        return recorded && (recorded.stamp || 0) > (own.stamp || 0) ? recorded : own;
    }

    window.dash_clientside = Object.assign({}, window.dash_clientside, {
        dxmap: {
            remember: function () {
                var inputs = window.dash_clientside.callback_context.inputs_list || [];
                inputs.forEach(function (input) {
                    if (input.value) {
                        var key = idKey(input.id);
                        var before = latest[key];
                        latest[key] = input.value;
                        if (!before || (input.value.stamp || 0) > (before.stamp || 0)) {
                            restyleDrawn(key, input.id);
                        }
                    }
                });
                return window.dash_clientside.no_update;
            },
            /*
             * After the view state changed (a gap-register row was picked by click or Space),
             * clear the grid's selection, so that picking the same row later moves the map again.
             * The picked row stays marked through the grid's rowClassRules (from the view state).
             */
            releaseRow: function (view, rows) {
                return rows && rows.length ? true : window.dash_clientside.no_update;
            },
            /*
             * The analysis tabs. Inputs: one n_clicks per tab (in the order of TAB_KEYS), the skip
             * link, the URL query; state: the active tab. Outputs: the active tab, then per tab
             * aria-selected, tabIndex (roving) and its panel's `hidden`. On page load a shared link
             * comparing units opens the compare tab.
             */
            selectTab: function () {
                var noUpdate = window.dash_clientside.no_update;
                var context = window.dash_clientside.callback_context;
                var args = Array.prototype.slice.call(arguments);
                var current = args[args.length - 1];
                var search = args[args.length - 2] || "";
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
                var hideout = hideoutOf(context);
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
                return L.circleMarker(latlng, {radius: 8});
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
                }
                layer.on("add", function () {
                    // Name the drawn shape for assistive technology and tests (attributes, no HTML).
                    var node = layer.getElement && layer.getElement();
                    if (node) {
                        node.setAttribute("data-code", String(feature.properties.code));
                        node.setAttribute("aria-label", String(feature.properties.name));
                    }
                });
                layer.bindTooltip(function () {
                    return tooltipContent(feature, hideoutOf(context));
                }, {sticky: true, direction: "top", offset: [0, -8], className: "dxmap-tooltip"});
            },
            tooltipContent: tooltipContent,
        },
    });
})();
