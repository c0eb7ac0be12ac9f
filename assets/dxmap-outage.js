/*
 * dxmap: the database-outage banner (app/web/outage.py).
 *
 * Watches the page's requests to the server (Dash callbacks, geometry, API): a 503 whose JSON
 * says `outage` puts a banner over the map (the map and the analysis are hidden, so nothing
 * stale is shown) in the language of the view, then asks the health route every few seconds;
 * when the database answers again, the page reloads the same view (the URL holds it all).
 * Texts come from the server's answer and go into the DOM through textContent.
 */
(function () {
    "use strict";

    var POLL_MS = 3000;
    var originalFetch = window.fetch.bind(window);
    var polling = null;

    function lang() {
        var wanted = new URLSearchParams(window.location.search).get("lang");
        return wanted === "en" ? "en" : "vi";
    }

    function healthUrl() {
        var config = document.getElementById("_dash-config");
        var prefix = "/";
        try {
            prefix = JSON.parse(config.textContent).requests_pathname_prefix || "/";
        } catch (e) {
            prefix = "/";
        }
        return prefix + "_dxmap/health";
    }

    function banner() {
        var box = document.getElementById("dxmap-outage");
        if (!box) {
            box = document.createElement("div");
            box.id = "dxmap-outage";
            box.className = "dxmap-outage-banner";
            box.setAttribute("role", "alert");
            document.body.appendChild(box);
        }
        return box;
    }

    function showOutage(error) {
        var box = banner();
        box.textContent = error["message_" + lang()] || error.message || "";
        box.hidden = false;
        document.documentElement.classList.add("dxmap-outage");
        if (polling === null) {
            polling = window.setInterval(checkHealth, POLL_MS);
        }
    }

    function checkHealth() {
        originalFetch(healthUrl(), {cache: "no-store", credentials: "same-origin"})
            .then(function (response) {
                if (response.ok) {
                    window.clearInterval(polling);
                    polling = null;
                    window.location.reload();
                }
            })
            .catch(function () {
                return null; // the server itself is away: keep asking
            });
    }

    window.fetch = function () {
        return originalFetch.apply(null, arguments).then(function (response) {
            if (response.status === 503) {
                response
                    .clone()
                    .json()
                    .then(function (body) {
                        if (body && body.error && body.error.outage) {
                            showOutage(body.error);
                        }
                    })
                    .catch(function () {
                        return null;
                    });
            }
            return response;
        });
    };

    window.dxmapOutage = {active: function () { return polling !== null; }};
})();
