/*
 * dxmap lazy grid: dash-ag-grid's script (345 kB gzip, and its 244 kB grid chunk) is loaded when
 * the gap register's tab is first opened, not with the page: the first choropleth does not wait
 * for a grid nobody has asked for yet.
 *
 * layers/lazy_grid.py marks dash-ag-grid's bundle dynamic (Dash serves it, the page does not
 * load it) and puts `dxmapGrid.LazyAgGrid` in the layout with AgGrid's props and id. Until the
 * script is there it draws an empty box; then it draws dash-ag-grid's own AgGrid with the same
 * props (setProps included), so callbacks see the grid they always saw.
 * `dxmapGrid.open()` is called by the tab switch (assets/dxmap.js selectTab).
 */
(function () {
    "use strict";

    var SCRIPT = "_dash-component-suites/dash_ag_grid/dash_ag_grid.min.js";
    var loading = null;
    var waiting = new Set();

    function loaded() {
        return Boolean(window.dash_ag_grid && window.dash_ag_grid.AgGrid);
    }

    function prefix() {
        var config = document.getElementById("_dash-config");
        try {
            return JSON.parse(config.textContent).requests_pathname_prefix || "/";
        } catch (error) {
            return "/";
        }
    }

    function load() {
        if (loaded()) {
            return Promise.resolve();
        }
        if (!loading) {
            loading = new Promise(function (resolve, reject) {
                var script = document.createElement("script");
                script.src = prefix() + SCRIPT;
                script.onload = function () {
                    resolve();
                };
                script.onerror = function () {
                    loading = null; // the next opening tries again
                    reject(new Error(script.src + ": not loaded"));
                };
                document.head.appendChild(script);
            });
        }
        return loading.then(function () {
            waiting.forEach(function (draw) {
                draw();
            });
        });
    }

    function LazyAgGrid(props) {
        var React = window.React;
        var state = React.useState(loaded());
        var ready = state[0];
        var setReady = state[1];
        React.useEffect(function () {
            if (ready) {
                return undefined;
            }
            var draw = function () {
                setReady(true);
            };
            waiting.add(draw);
            if (loaded() || (props.rowData && props.rowData.length)) { // rows came: it is shown
                load();
            }
            return function () {
                waiting.delete(draw);
            };
        }, [ready, props.rowData]);
        if (!ready) {
            return React.createElement("div", {
                id: props.id,
                className: props.className,
                style: props.style,
                "aria-busy": "true",
            });
        }
        return React.createElement(window.dash_ag_grid.AgGrid, props);
    }

    window.dxmapGrid = {
        LazyAgGrid: LazyAgGrid,
        open: function () {
            return load();
        },
    };
})();
