/* The naive dash-leaflet peer's style: the colour travels inside each feature (bench/peers.py). */
window.peer = Object.assign({}, window.peer, {
    leaflet: {
        style: function (feature) {
            return {
                fillColor: feature.properties.color,
                fillOpacity: 0.85,
                color: "#4a4a4a",
                weight: 1,
                className: "peer-unit",
            };
        },
    },
});
