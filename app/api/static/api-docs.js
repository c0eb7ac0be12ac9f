/* Start Swagger UI on /api/v1/docs (a file, not an inline script: the page keeps a strict CSP). */
window.addEventListener("load", function () {
    var root = document.getElementById("swagger-ui");
    if (!root || !window.SwaggerUIBundle) { return; }
    window.SwaggerUIBundle({
        url: root.getAttribute("data-spec"),
        dom_id: "#swagger-ui",
        deepLinking: true,
        defaultModelsExpandDepth: 0,
        tryItOutEnabled: true,
    });
});
