/*
 * plotly.js (1.4 MB gzip) is fetched when a chart is first shown, not with the map.
 *
 * The ranking and the trend chart (dcc.Graph) sit in hidden tabs. A dcc.Graph waits for
 * `Promise.resolve(window.Plotly || <load the script>)` when it mounts, so on page load every
 * Graph of every tab fetched and parsed plotly.js while the map was waiting for its geometry.
 * Here `window.Plotly` is a thenable until a chart's tab is opened (`dxmapPlotly.open()`, called
 * by the tab switch in dxmap.js): only then is the script loaded, and plotly.js replaces
 * `window.Plotly` with itself. Five seconds after the map has drawn (`dxmapPlotly.drawn()`,
 * from dxmap.js), when the page is idle, the script is fetched into the cache with a prefetch
 * link (no parsing), so the first chart does not wait for the download.
 */
(function () {
    "use strict";
    if (window.Plotly) {
        return;
    }
    var release;
    var opened = new Promise(function (resolve) {
        release = resolve;
    });
    var loading = null;
    var PREFETCH_AFTER_MS = 5000; // measured: a prefetch right after the draw slowed a restyle

    function load() {
        if (!loading) {
            loading = new Promise(function (resolve, reject) {
                var script = document.createElement("script");
                script.src = window._dashPlotlyJSURL;
                script.async = true;
                script.onload = function () {
                    resolve();
                };
                script.onerror = reject;
                document.body.appendChild(script);
            });
        }
        return loading;
    }

    function prefetch() {
        if (loading || !window._dashPlotlyJSURL) {
            return;
        }
        var link = document.createElement("link");
        link.rel = "prefetch";
        link.as = "script";
        link.href = window._dashPlotlyJSURL;
        document.head.appendChild(link);
    }

    window.Plotly = {
        then: function (onLoaded, onFailed) {
            return opened.then(load).then(onLoaded, onFailed);
        },
    };
    var prefetching = false;
    window.dxmapPlotly = {
        open: function () {
            release();
        },
        drawn: function () { // the map has drawn its first shapes: fetch plotly.js when idle
            if (prefetching) {
                return;
            }
            prefetching = true;
            var idle = window.requestIdleCallback || function (f) {
                return window.setTimeout(f, 1);
            };
            window.setTimeout(function () { // not in the way of the first interactions
                idle(prefetch, {timeout: 5000});
            }, PREFETCH_AFTER_MS);
        },
    };
})();
