/* dxmap page tools that need no server: copy link, collapsible legend and inset, the PNG of the
 * map and the print brief's map picture. Wired by event delegation on the document, so no Dash
 * callback runs for them (assets/dxmap.js holds the map's own functions). No eval, no inline
 * script, nothing fetched from elsewhere: the page keeps a strict Content-Security-Policy. */
(function () {
    "use strict";

    function byId(id) { return document.getElementById(id); }

    /* -- copy link ------------------------------------------------------------------------- */

    function showStatus(which) {
        var copied = document.querySelector("#copy-link-status .dxmap-copied");
        var byHand = document.querySelector("#copy-link-status .dxmap-copy-hand");
        if (copied) { copied.hidden = which !== "copied"; }
        if (byHand) { byHand.hidden = which !== "hand"; }
        if (which === "copied") {
            window.clearTimeout(showStatus.timer);
            showStatus.timer = window.setTimeout(function () { showStatus(""); }, 2500);
        }
    }

    function copyByHand(url) {
        var box = byId("copy-link-box");
        if (!box) { return; }
        box.hidden = false;
        box.value = url;
        box.focus();
        box.select();
        showStatus("hand");
    }

    function copyLink() {
        var url = window.location.href;
        var box = byId("copy-link-box");
        if (box) { box.hidden = true; }
        if (navigator.clipboard && window.isSecureContext !== false) {
            navigator.clipboard.writeText(url).then(
                function () { showStatus("copied"); },
                function () { copyByHand(url); }
            );
        } else {
            copyByHand(url);
        }
    }

    /* -- clicks ---------------------------------------------------------------------------- */

    document.addEventListener("click", function (event) {
        var target = event.target;
        if (!(target instanceof Element)) { return; }
        var importLink = target.closest("#import-link");
        if (importLink) { // the import page opens in the map's current language
            var lang = new URLSearchParams(window.location.search).get("lang") === "en" ? "en" : "vi";
            importLink.href = importLink.href.split("?")[0] + "?lang=" + lang;
        } else if (target.closest("#copy-link")) {
            copyLink();
        } else if (target.closest("#legend-toggle")) {
            toggle("legend", "legend-toggle");
        } else if (target.closest("#inset-toggle")) {
            toggle("inset", "inset-toggle");
        } else if (target.closest("#png-button")) {
            downloadPng();
        }
    });

    document.addEventListener("keydown", function (event) {
        var box = byId("copy-link-box");
        if (event.key === "Escape" && box && !box.hidden && document.activeElement === box) {
            box.hidden = true;
            showStatus("");
            var button = byId("copy-link");
            if (button) { button.focus(); }
        }
    });

    /* -- collapsible legend and inset (phones, small laptops) ------------------------------- */

    function toggle(boxId, buttonId) {
        var box = byId(boxId);
        var button = byId(buttonId);
        if (!box || !button) { return; }
        var collapsed = !box.classList.contains("dxmap-collapsed");
        box.classList.toggle("dxmap-collapsed", collapsed);
        button.setAttribute("aria-expanded", collapsed ? "false" : "true");
    }

    /* On a phone the legend starts folded (its title stays): the map comes first. */
    function foldOnPhones() {
        if (!window.matchMedia || !window.matchMedia("(max-width: 700px)").matches) { return; }
        var legend = byId("legend");
        var button = byId("legend-toggle");
        if (!legend || !button) { window.setTimeout(foldOnPhones, 300); return; }
        legend.classList.add("dxmap-collapsed");
        button.setAttribute("aria-expanded", "false");
    }
    if (document.readyState === "loading") {
        document.addEventListener("DOMContentLoaded", foldOnPhones);
    } else {
        foldOnPhones();
    }

    /* -- the map as a picture: polygons, points, labels, title, legend, date, attribution --- */

    var FONT = '"Segoe UI", "Noto Sans", Roboto, Arial, sans-serif';

    function text(el) { return el ? el.textContent.replace(/\s+/g, " ").trim() : ""; }

    function wrap(ctx, line, width) {
        var words = line.split(" ");
        var lines = [];
        var current = "";
        words.forEach(function (word) {
            var next = current ? current + " " + word : word;
            if (ctx.measureText(next).width > width && current) {
                lines.push(current);
                current = word;
            } else {
                current = next;
            }
        });
        if (current) { lines.push(current); }
        return lines;
    }

    function paneOrder(svg) {
        var pane = svg.parentElement;
        if (pane.classList.contains("leaflet-overlay-pane")) { return 0; }
        var z = parseInt(window.getComputedStyle(pane).zIndex, 10);
        return isNaN(z) ? 0 : z;
    }

    function drawPaths(ctx, mapEl, dx, dy) {
        var mapBox = mapEl.getBoundingClientRect();
        var svgs = Array.prototype.slice.call(mapEl.querySelectorAll(".leaflet-overlay-pane svg"));
        svgs.sort(function (a, b) { return paneOrder(a) - paneOrder(b); }); // units, then points
        svgs.forEach(function (svg) {
            var box = svg.getBoundingClientRect();
            var view = svg.viewBox && svg.viewBox.baseVal;
            var sx = view && view.width ? box.width / view.width : 1;
            var sy = view && view.height ? box.height / view.height : 1;
            ctx.save();
            ctx.translate(dx + box.left - mapBox.left, dy + box.top - mapBox.top);
            ctx.scale(sx, sy);
            if (view) { ctx.translate(-view.x, -view.y); }
            svg.querySelectorAll("path").forEach(function (path) {
                var d = path.getAttribute("d");
                if (!d) { return; }
                var style = window.getComputedStyle(path);
                var shape = new Path2D(d);
                var fill = style.fill;
                if (fill && fill !== "none") {
                    ctx.globalAlpha = parseFloat(style.fillOpacity || "1");
                    ctx.fillStyle = fill;
                    ctx.fill(shape, style.fillRule === "nonzero" ? "nonzero" : "evenodd");
                }
                var stroke = style.stroke;
                if (stroke && stroke !== "none" && parseFloat(style.strokeWidth) > 0) {
                    ctx.globalAlpha = parseFloat(style.strokeOpacity || "1");
                    ctx.strokeStyle = stroke;
                    ctx.lineWidth = parseFloat(style.strokeWidth) / sx;
                    ctx.lineJoin = "round";
                    ctx.stroke(shape);
                }
            });
            ctx.restore();
            ctx.globalAlpha = 1;
        });
        // A map of many units is drawn on a canvas (preferCanvas): copy its pixels as they are.
        mapEl.querySelectorAll(".leaflet-overlay-pane canvas").forEach(function (layer) {
            var box = layer.getBoundingClientRect();
            if (!box.width || !box.height) { return; }
            ctx.drawImage(layer, dx + box.left - mapBox.left, dy + box.top - mapBox.top,
                box.width, box.height);
        });
    }

    /* The place labels on screen (assets/dxmap-labels.js), each line where it is drawn, with its
     * white halo. */
    function drawLabels(ctx, mapEl, dx, dy) {
        var mapBox = mapEl.getBoundingClientRect();
        mapEl.querySelectorAll(".dxmap-label span").forEach(function (line) {
            var box = line.getBoundingClientRect();
            if (!box.width || box.right < mapBox.left || box.left > mapBox.right ||
                box.bottom < mapBox.top || box.top > mapBox.bottom) { return; }
            var style = window.getComputedStyle(line);
            if (style.visibility === "hidden") { return; }
            ctx.font = style.fontWeight + " " + style.fontSize + " " + style.fontFamily;
            ctx.textAlign = "center";
            ctx.textBaseline = "middle";
            var x = dx + box.left - mapBox.left + box.width / 2;
            var y = dy + box.top - mapBox.top + box.height / 2;
            ctx.lineJoin = "round";
            ctx.lineWidth = 3;
            ctx.strokeStyle = "#ffffff";
            ctx.strokeText(line.textContent, x, y);
            ctx.fillStyle = style.color;
            ctx.fillText(line.textContent, x, y);
        });
        ctx.textAlign = "left";
        ctx.textBaseline = "alphabetic";
    }

    /* The island inset, where the page shows it, at its place over the map. */
    function drawInset(ctx, mapRect, dx, dy) {
        var inset = byId("inset");
        var insetMap = byId("inset-map");
        if (!inset || !insetMap || inset.classList.contains("dxmap-collapsed")) { return; }
        var style = window.getComputedStyle(inset);
        if (style.visibility === "hidden" || style.display === "none") { return; }
        var box = inset.getBoundingClientRect();
        var x = dx + box.left - mapRect.left;
        var y = dy + box.top - mapRect.top;
        ctx.fillStyle = "#e9eef2";
        ctx.fillRect(x, y, box.width, box.height);
        ctx.save();
        ctx.beginPath();
        ctx.rect(x, y, box.width, box.height);
        ctx.clip();
        var mapBox = insetMap.getBoundingClientRect();
        drawPaths(ctx, insetMap, x + mapBox.left - box.left, y + mapBox.top - box.top);
        ctx.restore();
        ctx.strokeStyle = "#8a96a3";
        ctx.strokeRect(x + 0.5, y + 0.5, box.width - 1, box.height - 1);
        ctx.fillStyle = "#5b6470";
        ctx.font = "11px " + FONT;
        ctx.fillText(text(byId("inset-label")), x + 6, y + 13);
    }

    function legendRows() {
        return Array.prototype.map.call(
            document.querySelectorAll("#legend .dxmap-legend-row"),
            function (row) {
                var swatch = row.querySelector(".dxmap-swatch");
                return {
                    color: swatch ? window.getComputedStyle(swatch).backgroundColor : "#ccc",
                    label: text(row.querySelector(".dxmap-legend-label")),
                    count: text(row.querySelector(".dxmap-legend-count")),
                    noData: swatch ? swatch.classList.contains("dxmap-swatch--nodata") : false,
                };
            }
        );
    }

    function drawLegend(ctx, x, y, width) {
        var legend = byId("legend");
        ctx.fillStyle = "#1f2328";
        ctx.font = "600 15px " + FONT;
        var lines = wrap(ctx, text(legend && legend.querySelector(".dxmap-legend-title")), width);
        lines.forEach(function (line) { ctx.fillText(line, x, y); y += 19; });
        ctx.font = "13px " + FONT;
        ctx.fillStyle = "#5b6470";
        ctx.fillText(text(legend && legend.querySelector(".dxmap-legend-subtitle")), x, y);
        y += 22;
        legendRows().forEach(function (row) {
            ctx.fillStyle = row.color;
            ctx.fillRect(x, y - 12, 22, 15);
            if (row.noData) {
                ctx.strokeStyle = "rgba(0,0,0,0.3)";
                for (var i = -15; i < 22; i += 4) {
                    ctx.beginPath();
                    ctx.moveTo(x + Math.max(i, 0), y + 3 - Math.max(-i, 0));
                    ctx.lineTo(x + Math.min(i + 15, 22), y + 3 - Math.min(15, 22 - i));
                    ctx.stroke();
                }
            }
            ctx.strokeStyle = "#7a7a7a";
            ctx.lineWidth = 1;
            ctx.strokeRect(x + 0.5, y - 11.5, 21, 14);
            ctx.fillStyle = "#1f2328";
            ctx.font = "13px " + FONT;
            ctx.fillText(row.label, x + 30, y);
            ctx.textAlign = "right";
            ctx.fillStyle = "#5b6470";
            ctx.fillText(row.count, x + width, y);
            ctx.textAlign = "left";
            y += 21;
        });
        ctx.font = "11px " + FONT;
        ctx.fillStyle = "#5b6470";
        var note = text(legend && legend.querySelector(".dxmap-legend-note"));
        wrap(ctx, note, width).forEach(function (line) { y += 4; ctx.fillText(line, x, y + 10); y += 12; });
        return y;
    }

    /* Return a canvas with the map's picture: title, the drawn units, legend, date, sources. */
    function mapCanvas() {
        var mapEl = byId("map");
        if (!mapEl) { return null; }
        var rect = mapEl.getBoundingClientRect();
        var legendWidth = 240;
        var pad = 16;
        var head = 58;
        var width = Math.round(rect.width) + legendWidth + 3 * pad;
        var canvas = document.createElement("canvas");
        var scratch = canvas.getContext("2d");
        scratch.font = "11px " + FONT;
        var sources = wrap(scratch, text(byId("attribution")), width - 2 * pad);
        var foot = 26 + 14 * sources.length;
        var height = Math.max(Math.round(rect.height), 320) + head + foot + pad;
        var scale = Math.min(window.devicePixelRatio || 1, 2);
        canvas.width = Math.round(width * scale);
        canvas.height = Math.round(height * scale);
        var ctx = canvas.getContext("2d");
        ctx.scale(scale, scale);
        ctx.fillStyle = "#ffffff";
        ctx.fillRect(0, 0, width, height);
        ctx.fillStyle = "#1f2328";
        ctx.font = "600 19px " + FONT;
        var crumbs = text(document.querySelector("#breadcrumb .dxmap-crumb--current"));
        ctx.fillText(crumbs || text(document.querySelector(".dxmap-title")), pad, 28);
        ctx.font = "13px " + FONT;
        ctx.fillStyle = "#5b6470";
        var badge = byId("synthetic-badge");
        var synthetic = badge && !badge.hidden ? " · " + text(badge) : "";
        var brand = text(document.querySelector(".dxmap-title")) + " · " + text(document.querySelector(".dxmap-area"));
        ctx.fillText(brand + synthetic, pad, 48);
        ctx.fillStyle = "#e9eef2";
        ctx.fillRect(pad, head, rect.width, rect.height);
        ctx.save();
        ctx.beginPath();
        ctx.rect(pad, head, rect.width, rect.height);
        ctx.clip();
        drawPaths(ctx, mapEl, pad, head);
        drawLabels(ctx, mapEl, pad, head);
        drawInset(ctx, rect, pad, head);
        ctx.restore();
        ctx.strokeStyle = "#d8dde3";
        ctx.strokeRect(pad + 0.5, head + 0.5, rect.width - 1, rect.height - 1);
        drawLegend(ctx, rect.width + 2 * pad, head + 16, legendWidth);
        var y = head + Math.max(rect.height, 320) + 20;
        ctx.font = "12px " + FONT;
        ctx.fillStyle = "#1f2328";
        var lang = document.documentElement.lang || (document.querySelector(".dxmap-page") || {}).lang || "vi";
        var date = new Date().toLocaleDateString(lang === "en" ? "en-GB" : "vi-VN");
        ctx.fillText(date + " · " + window.location.href, pad, y);
        ctx.font = "11px " + FONT;
        ctx.fillStyle = "#5b6470";
        sources.forEach(function (line) { y += 14; ctx.fillText(line, pad, y); });
        return canvas;
    }

    function fileName() {
        var params = new URLSearchParams(window.location.search);
        var parts = ["dxmap", params.get("indicator"), params.get("unit") || "area", params.get("period")];
        return parts.filter(Boolean).join("_").replace(/[^A-Za-z0-9_.-]/g, "-") + ".png";
    }

    function downloadPng() {
        var canvas = mapCanvas();
        if (!canvas) { return; }
        canvas.toBlob(function (blob) {
            if (!blob) { return; }
            var url = URL.createObjectURL(blob);
            var link = document.createElement("a");
            link.href = url;
            link.download = fileName();
            document.body.appendChild(link);
            link.click();
            link.remove();
            window.setTimeout(function () { URL.revokeObjectURL(url); }, 10000);
        }, "image/png");
    }

    /* The brief is printed only when it was made for the view on screen; otherwise the print
     * stylesheet prints the page itself (map, legend, detail). */
    var briefUrl = null; // the view the brief on the page was made for

    function briefIsFresh() {
        return Boolean(byId("print-brief-map")) && briefUrl === window.location.href;
    }

    function drawBriefMap() {
        var slot = byId("print-brief-map");
        if (!slot) { return; }
        slot.replaceChildren();
        var canvas = mapCanvas();
        if (canvas) { canvas.className = "dxmap-brief-canvas"; slot.appendChild(canvas); }
    }

    /* Put the map's picture into the print brief, then open the browser's print dialog. */
    function printBrief() {
        briefUrl = window.location.href;
        drawBriefMap();
        document.documentElement.classList.add("dxmap-print-brief");
        window.print();
    }

    window.addEventListener("beforeprint", function () {
        var fresh = briefIsFresh();
        if (fresh && !document.documentElement.classList.contains("dxmap-print-brief")) {
            drawBriefMap();
        }
        document.documentElement.classList.toggle("dxmap-print-brief", fresh);
    });
    window.addEventListener("afterprint", function () {
        document.documentElement.classList.remove("dxmap-print-brief");
    });

    window.dxmapUi = { mapCanvas: mapCanvas, downloadPng: downloadPng, printBrief: printBrief };

    window.dash_clientside = Object.assign({}, window.dash_clientside, {
        dxmapUi: {
            /* The brief arrived from the server: draw the map into it and print. */
            briefReady: function (stamp) {
                if (stamp) { window.setTimeout(printBrief, 200); }
                return window.dash_clientside.no_update;
            },
        },
    });
})();
