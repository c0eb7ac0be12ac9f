/*
 * dxmap's classification in the browser: the class breaks of quantiles, equal interval and
 * Fisher-Jenks exactly as geodata/analysis/classify.py computes them with mapclassify (checked on
 * the same values by tests/browser/test_classify_js.py), and "against target". A class change
 * then needs no server: the browser holds the level's values and classifies them itself.
 *
 * window.dxmapClassify.classify(values, scheme, k, met) -> {scheme, breaks, minimum, classes,
 * counts, noData}, as geodata.analysis.classify.classify returns it.
 */
(function () {
    "use strict";

    var SCHEMES = ["quantiles", "equal", "jenks", "target"];

    function isNumber(v) {
        return typeof v === "number" && isFinite(v);
    }

    // numpy.arange(start, stop, step): ceil((stop - start) / step) values start + i * step.
    function arange(start, stop, step) {
        var n = Math.max(0, Math.ceil((stop - start) / step));
        var out = [];
        for (var i = 0; i < n; i++) {
            out.push(start + i * step);
        }
        return out;
    }

    // scipy.stats.scoreatpercentile (linear interpolation between the closest ranks).
    function scoreAtPercentile(sorted, per) {
        var idx = (per / 100) * (sorted.length - 1);
        var i = Math.floor(idx);
        if (i === idx) {
            return sorted[i];
        }
        var a = sorted[i];
        var b = sorted[i + 1];
        return a + (b - a) * (idx - i);
    }

    function unique(sorted) {
        var out = [];
        for (var i = 0; i < sorted.length; i++) {
            if (i === 0 || sorted[i] !== sorted[i - 1]) {
                out.push(sorted[i]);
            }
        }
        return out;
    }

    // mapclassify.Quantiles: the values at 100/k, 200/k, ... 100 percent, each once.
    function quantiles(sorted, k) {
        var w = 100 / k;
        var p = arange(w, 100 + w, w);
        if (p[p.length - 1] > 100) {
            p[p.length - 1] = 100;
        }
        return unique(
            p.map(function (pct) { return scoreAtPercentile(sorted, pct); })
                .sort(function (a, b) { return a - b; })
        );
    }

    // mapclassify.EqualInterval: k bins of equal width, the last ending at the maximum.
    function equalInterval(sorted, k) {
        var min = sorted[0];
        var max = sorted[sorted.length - 1];
        var width = (max - min) / k;
        var cuts = arange(min + width, max + width, width);
        if (cuts.length > k) {
            cuts = cuts.slice(0, k);
        }
        cuts[cuts.length - 1] = max;
        return cuts;
    }

    // Fisher-Jenks: the optimal partition into k classes (least squared deviation), that is
    // one-dimensional optimal k-means (simple-statistics' ckmeans, dxmap-1-ckmeans.js); the
    // bounds are each class's largest value, as mapclassify.FisherJenks gives them.
    function jenks(sorted, k) {
        return window.dxmapCkmeans(sorted, k).map(function (cluster) {
            return cluster[cluster.length - 1];
        });
    }

    // geodata.analysis.classify._breaks: no more distinct values than classes: each value is
    // its own class; else the scheme's bounds, each once, the last at least the maximum.
    function breaks(scheme, sorted, k) {
        var distinct = unique(sorted);
        if (distinct.length <= k) {
            return distinct;
        }
        var bins;
        if (scheme === "quantiles") {
            bins = quantiles(sorted, k);
        } else if (scheme === "equal") {
            bins = equalInterval(sorted, k);
        } else if (scheme === "jenks") {
            bins = jenks(sorted, k);
        } else {
            throw new Error("unknown scheme " + scheme);
        }
        var out = [];
        bins.forEach(function (bound) {
            if (!out.length || bound > out[out.length - 1]) {
                out.push(bound);
            }
        });
        out[out.length - 1] = Math.max(out[out.length - 1], distinct[distinct.length - 1]);
        return out;
    }

    // The first class whose upper bound the value does not exceed (numpy.searchsorted, left).
    function classOf(value, bounds) {
        if (!isNumber(value) || !bounds.length) {
            return null;
        }
        var lo = 0;
        var hi = bounds.length;
        while (lo < hi) {
            var mid = (lo + hi) >> 1;
            if (bounds[mid] < value) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return Math.min(lo, bounds.length - 1);
    }

    function classify(values, scheme, k, met) {
        if (SCHEMES.indexOf(scheme) < 0) {
            throw new Error("unknown scheme " + scheme);
        }
        k = k || 5;
        var codes = Object.keys(values);
        var classes = {};
        if (scheme === "target") {
            var verdicts = met || {};
            var counts = [0, 0];
            var none = 0;
            codes.forEach(function (code) {
                var verdict = verdicts[code];
                if (verdict === null || verdict === undefined || !isNumber(values[code])) {
                    classes[code] = null;
                    none++;
                } else {
                    classes[code] = verdict ? 1 : 0;
                    counts[classes[code]]++;
                }
            });
            return { scheme: scheme, breaks: [], minimum: null, classes: classes, counts: counts, noData: none };
        }
        var numbers = codes.map(function (c) { return values[c]; }).filter(isNumber);
        if (!numbers.length) {
            codes.forEach(function (code) { classes[code] = null; });
            return { scheme: scheme, breaks: [], minimum: null, classes: classes, counts: [], noData: codes.length };
        }
        var sorted = numbers.slice().sort(function (a, b) { return a - b; });
        var bounds = breaks(scheme, sorted, k);
        var tally = bounds.map(function () { return 0; });
        var missing = 0;
        codes.forEach(function (code) {
            var c = classOf(values[code], bounds);
            classes[code] = c;
            if (c === null) {
                missing++;
            } else {
                tally[c]++;
            }
        });
        return {
            scheme: scheme,
            breaks: bounds,
            minimum: sorted[0],
            classes: classes,
            counts: tally,
            noData: missing,
        };
    }

    window.dxmapClassify = { classify: classify, breaks: breaks, classOf: classOf, SCHEMES: SCHEMES };
})();
