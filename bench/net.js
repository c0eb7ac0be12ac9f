/* Bench-only: counts the page's fetches (injected by the driver before the page's scripts). */
(function () {
    var original = window.fetch;
    var net = window.__net = {pending: 0, done: []};
    window.fetch = function (input) {
        var url = typeof input === "string" ? input : input.url;
        net.pending += 1;
        return original.apply(this, arguments).finally(function () {
            net.pending -= 1;
            net.done.push(url);
        });
    };
})();

/*
 * Bench-only: the page's own clock for "repainted". Every animation frame, the drawing's
 * signature (what bench/run.py signature() reads) is taken, and each new one is kept with the
 * frame's time, so a measurement ends at the first frame that showed the expected drawing,
 * not when the driver's next poll saw it. Clicks keep their event time, so a measurement
 * starts at the user's click, not before the driver's find-and-click round trip.
 */
(function () {
    var watch = window.__benchWatch; // [kind, selector or layer key], set by bench/run.py
    var frames = window.__frames = [];
    var clicks = window.__clicks = [];
    document.addEventListener("click", function (event) {
        clicks.push(event.timeStamp);
    }, true);
    if (!watch) {
        return;
    }
    function plot() {
        var gd = document.querySelector("#map .js-plotly-plot");
        if (!gd || !gd.data || !document.querySelector("#map canvas")) {
            return "0|";
        }
        var n = gd.data.reduce(function (s, t) { return s + (t.locations || []).length; }, 0);
        return n + "|" + gd.data.map(function (t) {
            return t.name + ":" + (t.locations || []).length;
        }).join(",");
    }
    function fills(selector) {
        var els = document.querySelectorAll(selector);
        var out = [];
        for (var i = 0; i < els.length; i++) {
            out.push(els[i].getAttribute("fill"));
        }
        return els.length + "|" + out.join(",");
    }
    function sig() {
        if (watch[0] === "plotly") {
            return plot();
        }
        if (watch[0] === "dxmap") {
            return window.dxmapProbe ? window.dxmapProbe.fills(watch[1]) : "0|";
        }
        return fills(watch[1]);
    }
    var last = null;
    function frame(time) {
        var now = sig();
        if (now !== last) {
            frames.push([time, now]);
            last = now;
        }
        window.requestAnimationFrame(frame);
    }
    window.requestAnimationFrame(frame);
})();

