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
