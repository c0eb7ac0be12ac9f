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

    function idKey(id) {
        return typeof id === "string" ? id : JSON.stringify(id);
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
                        latest[idKey(input.id)] = input.value;
                    }
                });
                return window.dash_clientside.no_update;
            },
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
                var selected = hideout.selected && hideout.selected === feature.properties.code;
                var dimmed = hideout.selected && !selected;
                // At a leaf the selected unit is a light frame so its village points stand out.
                var fillOpacity = isPoint ? 0.95 : selected ? 0.12 : dimmed ? 0.4 : 0.85;
                return {
                    className: isPoint ? "dxmap-village" : "dxmap-unit",
                    fillColor: fillOf(rec, hideout),
                    fillOpacity: fillOpacity,
                    color: isPoint ? "#222222" : (selected ? "#111111" : "#4a4a4a"),
                    weight: isPoint ? 1.2 : (selected ? 3 : 1),
                    opacity: 1,
                };
            },
            pointToLayer: function (feature, latlng) {
                return L.circleMarker(latlng, {radius: 8});
            },
            onEachFeature: function (feature, layer, context) {
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
